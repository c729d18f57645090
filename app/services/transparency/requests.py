"""Families' objections, opt-outs and requests (no Flask imports; the caller audits and commits).

A request names the pupil only by a reference the school chooses. It is about a product, about
biometrics (Protection of Freedoms Act 2012), photographs, optional census items or something
else; it has a date received, an outcome, the alternative offered "without detriment" and a
review date. Counts per product feed the product page and the PDF report.

Retention: a school may set `delete_requests_after_months`; `flask purge` then deletes closed
requests (any outcome but open) whose later of date received and review date is older than that.
Open requests are never purged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from app.models.procurement import Vendor
from app.models.transparency import (
    FamilyPageSettings,
    FamilyRequest,
    RequestKind,
    RequestOutcome,
    RequestSubject,
)
from app.util.dates import add_months, short_date
from app.util.i18n import _, in_locale

REQUEST_FIELDS = (
    "subject",
    "vendor_id",
    "kind",
    "pupil_reference",
    "received_on",
    "details",
    "outcome",
    "outcome_note",
    "alternative",
    "review_on",
)


class RequestProblem(ValueError):
    """A rule about requests was broken; the message is shown as it is."""


@dataclass(frozen=True)
class RequestCounts:
    """What a product page and report show: how many requests, how many open, and whether an
    alternative has been offered for any of them."""

    total: int = 0
    open: int = 0
    with_alternative: int = 0

    @property
    def alternative_exists(self) -> bool:
        return self.with_alternative > 0


def save_request(
    session: Session,
    values: Mapping[str, object],
    *,
    school_id: int,
    user_id: int | None,
    now: datetime,
    request: FamilyRequest | None = None,
) -> tuple[FamilyRequest, list[str]]:
    """Record a new request (no `request`) or change one, from validated form values; returns
    it and the names of the fields that changed."""
    clean = _clean(session, values, school_id)
    if request is None:
        request = FamilyRequest(school_id=school_id, created_at=now)
        session.add(request)
        changed = [name for name in REQUEST_FIELDS if clean.get(name) not in (None, "")]
    else:
        changed = [name for name in REQUEST_FIELDS if getattr(request, name) != clean[name]]
    for name in REQUEST_FIELDS:
        setattr(request, name, clean[name])
    request.subject_label = clean["subject_label"]
    request.updated_at = now
    request.updated_by_id = user_id
    session.flush()
    return request, changed


def _clean(session: Session, values: Mapping[str, object], school_id: int) -> dict:
    clean: dict = {name: values.get(name) for name in REQUEST_FIELDS}
    for name, value in clean.items():
        if isinstance(value, str):
            clean[name] = value.strip()
    clean["subject"] = RequestSubject(clean["subject"])
    clean["kind"] = RequestKind(clean["kind"])
    clean["outcome"] = RequestOutcome(clean["outcome"] or RequestOutcome.OPEN)
    for name in ("details", "outcome_note", "alternative"):
        clean[name] = clean[name] or ""
    if not clean["pupil_reference"]:
        raise RequestProblem(_("Enter the pupil reference the school uses for this request"))
    if clean["review_on"] and clean["received_on"] and clean["review_on"] < clean["received_on"]:
        raise RequestProblem(_("The review date must be on or after the date received"))
    if clean["outcome"] == RequestOutcome.ALTERNATIVE and not clean["alternative"]:
        raise RequestProblem(_("Describe the alternative offered to the pupil"))
    with in_locale(None):  # stored: in English, like every other stored word
        clean["subject_label"] = clean["subject"].label
    if clean["subject"] == RequestSubject.PRODUCT:
        vendor = session.execute(
            select(Vendor.id, Vendor.product).where(
                Vendor.id == (clean["vendor_id"] or 0), Vendor.school_id == school_id
            )
        ).first()
        if vendor is None:
            raise RequestProblem(_("Choose the app or service the request is about"))
        clean["subject_label"] = vendor.product
    else:
        clean["vendor_id"] = None
    return clean


def school_requests(
    session: Session, school_id: int, *, vendor_id: int | None = None
) -> list[FamilyRequest]:
    """The school's requests, newest received first (one statement)."""
    stmt = select(FamilyRequest).where(FamilyRequest.school_id == school_id)
    if vendor_id is not None:
        stmt = stmt.where(FamilyRequest.vendor_id == vendor_id)
    stmt = stmt.order_by(FamilyRequest.received_on.desc(), FamilyRequest.id.desc())
    return list(session.execute(stmt).scalars())


def counts_by_product(
    session: Session, school_id: int, vendor_ids: list[int] | None = None
) -> dict[int, RequestCounts]:
    """Vendor id -> its request counts (one statement)."""
    open_ = func.sum(case((FamilyRequest.outcome == RequestOutcome.OPEN, 1), else_=0))
    offered = func.sum(case((FamilyRequest.alternative != "", 1), else_=0))
    stmt = (
        select(FamilyRequest.vendor_id, func.count(), open_, offered)
        .where(FamilyRequest.school_id == school_id, FamilyRequest.vendor_id.is_not(None))
        .group_by(FamilyRequest.vendor_id)
    )
    if vendor_ids is not None:
        stmt = stmt.where(FamilyRequest.vendor_id.in_(vendor_ids))
    return {
        vendor_id: RequestCounts(total, int(opened or 0), int(alternatives or 0))
        for vendor_id, total, opened, alternatives in session.execute(stmt)
    }


def counts_for_product(session: Session, school_id: int, vendor_id: int) -> RequestCounts:
    return counts_by_product(session, school_id, [vendor_id]).get(vendor_id, RequestCounts())


CSV_HEADER = [
    "Reference",
    "About",
    "Product",
    "Kind",
    "Pupil reference",
    "Received",
    "Details",
    "Outcome",
    "Outcome note",
    "Alternative offered without detriment",
    "Review date",
    "Last changed",
]


def csv_rows(requests: list[FamilyRequest]) -> list[list[object]]:
    return [
        [
            f"FR-{r.id}",
            r.subject.label,
            r.subject_label if r.subject == RequestSubject.PRODUCT else "",
            r.kind.label,
            r.pupil_reference,
            r.received_on.isoformat(),
            r.details,
            r.outcome.label,
            r.outcome_note,
            r.alternative,
            r.review_on.isoformat() if r.review_on else "",
            short_date(r.updated_at),
        ]
        for r in requests
    ]


# --- retention ---------------------------------------------------------------------------------


def _expired(school_id: int, months: int, now: datetime):
    before = add_months(now.date(), -months)
    last_relevant = func.coalesce(FamilyRequest.review_on, FamilyRequest.received_on)
    return (
        (FamilyRequest.school_id == school_id)
        & (FamilyRequest.outcome != RequestOutcome.OPEN)
        & (FamilyRequest.received_on < before)
        & (last_relevant < before)
    )


def purge_requests(session: Session, now: datetime, *, dry_run: bool) -> dict[int, int]:
    """School id -> how many closed requests are past the school's period (deleted unless
    `dry_run`)."""
    removed: dict[int, int] = {}
    rows = session.execute(
        select(FamilyPageSettings.school_id, FamilyPageSettings.delete_requests_after_months).where(
            FamilyPageSettings.delete_requests_after_months.is_not(None)
        )
    ).all()
    for school_id, months in rows:
        expired = _expired(school_id, months, now)
        count = session.execute(
            select(func.count()).select_from(FamilyRequest).where(expired)
        ).scalar_one()
        if count and not dry_run:
            session.execute(delete(FamilyRequest).where(expired))
        removed[school_id] = count
    return removed
