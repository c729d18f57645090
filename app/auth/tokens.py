"""Signed, expiring tokens for invitation and password-reset links.

Invitations: the link carries a signed random secret whose SHA-256 is stored on the invitation;
single use comes from `accepted_at`. Reset links carry the user id and session epoch; setting the
new password bumps the epoch, so a reset link works once.
"""

import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

INVITE_SALT = "invitation"
RESET_SALT = "password-reset"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_session_key() -> str:
    """The random key a signed-in browser's cookie carries (its hash is a UserSession row)."""
    return secrets.token_urlsafe(32)


def new_invitation_token() -> tuple[str, str]:
    """Returns (token for the link, hash to store)."""
    secret = secrets.token_urlsafe(32)
    return _serializer(INVITE_SALT).dumps(secret), hash_secret(secret)


def read_invitation_token(token: str, max_age_seconds: int) -> str | None:
    """The stored hash the token points to, or None if tampered with or too old."""
    try:
        secret = _serializer(INVITE_SALT).loads(token, max_age=max_age_seconds)
    except (BadSignature, SignatureExpired):
        return None
    return hash_secret(secret) if isinstance(secret, str) else None


def new_reset_token(user_id: int, session_epoch: int) -> str:
    return _serializer(RESET_SALT).dumps({"u": user_id, "e": session_epoch})


def read_reset_token(token: str, max_age_seconds: int) -> tuple[int, int] | None:
    try:
        data = _serializer(RESET_SALT).loads(token, max_age=max_age_seconds)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not {"u", "e"} <= data.keys():
        return None
    return int(data["u"]), int(data["e"])
