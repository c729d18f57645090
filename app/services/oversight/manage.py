"""What a DPO or school admin sets for their school: module assignments, exemptions from a
module, and the reminder and retention settings. Each function takes validated values, makes the
change, and records it through `record` (`app.audit.record` in the app, a fake in tests). No
Flask imports; the caller commits."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import User
from app.models.base import table_of
from app.models.oversight import Exemption, SchoolSettings
from app.models.training import Assignment
from app.util.paging import Paging
from app.util.upsert import insert_for

# Writes one audit event: app.audit.record in the app, an append to a list in tests.
AuditRecord = Callable[..., object]


class AssignmentTarget(StrEnum):
    """Who an assignment is for. Everyone and a role are standing rules, so they also cover
    people who join later; named people get one assignment each."""

    EVERYONE = "everyone"
    ROLE = "role"
    PEOPLE = "people"


def create_assignments(
    session: Session,
    *,
    school_id: int,
    module_id: str,
    target: AssignmentTarget,
    role: str | None,
    user_ids: Iterable[int],
    due_date: date | None,
    refresher_months: int | None,
    now: datetime,
    actor_id: int | None,
    record: AuditRecord,
    requires_completion_after: datetime | None = None,
) -> list[Assignment]:
    """One assignment for everyone or for `role`, or one per person in `user_ids` (people of
    `school_id`, as the caller's form offered them); each is recorded as `assignment_created`.
    `requires_completion_after` makes a reassignment (app/services/training/retraining.py)."""
    target = AssignmentTarget(target)
    people: list[int | None] = list(user_ids) if target == AssignmentTarget.PEOPLE else [None]
    created = [
        Assignment(
            school_id=school_id,
            module_id=module_id,
            user_id=user_id,
            role=role if target == AssignmentTarget.ROLE else None,
            due_date=due_date,
            refresher_months=refresher_months,
            requires_completion_after=requires_completion_after,
            created_at=now,
        )
        for user_id in people
    ]
    session.add_all(created)
    session.flush()  # the audit events name the new rows
    for assignment in created:
        record(
            "assignment_created",
            school_id=school_id,
            actor_id=actor_id,
            object_type="assignment",
            object_id=assignment.id,
            module_id=assignment.module_id,
            role=assignment.role,
            user_id=assignment.user_id,
            due_date=assignment.due_date.isoformat() if assignment.due_date else None,
        )
    return created


def delete_assignment(
    session: Session, assignment: Assignment, *, actor_id: int | None, record: AuditRecord
) -> None:
    """Remove the assignment; certificates already earned stay on each person's record."""
    record(
        "assignment_deleted",
        school_id=assignment.school_id,
        actor_id=actor_id,
        object_type="assignment",
        object_id=assignment.id,
        module_id=assignment.module_id,
    )
    session.delete(assignment)


def exempt(
    session: Session,
    user: User,
    module_id: str,
    reason: str,
    *,
    now: datetime,
    actor_id: int | None,
    record: AuditRecord,
) -> Exemption:
    """Excuse `user` from the module. Asking again (or twice at the same moment) keeps the
    first exemption and its reason: the row is inserted unless it is already there."""
    inserted = session.execute(
        insert_for(session, table_of(Exemption))
        .values(
            school_id=user.school_id,
            user_id=user.id,
            module_id=module_id,
            reason=reason.strip(),
            created_by_id=actor_id,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["user_id", "module_id"])
        .returning(Exemption.id)  # a row only when this call inserted it
    ).first()
    if inserted is not None:
        record(
            "exemption_added",
            school_id=user.school_id,
            actor_id=actor_id,
            object_type="user",
            object_id=user.id,
            module_id=module_id,
        )
    return session.execute(
        select(Exemption).where(Exemption.user_id == user.id, Exemption.module_id == module_id)
    ).scalar_one()


def remove_exemption(
    session: Session, exemption: Exemption, *, actor_id: int | None, record: AuditRecord
) -> None:
    record(
        "exemption_removed",
        school_id=exemption.school_id,
        actor_id=actor_id,
        object_type="user",
        object_id=exemption.user_id,
        module_id=exemption.module_id,
    )
    session.delete(exemption)


def save_settings(
    session: Session,
    settings: SchoolSettings,
    *,
    reminders_enabled: bool,
    erase_deactivated_after_months: int | None,
    delete_audit_after_months: int | None,
    retake_wait_minutes: int | None = None,
    now: datetime,
    actor_id: int | None,
    record: AuditRecord,
    require_mfa: bool | None = None,
) -> SchoolSettings:
    """Store the school's settings (`settings_for`'s row, added the first time) and record
    the change."""
    if settings.id is None:
        session.add(settings)
    settings.reminders_enabled = reminders_enabled
    settings.erase_deactivated_after_months = erase_deactivated_after_months
    settings.delete_audit_after_months = delete_audit_after_months
    settings.retake_wait_minutes = retake_wait_minutes
    if require_mfa is not None:
        settings.require_mfa = require_mfa
    settings.updated_at = now
    record(
        "settings_changed",
        school_id=settings.school_id,
        actor_id=actor_id,
        object_type="school",
        object_id=settings.school_id,
        reminders="on" if reminders_enabled else "off",  # the words the log has always used
        erase_deactivated_after_months=erase_deactivated_after_months,
        delete_audit_after_months=delete_audit_after_months,
        retake_wait_minutes=retake_wait_minutes,
        require_mfa=require_mfa,
    )
    return settings


ASSIGNMENTS_PAGE_SIZE = 100


@dataclass(frozen=True)
class AssignmentPage:
    rows: list[Assignment]  # by due date (none last), then as made
    people: dict[int, str]  # the page's assigned people who are still active: "Name (email)"
    paging: Paging


def assignment_page(
    session: Session, school_id: int, page: int, page_size: int = ASSIGNMENTS_PAGE_SIZE
) -> AssignmentPage:
    """One page of the school's standing assignments, with the names of the people it assigns
    to (only theirs: a school of 5,000 staff has many single-person assignments)."""
    scoped = select(Assignment).where(Assignment.school_id == school_id)
    total = session.execute(select(func.count()).select_from(scoped.subquery())).scalar_one()
    paging = Paging.of(total, page, page_size)
    rows = list(
        session.execute(
            scoped.order_by(Assignment.due_date, Assignment.id)
            .offset(max(paging.first - 1, 0))
            .limit(page_size)
        ).scalars()
    )
    user_ids = {row.user_id for row in rows if row.user_id is not None}
    people = {
        user_id: f"{name} ({email})"
        for user_id, name, email in session.execute(
            select(User.id, User.display_name, User.email).where(
                User.id.in_(user_ids), User.school_id == school_id, User.active.is_(True)
            )
        )
    }
    return AssignmentPage(rows, people, paging)
