"""Training records: assignments, lesson progress, knowledge-check attempts and certificates.

Modules live in files (app/content), so rows name them by `module_id` and the `module_version`
used. Attempts keep a snapshot of the questions drawn and certificates keep the module title, so
both still display as they were after the module's content changes.
"""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Model, SchoolOwned, UTCDateTime, utcnow
from app.models.users import User


class Assignment(SchoolOwned, Model):
    """A module a school asks staff to complete: one person (`user_id`), everyone with a role
    (`role`), or everyone in the school (both empty)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[str] = mapped_column(String(100), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str | None] = mapped_column(String(32))
    due_date: Mapped[date | None] = mapped_column(Date)
    # Overrides the module's certificate validity as the refresher interval, when set.
    refresher_months: Mapped[int | None] = mapped_column(Integer)
    # Set by a reassignment after a module's major version changed: only a certificate issued
    # after this moment completes it, so a superseded certificate no longer counts.
    requires_completion_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LessonProgress(SchoolOwned, Model):
    """A lesson the user has read (one row per user, module and lesson)."""

    __table_args__ = (UniqueConstraint("user_id", "module_id", "lesson_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(100))
    module_version: Mapped[str] = mapped_column(String(20))
    lesson_slug: Mapped[str] = mapped_column(String(120))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class QuizAttempt(SchoolOwned, Model):
    """One knowledge-check attempt. `questions` is the drawn snapshot (order, shuffled options,
    correct answers, explanations), so a reload shows the same paper and results never change."""

    __table_args__ = (Index("ix_quiz_attempt_user_module", "user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(100))
    module_version: Mapped[str] = mapped_column(String(20))
    module_title: Mapped[str] = mapped_column(String(200))
    pass_mark: Mapped[int] = mapped_column(Integer)
    questions: Mapped[list] = mapped_column(JSON)
    answers: Mapped[dict | None] = mapped_column(JSON)  # question id -> chosen option ids
    correct_count: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[int | None] = mapped_column(Integer)  # whole percent, rounded down
    passed: Mapped[bool | None] = mapped_column(Boolean)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Certificate(SchoolOwned, Model):
    """Issued on a pass. Everything shown on it is stored here, as it was on the day (whether
    a later major version of the module supersedes it is worked out from the content)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_attempt.id", ondelete="SET NULL")
    )
    module_id: Mapped[str] = mapped_column(String(100))
    module_version: Mapped[str] = mapped_column(String(20))
    module_title: Mapped[str] = mapped_column(String(200))
    learner_name: Mapped[str] = mapped_column(String(120))
    school_name: Mapped[str | None] = mapped_column(String(200))
    score: Mapped[int] = mapped_column(Integer)
    cpd_minutes: Mapped[int] = mapped_column(Integer)
    # The lessons read when the check was passed, which the CPD minutes are credited for
    # (None on certificates issued before this was recorded).
    lessons_read: Mapped[int | None] = mapped_column(Integer)
    lesson_count: Mapped[int | None] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
