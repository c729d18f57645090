"""Each product's current state (newest assessment, latest decision, rating) and the one rule for
when a decision needs reviewing. No Flask imports.

The rule: a decision is *due for review* from `REVIEW_WINDOW_DAYS` days before its valid-until
date, and has *lapsed* once that date has passed (it is still valid on the date itself). The
Reviews due page, the vendor register's tags and filter, the oversight dashboard's vendor panel and
the trust view all ask `review_state`, so they always list the same products.

Reminder emails are a separate idea, built on the same dates: business managers hear at
`REMINDER_STAGES` days before the valid-until date (a lapsed decision counts as the last stage).
Every stage lies inside the review window, so an email never names a product the pages do not list.

Conditions are tracked separately: a condition not marked met is *overdue* once its due date
has passed (`Condition.overdue`). A conditional approval with overdue conditions is shown as such
on every page, on Reviews due and the dashboard, and in the reminder email (`overdue_conditions`).

`product_states` reads every product of the given schools in three statements whatever their
number, selecting only the columns the pages need (no answers, no frozen snapshot). Archived
products are left out unless asked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from app.models.procurement import (
    NOT_DECIDED,
    Assessment,
    AssessmentStatus,
    Condition,
    Decision,
    Vendor,
)
from app.util.i18n import _, lazy_gettext, ngettext

REVIEW_WINDOW_DAYS = 60
REMINDER_STAGES = (30, 7, 1)  # days before the valid-until date; tightest last
NOT_RATED = lazy_gettext("Not rated yet")

if max(REMINDER_STAGES) > REVIEW_WINDOW_DAYS:  # pragma: no cover - a guard on the constants
    raise ValueError("every reminder stage must fall inside the review window")


class ReviewState(StrEnum):
    DUE = "due"
    LAPSED = "lapsed"

    @property
    def label(self) -> str:
        return str(REVIEW_LABELS[self])


REVIEW_LABELS = {
    ReviewState.DUE: lazy_gettext("Review due"),
    ReviewState.LAPSED: lazy_gettext("Lapsed"),
}


def review_state(valid_until: date | None, today: date) -> ReviewState | None:
    """Lapsed (the valid-until date has passed), due (within the window) or None."""
    if valid_until is None:
        return None
    days_left = (valid_until - today).days
    if days_left < 0:
        return ReviewState.LAPSED
    if days_left <= REVIEW_WINDOW_DAYS:
        return ReviewState.DUE
    return None


def review_stage(valid_until: date | None, today: date) -> int | None:
    """The tightest reminder stage reached (30, 7 or 1 days; a lapsed decision counts as 1)."""
    if valid_until is None or review_state(valid_until, today) is None:
        return None
    days_left = (valid_until - today).days
    reached = [stage for stage in REMINDER_STAGES if days_left <= stage]
    return min(reached) if reached else None


@dataclass(frozen=True)
class ProductState:
    """One registered product: its newest assessment and its latest decided one."""

    vendor_id: int
    school_id: int
    product: str
    supplier: str
    latest_id: int | None = None  # the newest assessment, draft or decided
    latest_status: AssessmentStatus | None = None
    decided_id: int | None = None  # the newest decided assessment
    decided_hash: str | None = None  # its frozen snapshot's hash
    decision: Decision | None = None
    valid_until: date | None = None
    band: str | None = None
    band_label: str | None = None
    score: float | None = None
    conditions_due: tuple[date, ...] = ()  # due dates of the latest decision's unmet conditions
    archived: bool = False

    @property
    def not_assessed(self) -> bool:
        return self.latest_id is None

    @property
    def in_progress(self) -> bool:
        """A draft or a proposal awaiting sign-off is newer than any decision."""
        return self.latest_status in (AssessmentStatus.DRAFT, AssessmentStatus.PROPOSED)

    @property
    def awaiting_sign_off(self) -> bool:
        return self.latest_status == AssessmentStatus.PROPOSED

    def overdue_conditions(self, today: date) -> int:
        return sum(1 for due in self.conditions_due if due < today)

    def decision_status(self, today: date) -> str:
        """The decision label, saying so when its conditions are overdue."""
        overdue = self.overdue_conditions(today)
        if not overdue:
            return self.decision_label
        return _("%(decision)s: %(overdue)s", decision=self.decision_label, overdue=ngettext(
            "%(num)d condition overdue", "%(num)d conditions overdue", overdue
        ))  # fmt: skip

    @property
    def newer_draft(self) -> bool:
        """A re-assessment has started since the latest decision."""
        return self.in_progress and self.decided_id is not None

    @property
    def decision_label(self) -> str:
        return self.decision.label if self.decision else str(NOT_DECIDED)

    @property
    def rating(self) -> str:
        return self.band_label or str(NOT_RATED)

    def review(self, today: date) -> ReviewState | None:
        return review_state(self.valid_until, today)

    def days_left(self, today: date) -> int | None:
        return (self.valid_until - today).days if self.valid_until else None


def like_pattern(text: str) -> str:
    """`%text%` for LIKE with `%`, `_` and the escape character matched literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _vendors(school_ids: Sequence[int], search: str, archived: bool) -> Select:
    vendors = select(
        Vendor.id, Vendor.school_id, Vendor.product, Vendor.name, Vendor.archived_at
    ).where(
        Vendor.school_id.in_(school_ids),
        Vendor.archived_at.is_not(None) if archived else Vendor.archived_at.is_(None),
    )
    if search:
        like = like_pattern(search)
        vendors = vendors.where(
            Vendor.product.ilike(like, escape="\\") | Vendor.name.ilike(like, escape="\\")
        )
    return vendors.order_by(Vendor.product, Vendor.id)


