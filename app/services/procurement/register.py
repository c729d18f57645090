"""The vendor register: every product of a school with its state, searched and filtered (a
constant number of statements whatever the number of products); adding a product (once, however
often the form is submitted), changing its details, archiving it once a decision exists, and
deleting it (or a draft) only while nothing has been decided. No Flask imports; `record` writes
an audit event (app.audit.record in the app); the caller commits.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models.procurement import Assessment, AssessmentStatus, Decision, Vendor
from app.services.procurement.reviews import (
    ProductState,
    add_results,
    count_products,
    product_states,
)
from app.util.i18n import _, lazy_gettext
from app.util.paging import Paging

AuditRecord = Callable[..., object]


class RegisterError(ValueError):
    """Refused; the message is shown as it is."""


class RegisterFilter(StrEnum):
    ALL = ""
    NOT_ASSESSED = "not_assessed"
    IN_PROGRESS = "in_progress"
    APPROVED = Decision.APPROVE.value
    CONDITIONAL = Decision.CONDITIONAL.value
    REJECTED = Decision.REJECT.value
    AWAITING_SIGN_OFF = "awaiting_sign_off"
    CONDITIONS_OVERDUE = "conditions_overdue"
    REVIEW_DUE = "review_due"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return str(REGISTER_FILTER_LABELS[self])


REGISTER_FILTER_LABELS = {
    RegisterFilter.ALL: lazy_gettext("All products"),
    RegisterFilter.NOT_ASSESSED: lazy_gettext("Not assessed yet"),
    RegisterFilter.IN_PROGRESS: lazy_gettext("Assessment in progress"),
    RegisterFilter.APPROVED: lazy_gettext("Approved"),
    RegisterFilter.CONDITIONAL: lazy_gettext("Approved with conditions"),
    RegisterFilter.REJECTED: lazy_gettext("Rejected"),
    RegisterFilter.AWAITING_SIGN_OFF: lazy_gettext("Awaiting sign-off"),
    RegisterFilter.CONDITIONS_OVERDUE: lazy_gettext("Conditions overdue"),
    RegisterFilter.REVIEW_DUE: lazy_gettext("Review due or lapsed"),
    RegisterFilter.ARCHIVED: lazy_gettext("Archived"),
}


PAGE_SIZE = 50


@dataclass(frozen=True)
class Register:
    rows: list[ProductState]  # the page's products
    any_product: bool  # false only when the school has registered nothing at all
    paging: Paging  # `paging.total`: every product the search and filter pick


def shows(state: ProductState, wanted: RegisterFilter, today: date) -> bool:
    if wanted in (RegisterFilter.ALL, RegisterFilter.ARCHIVED):
        return True  # archived products are read separately
    if wanted == RegisterFilter.NOT_ASSESSED:
        return state.not_assessed
    if wanted == RegisterFilter.IN_PROGRESS:
        return state.in_progress
    if wanted == RegisterFilter.REVIEW_DUE:
        return state.review(today) is not None
    if wanted == RegisterFilter.AWAITING_SIGN_OFF:
        return state.awaiting_sign_off
    if wanted == RegisterFilter.CONDITIONS_OVERDUE:
        return state.overdue_conditions(today) > 0
    return state.decision is not None and state.decision.value == wanted.value


def vendor_register(
    session: Session,
    school_id: int,
    *,
    search: str,
    wanted: RegisterFilter,
    today: date,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> Register:
    """One page of the products the search and filter pick, by name: the states of them all
    (to filter and count), the ratings of the page's alone (read from their snapshots), so a
    page costs the same statements and about the same time for 10 or 1,000 products."""
    archived = wanted == RegisterFilter.ARCHIVED
    if wanted in (RegisterFilter.ALL, RegisterFilter.ARCHIVED):  # no filter: page in SQL
        total = count_products(session, [school_id], search=search, archived=archived)
        paging = Paging.of(total, page, page_size)
        rows = product_states(
            session,
            [school_id],
            search=search,
            archived=archived,
            window=(paging.first - 1 if total else 0, page_size),
        )
    else:  # a filter on the products' states: every state, then this page's ratings
        states = product_states(
            session, [school_id], search=search, archived=archived, with_results=False
        )
        picked = [state for state in states if shows(state, wanted, today)]
        paging = Paging.of(len(picked), page, page_size)
        rows = add_results(session, paging.slice(picked))
    any_product = (
        session.execute(select(Vendor.id).where(Vendor.school_id == school_id).limit(1)).first()
        is not None
    )
    return Register(rows, any_product, paging)


VENDOR_FIELDS = (
    "name",
    "product",
    "website",
    "contact_name",
    "contact_email",
    "purpose",
    "pupils_covered",
    "contract_start",
    "contract_end",
)


def add_vendor(
    session: Session,
    facts: Mapping[str, object],
    *,
    school_id: int,
    submission_token: str | None,
    actor_id: int | None,
    record: AuditRecord,
) -> tuple[Vendor, bool]:
    """Add a product from the add-product form; (the product, whether this call added it).

    The form's one-time token makes a second submit of the same form (a double click, a resend
    after a slow answer) return the product the first one added. Two submits racing each other
    meet the unique (school, token) constraint: the loser's transaction, which held only this
    insert, is rolled back and the winner's product returned."""
    token = (submission_token or "").strip()[:64] or None
    if token:
        earlier = _by_token(session, school_id, token)
        if earlier is not None:
            return earlier, False
    vendor = Vendor(school_id=school_id, submission_token=token)
    try:
        save_vendor(session, facts, school_id=school_id, vendor=vendor, add=True)
    except IntegrityError:
        session.rollback()
        earlier = _by_token(session, school_id, token) if token else None
        if earlier is None:
            raise
        return earlier, False
    record(
        "vendor_added",
        actor_id=actor_id,
        school_id=school_id,
        object_type="vendor",
        object_id=vendor.id,
    )
    return vendor, True


