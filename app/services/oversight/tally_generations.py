"""What moves a training count or the staff list: every change to completions, assignments,
exemptions, staff, their roles or invitations bumps `School.tally_generation` for each school
whose counts or list it can move, in the change's own transaction, so what is cached under the
old generations (the counts in app/services/oversight/tallies.py, the staff list's page keys in
app/services/accounts/staff_list.py) is never used again. No Flask imports.

Besides a row's own school: a certificate also counts for its holder's current school, and an
email decides which invitation counts in every school of a set, so a change to a person or an
invitation bumps each school with that email. A bulk insert, update or delete on one of these
tables (not row by row) bumps every school.
"""

from itertools import chain
from typing import Any

from sqlalchemy import ColumnElement, event, inspect, or_, select, update
from sqlalchemy.orm import Session

from app.models import Invitation, School, User, UserRole
from app.models.base import table_of
from app.models.oversight import Exemption
from app.models.training import Assignment, Certificate

# Attributes whose change can move a count or the staff list (a name is searched and sorted
# by); any change to the other watched rows can.
_RELEVANT = {
    User: {"active", "school_id", "email", "display_name"},
    Invitation: {
        "accepted_at",
        "revoked_at",
        "roles",
        "email",
        "school_id",
        "created_at",
        "display_name",
    },
}
_WATCHED = (User, UserRole, Invitation, Assignment, Exemption, Certificate)
_WATCHED_TABLES = {model.__table__ for model in _WATCHED}
_installed = False


def _changes_counts(obj: object, deleted_or_new: bool) -> bool:
    if not isinstance(obj, _WATCHED):
        return False
    relevant = _RELEVANT.get(type(obj))
    if deleted_or_new or relevant is None:
        return True
    state: Any = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in relevant)


def _before_flush(session: Session, flush_context, instances) -> None:
    """Note the schools whose counts this flush can move (read now: deleted rows still exist,
    and their school is lost after the flush). Besides a row's own school: a certificate also
    counts for its holder's current school, and a person's email decides which invitation
    counts in every school of a set, so a change to one bumps each school with that email."""
    schools: set[int] = session.info.setdefault("tally_schools", set())
    users: set[int] = session.info.setdefault("tally_users", set())
    emails: set[str] = session.info.setdefault("tally_emails", set())
    pending: list = session.info.setdefault("tally_pending", [])
    dirty = [obj for obj in session.dirty if session.is_modified(obj)]
    for obj, whole in chain(
        ((o, True) for o in session.new),
        ((o, True) for o in session.deleted),
        ((o, False) for o in dirty),
    ):
        if not _changes_counts(obj, whole):
            continue
        pending.append(obj)  # its school and user are read after the flush (new rows)
        if isinstance(obj, UserRole | Certificate) and obj.user_id is not None:
            users.add(obj.user_id)
        if not isinstance(obj, User | Invitation):
            if getattr(obj, "school_id", None) is not None:
                schools.add(obj.school_id)
            continue
        state: Any = inspect(obj)
        if obj.school_id is not None:
            schools.add(obj.school_id)
        schools.update(s for s in state.attrs.school_id.history.deleted if s is not None)
        emails.update(e for e in (obj.email, *state.attrs.email.history.deleted) if e)


def _after_flush(session: Session, flush_context) -> None:
    """Bump the generation of every school noted, in the flush's own transaction."""
    schools: set[int] = session.info.pop("tally_schools", set())
    users: set[int] = session.info.pop("tally_users", set())
    emails: set[str] = session.info.pop("tally_emails", set())
    for obj in session.info.pop("tally_pending", []):
        if getattr(obj, "school_id", None) is not None:
            schools.add(obj.school_id)
        if isinstance(obj, UserRole | Certificate) and obj.user_id is not None:
            users.add(obj.user_id)
    if not (schools or users or emails):
        return
    school_table = table_of(School)
    condition: ColumnElement[bool] = school_table.c.id.in_(schools)
    if users:
        condition = or_(
            condition, school_table.c.id.in_(select(User.school_id).where(User.id.in_(users)))
        )
    if emails:
        condition = or_(
            condition,
            school_table.c.id.in_(select(User.school_id).where(User.email.in_(emails))),
            school_table.c.id.in_(select(Invitation.school_id).where(Invitation.email.in_(emails))),
        )
    session.connection().execute(
        update(school_table)
        .where(condition)
        .values(tally_generation=school_table.c.tally_generation + 1)
    )


def _bulk_statement(orm_execute_state):
    """An insert, update or delete statement on a watched table (not row by row): it could touch
    any school, so bump them all, after the statement itself (so a statement that races another
    request's, like an insert-unless-present, takes its lock first and the two stay ordered)."""
    state = orm_execute_state
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    if getattr(state.statement, "table", None) not in _WATCHED_TABLES:
        return None
    result = state.invoke_statement()
    school_table = table_of(School)
    state.session.connection().execute(
        update(school_table).values(tally_generation=school_table.c.tally_generation + 1)
    )
    return result


def track_changes() -> None:
    """Listen to every session (once per process) for changes that can move a count."""
    global _installed
    if _installed:
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _bulk_statement)
    _installed = True
