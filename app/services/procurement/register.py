"""The vendor register: every product of a school with its state, searched and filtered (a
constant number of statements whatever the number of products), and adding or changing a
product's details (no Flask imports)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.procurement import Decision, Vendor
from app.services.procurement.reviews import ProductState, product_states


class RegisterFilter(StrEnum):
    ALL = ""
    NOT_ASSESSED = "not_assessed"
    IN_PROGRESS = "in_progress"
    APPROVED = Decision.APPROVE.value
    CONDITIONAL = Decision.CONDITIONAL.value
    REJECTED = Decision.REJECT.value
    REVIEW_DUE = "review_due"

    @property
    def label(self) -> str:
        return REGISTER_FILTER_LABELS[self]


REGISTER_FILTER_LABELS = {
    RegisterFilter.ALL: "All products",
    RegisterFilter.NOT_ASSESSED: "Not assessed yet",
    RegisterFilter.IN_PROGRESS: "Assessment in progress",
    RegisterFilter.APPROVED: "Approved",
    RegisterFilter.CONDITIONAL: "Approved with conditions",
    RegisterFilter.REJECTED: "Rejected",
    RegisterFilter.REVIEW_DUE: "Review due or lapsed",
}


@dataclass(frozen=True)
class Register:
    rows: list[ProductState]
    any_product: bool  # false only when the school has registered nothing at all


def shows(state: ProductState, wanted: RegisterFilter, today: date) -> bool:
    if wanted == RegisterFilter.ALL:
        return True
    if wanted == RegisterFilter.NOT_ASSESSED:
        return state.not_assessed
    if wanted == RegisterFilter.IN_PROGRESS:
        return state.in_progress
    if wanted == RegisterFilter.REVIEW_DUE:
        return state.review(today) is not None
    return state.decision is not None and state.decision.value == wanted.value


def vendor_register(
    session: Session, school_id: int, *, search: str, wanted: RegisterFilter, today: date
) -> Register:
    states = product_states(session, [school_id], search=search)
    rows = [state for state in states if shows(state, wanted, today)]
    any_product = bool(states) or (
        session.execute(select(Vendor.id).where(Vendor.school_id == school_id).limit(1)).first()
        is not None
    )
    return Register(rows, any_product)


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


def save_vendor(
    session: Session, facts: Mapping[str, object], *, school_id: int, vendor: Vendor | None = None
) -> Vendor:
    """Add a product to the register (no `vendor`) or change its details, from validated facts
    (a form's data or an imported document's vendor); text is stripped, other keys ignored."""
    if vendor is None:
        vendor = Vendor(school_id=school_id)
        session.add(vendor)
    for name in VENDOR_FIELDS:
        value = facts.get(name)
        setattr(vendor, name, value.strip() if isinstance(value, str) else value)
    vendor.data_categories = list(facts.get("data_categories") or [])
    session.flush()
    return vendor
