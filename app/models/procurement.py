"""Procurement records: vendors (products), assessments, their answers, decisions and conditions.

An assessment pins its checklist (id, version and a copy of the definition, so it can always be
re-scored exactly) and carries a version counter: every save bumps it, so a decision or a profile
change made from an older version is refused, and a section save can see whose changes it met.
A decision is proposed (the scored result is then frozen in `snapshot`, with its SHA-256, and the
answers are locked) and signed off by a DPO of the school, or sent back to draft with a note.
A product with a decision is archived, never deleted; its conditions are tracked until met.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Model, SchoolOwned, UTCDateTime, utcnow
from app.util.i18n import _, lazy_gettext


class AssessmentStatus(StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"  # a decision awaits a DPO's sign-off; the answers are locked
    DECIDED = "decided"

    @property
    def label(self) -> str:
        return str(ASSESSMENT_STATUS_LABELS[self])


ASSESSMENT_STATUS_LABELS = {
    AssessmentStatus.DRAFT: lazy_gettext("Draft"),
    AssessmentStatus.PROPOSED: lazy_gettext("Awaiting sign-off"),
    AssessmentStatus.DECIDED: lazy_gettext("Decided"),
}


class Decision(StrEnum):
    """The outcome a school records; the rules for each are in services/procurement/decisions."""

    APPROVE = "approve"
    CONDITIONAL = "conditional"
    REJECT = "reject"

    @property
    def label(self) -> str:
        return str(DECISION_LABELS[self])


DECISION_LABELS = {
    Decision.APPROVE: lazy_gettext("Approve"),
    Decision.CONDITIONAL: lazy_gettext("Approve with conditions"),
    Decision.REJECT: lazy_gettext("Reject"),
}
NOT_DECIDED = lazy_gettext("Not decided yet")


class ConditionOwner(StrEnum):
    """Who must make a condition happen: a user of the school, or a named supplier contact."""

    USER = "user"
    SUPPLIER = "supplier"


def _stored_as_value(enum: type[StrEnum]) -> Enum:
    """A VARCHAR(20) holding the enum's value (as before), read back as the enum member."""
    return Enum(
        enum,
        native_enum=False,
        length=20,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def new_export_id() -> str:
    return str(uuid.uuid4())


class Vendor(SchoolOwned, Model):
    """One edtech product from one supplier, as registered by a school.

    `export_id` travels in every export of the product, and an import records it in
    `imported_from`, so importing a product again updates it instead of adding a duplicate.
    `submission_token` is the add-product form's one-time token: submitting the form twice
    (a double click, a resend) finds the product the first submit made.
    """

    __table_args__ = (UniqueConstraint("school_id", "submission_token"),)

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
    export_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_export_id)
    imported_from: Mapped[str | None] = mapped_column(String(36), index=True)
    submission_token: Mapped[str | None] = mapped_column(String(64))
    # Archived products leave the register's default view, reviews and reminders; their
    # frozen decisions stay.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    archived_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

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
        """The newest assessment is not decided yet (a draft, or a proposal awaiting sign-off)."""
        latest = self.latest_assessment
        return latest is not None and not latest.decided

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    @property
    def has_decision(self) -> bool:
        """A decision is recorded or awaiting sign-off: the product can be archived, not deleted."""
        return any(a.status != AssessmentStatus.DRAFT for a in self.assessments)


class AnswerSource(StrEnum):
    """Who gave an answer, when it was not the school itself (the school's own: None)."""

    SUPPLIER = "supplier"


class SupplierReview(StrEnum):
    """Where the school's review of one supplier answer stands."""

    PENDING = "pending"  # stated by the supplier, not reviewed yet
    QUERIED = "queried"  # sent back to the supplier with a note
    ACCEPTED = "accepted"  # the school checked it and agrees
    OVERRIDDEN = "overridden"  # the school put its own answer, with a reason

    @property
    def label(self) -> str:
        return str(SUPPLIER_REVIEW_LABELS[self])


SUPPLIER_REVIEW_LABELS = {
    SupplierReview.PENDING: lazy_gettext("Not reviewed yet"),
    SupplierReview.QUERIED: lazy_gettext("Queried with the supplier"),
    SupplierReview.ACCEPTED: lazy_gettext("Accepted"),
    SupplierReview.OVERRIDDEN: lazy_gettext("Overridden"),
}


class Provenance(StrEnum):
    """Where an answer came from, as the review page, the report and the exports say."""

    SCHOOL = "school"
    SUPPLIER_STATED = "supplier-stated"
    SCHOOL_VERIFIED = "school-verified"
    SCHOOL_OVERRIDDEN = "school-overridden"

    @property
    def label(self) -> str:
        return str(PROVENANCE_LABELS[self])


PROVENANCE_LABELS = {
    Provenance.SCHOOL: lazy_gettext("School's answer"),
    Provenance.SUPPLIER_STATED: lazy_gettext("Supplier-stated"),
    Provenance.SCHOOL_VERIFIED: lazy_gettext("School-verified"),
    Provenance.SCHOOL_OVERRIDDEN: lazy_gettext("School-overridden"),
}


