"""Single sign-on rules: which school an address signs in through, the sign-ins under way
(state used once), whose email a provider's claims vouch for, which account (of that school
only) a sign-in opens, and when password sign-in is off. The settings rules are in
sso_settings.py; the OpenID Connect protocol itself (discovery, PKCE, the token and its
signature) in app/auth/oidc.py. No Flask imports; the caller audits and commits.

Whose email the claims vouch for, by provider (the README explains it to admins):
- Google Workspace: `email_verified` must be true and `hd` (the Workspace domain) present and
  one of the school's domains, so a personal Gmail account with the same address never counts.
- Microsoft Entra ID: the issuer is the school's own tenant (never /common), `tid` must be that
  tenant, and the `email` claim counts when `email_verified` is true or when the optional claim
  `xms_edov` is true (the tenant has verified the address's domain). Entra sends neither unless
  the app registration adds them, and never vouches for `preferred_username`, so that is unused.
- Another provider: `email_verified` must be true.
Then the address's domain must be one of the school's allowed domains.

Which account: the one already linked to this person (issuer + subject); else the school's
account with that address, which is then linked; else the school's open invitation for it,
accepted with its roles; else, when the school allows it, a new account with the default role.
An account of another school is never opened or created over.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.models import Role, User
from app.models.base import rows_matched
from app.models.sso import SsoConnection, SsoIdentity, SsoProvider, SsoSignInAttempt
from app.services.accounts.invitations import open_invitation
from app.services.accounts.staff import normalise_email
from app.util.i18n import LazyString, _, lazy_gettext

MICROSOFT_ISSUER = "https://login.microsoftonline.com/{tenant}/v2.0"
GOOGLE_ISSUER = "https://accounts.google.com"
# Roles an account made at first sign-in may get: never an admin role.
AUTO_ROLES = (Role.TEACHER, Role.BUSINESS_MANAGER, Role.DPO)

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{1,38})[a-z0-9]")
DOMAIN = re.compile(r"(?=.{3,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}")
TENANT_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class SsoRefused(Exception):
    """A sign-in refused. `reason` goes to the audit log; `message` is shown to the person."""

    def __init__(self, reason: str, message: str | LazyString, *, email: str | None = None) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message
        self.email = email


# --- finding connections ---------------------------------------------------------------


def connection_for_school(session: Session, school_id: int) -> SsoConnection | None:
    stmt = select(SsoConnection).where(SsoConnection.school_id == school_id)
    return session.execute(stmt).scalar_one_or_none()


def connection_by_slug(session: Session, slug: str) -> SsoConnection | None:
    if not SLUG.fullmatch(slug):
        return None
    stmt = select(SsoConnection).where(SsoConnection.slug == slug)
    return session.execute(stmt).scalar_one_or_none()


def email_domain(email: str) -> str:
    return normalise_email(email).rpartition("@")[2]


def connections_for_email(session: Session, email: str) -> list[SsoConnection]:
    """The switched-on connections whose schools list the address's domain, by school name."""
    domain = email_domain(email)
    if not DOMAIN.fullmatch(domain):
        return []
    stmt = (
        select(SsoConnection)
        .where(
            SsoConnection.enabled.is_(True),
            SsoConnection.allowed_domains.contains(f" {domain} ", autoescape=True),
        )
        .order_by(SsoConnection.slug)
    )
    return list(session.execute(stmt).scalars())


def password_off_connection(session: Session, school_id: int) -> SsoConnection | None:
    """The school's connection when it has turned password sign-in off, else None."""
    connection = connection_for_school(session, school_id)
    if connection is None or not connection.enabled or connection.password_sign_in:
        return None
    return connection


# --- sign-ins under way ----------------------------------------------------------------


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


@dataclass(frozen=True)
class NewAttempt:
    state: str
    nonce: str
    code_verifier: str


