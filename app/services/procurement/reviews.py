"""The procurement side of oversight: each product's current decision and rating, and which
decisions need reviewing soon. Reads the procurement engine's tables; two queries whatever the
number of products. No Flask imports."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.procurement import DECIDED, DECISIONS, Assessment, Vendor

REVIEW_STAGES = (30, 7, 1)  # reminder thresholds, days before a decision's valid-until date
NOT_DECIDED = "Not decided yet"
NOT_RATED = "Not rated yet"


@dataclass(frozen=True)
class ProductDecision:
    vendor_id: int
    school_id: int
    product: str
    supplier: str
    assessment_id: int | None
    decision: str  # label
    rating: str  # band label from the frozen result
    valid_until: date | None


def product_decisions(session: Session, school_ids: Sequence[int]) -> list[ProductDecision]:
    """Every product with its latest decided assessment (or none), by product name."""
    vendors = session.execute(
        select(Vendor.id, Vendor.school_id, Vendor.product, Vendor.name)
        .where(Vendor.school_id.in_(school_ids))
        .order_by(Vendor.product, Vendor.id)
    ).all()
    decided = session.execute(
        select(
            Assessment.vendor_id,
            Assessment.id,
            Assessment.decision,
            Assessment.valid_until,
            Assessment.snapshot["result"]["band_label"].as_string(),
        )
        .where(Assessment.school_id.in_(school_ids), Assessment.status == DECIDED)
        .order_by(Assessment.decided_on, Assessment.id)
    ).all()
    latest = {row[0]: row for row in decided}  # later rows win
    products = []
    for vendor_id, school_id, product, supplier in vendors:
        row = latest.get(vendor_id)
        products.append(
            ProductDecision(
                vendor_id,
                school_id,
                product,
                supplier,
                row[1] if row else None,
                DECISIONS.get(row[2], NOT_DECIDED) if row else NOT_DECIDED,
                (row[4] or NOT_RATED) if row else NOT_RATED,
                row[3] if row else None,
            )
        )
    return products


def counts_by_rating_and_decision(products: Sequence[ProductDecision]) -> list[tuple]:
    """[(rating, decision, count)], most common first."""
    counts = Counter((p.rating, p.decision) for p in products)
    return sorted(((r, d, n) for (r, d), n in counts.items()), key=lambda x: (-x[2], x[0], x[1]))


def review_stage(valid_until: date | None, today: date) -> int | None:
    """The tightest reminder threshold reached (30, 7 or 1 days; a lapsed date counts as 1)."""
    if valid_until is None:
        return None
    days_left = (valid_until - today).days
    reached = [stage for stage in REVIEW_STAGES if days_left <= stage]
    return min(reached) if reached else None


def reviews_due(
    products: Sequence[ProductDecision], today: date, within_days: int = REVIEW_STAGES[0]
) -> list[ProductDecision]:
    """Decisions whose valid-until date is within `within_days` or already past, soonest first."""
    due = [p for p in products if p.valid_until and (p.valid_until - today).days <= within_days]
    return sorted(due, key=lambda p: (p.valid_until, p.product))
