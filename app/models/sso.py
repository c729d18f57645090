"""Single sign-on: a school's connection to its identity provider (Microsoft Entra ID, Google
Workspace or another OpenID Connect provider), the accounts linked to a person there, and the
sign-ins under way.

What is stored about a connection is what the school admin typed: the provider, the issuer, the
client id, the allowed email domains and the choices; the client secret only encrypted (or not
at all, when it comes from the server's environment). No token from the provider is kept.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Model, SchoolOwned, UTCDateTime, utcnow
from app.models.schools import School
from app.util.i18n import lazy_gettext


class SsoProvider(StrEnum):
    MICROSOFT = "microsoft"
    GOOGLE = "google"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(PROVIDER_LABELS[self])


PROVIDER_LABELS = {
    SsoProvider.MICROSOFT: lazy_gettext("Microsoft Entra ID (Microsoft 365)"),
    SsoProvider.GOOGLE: lazy_gettext("Google Workspace"),
    SsoProvider.OTHER: lazy_gettext("Another OpenID Connect provider"),
}


class SsoConnection(SchoolOwned, Model):
    """One school's identity provider. `slug` names the school in its sign-in address
    (/sign-in/school/<slug>) and in the environment variable that can hold the client secret
    (OIDC_<SLUG>_CLIENT_SECRET)."""

    __tablename__ = "sso_connection"
    __table_args__ = (UniqueConstraint("school_id"), UniqueConstraint("slug"))

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40))
    provider: Mapped[str] = mapped_column(String(20))
    # The button reads "Sign in with <name>": Microsoft, Google, or what the admin typed.
    provider_name: Mapped[str] = mapped_column(String(60))
    tenant_id: Mapped[str | None] = mapped_column(String(64))  # Microsoft only
    issuer: Mapped[str] = mapped_column(String(300))
    client_id: Mapped[str] = mapped_column(String(300))
    client_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    # Lower-case domains, each with a space either side (" a.sch.uk b.org "), so one LIKE
    # finds the connections of a domain.
    allowed_domains: Mapped[str] = mapped_column(String(1000))
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    password_sign_in: Mapped[bool] = mapped_column(Boolean, default=True)
    create_accounts: Mapped[bool] = mapped_column(Boolean, default=False)
    default_role: Mapped[str] = mapped_column(String(32), default="teacher")
    # The school's identity provider asks everyone for a second factor, so a sign-in through
    # it counts as two-step sign-in here (no authenticator code asked afterwards).
    idp_enforces_mfa: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    school: Mapped[School] = relationship()

    @property
    def domain_list(self) -> list[str]:
        return self.allowed_domains.split()


class SsoIdentity(Model):
    """A person at an identity provider (issuer + subject) linked to one account, at their
    first sign-in. Later sign-ins find the account by the subject, so a renamed address still
    works, and an address the school gives to someone new does not open the old account."""

    __tablename__ = "sso_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SsoSignInAttempt(Model):
    """A browser sent to the identity provider and not back yet. The browser's session holds
    the random `state`; this row holds its hash with the PKCE verifier and the nonce, and is
    used up atomically when the browser comes back, so a state works once."""

    __tablename__ = "sso_sign_in_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("sso_connection.id", ondelete="CASCADE"), index=True
    )
    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    code_verifier: Mapped[str] = mapped_column(String(128))
    next_target: Mapped[str] = mapped_column(String(2000), default="")
    # Set when a signed-in admin tries the connection from its settings page.
    tested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    connection: Mapped[SsoConnection] = relationship()
