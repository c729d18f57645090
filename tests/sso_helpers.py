"""Builders for the single sign-on tests: a school's connection to the local OpenID Connect
provider (tests/oidc), and one trip through it from the app's start address to the callback."""

from flask import current_app

from app.models import db
from app.models.base import utcnow
from app.models.sso import SsoConnection
from app.util.encryption import encrypt
from tests.oidc.harness import TENANT, LocalProvider, ProviderVisitor

APP_BASE_URL = "http://localhost"  # TestingConfig.PUBLIC_BASE_URL
NAMES = {"microsoft": "Microsoft", "google": "Google", "other": "Local IdP"}


def connect(
    school,
    provider: LocalProvider,
    *,
    client_id: str = "school-app",
    kind: str = "other",
    domains: str = "a.example",
    slug: str | None = None,
    store_secret: bool = True,
    **flags,
) -> SsoConnection:
    """School's connection to the local provider (replacing any it had), switched on."""
    existing = db.session.execute(
        db.select(SsoConnection).where(SsoConnection.school_id == school.id)
    ).scalar_one_or_none()
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()
    secret = provider.secret(client_id)
    values = {
        "enabled": True, "password_sign_in": True, "create_accounts": False,
        "default_role": "teacher", "idp_enforces_mfa": False, **flags,
    }  # fmt: skip
    connection = SsoConnection(
        school_id=school.id,
        slug=slug or f"school-{school.id}",
        provider=kind,
        provider_name=NAMES[kind],
        tenant_id=TENANT if kind == "microsoft" else None,
        issuer=provider.issuer,
        client_id=client_id,
        client_secret_encrypted=encrypt(secret, current_app.config["DATA_ENCRYPTION_KEY"])
        if store_secret
        else None,
        allowed_domains=" " + " ".join(domains.split()) + " ",
        updated_at=utcnow(),
        **values,
    )
    db.session.add(connection)
    db.session.commit()
    return connection


def provider_round_trip(client, connection: SsoConnection, account: str, query: str = ""):
    """Start at the app, sign in at the provider as `account`, and return the callback's
    address (path and query) without opening it."""
    start = client.get(f"/sign-in/school/{connection.slug}/start{query}")
    assert start.status_code == 302, start.get_data(as_text=True)[:500]
    back = ProviderVisitor(APP_BASE_URL).sign_in(start.headers["Location"], account)
    return back.removeprefix(APP_BASE_URL)


def sign_in_with_provider(client, connection: SsoConnection, account: str, query: str = ""):
    """The whole trip: the app's answer to the callback."""
    return client.get(provider_round_trip(client, connection, account, query))
