"""Re-training when a module's major version changes (for example after a change in the law):
who in a school holds a certificate that the current major version supersedes, and reassigning
the module to them with a due date. A reassignment is an ordinary assignment, made through
oversight's `create_assignments`, whose `requires_completion_after` is the moment it was made, so
only a certificate for the new version completes it. No Flask imports; the caller commits."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.content.modules import Module
from app.models.training import Assignment, Certificate
from app.models.users import User
from app.services.oversight.manage import AssignmentTarget, AuditRecord, create_assignments
from app.services.training.certificates import superseded_by


@dataclass(frozen=True)
class Holder:
    """A member of staff whose latest certificate for the module is superseded."""

    user_id: int
    name: str
    version: str  # of their certificate
    issued_at: datetime
    reassigned_due: date | None  # due date of the reassignment already asking them, if any
    reassigned: bool


@dataclass(frozen=True)
class SupersededModule:
    module: Module
    holders: tuple[Holder, ...]  # by name

    @property
    def to_reassign(self) -> list[Holder]:
        return [holder for holder in self.holders if not holder.reassigned]

    @property
    def reassigned(self) -> list[Holder]:
        return [holder for holder in self.holders if holder.reassigned]


def _reassignments(session: Session, school_id: int) -> dict[tuple[int, str], Assignment]:
    """(user id, module id) -> the latest reassignment naming that person."""
    rows = session.execute(
        select(Assignment)
        .where(
            Assignment.school_id == school_id,
            Assignment.user_id.is_not(None),
            Assignment.requires_completion_after.is_not(None),
        )
        .order_by(Assignment.requires_completion_after, Assignment.id)
    ).scalars()
    return {(row.user_id, row.module_id): row for row in rows}  # type: ignore[misc]  # user_id is not None here (the query says so)


def superseded_modules(
    session: Session, school_id: int, modules: Mapping[str, Module]
) -> list[SupersededModule]:
    """Modules (in catalogue order) for which some active member of staff's latest certificate
    is for an earlier major version, with those people; in two queries whatever their number."""
    rows = session.execute(
        select(
            Certificate.user_id,
            Certificate.module_id,
            Certificate.module_version,
            Certificate.issued_at,
            User.display_name,
        )
        .join(User, User.id == Certificate.user_id)
        .where(Certificate.school_id == school_id, User.active.is_(True))
        .order_by(Certificate.issued_at, Certificate.id)
    )
    latest = {(user_id, module_id): rest for user_id, module_id, *rest in rows}
    reassignments = _reassignments(session, school_id)
    holders: dict[str, list[Holder]] = {}
    for (user_id, module_id), (version, issued_at, name) in latest.items():
        module = modules.get(module_id)
        if module is None or superseded_by(version, module.version) is None:
            continue
        asked = reassignments.get((user_id, module_id))
        reassigned = asked is not None and asked.requires_completion_after > issued_at
        holders.setdefault(module_id, []).append(
            Holder(
                user_id=user_id,
                name=name,
                version=version,
                issued_at=issued_at,
                reassigned_due=asked.due_date if asked is not None and reassigned else None,
                reassigned=reassigned,
            )
        )
    return [
        SupersededModule(module, tuple(sorted(holders[module.id], key=lambda h: h.name.lower())))
        for module in modules.values()
        if module.id in holders
    ]


def reassign(
    session: Session,
    *,
    school_id: int,
    module: Module,
    due_date: date,
    now: datetime,
    actor_id: int | None,
    record: AuditRecord,
) -> list[Assignment]:
    """Ask everyone holding a superseded certificate for `module` and not yet reassigned to take
    its current version by `due_date`: one named assignment each (none if nobody is left)."""
    found = superseded_modules(session, school_id, {module.id: module})
    people = found[0].to_reassign if found else []
    if not people:
        return []
    return create_assignments(
        session,
        school_id=school_id,
        module_id=module.id,
        target=AssignmentTarget.PEOPLE,
        role=None,
        user_ids=[holder.user_id for holder in people],
        due_date=due_date,
        refresher_months=None,
        now=now,
        actor_id=actor_id,
        record=record,
        requires_completion_after=now,
    )