def count_products(
    session: Session, school_ids: Sequence[int], *, search: str = "", archived: bool = False
) -> int:
    """How many products `product_states` would list (without its `window`)."""
    vendors = _vendors(school_ids, search, archived).order_by(None).subquery()
    return session.execute(select(func.count()).select_from(vendors)).scalar_one()


def product_states(
    session: Session,
    school_ids: Sequence[int],
    *,
    search: str = "",
    archived: bool = False,
    with_results: bool = True,
    window: tuple[int, int] | None = None,
) -> list[ProductState]:
    """Every product of these schools (whose product or supplier contains `search`), by name:
    the register's products, or (`archived`) the archived ones; with `window` (offset, limit)
    only that slice of them, its assessments and conditions alone read.

    Without `with_results` the decided rating (band, label, score) is left out: it is read from
    each snapshot's JSON (once per snapshot and process: `decided_ratings`), the costly part for
    a long list, so a page that shows a slice of the list reads it for that slice alone
    (`add_results`)."""
    vendors = _vendors(school_ids, search, archived)
    if window is not None:
        vendors = vendors.offset(window[0]).limit(window[1])
    vendor_rows = session.execute(vendors).all()
    columns = [
        Assessment.vendor_id,
        Assessment.id,
        Assessment.status,
        Assessment.decision,
        Assessment.valid_until,
    ]
    assessments = (
        select(*columns, Assessment.snapshot_hash)
        .where(Assessment.school_id.in_(school_ids))
        .order_by(Assessment.created_at, Assessment.id)  # the order Vendor.assessments uses
    )
    assessments = assessments.where(Assessment.vendor_id.in_(vendors.with_only_columns(Vendor.id)))
    latest: dict[int, Row] = {}
    decided: dict[int, Row] = {}
    for row in session.execute(assessments):  # later rows win
        latest[row.vendor_id] = row
        if row.status == AssessmentStatus.DECIDED:
            decided[row.vendor_id] = row
    due: dict[int, list[date]] = {}
    unmet = select(Condition.assessment_id, Condition.due_on).where(
        Condition.school_id.in_(school_ids), Condition.met_on.is_(None)
    )
    if window is not None:
        unmet = unmet.where(Condition.assessment_id.in_([row.id for row in decided.values()]))
    for assessment_id, due_on in session.execute(unmet):
        due.setdefault(assessment_id, []).append(due_on)
    states = [
        _state(vendor, latest.get(vendor.id), done := decided.get(vendor.id),
               tuple(sorted(due.get(done.id, []))) if done else ())
        for vendor in vendor_rows
    ]  # fmt: skip
    if not with_results:
        return states
    ratings = decided_ratings(session, {row.id: row.snapshot_hash for row in decided.values()})
    return _rated(states, ratings)


_RESULT = Assessment.snapshot["result"]
_RESULT_COLUMNS = (
    _RESULT["band"].as_string().label("band"),
    _RESULT["band_label"].as_string().label("band_label"),
    _RESULT["score"].as_float().label("score"),
)
Rating = tuple[str | None, str | None, float | None]  # band, band label, score
# A frozen snapshot never changes under its hash (a new snapshot gets a new hash), so the rating
# read from it is kept per hash, in this process: reading three values out of each 70 KB
# snapshot's JSON was most of the register's database time. Bounded: emptied when full.
_RATINGS_BY_HASH: dict[str, Rating] = {}
RATINGS_KEPT = 20_000


