"""Signing in: find the account, check the password, upgrade the stored hash when the argon2
cost has changed since it was made, and record the attempt. No Flask imports: the caller passes
the hashing, the time and `app.audit.record`, then starts the session and commits."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import User
from app.models.sso import SsoConnection
from app.services.accounts.passwords import PasswordHashing
from app.services.accounts.sso import password_off_connection
from app.services.accounts.staff import normalise_email

# Writes one audit event: app.audit.record in the app, a list's append-like fake in tests.
AuditRecord = Callable[..., object]


class PasswordSignInOff(Exception):
    """The right password, but the account's school signs in with its identity provider."""

    def __init__(self, connection: SsoConnection) -> None:
        super().__init__(connection.slug)
        self.connection = connection


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    hashing: PasswordHashing,
    now: datetime,
    record: AuditRecord,
) -> User | None:
    """The active account with this email address and password, or None.

    An unknown address, a deactivated account and a wrong password all take the same time and
    give the same None, so the answer never tells which. A success is recorded as `sign_in` and
    stamps `last_sign_in_at` (`finish_sign_in`); with two-step sign-in on, that waits for the
    code and the password alone is recorded as `sign_in_password_accepted`. A failure is
    recorded as `sign_in_failed` with the address tried. When the account's school has
    turned password sign-in off, the right password raises PasswordSignInOff.
    """
    email = normalise_email(email)
    user = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None or not user.active:
        hashing.verify_against_dummy(password)
    elif hashing.verify(user.password_hash, password):
        if (connection := password_off_connection(session, user.school_id)) is not None:
            # Only after the right password, so the refusal tells nothing about an address
            # to someone who does not know its password.
            record("sign_in_refused", actor_id=user.id, school_id=user.school_id,
                   reason="password_sign_in_off")  # fmt: skip
            raise PasswordSignInOff(connection)
        if user.password_hash and hashing.needs_rehash(user.password_hash):
            # Same password, stronger hash: no reason to end the user's other sessions.
            user.password_hash = hashing.hash(password)
        if user.mfa_enabled:
            record("sign_in_password_accepted", actor_id=user.id, school_id=user.school_id)
        else:
            finish_sign_in(user, now=now, record=record)
        return user
    record(
        "sign_in_failed",
        actor_id=user.id if user else None,
        school_id=user.school_id if user else None,
        email=email,
    )
    return None


def finish_sign_in(
    user: User,
    *,
    now: datetime,
    record: AuditRecord,
    second_step: str | None = None,
    via: str | None = None,
) -> None:
    """Stamp and record a completed sign-in; `second_step` names how the second step was
    passed (an authenticator code, a recovery code, the identity provider), `via` the
    identity provider signed in with (none: a password)."""
    user.last_sign_in_at = now
    detail = {"second_step": second_step, "via": via}
    record("sign_in", actor_id=user.id, school_id=user.school_id,
           **{key: value for key, value in detail.items() if value})  # fmt: skip
