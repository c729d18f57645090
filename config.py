"""Configuration classes, read from environment variables.

`create_app()` picks one by name (`FLASK_CONFIG` or the argument): development, testing, production.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SQLITE_URL = f"sqlite:///{BASE_DIR / 'instance' / 'app.db'}"


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SERVICE_NAME = "Privacy Toolkit for Schools"
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-secret-key-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", DEFAULT_SQLITE_URL)
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Uploads are small CSV files, so 2 MB is plenty; the pages that take a policy PDF or an
    # evidence file raise the limit for their own requests (to POLICY_PDF_MAX_MB and
    # EVIDENCE_MAX_BYTES).
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 2 * 1024 * 1024))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 8  # one school day

    WTF_CSRF_TIME_LIMIT = 60 * 60 * 8

    # Redis is optional: rate-limit counters, the job queue and the compliance-tally cache use it
    # when set (several processes or hosts). Without it the counters live in the app's own
    # database, which every worker and host shares (app/rate_limits.py): per-process memory
    # would let each worker count on its own.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    RATELIMIT_STORAGE_URI = REDIS_URL or "app-database://"
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    SIGN_IN_LIMIT_PER_ACCOUNT = os.environ.get("SIGN_IN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
    SIGN_IN_LIMIT_PER_IP = os.environ.get("SIGN_IN_LIMIT_PER_IP", "30 per 15 minutes")
    VERIFY_LIMIT_PER_IP = os.environ.get("VERIFY_LIMIT_PER_IP", "30 per minute")

    # argon2id cost; the defaults follow the argon2-cffi RFC 9106 low-memory profile.
    ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST", 3))
    ARGON2_MEMORY_COST = int(os.environ.get("ARGON2_MEMORY_COST", 65536))

    INVITATION_MAX_AGE_HOURS = int(os.environ.get("INVITATION_MAX_AGE_HOURS", 72))
    # A supplier's response link (no account): how long it works, and how often one address
    # may use supplier links.
    SUPPLIER_LINK_MAX_AGE_DAYS = int(os.environ.get("SUPPLIER_LINK_MAX_AGE_DAYS", 30))
    SUPPLIER_LINK_LIMIT_PER_IP = os.environ.get("SUPPLIER_LINK_LIMIT_PER_IP", "120 per minute")
    # Evidence files (PDF, PNG, JPEG, DOCX, XLSX, ODT), kept outside static/ under random names.
    # With several web hosts, point EVIDENCE_DIR at storage they share.
    EVIDENCE_DIR = Path(os.environ.get("EVIDENCE_DIR", BASE_DIR / "instance" / "evidence"))
    EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))
    PASSWORD_RESET_MAX_AGE_MINUTES = int(os.environ.get("PASSWORD_RESET_MAX_AGE_MINUTES", 60))
    # Every answer to a reset request takes at least this long, whether or not an email is sent,
    # so the time does not tell which addresses have an account. Set it above the time your mail
    # server takes to accept a message.
    PASSWORD_RESET_MIN_SECONDS = float(os.environ.get("PASSWORD_RESET_MIN_SECONDS", 0.75))

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 587))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "no-reply@privacy-toolkit.invalid")

    # The public address links in emails and PDFs are built from. Never taken from a request's
    # Host header (a forged header would otherwise put an attacker's site in a reset email).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")

    # Single sign-on with the school's Microsoft Entra ID or Google Workspace (OpenID Connect).
    # Client secrets typed on the settings page are stored encrypted with this key: one or more
    # Fernet keys, comma-separated, the first encrypting (`python3 -c "from cryptography.fernet
    # import Fernet; print(Fernet.generate_key().decode())"`). Never derived from SECRET_KEY.
    # Unset: secrets come only from OIDC_<SCHOOL-SLUG>_CLIENT_SECRET environment variables.
    DATA_ENCRYPTION_KEY = os.environ.get("DATA_ENCRYPTION_KEY", "")
    # Seconds of clock difference allowed when checking an ID token's exp, iat and nbf.
    OIDC_CLOCK_SKEW_SECONDS = int(os.environ.get("OIDC_CLOCK_SKEW_SECONDS", 60))
    # How long a sign-in may take at the identity provider, from leaving to coming back.
    OIDC_SIGN_IN_MAX_MINUTES = int(os.environ.get("OIDC_SIGN_IN_MAX_MINUTES", 10))
    OIDC_HTTP_TIMEOUT_SECONDS = float(os.environ.get("OIDC_HTTP_TIMEOUT_SECONDS", 10))
    # Identity providers must be https; this also allows http://127.0.0.1 and http://localhost
    # (the tests' local provider, or trying one out on a laptop). Never in production.
    OIDC_ALLOW_HTTP_LOOPBACK = _env_bool("OIDC_ALLOW_HTTP_LOOPBACK")
    SSO_CALLBACK_LIMIT_PER_IP = os.environ.get("SSO_CALLBACK_LIMIT_PER_IP", "30 per 15 minutes")

    MODULES_DIR = Path(os.environ.get("MODULES_DIR", BASE_DIR / "modules"))
    CHECKLISTS_DIR = Path(os.environ.get("CHECKLISTS_DIR", BASE_DIR / "checklists"))
    FAMILIES_DIR = Path(os.environ.get("FAMILIES_DIR", BASE_DIR / "families"))
    PDF_CACHE_DIR = Path(os.environ.get("PDF_CACHE_DIR", BASE_DIR / "instance" / "pdf-cache"))
    # School policy PDFs, outside static/ (served only to the school's staff). With several
    # web hosts, point this at storage they share.
    POLICY_FILES_DIR = Path(
        os.environ.get("POLICY_FILES_DIR", BASE_DIR / "instance" / "policy-files")
    )
    POLICY_PDF_MAX_MB = int(os.environ.get("POLICY_PDF_MAX_MB", 10))

    # The background job queue (app/jobs.py): Huey on Redis when REDIS_URL is set, else on this
    # SQLite file (empty: instance/jobs.db). JOBS_IMMEDIATE runs jobs in the calling process
    # (tests only). PDF_PRERENDER renders a PDF as soon as its data changes; draft reports wait
    # PDF_DRAFT_RENDER_DELAY seconds so a run of saves ends in one render.
    JOBS_SQLITE_PATH = os.environ.get("JOBS_SQLITE_PATH", "")
    JOBS_IMMEDIATE = _env_bool("JOBS_IMMEDIATE")
    JOBS_WORKERS = int(os.environ.get("JOBS_WORKERS", 1))
    PDF_PRERENDER = _env_bool("PDF_PRERENDER", True)
    PDF_DRAFT_RENDER_DELAY = int(os.environ.get("PDF_DRAFT_RENDER_DELAY", 20))


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = False
    SHOW_OUTBOX = True


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105 (tests only)
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    SHOW_OUTBOX = True
    RATELIMIT_STORAGE_URI = "memory://"
    REDIS_URL = ""
    # Jobs run as they are queued; PDFs are rendered when a page asks for one, not on every
    # certificate and decision (a test that checks pre-rendering turns PDF_PRERENDER on).
    JOBS_IMMEDIATE = True
    PDF_PRERENDER = False
    PUBLIC_BASE_URL = "http://localhost"
    PASSWORD_RESET_MIN_SECONDS = 0.0  # the timing test sets its own
    # A fixed key for the tests only (a Fernet key is 32 random bytes, base64-encoded).
    DATA_ENCRYPTION_KEY = "dGVzdHMtb25seS1ub3QtYS1yZWFsLWtleS0xMjM0NTY="  # noqa: S105
    OIDC_ALLOW_HTTP_LOOPBACK = True
    # Cheap hashes keep the suite fast; production keeps the strong defaults above.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024


class ProductionConfig(Config):
    ENV_NAME = "production"
    SHOW_OUTBOX = False
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")

    @staticmethod
    def check(config: dict) -> None:
        """Refuse to start with settings that are only safe on a developer's laptop."""
        if not os.environ.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in production.")
        # Read again here: the class attribute was read when config.py was first imported.
        config["PUBLIC_BASE_URL"] = config["PUBLIC_BASE_URL"] or os.environ.get(
            "PUBLIC_BASE_URL", ""
        )
        if not config["PUBLIC_BASE_URL"].startswith(("https://", "http://")):
            raise RuntimeError(
                "PUBLIC_BASE_URL must be set in production (the https address staff use, "
                "e.g. https://privacy.trust.example): links in emails are built from it."
            )
        if config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
            raise RuntimeError(
                "Rate limits must not be counted in process memory in production: each worker "
                "would count failed sign-ins on its own. Set REDIS_URL, or leave it unset to "
                "count them in the database."
            )
        if config["OIDC_ALLOW_HTTP_LOOPBACK"]:
            raise RuntimeError(
                "OIDC_ALLOW_HTTP_LOOPBACK is for tests and laptops: identity providers in "
                "production must be https. Unset it."
            )
        if config["DATA_ENCRYPTION_KEY"]:
            from app.util.encryption import check_keys

            check_keys(config["DATA_ENCRYPTION_KEY"])
        default_db = config["SQLALCHEMY_DATABASE_URI"] == DEFAULT_SQLITE_URL
        if default_db and not _env_bool("ALLOW_SQLITE_IN_PRODUCTION"):
            raise RuntimeError(
                "DATABASE_URL is not set: set it, or set ALLOW_SQLITE_IN_PRODUCTION=1 "
                "to use the embedded SQLite database on purpose."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
