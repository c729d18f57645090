"""Builders shared by the procurement tests: registered products with a decided assessment (and a
frozen snapshot big enough to notice if a page loaded it), inserted without the questionnaire."""

from datetime import date, timedelta

from app.models import db
from app.models.base import utcnow
from app.models.procurement import Assessment, AssessmentStatus, Decision, Vendor

BULKY_SNAPSHOT_QUESTIONS = 100


def decided_product(
    school,
    product: str,
    valid_until: date | None,
    *,
    decision: Decision = Decision.APPROVE,
    band: str = "green",
    draft_after: bool = False,
    commit: bool = True,
) -> Vendor:
    """A product with one decided assessment (and, if `draft_after`, a re-assessment draft)."""
    vendor = Vendor(school_id=school.id, name=f"{product} Ltd", product=product)
    db.session.add(vendor)
    created = utcnow() - timedelta(days=1)
    snapshot = {
        "result": {
            "band": band,
            "band_label": band.title(),
            "score": 81.5,
            "questions": [{"question_id": f"Q{i}", "note": "x" * 200}
                          for i in range(BULKY_SNAPSHOT_QUESTIONS)],
        }
    }  # fmt: skip
    vendor.assessments.append(
        Assessment(
            school_id=school.id,
            checklist_id="quick-edtech-check",
            checklist_version="1.0.0",
            checklist_definition={"sections": ["x" * 200] * 50},
            status=AssessmentStatus.DECIDED,
            decision=decision,
            decided_on=created.date(),
            valid_until=valid_until,
            snapshot=snapshot,
            snapshot_hash="0" * 64,
            created_at=created,
        )  # fmt: skip
    )
    if draft_after:
        vendor.assessments.append(
            Assessment(
                school_id=school.id,
                checklist_id="quick-edtech-check",
                checklist_version="1.0.0",
                checklist_definition={},
                created_at=utcnow(),
            )  # fmt: skip
        )
    if commit:
        db.session.commit()
    return vendor
