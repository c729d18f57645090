"""A school's single sign-on settings: the rules for what an admin may save (the address, the
provider's tenant or issuer, the client, the domains, passwords off only once they have signed
in with the provider themselves), saving them, and turning passwords back on from the command
line (the break-glass path). No Flask imports; the caller encrypts the secret, audits, commits.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Role, User
from app.models.sso import SsoConnection, SsoIdentity, SsoProvider
from app.services.accounts.sso import (
    AUTO_ROLES,
    DOMAIN,
    GOOGLE_ISSUER,
    MICROSOFT_ISSUER,
    SLUG,
    TENANT_ID,
)
from app.util.i18n import _

MAX_DOMAINS = 20


@dataclass(frozen=True)
class ConnectionSettings:
    """What the admin chose on the single sign-on settings page."""

    provider: str
    slug: str
    client_id: str
    allowed_domains: str
    tenant_id: str = ""
    issuer: str = ""  # typed only for another provider
    provider_name: str = ""  # typed only for another provider
    enabled: bool = False
    password_sign_in: bool = True
    create_accounts: bool = False
    default_role: str = Role.TEACHER.value
    idp_enforces_mfa: bool = False


def secret_variable(slug: str) -> str:
    """The environment variable that can hold this connection's client secret."""
    return "OIDC_" + slug.upper().replace("-", "_") + "_CLIENT_SECRET"


