"""Procurement records: vendors (products), assessments, their answers, decisions and conditions.

An assessment pins its checklist (id, version and a copy of the definition, so it can always be
re-scored exactly) and carries a version counter: every save bumps it, and a save made from an
older version is refused instead of silently overwriting someone else's work. Once decided, the
scored result is frozen in `snapshot` (with its SHA-256) and the assessment is read-only.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import SchoolOwned, UTCDateTime, db, utcnow


class AssessmentStatus(StrEnum):
    DRAFT = "draft"
    DECIDED = "decided"

    @property
    def label(self) -> str:
        return ASSESSMENT_STATUS_LABELS[self]


ASSESSMENT_STATUS_LABELS = {
    AssessmentStatus.DRAFT: "Draft",
    AssessmentStatus.DECIDED: "Decided",
}


class Decision(StrEnum):
    """The outcome a school records; the rules for each are in services/procurement/decisions."""

    APPROVE = "approve"
    CONDITIONAL = "conditional"
    REJECT = "reject"

    @property
    def label(self) -> str:
        return DECISION_LABELS[self]


DECISION_LABELS = {
    Decision.APPROVE: "Approve",
    Decision.CONDITIONAL: "Approve with conditions",
    Decision.REJECT: "Reject",
}
NOT_DECIDED = "Not decided yet"


def _stored_as_value(enum: type[StrEnum]) -> Enum:
    """A VARCHAR(20) holding the enum's value (as before), read back as the enum member."""
    return Enum(
        enum,
        native_enum=False,
        length=20,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Vendor(SchoolOwned, db.Model):
    """One edtech product from one supplier, as registered by a school."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # the supplier
    product: Mapped[str] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(500))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    purpose: Mapped[str | None] = mapped_column(Text)
    data_categories: Mapped[list] = mapped_column(JSON, default=list)
    pupils_covered: Mapped[int | None] = mapped_column(Integer)
    contract_start: Mapped[date | None] = mapped_column(Date)
    contract_end: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="vendor",
        cascade="all, delete-orphan",
        order_by="Assessment.created_at.desc(), Assessment.id.desc()",
    )

    @property
    def display_name(self) -> str:
        return f"{self.product} ({self.name})"

    @property
    def latest_assessment(self) -> Assessment | None:
        return self.assessments[0] if self.assessments else None

    @property
    def latest_decided(self) -> Assessment | None:
        return next((a for a in self.assessments if a.decided), None)

    @property
    def in_progress(self) -> bool:
        """The newest assessment is a draft (a first assessment or a re-assessment)."""
        latest = self.latest_assessment
        return latest is not None and not latest.decided


class Assessment(SchoolOwned, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id", ondelete="CASCADE"), index=True)
    checklist_id: Mapped[str] = mapped_column(String(100))
    checklist_version: Mapped[str] = mapped_column(String(20))
    checklist_definition: Mapped[dict] = mapped_column(JSON)
    status: Mapped[AssessmentStatus] = mapped_column(
        _stored_as_value(AssessmentStatus), default=AssessmentStatus.DRAFT
    )
    profile: Mapped[dict] = mapped_column(JSON, default=dict)
    profile_done: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    decision: Mapped[Decision | None] = mapped_column(_stored_as_value(Decision))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_by_name: Mapped[str | None] = mapped_column(String(200))
    decided_on: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    snapshot: Mapped[dict | None] = mapped_column(JSON)
    snapshot_hash: Mapped[str | None] = mapped_column(String(64))

    vendor: Mapped[Vendor] = relationship(back_populates="assessments")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="Answer.id"
    )
    conditions: Mapped[list[Condition]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="Condition.due_on"
    )
    previous: Mapped[Assessment | None] = relationship(remote_side="Assessment.id")

    @property
    def decided(self) -> bool:
        return self.status == AssessmentStatus.DECIDED

    @property
    def decision_label(self) -> str:
        return self.decision.label if self.decision else NOT_DECIDED

    def answers_by_question(self) -> dict[str, Answer]:
        return {answer.question_id: answer for answer in self.answers}


class Answer(SchoolOwned, db.Model):
    __table_args__ = (UniqueConstraint("assessment_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(50))
    value: Mapped[str | list | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list] = mapped_column(JSON, default=list)
    # The assessment version this answer was last changed in: shows whose changes a stale save met.
    changed_in_version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_by_name: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")


class Condition(SchoolOwned, db.Model):
    """A condition attached to an "approve with conditions" decision."""

    __tablename__ = "decision_condition"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)

    assessment: Mapped[Assessment] = relationship(back_populates="conditions")