class Assessment(SchoolOwned, Model):
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

    # The proposal being signed off (outcome, reason, conditions, who and when), kept after a
    # send-back with the DPO's note, so the proposer starts again from what they typed.
    proposal: Mapped[dict | None] = mapped_column(JSON)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision: Mapped[Decision | None] = mapped_column(_stored_as_value(Decision))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # The DPO who signed the decision off.
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_on: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    snapshot: Mapped[dict | None] = mapped_column(JSON)
    snapshot_hash: Mapped[str | None] = mapped_column(String(64))
    # Shared with the other schools of the trust (a decided assessment only).
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    vendor: Mapped[Vendor] = relationship(back_populates="assessments")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="Answer.id"
    )
    conditions: Mapped[list[Condition]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="Condition.due_on"
    )
    previous: Mapped[Assessment | None] = relationship(remote_side="Assessment.id")
    supplier_invitations: Mapped[list[SupplierInvitation]] = relationship(
        back_populates="assessment",
        cascade="all, delete-orphan",
        order_by="SupplierInvitation.id.desc()",
    )
    evidence_files: Mapped[list[EvidenceFile]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="EvidenceFile.id"
    )

    @property
    def decided(self) -> bool:
        return self.status == AssessmentStatus.DECIDED

    @property
    def proposed(self) -> bool:
        return self.status == AssessmentStatus.PROPOSED

    @property
    def locked(self) -> bool:
        """Answers and profile can no longer change (awaiting sign-off, or decided)."""
        return self.status != AssessmentStatus.DRAFT

    @property
    def decision_label(self) -> str:
        return self.decision.label if self.decision else str(NOT_DECIDED)

    def answers_by_question(self) -> dict[str, Answer]:
        return {answer.question_id: answer for answer in self.answers}


class Answer(SchoolOwned, Model):
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
    # A supplier's answer (source "supplier") and the school's review of it. When the school
    # overrides it, the supplier's own answer and note are kept in supplier_value/_note.
    source: Mapped[AnswerSource | None] = mapped_column(_stored_as_value(AnswerSource))
    review: Mapped[SupplierReview | None] = mapped_column(_stored_as_value(SupplierReview))
    review_note: Mapped[str | None] = mapped_column(Text)  # the query, or the override reason
    supplier_value: Mapped[str | list | None] = mapped_column(JSON)
    supplier_note: Mapped[str | None] = mapped_column(Text)
    # Copied from another school's shared assessment: "from Oakfield, 1 December 2026".
    copied_from: Mapped[str | None] = mapped_column(String(300))

    assessment: Mapped[Assessment] = relationship(back_populates="answers")

    @property
    def provenance(self) -> Provenance:
        if self.source != AnswerSource.SUPPLIER:
            return Provenance.SCHOOL
        if self.review == SupplierReview.ACCEPTED:
            return Provenance.SCHOOL_VERIFIED
        if self.review == SupplierReview.OVERRIDDEN:
            return Provenance.SCHOOL_OVERRIDDEN
        return Provenance.SUPPLIER_STATED


class SupplierInvitation(SchoolOwned, Model):
    """A link that lets one supplier contact answer one assessment's scored questions, with no
    account. The link carries a signed random secret whose SHA-256 is `token_hash`; it stops
    working at `expires_at`, or when the school revokes it (`revoked_at`)."""

    __tablename__ = "supplier_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    assessment: Mapped[Assessment] = relationship(back_populates="supplier_invitations")

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class EvidenceFile(SchoolOwned, Model):
    """A file given as evidence for one answer, stored outside static/ under a random name
    (`stored_name`); `as_of` is the date the evidence speaks for, not the upload date."""

    __tablename__ = "evidence_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(50))
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # pdf, png, jpeg, docx, xlsx, odt
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[date] = mapped_column(Date)
    source: Mapped[AnswerSource | None] = mapped_column(_stored_as_value(AnswerSource))
    uploaded_by_name: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="evidence_files")


class Condition(SchoolOwned, Model):
    """A condition of a signed-off decision, tracked until someone marks it met.

    `owner` is the name shown: the owning user's name when the condition was set, or the
    supplier contact's name (`owner_kind` says which)."""

    __tablename__ = "decision_condition"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    owner_kind: Mapped[ConditionOwner] = mapped_column(
        _stored_as_value(ConditionOwner), default=ConditionOwner.SUPPLIER
    )
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    due_on: Mapped[date] = mapped_column(Date)
    met_on: Mapped[date | None] = mapped_column(Date)
    met_note: Mapped[str | None] = mapped_column(Text)
    met_evidence: Mapped[str | None] = mapped_column(String(500))
    met_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    met_by_name: Mapped[str | None] = mapped_column(String(200))

    assessment: Mapped[Assessment] = relationship(back_populates="conditions")

    @property
    def met(self) -> bool:
        return self.met_on is not None

    def overdue(self, today: date) -> bool:
        return not self.met and self.due_on < today

    @property
    def owner_label(self) -> str:
        if self.owner_kind == ConditionOwner.SUPPLIER:
            return _("%(name)s (supplier contact)", name=self.owner)
        return self.owner
