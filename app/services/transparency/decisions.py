"""The one reader of procurement decisions for transparency (no Flask imports).

A product is *in use* when the newest decided assessment of it has the outcome approve or
conditional and its decision has not lapsed (valid until today or later; a lapsed decision is
`ReviewState.LAPSED` in services/procurement/reviews). Everything else here (the public page,
the record of processing, the DPIA) reads decisions through these plain dataclasses, in a constant
number of statements whatever the number of products.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.content.checklists import Checklist
from app.models.procurement import Assessment, AssessmentStatus, Decision, Vendor
from app.services.procurement.reviews import ReviewState, review_state
from app.services.procurement.snapshots import live_snapshot

IN_USE = (Decision.APPROVE, Decision.CONDITIONAL)


@dataclass(frozen=True)
class ProductInUse:
    """A product whose current decision is approve or conditional and has not lapsed."""

    vendor_id: int
    product: str
    supplier: str
    vendor_purpose: str
    assessment_id: int
    decision: Decision
    decision_label: str
    decided_on: date | None
    valid_until: date | None
    profile: dict = field(default_factory=dict)  # raw profile answers (P01..P06)
    profile_summary: tuple[dict, ...] = ()  # as frozen in the snapshot: id, text, answer label

    def profile_answer(self, question_id: str) -> str:
        """The label of a profile answer as the report shows it ('' when not asked)."""
        row = next((r for r in self.profile_summary if r.get("id") == question_id), None)
        return row["answer"] if row else ""

    @property
    def outside_uk(self) -> bool | None:
        """The P06 answer: True, False, or None when the checklist did not ask."""
        answer = self.profile.get("P06")
        return None if answer is None else answer == "yes"


def products_in_use(
    session: Session, school_id: int, today: date, *, vendor_ids: Iterable[int] | None = None
) -> list[ProductInUse]:
    """Every product in use at the school (or only `vendor_ids`), by product name; two
    statements."""
    vendors = select(Vendor.id, Vendor.product, Vendor.name, Vendor.purpose).where(
        Vendor.school_id == school_id
    )
    decided = select(
        Assessment.vendor_id,
        Assessment.id,
        Assessment.decision,
        Assessment.decided_on,
        Assessment.valid_until,
        Assessment.profile,
        Assessment.snapshot["profile"].label("profile_summary"),
    ).where(Assessment.school_id == school_id, Assessment.status == AssessmentStatus.DECIDED)
    if vendor_ids is not None:
        wanted = list(vendor_ids)
        vendors = vendors.where(Vendor.id.in_(wanted))
        decided = decided.where(Assessment.vendor_id.in_(wanted))
    latest: dict = {}
    # The order Vendor.assessments uses, oldest first, so the newest decided one wins.
    for decided_row in session.execute(decided.order_by(Assessment.created_at, Assessment.id)):
        latest[decided_row.vendor_id] = decided_row
    products = []
    for vendor in session.execute(vendors.order_by(Vendor.product, Vendor.id)):
        row = latest.get(vendor.id)
        if row is None or row.decision not in IN_USE:
            continue
        if review_state(row.valid_until, today) == ReviewState.LAPSED:
            continue
        products.append(
            ProductInUse(
                vendor_id=vendor.id,
                product=vendor.product,
                supplier=vendor.name,
                vendor_purpose=vendor.purpose or "",
                assessment_id=row.id,
                decision=row.decision,
                decision_label=row.decision.label,
                decided_on=row.decided_on,
                valid_until=row.valid_until,
                profile=dict(row.profile or {}),
                profile_summary=tuple(row.profile_summary or ()),
            )
        )
    return products


def assessment_snapshot(
    assessment: Assessment, checklists: dict[str, Checklist], *, school_name: str
) -> dict:
    """The frozen snapshot of a decided assessment, or the live one of a draft (for the DPIA)."""
    if assessment.decided and assessment.snapshot:
        return assessment.snapshot
    return live_snapshot(assessment, checklists, school_name=school_name)


def frozen_results(session: Session, assessment_ids: Iterable[int]) -> dict[int, dict]:
    """Assessment id -> the scored result frozen with its decision (one statement)."""
    ids = list(assessment_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Assessment.id, Assessment.snapshot["result"].label("result")).where(
            Assessment.id.in_(ids)
        )
    )
    return {row.id: row.result or {} for row in rows}
