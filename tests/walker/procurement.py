"""Route-walker samples for the procurement URLs: a vendor and a draft assessment in school A."""

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
    return assessment.id


SAMPLES = {
    "vendor_id": Sample(lambda world: _vendor(world).id, owned=True),
    "assessment_id": Sample(_assessment, owned=True),
    "section_id": Sample(lambda world: "contract", owned=False),
}
