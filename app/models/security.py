"""Server-side security state: signed-in browsers, rate-limit counters and MFA recovery codes.

None of these rows holds personal data in clear: a session and a recovery code are stored as
SHA-256 hashes of their secrets, a rate-limit counter under the hash of its key (which names
an email address or an IP address).
"""

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Model, UTCDateTime, utcnow


class UserSession(Model):
    """One signed-in browser. The session cookie carries a random key whose hash is stored
    here: signing out deletes the row, so a copy of the cookie stops working at once, and a
    session older than PERMANENT_SESSION_LIFETIME is refused whatever the cookie says."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RateLimitCounter(Model):
    """A fixed-window counter for Flask-Limiter when there is no Redis (app/rate_limits.py):
    every worker and host shares the database, so every one sees the same count."""

    __tablename__ = "rate_limit_counter"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    # Seconds since the epoch, as the limits library counts them.
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class RecoveryCode(Model):
    """A one-time code that stands in for the authenticator app at sign-in."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
