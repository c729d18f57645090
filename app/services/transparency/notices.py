"""What a school tells families about each product in use, and the public page built from it
(no Flask imports).

A product appears on the public page only when all three hold: the DPO chose to publish it,
its current decision is approve or conditional and has not lapsed (`decisions.products_in_use`),
and its notice says what it is used for, the lawful basis, where data is stored and how long it
is kept. Rejected, lapsed, unpublished and incomplete products never appear. Nothing on the page
names a member of staff.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.procurement import Decision
from app.models.transparency import LawfulBasis, ProductNotice, StorageLocation
from app.services.transparency.decisions import ProductInUse, products_in_use
from app.util.i18n import _, lazy_gettext

NOTICE_FIELDS = (
    "published",
    "purpose",
    "lawful_basis",
    "storage",
    "storage_detail",
    "retention",
    "data_subjects",
    "recipients",
    "security",
)
# How the decision reads to a family.
PUBLIC_DECISION_LABELS = {
    Decision.APPROVE: lazy_gettext("Approved"),
    Decision.CONDITIONAL: lazy_gettext("Approved with conditions"),
}
REQUIRED_TO_PUBLISH = {
    "purpose": lazy_gettext("what the product is used for"),
    "lawful_basis": lazy_gettext("the lawful basis"),
    "storage": lazy_gettext("where the data is stored"),
    "retention": lazy_gettext("how long the data is kept"),
}


@dataclass(frozen=True)
class PublicProduct:
    """One row of the public page: facts about a product, none about people."""

    product: str
    supplier: str
    purpose: str
    data_categories: str
    lawful_basis: LawfulBasis
    storage: StorageLocation
    storage_detail: str
    retention: str
    decision_label: str
    decided_on: date | None
    next_review: date | None


@dataclass(frozen=True)
class NoticeRow:
    """A product in use and what the school publishes about it (None: nothing written yet)."""

    product: ProductInUse
    notice: ProductNotice | None

    @property
    def published(self) -> bool:
        return bool(self.notice and self.notice.published and not missing(self.notice))


def missing(notice: ProductNotice) -> list[str]:
    """What a notice still needs before it can be shown to families."""
    return [str(label) for name, label in REQUIRED_TO_PUBLISH.items() if not getattr(notice, name)]


def data_categories(product: ProductInUse) -> str:
    """The pupil data the assessment's profile says the product holds."""
    return product.profile_answer("P03") or _("Not recorded in the assessment")


def notice_rows(session: Session, school_id: int, today: date) -> list[NoticeRow]:
    """Every product in use, with its notice (three statements)."""
    products = products_in_use(session, school_id, today)
    notices = _notices(session, school_id, [p.vendor_id for p in products])
    return [NoticeRow(p, notices.get(p.vendor_id)) for p in products]


def published_products(session: Session, school_id: int, today: date) -> list[PublicProduct]:
    """The public page's products, by name (three statements)."""
    rows = notice_rows(session, school_id, today)
    return [_public(row.product, row.notice) for row in rows if row.published and row.notice]


def _public(product: ProductInUse, notice: ProductNotice) -> PublicProduct:
    assert notice.lawful_basis is not None and notice.storage is not None  # checked by missing()
    return PublicProduct(
        product=product.product,
        supplier=product.supplier,
        purpose=notice.purpose,
        data_categories=data_categories(product),
        lawful_basis=notice.lawful_basis,
        storage=notice.storage,
        storage_detail=notice.storage_detail,
        retention=notice.retention,
        decision_label=str(PUBLIC_DECISION_LABELS[product.decision]),
        decided_on=product.decided_on,
        next_review=product.valid_until,
    )


def _notices(session: Session, school_id: int, vendor_ids: list[int]) -> dict[int, ProductNotice]:
    if not vendor_ids:
        return {}
    found = session.execute(
        select(ProductNotice).where(
            ProductNotice.school_id == school_id, ProductNotice.vendor_id.in_(vendor_ids)
        )
    ).scalars()
    return {notice.vendor_id: notice for notice in found}


def notice_for(session: Session, school_id: int, product: ProductInUse) -> ProductNotice:
    """The product's notice, or a new unsaved one prefilled from the assessment and the register."""
    found = _notices(session, school_id, [product.vendor_id]).get(product.vendor_id)
    if found is not None:
        return found
    outside = product.outside_uk
    return ProductNotice(
        school_id=school_id,
        vendor_id=product.vendor_id,
        published=False,
        purpose=product.vendor_purpose,
        lawful_basis=None,
        storage=StorageLocation.UK if outside is False else None,
        storage_detail="",
        retention="",
        data_subjects=product.profile_answer("P01"),
        recipients=f"{product.supplier} (the supplier, as processor)",
        security="",
    )


class NotReadyToPublish(ValueError):
    """Publishing was asked for but the notice lacks something families must be told."""

    def __init__(self, gaps: list[str]) -> None:
        super().__init__(_("Before publishing, add %(missing)s", missing=", ".join(map(str, gaps))))
        self.gaps = gaps


def save_notice(
    session: Session,
    notice: ProductNotice,
    values: Mapping[str, object],
    *,
    user_id: int | None,
    now: datetime,
) -> list[str]:
    """Apply validated values; returns the changed field names. Raises NotReadyToPublish (and
    changes nothing) when `published` is asked for while a required fact is missing."""
    clean = {}
    for name in NOTICE_FIELDS:
        value = values.get(name)
        if isinstance(value, str):
            value = value.strip()
        if name == "lawful_basis":
            value = LawfulBasis(str(value)) if value else None
        elif name == "storage":
            value = StorageLocation(str(value)) if value else None
        elif name == "published":
            value = bool(value)
        else:
            value = value or ""
        clean[name] = value
    gaps = [str(label) for name, label in REQUIRED_TO_PUBLISH.items() if not clean[name]]
    if clean["published"] and gaps:
        raise NotReadyToPublish(gaps)
    changed = [name for name in NOTICE_FIELDS if getattr(notice, name) != clean[name]]
    for name in changed:
        setattr(notice, name, clean[name])
    if notice.id is None:
        session.add(notice)
    if changed or notice.id is None:
        notice.updated_at = now
        notice.updated_by_id = user_id
    session.flush()
    return changed
