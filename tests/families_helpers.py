"""Builders for the families' tests: the four demo products decided for a school (approve,
two conditional, one rejected by a knock-out), published notices and families' requests."""

from datetime import date

from sqlalchemy import select

from app.models import Role, User, db
from app.models.base import utcnow
from app.models.procurement import Vendor
from app.models.transparency import FamilyRequest, RequestKind, RequestOutcome, RequestSubject
from app.procurement import demo as procurement_demo
from app.services.transparency.decisions import products_in_use
from app.services.transparency.notices import notice_for, save_notice
from app.services.transparency.settings import page_settings

APPROVED = "Numbers Garden"
CONDITIONAL = "ClassTalk Messenger"  # stored outside the UK, with conditions
QUICK = "Spellbound Phonics"  # quick checklist, conditional
REJECTED = "BrightQuiz Free"  # a knock-out: rejected


def seed_products(school, manager) -> dict[str, Vendor]:
    """The demo products, proposed by `manager` and signed off by the school's DPO through the
    decision services, as `flask demo` does."""
    staff = db.session.execute(select(User).where(User.school_id == school.id)).scalars()
    dpos = [user for user in staff if user.has_role(Role.DPO) and user.id != manager.id]
    procurement_demo.seed([school], [manager, *dpos[:1]])
    db.session.commit()
    vendors = db.session.execute(select(Vendor).where(Vendor.school_id == school.id)).scalars()
    return {vendor.product: vendor for vendor in vendors}


def settings_for(school, slug: str, email: str = "privacy@a.example"):
    settings = page_settings(db.session, school.id, utcnow())
    settings.public_slug = slug
    settings.privacy_contact = "The data protection officer"
    settings.privacy_email = email
    db.session.commit()
    return settings


FULL_NOTICE = {
    "published": True,
    "purpose": "Practice at home and in class.",
    "lawful_basis": "public_task",
    "storage": "uk",
    "storage_detail": "",
    "retention": "Deleted 30 days after the pupil leaves.",
}


def publish(school, vendor: Vendor, **changes):
    """Write and publish the notice of an in-use product (the service's own rules apply)."""
    product = next(
        p for p in products_in_use(db.session, school.id, date.today()) if p.vendor_id == vendor.id
    )
    notice = notice_for(db.session, school.id, product)
    save_notice(db.session, notice, FULL_NOTICE | changes, user_id=None, now=utcnow())
    db.session.commit()
    return notice


def family_request(school, *, vendor=None, outcome=RequestOutcome.OPEN, received=None, **extra):
    row = FamilyRequest(
        school_id=school.id,
        subject=RequestSubject.PRODUCT if vendor else RequestSubject.PHOTOGRAPHS,
        vendor_id=vendor.id if vendor else None,
        subject_label=vendor.product if vendor else "Photographs",
        kind=RequestKind.OBJECTION,
        pupil_reference=extra.pop("pupil_reference", "P-100"),
        received_on=received or date.today(),
        outcome=outcome,
        **extra,
    )
    db.session.add(row)
    db.session.commit()
    return row
