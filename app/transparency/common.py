"""Shared pieces of the families' views: who may open them, the school's settings and the
values families' documents are filled with."""

from flask_login import current_user

from app import clock
from app.mail import external_url
from app.models import Role, db
from app.services.transparency.settings import page_settings, placeholder_values

FAMILY_ROLES = (Role.DPO, Role.SCHOOL_ADMIN)  # objections, publishing, the record of processing
DPIA_ROLES = (Role.BUSINESS_MANAGER, Role.DPO)  # the procurement roles that assess products


def my_settings():
    """The signed-in user's school's settings (created with a random address on first use)."""
    settings = page_settings(db.session, current_user.school_id, clock.now())
    if db.session.new or db.session.dirty:
        db.session.commit()
    return settings


def public_page_url(slug: str) -> str:
    return external_url("families.apps", slug=slug)


def fill_values(school_name: str, settings) -> dict:
    return placeholder_values(school_name, settings, public_page_url(settings.public_slug))
