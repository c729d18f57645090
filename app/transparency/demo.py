"""Demo records for families' pages (idempotent: runs on every `make run`): the first demo
school's public page at /schools/oakfield-primary/apps with every product in use published, two
families' requests and the school census in the record of processing."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.models import School, User, db
from app.models.base import utcnow
from app.models.transparency import (
    LawfulBasis,
    RequestKind,
    RequestOutcome,
    RequestSubject,
    StatutoryReturn,
    StorageLocation,
)
from app.services.transparency.decisions import products_in_use
from app.services.transparency.notices import notice_for, save_notice
from app.services.transparency.records import add_return_from_template
from app.services.transparency.requests import save_request
from app.services.transparency.settings import page_settings, placeholder_values

DEMO_SLUG = "oakfield-primary"


def seed(schools: list[School], users: list[User]) -> None:  # noqa: ARG001
    if not schools:
        return
    school, now = schools[0], utcnow()
    settings = page_settings(db.session, school.id, now)
    if settings.privacy_email:
        return  # seeded before
    settings.public_slug = DEMO_SLUG
    settings.privacy_contact = "the school's data protection officer"
    settings.privacy_email = "privacy@oakfield.example"
    settings.privacy_postal = f"{school.name}\nOak Lane\nExampletown EX1 1AA"
    products = products_in_use(db.session, school.id, now.date())
    for product in products:
        notice = notice_for(db.session, school.id, product)
        values = {
            name: getattr(notice, name) for name in ("purpose", "data_subjects", "recipients")
        }
        outside = product.outside_uk
        values |= {
            "published": True,
            "lawful_basis": LawfulBasis.PUBLIC_TASK.value,
            "storage": (StorageLocation.ELSEWHERE if outside else StorageLocation.UK).value,
            "storage_detail": "United States (supplier's hosting)" if outside else "",
            "retention": "Deleted within 90 days of the pupil leaving the school.",
            "purpose": values["purpose"] or f"Learning with {product.product}.",
        }
        save_notice(db.session, notice, values, user_id=None, now=now)
    first = products[0] if products else None
    requests = [
        {
            "subject": RequestSubject.BIOMETRICS.value,
            "kind": RequestKind.OBJECTION.value,
            "pupil_reference": "A-2031",
            "received_on": now.date() - timedelta(days=20),
            "details": "A parent objected in writing to fingerprint payments at lunch.",
            "outcome": RequestOutcome.ALTERNATIVE.value,
            "alternative": "A lunch card with a PIN, served in the same queue.",
            "review_on": now.date() + timedelta(days=340),
        },
    ]
    if first is not None:
        requests.append(
            {
                "subject": RequestSubject.PRODUCT.value,
                "vendor_id": first.vendor_id,
                "kind": RequestKind.OBJECTION.value,
                "pupil_reference": "A-1877",
                "received_on": now.date() - timedelta(days=3),
                "details": f"A family asked that their child does not use {first.product}.",
                "outcome": RequestOutcome.OPEN.value,
            }
        )
    for values in requests:
        save_request(db.session, values, school_id=school.id, user_id=None, now=now)
    has_census = db.session.execute(
        select(StatutoryReturn.id).where(
            StatutoryReturn.school_id == school.id, StatutoryReturn.template_key == "school-census"
        )
    ).first()
    if not has_census:
        document = current_app.extensions["content"].families["statutory-returns"]
        values = placeholder_values(school.name, settings, "")
        add_return_from_template(
            db.session,
            document,
            "school-census",
            school_id=school.id,
            placeholders=values,
            now=now,
        )
    db.session.flush()