def decided_ratings(session: Session, hashes: dict[int, str | None]) -> dict[int, Rating]:
    """The rating frozen in each assessment's snapshot, by assessment id (`hashes`: id to
    snapshot hash). One statement reading the snapshots of those not known yet, none when every
    one is known."""
    found = {i: _RATINGS_BY_HASH[h] for i, h in hashes.items() if h in _RATINGS_BY_HASH}
    unknown = [assessment_id for assessment_id in hashes if assessment_id not in found]
    if not unknown:
        return found
    read = select(Assessment.id, Assessment.snapshot_hash, *_RESULT_COLUMNS).where(
        Assessment.id.in_(unknown)
    )
    for row in session.execute(read):
        found[row.id] = (row.band, row.band_label, row.score)
        if row.snapshot_hash is not None:
            if len(_RATINGS_BY_HASH) >= RATINGS_KEPT:
                _RATINGS_BY_HASH.clear()
            _RATINGS_BY_HASH[row.snapshot_hash] = found[row.id]
    return found


def _rated(states: Sequence[ProductState], ratings: dict[int, Rating]) -> list[ProductState]:
    return [
        replace(state, band=rating[0], band_label=rating[1], score=rating[2])
        if (rating := ratings.get(state.decided_id or 0)) is not None
        else state
        for state in states
    ]


def add_results(session: Session, states: Sequence[ProductState]) -> list[ProductState]:
    """`states` (from `product_states(..., with_results=False)`) with their decided ratings, in
    one statement however many there are."""
    hashes = {s.decided_id: s.decided_hash for s in states if s.decided_id is not None}
    return _rated(states, decided_ratings(session, hashes))


def _state(
    vendor: Row, newest: Row | None, done: Row | None, conditions_due: tuple[date, ...]
) -> ProductState:
    return ProductState(
        vendor_id=vendor.id,
        school_id=vendor.school_id,
        product=vendor.product,
        supplier=vendor.name,
        latest_id=newest.id if newest else None,
        latest_status=newest.status if newest else None,
        decided_id=done.id if done else None,
        decided_hash=done.snapshot_hash if done else None,
        decision=done.decision if done else None,
        valid_until=done.valid_until if done else None,
        conditions_due=conditions_due,
        archived=vendor.archived_at is not None,
    )


def reviews_due(products: Sequence[ProductState], today: date) -> list[ProductState]:
    """Products whose decision is due for review or has lapsed, soonest first."""
    due = [p for p in products if p.review(today) is not None]
    return sorted(due, key=lambda p: (p.valid_until, p.product, p.vendor_id))


@dataclass(frozen=True)
class OverdueCondition:
    product: ProductState
    condition_id: int
    text: str
    owner: str
    due_on: date
    owner_user_id: int | None = None  # the colleague who owns it, if a user of the school

    def days_overdue(self, today: date) -> int:
        return (today - self.due_on).days


def overdue_conditions(
    session: Session, products: Sequence[ProductState], today: date
) -> list[OverdueCondition]:
    """The unmet conditions of these products' latest decisions whose due date has passed,
    most overdue first (one statement)."""
    by_decision = {p.decided_id: p for p in products if p.overdue_conditions(today)}
    if not by_decision:
        return []
    stmt = (
        select(Condition)
        .where(
            Condition.assessment_id.in_(by_decision),
            Condition.met_on.is_(None),
            Condition.due_on < today,
        )
        .order_by(Condition.due_on, Condition.id)
    )
    return [
        OverdueCondition(
            by_decision[c.assessment_id], c.id, c.text, c.owner_label, c.due_on, c.owner_user_id
        )
        for c in session.execute(stmt).scalars()
    ]


def products_due_for_review(
    session: Session, school_ids: Sequence[int], today: date
) -> list[ProductState]:
    return reviews_due(product_states(session, school_ids), today)


def counts_by_rating_and_decision(products: Sequence[ProductState]) -> list[tuple]:
    """[(rating, decision, count)] by label, most common first."""
    counts = Counter((p.rating, p.decision_label) for p in products)
    return sorted(((r, d, n) for (r, d), n in counts.items()), key=lambda x: (-x[2], x[0], x[1]))
