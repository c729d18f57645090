"""Assignment rules for "My training": which assignments apply to a person, the due date that
counts, and whether it is done, upcoming, due soon or overdue. Pure functions.

The compliance rules at the end (oversight) classify one person's assigned module for the
dashboards and reminders: exempt, complete, expiring soon, expired (refresher overdue), overdue,
due soon or due. An assignment is a rule evaluated per person, so a standing assignment to
everyone or to a role applies to anyone who joins later without copying rows.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from app.services.training.certificates import REFRESHER_WINDOW, refresher_due
from app.util.dates import add_months
from app.util.i18n import lazy_gettext

DUE_SOON = timedelta(days=14)


class DueState(StrEnum):
    DONE = "done"
    NO_DATE = "no_date"
    UPCOMING = "upcoming"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


DUE_LABELS = {
    DueState.DONE: lazy_gettext("Done"),
    DueState.NO_DATE: lazy_gettext("No due date"),
    DueState.UPCOMING: lazy_gettext("Due"),
    DueState.DUE_SOON: lazy_gettext("Due soon"),
    DueState.OVERDUE: lazy_gettext("Overdue"),
}


@dataclass(frozen=True)
class Assigned:
    """What applies to one person for one module after merging every matching assignment."""

    module_id: str
    due_date: date | None
    refresher_months: int | None
    # Only a completion issued after this counts (a reassignment after a major version change).
    requires_completion_after: datetime | None = None

    def counts(self, issued_at: datetime | None) -> bool:
        """Whether a certificate issued then completes this assignment."""
        if issued_at is None:
            return False
        return self.requires_completion_after is None or issued_at > self.requires_completion_after


def applies_to(assignment, user_id: int, roles: Iterable[str]) -> bool:
    """Everyone in the school, everyone with a role, or one named person."""
    if assignment.user_id is not None and assignment.user_id != user_id:
        return False
    return assignment.role is None or assignment.role in set(roles)


def assigned_modules(assignments: Iterable, user_id: int, roles: Iterable[str]) -> dict:
    """Module id -> Assigned. When several assignments name one module, the earliest due date
    and the shortest refresher interval win (the stricter request). A reassignment (with
    `requires_completion_after`) asks for new training, so its due date replaces those of the
    assignments it follows rather than competing with their older, perhaps long past, dates."""
    roles = set(roles)
    merged: dict[str, Assigned] = {}
    for assignment in assignments:
        if not applies_to(assignment, user_id, roles):
            continue
        current = merged.get(assignment.module_id)
        after = assignment.requires_completion_after
        current_after = current.requires_completion_after if current else None
        if current is None or _later(after, current_after):
            due_dates = [assignment.due_date]
        elif _later(current_after, after):
            due_dates = [current.due_date]
        else:
            due_dates = [assignment.due_date, current.due_date]
        due_dates = [d for d in due_dates if d]
        months = [
            m for m in (assignment.refresher_months, current and current.refresher_months) if m
        ]
        merged[assignment.module_id] = Assigned(
            module_id=assignment.module_id,
            due_date=min(due_dates) if due_dates else None,
            refresher_months=min(months) if months else None,
            requires_completion_after=max((a for a in (after, current_after) if a), default=None),
        )
    return merged


def _later(first: datetime | None, second: datetime | None) -> bool:
    """Whether `first` asks for newer training than `second` (None asks for none)."""
    never = datetime.min.replace(tzinfo=UTC)
    return (first or never) > (second or never)


def due_state(
    due_date: date | None, today: date, done: bool, soon: timedelta = DUE_SOON
) -> DueState:
    if done:
        return DueState.DONE
    if due_date is None:
        return DueState.NO_DATE
    if due_date < today:
        return DueState.OVERDUE
    if due_date - today <= soon:
        return DueState.DUE_SOON
    return DueState.UPCOMING


def refresh_by(issued_at: datetime, expires_at: datetime, refresher_months: int | None) -> datetime:
    """When the person must retake: the certificate's expiry, or sooner if the school asks."""
    if refresher_months is None:
        return expires_at
    return min(expires_at, add_months(issued_at, refresher_months))


# --- Compliance (oversight) ------------------------------------------------------------------


class Compliance(StrEnum):
    EXEMPT = "exempt"
    COMPLETE = "complete"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    DUE = "due"


COMPLIANCE_LABELS = {
    Compliance.EXEMPT: lazy_gettext("Exempt"),
    Compliance.COMPLETE: lazy_gettext("Complete"),
    Compliance.EXPIRING: lazy_gettext("Expiring soon"),
    Compliance.EXPIRED: lazy_gettext("Expired"),
    Compliance.OVERDUE: lazy_gettext("Overdue"),
    Compliance.DUE_SOON: lazy_gettext("Due soon"),
    Compliance.DUE: lazy_gettext("Due"),
}
COMPLIANCE_TAG_CLASSES = {
    Compliance.EXEMPT: "govuk-tag--grey",
    Compliance.COMPLETE: "govuk-tag--green",
    Compliance.EXPIRING: "govuk-tag--yellow",
    Compliance.EXPIRED: "govuk-tag--red",
    Compliance.OVERDUE: "govuk-tag--red",
    Compliance.DUE_SOON: "govuk-tag--orange",
    Compliance.DUE: "govuk-tag--blue",
}
# Currently counts as trained (for completion rates).
COMPLETED = frozenset({Compliance.COMPLETE, Compliance.EXPIRING})
# Needs action now (the "overdue" list): never done by the due date, or lapsed.
LATE = frozenset({Compliance.OVERDUE, Compliance.EXPIRED})


@dataclass(frozen=True)
class ComplianceState:
    status: Compliance
    due_date: date | None  # the date that counts now: assignment due date, or refresher date
    refresh_at: datetime | None  # when the latest completion stops counting


def compliance_state(
    assigned: Assigned,
    latest_issued_at: datetime | None,
    latest_expires_at: datetime | None,
    now: datetime,
    *,
    exempt: bool = False,
    soon: timedelta = DUE_SOON,
    expiring_window: timedelta = REFRESHER_WINDOW,
) -> ComplianceState:
    """Classify one assigned module for one person from their latest certificate (if any).

    A completion counts until `refresh_by` (the certificate expiry, or sooner when the school's
    N-month refresher rule asks); within `expiring_window` of that it is "expiring", after it
    the module is due again from that date, so it is at once "expired" (late). A certificate
    issued before a reassignment's `requires_completion_after` does not count at all.
    """
    if exempt:
        return ComplianceState(Compliance.EXEMPT, None, None)
    if (
        latest_issued_at is not None
        and latest_expires_at is not None
        and assigned.counts(latest_issued_at)
    ):
        refresh_at = refresh_by(latest_issued_at, latest_expires_at, assigned.refresher_months)
        if now >= refresh_at:
            return ComplianceState(Compliance.EXPIRED, refresh_at.date(), refresh_at)
        if refresher_due(refresh_at, now, expiring_window):
            return ComplianceState(Compliance.EXPIRING, refresh_at.date(), refresh_at)
        return ComplianceState(Compliance.COMPLETE, None, refresh_at)
    state = due_state(assigned.due_date, now.date(), done=False, soon=soon)
    status = {
        DueState.OVERDUE: Compliance.OVERDUE,
        DueState.DUE_SOON: Compliance.DUE_SOON,
    }.get(state, Compliance.DUE)
    return ComplianceState(status, assigned.due_date, None)


def completion_rate(completed: int, counted: int) -> int | None:
    """Whole percent, rounded down (100 only when everyone is done); None when nobody counts."""
    if counted <= 0:
        return None
    return completed * 100 // counted
