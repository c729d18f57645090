"""Route-walker samples for the procurement URLs: a vendor, a draft assessment and a condition of
a signed-off decision in school A."""

from tests.walker import Sample


def _vendor(world):
    from app.models import db
    from app.models.procurement import Vendor

    vendor = Vendor(school_id=world.school_a.id, name="Walker Ltd", product="Walker App")
    db.session.add(vendor)
    db.session.commit()
    return vendor


def _assessment(world):
    from flask import current_app

    from app.models import db
    from app.models.base import utcnow
    from app.services.procurement.assessments import start_assessment

    checklist = current_app.extensions["content"].checklists["quick-edtech-check"]
    assessment = start_assessment(
        db.session, _vendor(world), checklist, user_id=None, user_name="Walker", now=utcnow()
    )
    db.session.commit()
    return assessment


def _condition(world):
    from datetime import timedelta

    from app.models import db
    from app.models.base import utcnow
    from app.models.procurement import AssessmentStatus, Condition, ConditionOwner, Decision
    from app.services.procurement.decisions import snapshot_hash

    assessment = _assessment(world)
    assessment.status, assessment.decision = AssessmentStatus.DECIDED, Decision.CONDITIONAL
    assessment.snapshot = {"result": {}}
    assessment.snapshot_hash = snapshot_hash(assessment.snapshot)
    condition = Condition(
        school_id=world.school_a.id, text="Sign the processing agreement", owner="Walker Ltd",
        owner_kind=ConditionOwner.SUPPLIER, due_on=utcnow().date() + timedelta(days=30),
    )  # fmt: skip
    assessment.conditions.append(condition)
    db.session.commit()
    return condition.id


SAMPLES = {
    "vendor_id": Sample(lambda world: _vendor(world).id, owned=True),
    "assessment_id": Sample(lambda world: _assessment(world).id, owned=True),
    "section_id": Sample(lambda world: "contract", owned=False),
    "condition_id": Sample(_condition, owned=True),
}
