"""Route-walker samples for single sign-on: school A's connection (its sign-in address is
public, so the slug is not owned) and school A's id for the settings page (owned: another
school's admin gets a 404).

The connection's provider metadata is put in the discovery cache, so the walkers' requests to
/sign-in/school/<slug>/start build the provider's address without reaching any network."""

from tests.walker import Sample

TENANT = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
ISSUER = f"https://login.microsoftonline.com/{TENANT}/v2.0"


def connection_for(school, *, enabled: bool = True, slug: str = "school-a"):
    """School A's Microsoft connection (made once), its metadata in the discovery cache."""
    from app.auth import oidc
    from app.models import db
    from app.models.base import utcnow
    from app.models.sso import SsoConnection
    from app.services.accounts.sso import connection_for_school

    connection = connection_for_school(db.session, school.id)
    if connection is None:
        connection = SsoConnection(
            school_id=school.id, slug=slug, provider="microsoft", provider_name="Microsoft",
            tenant_id=TENANT, issuer=ISSUER, client_id="walker-client",
            allowed_domains=" a.example ", enabled=enabled, password_sign_in=True,
            create_accounts=False, default_role="teacher", idp_enforces_mfa=False,
            updated_at=utcnow(),
        )  # fmt: skip
        db.session.add(connection)
        db.session.commit()
    base = f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0"
    oidc.remember_metadata(
        oidc.ProviderMetadata(
            issuer=ISSUER,
            authorization_endpoint=f"{base}/authorize",
            token_endpoint=f"{base}/token",
            jwks_uri=f"https://login.microsoftonline.com/{TENANT}/discovery/v2.0/keys",
            algorithms=("RS256",),
            auth_methods=("client_secret_post", "client_secret_basic"),
            prompts=None,
        )
    )
    return connection


SAMPLES = {
    "school_slug": Sample(lambda world: connection_for(world.school_a).slug, owned=False),
    "school_id": Sample(lambda world: world.school_a.id, owned=True),
}

PUBLIC_ENDPOINTS = {
    "auth.find_school",
    "auth.school_sign_in",
    "auth.sso_start",
    "auth.sso_callback",
}
