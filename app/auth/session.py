"""Flask-Login wiring and server-side sessions.

A signed-in browser's cookie carries the user's id and session epoch (Flask-Login's `_user_id`)
and a random session key whose SHA-256 is a `UserSession` row. The loader accepts the cookie only
while all of them still match: bumping the epoch (`User.end_all_sessions`) ends every session of
the user, deleting the row (`end_session`, at sign-out) ends this one, so a copied cookie stops
working, and a row older than PERMANENT_SESSION_LIFETIME is refused.

Starting or ending a session clears the whole Flask session, the CSRF token with it: a token
issued before sign-in does not work after it. `hashing()` is the argon2id cost from the config.
"""

import time
from datetime import timedelta

from flask import Flask, current_app, g, session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session, joinedload

from app.auth.tokens import hash_secret, new_session_key
from app.extensions import login_manager
from app.i18n import SESSION_KEY as LOCALE_SESSION_KEY
from app.models import User, db
from app.models.base import utcnow
from app.models.security import UserSession
from app.services.accounts.passwords import PasswordHashing
from app.util.i18n import lazy_gettext

SESSION_KEY = "sid"
ENROL_KEY = "mfa_enrol"  # set when the school requires two-step sign-in and it is not set up
# When this browser signed in through the school's identity provider (seconds since the epoch):
# for an account without a password, a recent one stands in for the password check.
PROVIDER_SIGN_IN_KEY = "provider_sign_in_at"


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = lazy_gettext("Sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


def _lifetime() -> timedelta:
    return timedelta(seconds=int(current_app.config["PERMANENT_SESSION_LIFETIME"]))


# Built once: every signed-in request runs it, and building a statement costs more than running
# it. One round trip brings the user with the roles and school every page's menu reads.
_SIGNED_IN_USER = (
    select(User)
    .join(UserSession, UserSession.user_id == User.id)
    .where(
        User.id == bindparam("user_id"),
        UserSession.key_hash == bindparam("key_hash"),
        UserSession.created_at > bindparam("started_after"),
    )
    .options(joinedload(User.role_rows), joinedload(User.school))
)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, epoch = session_id.partition(":")
    key = session.get(SESSION_KEY)
    if not (user_id.isdigit() and epoch.isdigit() and isinstance(key, str)):
        return None
    # Real time, not app.clock: how long a browser stays signed in is not business time.
    found = db.session.execute(
        _SIGNED_IN_USER,
        {
            "user_id": int(user_id),
            "key_hash": hash_secret(key),
            "started_after": utcnow() - _lifetime(),
        },
    )
    user = found.unique().scalar_one_or_none()
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return user


def hashing() -> PasswordHashing:
    return PasswordHashing(
        time_cost=current_app.config["ARGON2_TIME_COST"],
        memory_cost=current_app.config["ARGON2_MEMORY_COST"],
    )


def open_session(db_session: Session, user: User, lifetime: timedelta) -> str:
    """A new server-side session for `user` (the caller commits); returns the cookie's key.
    The user's sessions older than `lifetime` are deleted on the way."""
    now = utcnow()
    db_session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.created_at <= now - lifetime
        )
    )
    key = new_session_key()
    db_session.add(UserSession(user_id=user.id, key_hash=hash_secret(key), created_at=now))
    return key


def _fresh_flask_session() -> None:
    """Forget this browser's server-side session and everything in its cookie but the language
    chosen with the switch (a preference, not a credential: it carries over to the account)."""
    key = session.get(SESSION_KEY)
    if isinstance(key, str):
        db.session.execute(delete(UserSession).where(UserSession.key_hash == hash_secret(key)))
    language = session.get(LOCALE_SESSION_KEY)
    session.clear()
    if language is not None:
        session[LOCALE_SESSION_KEY] = language
    g.pop("csrf_token", None)  # Flask-WTF caches this request's token here


def start_session(
    user: User, *, enrolment_required: bool = False, via_provider: bool = False
) -> None:
    """Sign `user` in on this browser (the caller commits). `enrolment_required` sends them to
    set up two-step sign-in before any other page (their school requires it); `via_provider`
    notes that they signed in through their school's identity provider."""
    _fresh_flask_session()
    session[SESSION_KEY] = open_session(db.session, user, _lifetime())
    if enrolment_required:
        session[ENROL_KEY] = True
    if via_provider:
        session[PROVIDER_SIGN_IN_KEY] = int(time.time())
    login_user(user)


def end_session() -> None:
    """Sign this browser out, deleting its server-side session (the caller commits)."""
    logout_user()
    _fresh_flask_session()


def session_cookie_values(user: User) -> dict:
    """What a signed-in browser's Flask session holds, for tests and benchmarks that sign a
    client in without the password form (the caller commits)."""
    return {
        "_user_id": user.get_id(),
        "_fresh": True,
        SESSION_KEY: open_session(db.session, user, _lifetime()),
    }
