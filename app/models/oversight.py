"""Oversight records: per-school settings (reminders, retention), the reminders already sent
(so none goes twice) and exemptions from a module.

`SentReminder` names its recipient by row id ("user:12", "invitation:5"), never by email, so it
holds no personal data of its own and survives an erasure without scrubbing.
"""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Model, SchoolOwned, UTCDateTime, utcnow


class SchoolSettings(SchoolOwned, Model):
    """One row per school; a school without a row uses the defaults below."""

    __tablename__ = "school_settings"
    __table_args__ = (UniqueConstraint("school_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reminders_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # None: keep for ever. Applied by `flask purge`.
    erase_deactivated_after_months: Mapped[int | None] = mapped_column(Integer)
    delete_audit_after_months: Mapped[int | None] = mapped_column(Integer)
    # Minutes staff wait after a failed knowledge check before the next try; None: no wait.
    retake_wait_minutes: Mapped[int | None] = mapped_column(Integer)
    # DPOs, business managers and admins must use two-step sign-in (they are sent to set it up).
    require_mfa: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SentReminder(SchoolOwned, Model):
    """One reminder stage sent to one recipient about one thing, in one cycle."""

    __tablename__ = "sent_reminder"
    __table_args__ = (UniqueConstraint("recipient_key", "topic", "stage", "cycle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_key: Mapped[str] = mapped_column(String(40))  # "user:<id>" or "invitation:<id>"
    topic: Mapped[str] = mapped_column(String(140))  # "module:<id>" or "review:<assessment id>"
    stage: Mapped[str] = mapped_column(String(20))  # due, due_soon, overdue, expiring, 30, 7, 1
    cycle: Mapped[str] = mapped_column(String(20))  # the due or expiry date the stage is about
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Exemption(SchoolOwned, Model):
    """A person excused from one module (for example they completed equivalent training)."""

    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