def begin_attempt(
    session: Session,
    connection: SsoConnection,
    *,
    next_target: str,
    tested_by: User | None,
    now: datetime,
) -> NewAttempt:
    """A fresh state, nonce and PKCE verifier for one trip to the provider; the caller keeps
    the state in the browser's session. Attempts older than a day are deleted on the way."""
    session.execute(
        delete(SsoSignInAttempt).where(SsoSignInAttempt.created_at < now - timedelta(days=1))
    )
    attempt = NewAttempt(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),  # 86 characters, within RFC 7636's 43-128
    )
    session.add(
        SsoSignInAttempt(
            connection_id=connection.id,
            state_hash=_hash(attempt.state),
            nonce=attempt.nonce,
            code_verifier=attempt.code_verifier,
            next_target=next_target if len(next_target) <= 2000 else "",
            tested_by_id=tested_by.id if tested_by else None,
            created_at=now,
        )
    )
    return attempt


def use_attempt(
    session: Session, state: str, *, now: datetime, max_age: timedelta
) -> SsoSignInAttempt:
    """The attempt `state` belongs to, used up atomically: a second use of the same state
    (a replayed or doubled callback) is refused, and so is one that took too long."""
    state_hash = _hash(state)
    used = rows_matched(
        session.execute(
            update(SsoSignInAttempt)
            .where(SsoSignInAttempt.state_hash == state_hash, SsoSignInAttempt.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
    )
    attempt = session.execute(
        select(SsoSignInAttempt).where(SsoSignInAttempt.state_hash == state_hash)
    ).scalar_one_or_none()
    if attempt is None:
        raise SsoRefused("state_unknown", START_AGAIN)
    if not used:
        raise SsoRefused("state_replayed", START_AGAIN)
    if attempt.created_at < now - max_age:
        raise SsoRefused(
            "state_expired",
            _("The sign-in took too long. Start again from the sign-in page."),
        )
    return attempt


START_AGAIN = lazy_gettext("Start again from the sign-in page.")


# --- claims and accounts ---------------------------------------------------------------


def _claim_true(claims: dict, name: str) -> bool:
    return claims.get(name) is True


def verified_email(connection: SsoConnection, claims: dict) -> str:
    """The email address the provider vouches for (see the module docstring), lower-cased and
    within the school's domains; SsoRefused otherwise."""
    raw = claims.get("email")
    if not isinstance(raw, str) or "@" not in raw or len(raw) > 254:
        raise SsoRefused(
            "email_missing",
            _(
                "%(provider)s did not send your email address, so we cannot tell "
                "which account is yours. Ask your school admin to check the connection settings.",
                provider=connection.provider_name,
            ),
        )
    email = normalise_email(raw)
    provider = connection.provider
    if provider == SsoProvider.MICROSOFT:
        if str(claims.get("tid", "")).lower() != (connection.tenant_id or ""):
            raise SsoRefused(
                "wrong_tenant",
                _(
                    "You signed in with a Microsoft account from another organisation. Sign in "
                    "with your school account."
                ),
                email=email,
            )
        verified = _claim_true(claims, "email_verified") or _claim_true(claims, "xms_edov")
    else:
        verified = _claim_true(claims, "email_verified")
    if not verified:
        raise SsoRefused(
            "email_not_verified",
            _(
                "%(provider)s has not confirmed that %(email)s is your address, so "
                "it cannot be used to sign in here. Ask your school admin.",
                provider=connection.provider_name,
                email=email,
            ),
            email=email,
        )
    domains = connection.domain_list
    if email_domain(email) not in domains:
        raise SsoRefused(
            "domain_not_allowed",
            _(
                "%(school)s signs in with addresses ending %(domains)s only, so %(email)s "
                "cannot be used.",
                school=connection.school.name,
                domains=_(" or ").join("@" + d for d in domains),
                email=email,
            ),
            email=email,
        )
    if provider == SsoProvider.GOOGLE and str(claims.get("hd", "")).lower() not in domains:
        raise SsoRefused(
            "not_workspace_account",
            _(
                "That is not a Google Workspace account of your school. Sign in with your "
                "school Google account."
            ),
            email=email,
        )
    return email


@dataclass(frozen=True)
class SignInMatch:
    user: User
    how: str  # linked, email, invitation, created


def _display_name(claims: dict, email: str) -> str:
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        given, family = claims.get("given_name"), claims.get("family_name")
        name = " ".join(part for part in (given, family) if isinstance(part, str) and part)
    name = " ".join(str(name).split())
    return (name or email.split("@")[0])[:120]


NO_ACCOUNT = lazy_gettext(
    "There is no account for %(email)s at %(school)s. Ask your school admin to invite you."
)
OTHER_SCHOOL = lazy_gettext(
    "Your account on this service belongs to another school. Sign in through that school's "
    "sign-in page, or ask your school admin."
)


def match_account(
    session: Session, connection: SsoConnection, claims: dict, *, now: datetime
) -> SignInMatch:
    """The account of the connection's school this sign-in opens (see the module docstring),
    linked to the provider's subject; SsoRefused when there is none it may open."""
    email = verified_email(connection, claims)
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise SsoRefused(
            "subject_missing",
            _("The sign-in could not be completed. Start again from the sign-in page."),
        )
    school_id = connection.school_id
    identity = session.execute(
        select(SsoIdentity).where(
            SsoIdentity.issuer == connection.issuer, SsoIdentity.subject == subject
        )
    ).scalar_one_or_none()
    how = "linked"
    user = session.get(User, identity.user_id) if identity else None
    if user is None:
        user, how = _find_or_make_account(session, connection, email, claims, now=now)
    if user.school_id != school_id:
        raise SsoRefused("other_school", OTHER_SCHOOL, email=email)
    if not user.active:
        raise SsoRefused(
            "account_deactivated",
            _("Your account has been deactivated. Ask your school admin if you need it again."),
            email=email,
        )
    if identity is None:
        linked_elsewhere = session.execute(
            select(SsoIdentity.id).where(
                SsoIdentity.user_id == user.id, SsoIdentity.issuer == connection.issuer
            )
        ).first()
        if linked_elsewhere:
            # The address now belongs to someone else at the provider (a leaver's address
            # given to a newcomer): the old account is not theirs.
            raise SsoRefused(
                "linked_to_another_person",
                _(
                    "The account for %(email)s is linked to a different %(provider)s "
                    "account. Ask your school admin.",
                    email=email,
                    provider=connection.provider_name,
                ),
                email=email,
            )
        identity = SsoIdentity(
            user_id=user.id, issuer=connection.issuer, subject=subject, created_at=now
        )
        session.add(identity)
    identity.last_used_at = now
    session.flush()
    return SignInMatch(user, how)


def _find_or_make_account(
    session: Session, connection: SsoConnection, email: str, claims: dict, *, now: datetime
) -> tuple[User, str]:
    school = connection.school
    found = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if found is not None:
        return found, "email"
    invitation = open_invitation(session, email, [connection.school_id])
    if invitation is not None:
        user = User(
            school_id=invitation.school_id,
            email=email,
            created_at=now,
            display_name=invitation.display_name or _display_name(claims, email),
        )
        user.set_roles(invitation.role_list)
        invitation.accepted_at = now
        session.add(user)
        session.flush()
        return user, "invitation"
    if not connection.create_accounts:
        raise SsoRefused(
            "no_account", NO_ACCOUNT % {"email": email, "school": school.name}, email=email
        )
    user = User(
        school_id=connection.school_id,
        email=email,
        created_at=now,
        display_name=_display_name(claims, email),
    )
    user.set_roles([connection.default_role])
    session.add(user)
    session.flush()
    return user, "created"


def check_tester(match: SignInMatch, tester_id: int | None, connection: SsoConnection) -> None:
    """An admin trying the connection must come back as themselves."""
    if tester_id is not None and match.user.id != tester_id:
        raise SsoRefused(
            "tested_as_someone_else",
            _(
                "You signed in at %(provider)s as %(email)s, not as "
                "yourself: try again with your own account.",
                provider=connection.provider_name,
                email=match.user.email,
            ),
            email=match.user.email,
        )


def second_step_needed(connection: SsoConnection, user: User) -> bool:
    """Whether to ask for the authenticator code after the provider: only when the user has
    two-step sign-in on and the school has not said its provider enforces MFA."""
    return user.mfa_enabled and not connection.idp_enforces_mfa