def _by_token(session: Session, school_id: int, token: str) -> Vendor | None:
    stmt = select(Vendor).where(Vendor.school_id == school_id, Vendor.submission_token == token)
    return session.execute(stmt).scalar_one_or_none()


def save_vendor(
    session: Session,
    facts: Mapping[str, object],
    *,
    school_id: int,
    vendor: Vendor | None = None,
    add: bool = False,
) -> Vendor:
    """Add a product to the register (no `vendor`, or `add`) or change its details, from
    validated facts (a form's data or an imported document's vendor); text is stripped, other
    keys ignored."""
    if vendor is None or add:
        vendor = vendor or Vendor(school_id=school_id)
        session.add(vendor)
    for name in VENDOR_FIELDS:
        value = facts.get(name)
        setattr(vendor, name, value.strip() if isinstance(value, str) else value)
    categories = facts.get("data_categories")
    vendor.data_categories = list(categories) if isinstance(categories, list | tuple) else []
    session.flush()
    return vendor


def delete_vendor(
    session: Session, vendor: Vendor, *, actor_id: int | None, record: AuditRecord
) -> None:
    """Delete a product that has no decision (drafts only); one with a decision is archived."""
    if vendor.has_decision:
        raise RegisterError(
            _(
                "%(product)s has a recorded or proposed decision, so it cannot be deleted: "
                "archive it instead, and its decisions stay on record",
                product=vendor.product,
            )
        )
    record(
        "vendor_deleted",
        actor_id=actor_id,
        school_id=vendor.school_id,
        object_type="vendor",
        object_id=vendor.id,
        product=vendor.product,
        assessments=len(vendor.assessments),
    )
    session.delete(vendor)


def archive_vendor(
    session: Session, vendor: Vendor, *, actor_id: int | None, now: datetime, record: AuditRecord
) -> None:
    """Take a product off the register, its reviews and reminders; its decisions stay."""
    if vendor.archived:
        return
    vendor.archived_at, vendor.archived_by_id = now, actor_id
    record(
        "vendor_archived",
        actor_id=actor_id,
        school_id=vendor.school_id,
        object_type="vendor",
        object_id=vendor.id,
    )


def restore_vendor(
    session: Session, vendor: Vendor, *, actor_id: int | None, record: AuditRecord
) -> None:
    if not vendor.archived:
        return
    vendor.archived_at = vendor.archived_by_id = None
    record(
        "vendor_restored",
        actor_id=actor_id,
        school_id=vendor.school_id,
        object_type="vendor",
        object_id=vendor.id,
    )


def delete_draft(
    session: Session, assessment: Assessment, *, actor_id: int | None, record: AuditRecord
) -> None:
    """Delete a draft assessment; a proposed or decided one stays on record."""
    if assessment.status != AssessmentStatus.DRAFT:
        raise RegisterError(
            _("Only a draft can be deleted: this assessment has a recorded or proposed decision")
        )
    record(
        "assessment_deleted",
        actor_id=actor_id,
        school_id=assessment.school_id,
        object_type="assessment",
        object_id=assessment.id,
        vendor=assessment.vendor_id,
        answers=len(assessment.answers),
    )
    session.delete(assessment)
