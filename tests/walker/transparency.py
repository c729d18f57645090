"""Route-walker samples for the families' URLs: a family request, a statutory return and the
public page address of school A (public pages are open to anyone, so the slug is not owned)."""

from tests.walker import Sample


def _settings(world):
    from app.models import db
    from app.models.base import utcnow
    from app.services.transparency.settings import page_settings

    settings = page_settings(db.session, world.school_a.id, utcnow())
    db.session.commit()
    return settings.public_slug


def _request(world):
    from datetime import date

    from app.models import db
    from app.models.transparency import FamilyRequest, RequestKind, RequestSubject

    family_request = FamilyRequest(
        school_id=world.school_a.id,
        subject=RequestSubject.PHOTOGRAPHS,
        subject_label=RequestSubject.PHOTOGRAPHS.label,
        kind=RequestKind.OBJECTION,
        pupil_reference="WALK-1",
        received_on=date(2026, 1, 5),
    )
    db.session.add(family_request)
    db.session.commit()
    return family_request.id


def _return(world):
    from app.models import db
    from app.models.transparency import StatutoryReturn

    record = StatutoryReturn(school_id=world.school_a.id, name="Walker return")
    db.session.add(record)
    db.session.commit()
    return record.id


SAMPLES = {
    "slug": Sample(_settings, owned=False),
    "page": Sample(lambda world: "school-census", owned=False),
    "request_id": Sample(_request, owned=True),
    "return_id": Sample(_return, owned=True),
    "template_key": Sample(lambda world: "school-census", owned=False),
}

PUBLIC_ENDPOINTS = {
    "families.apps",
    "families.apps_pdf",
    "families.document",
    "families.document_pdf",
}
