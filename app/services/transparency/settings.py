"""Each school's families' page settings (no Flask imports): the public address, the privacy
contact families see and how long closed requests are kept.

The public address is `/schools/<slug>/apps`. A school gets a random slug the first time its
settings are read (unguessable, so a page is found only from the link the school shares); it can
choose a readable one instead. The numeric school id never appears in a public URL.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import School
from app.models.transparency import FamilyPageSettings
from app.util.i18n import _

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SLUG_MIN, SLUG_MAX = 4, 60
RESERVED_SLUGS = frozenset({"new", "edit", "admin", "static"})
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (l, 1, o, 0, i)


class SlugTaken(ValueError):
    """Another school already uses that address."""


def random_slug() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))


def slug_problem(slug: str) -> str | None:
    """Why `slug` cannot be a page address, or None."""
    if not SLUG_MIN <= len(slug) <= SLUG_MAX:
        return _(
            "The page address must be %(min)d to %(max)d characters long",
            min=SLUG_MIN,
            max=SLUG_MAX,
        )
    if not SLUG_PATTERN.match(slug):
        return _(
            "The page address can only use lower-case letters, digits and single hyphens, "
            "like oakfield-primary"
        )
    if slug in RESERVED_SLUGS:
        return _("Choose another page address: that one is reserved")
    return None


def page_settings(session: Session, school_id: int, now: datetime) -> FamilyPageSettings:
    """The school's settings, created with a random slug the first time (the caller commits)."""
    found = session.execute(
        select(FamilyPageSettings).where(FamilyPageSettings.school_id == school_id)
    ).scalar_one_or_none()
    if found is None:
        found = FamilyPageSettings(
            school_id=school_id,
            public_slug=random_slug(),
            privacy_contact="",
            privacy_email="",
            privacy_postal="",
            updated_at=now,
        )
        session.add(found)
        session.flush()
    return found


SETTINGS_FIELDS = (
    "privacy_contact",
    "privacy_email",
    "privacy_postal",
    "delete_requests_after_months",
)


def save_settings(
    session: Session, settings: FamilyPageSettings, values: Mapping[str, object], now: datetime
) -> list[str]:
    """Apply validated form values; returns the names of the fields that changed. Raises
    SlugTaken when another school has the address."""
    changed = []
    slug = str(values.get("public_slug") or settings.public_slug).strip().lower()
    if slug != settings.public_slug:
        owner = session.execute(
            select(FamilyPageSettings.school_id).where(FamilyPageSettings.public_slug == slug)
        ).scalar_one_or_none()
        if owner is not None and owner != settings.school_id:
            raise SlugTaken(slug)
        settings.public_slug = slug
        changed.append("public_slug")
    for name in SETTINGS_FIELDS:
        value = values.get(name)
        value = value.strip() if isinstance(value, str) else value
        if name != "delete_requests_after_months":
            value = value or ""
        if getattr(settings, name) != value:
            setattr(settings, name, value)
            changed.append(name)
    if changed:
        settings.updated_at = now
    return changed


def school_by_slug(session: Session, slug: str) -> tuple[School, FamilyPageSettings] | None:
    """The school whose public page is at `slug`, with its settings (one statement)."""
    row = session.execute(
        select(School, FamilyPageSettings)
        .join(FamilyPageSettings, FamilyPageSettings.school_id == School.id)
        .where(FamilyPageSettings.public_slug == slug)
    ).first()
    return (row[0], row[1]) if row else None


def placeholder_values(school_name: str, settings: FamilyPageSettings, page_url: str) -> dict:
    """What {placeholders} in families' documents become for this school. The contact is a role
    used inside sentences ("Ask the school's data protection officer"), so a leading "The" is
    lower-cased."""
    contact = settings.privacy_contact or f"the data protection lead at {school_name}"
    if contact.startswith("The "):
        contact = "t" + contact[1:]
    return {
        "school_name": school_name,
        "privacy_contact": contact,
        "privacy_email": settings.privacy_email or "the school office",
        "privacy_postal": settings.privacy_postal or school_name,
        "public_page_url": page_url,
    }