def suggested_slug(school_name: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", school_name.lower()).strip("-")
    return (words[:40].rstrip("-") or "school").ljust(3, "0")


def parse_domains(text: str) -> tuple[list[str], list[str]]:
    """(domains, problems) from what the admin typed: separated by spaces, commas or new
    lines, an optional leading @ dropped, lower-cased, each listed once."""
    domains: list[str] = []
    problems: list[str] = []
    for raw in re.split(r"[\s,;]+", text.strip().lower()):
        domain = raw.removeprefix("@").rstrip(".")
        if not domain or domain in domains:
            continue
        if DOMAIN.fullmatch(domain):
            domains.append(domain)
        else:
            problems.append(
                _("%(domain)s is not an email domain: write it like school.sch.uk", domain=raw[:60])
            )
    if not domains and not problems:
        problems.append(_("Enter at least one email domain, like school.sch.uk"))
    if len(domains) > MAX_DOMAINS:
        problems.append(_("Enter %(max)d email domains or fewer", max=MAX_DOMAINS))
    return domains, problems


def issuer_problem(issuer: str, *, allow_http_loopback: bool) -> str | None:
    """Why `issuer` cannot be an identity provider's issuer, or None."""
    if len(issuer) > 300:
        return _("The issuer must be 300 characters or fewer")
    match = re.fullmatch(r"(https?)://([^/?#\s]+)(/[^?#\s]*)?", issuer)
    if not match:
        return _("Enter the issuer as a web address, like https://idp.example.org")
    scheme, host = match.group(1), match.group(2).lower()
    loopback = host.split(":")[0] in ("127.0.0.1", "localhost") or host.startswith("[::1]")
    if scheme == "http" and not (allow_http_loopback and loopback):
        return _("The issuer must start with https://")
    return None


def issuer_for(settings: ConnectionSettings) -> str:
    if settings.provider == SsoProvider.MICROSOFT:
        return MICROSOFT_ISSUER.format(tenant=settings.tenant_id.strip().lower())
    if settings.provider == SsoProvider.GOOGLE:
        return GOOGLE_ISSUER
    # Exactly as typed: the token's `iss` must match it character for character.
    return settings.issuer.strip()


def _provider_name(settings: ConnectionSettings) -> str:
    if settings.provider == SsoProvider.MICROSOFT:
        return "Microsoft"
    if settings.provider == SsoProvider.GOOGLE:
        return "Google"
    return settings.provider_name.strip()


def settings_problems(
    session: Session,
    school_id: int,
    settings: ConnectionSettings,
    *,
    has_secret: bool,
    acting_user: User,
    allow_http_loopback: bool,
) -> dict[str, list[str]]:
    """Every rule the settings break, by field name (empty when they can be saved)."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if settings.provider not in set(SsoProvider):
        add("provider", _("Choose your identity provider"))
    if not SLUG.fullmatch(settings.slug):
        add(
            "slug",
            _("The sign-in address must be 3 to 40 lower-case letters, digits and hyphens"),
        )
    else:
        taken = select(SsoConnection.id).where(
            SsoConnection.slug == settings.slug, SsoConnection.school_id != school_id
        )
        if session.execute(taken).first():
            add("slug", _("Another school uses this sign-in address: choose another"))
    if settings.provider == SsoProvider.MICROSOFT and not TENANT_ID.fullmatch(
        settings.tenant_id.strip().lower()
    ):
        add(
            "tenant_id",
            _(
                "Enter the directory (tenant) ID, 32 letters and digits in five groups like "
                "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
            ),
        )
    if settings.provider == SsoProvider.OTHER:
        if problem := issuer_problem(issuer_for(settings), allow_http_loopback=allow_http_loopback):
            add("issuer", problem)
        if not settings.provider_name.strip():
            add("provider_name", _("Enter the provider's name, for the sign-in button"))
    if not settings.client_id.strip():
        add("client_id", _("Enter the client ID from your app registration"))
    for problem in parse_domains(settings.allowed_domains)[1]:
        add("allowed_domains", problem)
    if settings.default_role not in {role.value for role in AUTO_ROLES}:
        add(
            "default_role",
            _("Choose teacher, business manager or DPO: new accounts never get admin"),
        )
    if settings.enabled and not has_secret:
        add(
            "client_secret",
            _("Enter the client secret (or set it on the server) before turning sign-in on"),
        )
    if not settings.password_sign_in:
        if not settings.enabled:
            add(
                "password_sign_in",
                _("Turn on sign-in with your provider before turning passwords off"),
            )
        elif acting_user.school_id == school_id and not _has_signed_in_with(
            session, acting_user, issuer_for(settings)
        ):
            add(
                "password_sign_in",
                _(
                    "Sign in with your provider yourself first (use Try it below), so you know "
                    "you can still get in when passwords are off"
                ),
            )
    return problems


def _has_signed_in_with(session: Session, user: User, issuer: str) -> bool:
    stmt = select(SsoIdentity.id).where(
        SsoIdentity.user_id == user.id, SsoIdentity.issuer == issuer
    )
    return session.execute(stmt).first() is not None


def save_connection(
    session: Session,
    school_id: int,
    connection: SsoConnection | None,
    settings: ConnectionSettings,
    *,
    encrypted_secret: str | None,
    now: datetime,
) -> tuple[SsoConnection, list[str]]:
    """Create or update the school's connection (the caller checked `settings_problems`).
    `encrypted_secret` replaces the stored secret when given. Returns the connection and the
    names of the settings that changed, for the audit log (never the secret itself)."""
    domains, _ = parse_domains(settings.allowed_domains)
    values = {
        "provider": settings.provider,
        "provider_name": _provider_name(settings),
        "tenant_id": settings.tenant_id.strip().lower()
        if settings.provider == SsoProvider.MICROSOFT
        else None,
        "issuer": issuer_for(settings),
        "client_id": settings.client_id.strip(),
        "slug": settings.slug,
        "allowed_domains": " " + " ".join(domains) + " ",
        "enabled": settings.enabled,
        "password_sign_in": settings.password_sign_in or not settings.enabled,
        "create_accounts": settings.create_accounts,
        "default_role": settings.default_role,
        "idp_enforces_mfa": settings.idp_enforces_mfa,
    }
    if connection is None:
        connection = SsoConnection(school_id=school_id)
        session.add(connection)
    changed = [key for key, value in values.items() if getattr(connection, key) != value]
    for key, value in values.items():
        setattr(connection, key, value)
    if encrypted_secret is not None:
        connection.client_secret_encrypted = encrypted_secret
        changed.append("client_secret")
    connection.updated_at = now
    session.flush()
    return connection, changed


def allow_passwords(connection: SsoConnection, now: datetime) -> bool:
    """Turn password sign-in back on (the break-glass path); False if it was already on."""
    if connection.password_sign_in:
        return False
    connection.password_sign_in = True
    connection.updated_at = now
    return True
