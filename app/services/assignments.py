"""Assignment rules for "My training": which assignments apply to a person, the due date that
counts, and whether it is done, upcoming, due soon or overdue. Pure functions."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from app.services.certificates import add_months

DUE_SOON = timedelta(days=14)


class DueState(StrEnum):
    DONE = "done"
    NO_DATE = "no_date"
    UPCOMING = "upcoming"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


DUE_LABELS = {
    DueState.DONE: "Done",
    DueState.NO_DATE: "No due date",
    DueState.UPCOMING: "Due",
    DueState.DUE_SOON: "Due soon",
    DueState.OVERDUE: "Overdue",
}


@dataclass(frozen=True)
class Assigned:
    """What applies to one person for one module after merging every matching assignment."""

    module_id: str
    due_date: date | None
    refresher_months: int | None


def applies_to(assignment, user_id: int, roles: Iterable[str]) -> bool:  # type: ignore[no-untyped-def]
    """Everyone in the school, everyone with a role, or one named person."""
    if assignment.user_id is not None and assignment.user_id != user_id:
        return False
    return assignment.role is None or assignment.role in set(roles)


def assigned_modules(assignments: Iterable, user_id: int, roles: Iterable[str]) -> dict:
    """Module id -> Assigned. When several assignments name one module, the earliest due date
    and the shortest refresher interval win (the stricter request)."""
    roles = set(roles)
    merged: dict[str, Assigned] = {}
    for assignment in assignments:
        if not applies_to(assignment, user_id, roles):
            continue
        current = merged.get(assignment.module_id)
        due_dates = [d for d in (assignment.due_date, current and current.due_date) if d]
        months = [
            m for m in (assignment.refresher_months, current and current.refresher_months) if m
        ]
        merged[assignment.module_id] = Assigned(
            module_id=assignment.module_id,
            due_date=min(due_dates) if due_dates else None,
            refresher_months=min(months) if months else None,
        )
    return merged


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
