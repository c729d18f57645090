"""Erasing a leaver: their personal details go, their training statistics stay, anonymised.

The user row is kept (training rows point at it, so completion counts do not change) but its
name, email, password and roles are removed. Their certificates keep code, module, score and
dates with a blank learner name (the public check then says "issued to a former member of
staff"). Then every text and JSON column of every table is searched, within the school and in
school-less rows (failed sign-ins, outbox), for the old name and email, which are replaced; a
decision snapshot touched this way gets its hash recomputed so it still verifies. Emails sent
to the person are deleted from the development outbox, and the IP addresses logged for their
own actions are blanked. No Flask imports; the caller commits.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import JSON, String, Table, Text, cast, delete, func, or_, select, update
from sqlalchemy.orm import Session

from app.models import AuditEvent, OutboxEmail, Role, User
from app.models.base import db, rows_matched
from app.models.sso import SsoIdentity
from app.models.training import Certificate
from app.services.procurement.decisions import snapshot_hash
from app.util.i18n import _

FORMER_STAFF = "Former member of staff"
ERASED_DOMAIN = "erased.invalid"  # a reserved name (RFC 2606): never a real address
# "user" is handled field by field below. Published policies are left as they were: staff
# acknowledged that exact text (a PDF could not be changed anyway), and a name in a policy is
# there as the school's contact, which the school updates by publishing a new version.
SKIPPED_TABLES = {"user", "policy", "policy_version"}


class ErasureError(ValueError):
    """Refused; the message is shown as it is."""


@dataclass
class ErasureReport:
    user_id: int
    certificates: int = 0
    outbox_deleted: int = 0
    replaced: dict[str, int] = field(default_factory=dict)  # "table.column" -> rows changed


def erased_email(user_id: int) -> str:
    return f"erased-{user_id}@{ERASED_DOMAIN}"


def is_erased(user: User) -> bool:
    return user.email == erased_email(user.id)


def _pattern(needles: list[str]) -> re.Pattern:
    # Whole words only, so a short name does not mangle longer words that contain it.
    alternatives = "|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True))
    return re.compile(rf"(?<![\w@.]){'(?:' + alternatives + ')'}(?![\w@])", re.IGNORECASE)


def _scrub(value, pattern: re.Pattern):
    """The value with every match replaced, walking JSON lists and dicts (keys too)."""
    if isinstance(value, str):
        return pattern.sub(FORMER_STAFF, value)
    if isinstance(value, list):
        return [_scrub(v, pattern) for v in value]
    if isinstance(value, dict):
        return {_scrub(k, pattern): _scrub(v, pattern) for k, v in value.items()}
    return value


def _text_columns(table: Table) -> list:
    return [c for c in table.columns if isinstance(c.type, String | Text | JSON)]


def scrub_everywhere(
    session: Session, school_id: int, needles: list[str], report: ErasureReport
) -> None:
    """Replace `needles` in every text/JSON column of the school's rows and school-less rows."""
    pattern = _pattern(needles)
    for table in db.metadata.sorted_tables:
        if table.name in SKIPPED_TABLES or "school_id" not in table.c:
            continue
        key = list(table.primary_key.columns)
        for column in _text_columns(table):
            as_text = (
                func.lower(cast(column, Text))
                if isinstance(column.type, JSON)
                else func.lower(column)
            )
            matches = or_(*(as_text.contains(n.lower()) for n in needles))
            in_scope = or_(table.c.school_id == school_id, table.c.school_id.is_(None))
            rows = session.execute(select(*key, column).where(in_scope, matches)).all()
            changed = 0
            for row in rows:
                new = _scrub(row[-1], pattern)
                if new == row[-1]:
                    continue
                values = {column.name: new}
                if table.name == "assessment" and column.name == "snapshot" and new is not None:
                    values["snapshot_hash"] = snapshot_hash(new)
                where = [k == row[i] for i, k in enumerate(key)]
                session.execute(update(table).where(*where).values(**values))
                changed += 1
            if changed:
                report.replaced[f"{table.name}.{column.name}"] = changed


def erase_user(
    session: Session, user: User, *, acting_user: User | None, now: datetime
) -> ErasureReport:
    """Anonymise `user` (see the module docstring). Refuses yourself and the last school admin;
    `acting_user` None is the retention rule, which acts for nobody."""
    if acting_user is not None and user.id == acting_user.id:
        raise ErasureError(_("You cannot erase your own account: ask another admin"))
    if is_erased(user):
        raise ErasureError(_("This account has already been erased"))
    if Role.SCHOOL_ADMIN in user.roles and user.active:
        from app.services.accounts.staff import count_active_school_admins

        if count_active_school_admins(session, user.school_id) <= 1:
            raise ErasureError(_("A school must keep at least one active school admin"))
    report = ErasureReport(user.id)
    needles = [n for n in {user.display_name.strip(), user.email.strip()} if len(n) >= 2]
    report.outbox_deleted = rows_matched(
        session.execute(
            delete(OutboxEmail).where(func.lower(OutboxEmail.recipient) == user.email.lower())
        )
    )
    report.certificates = rows_matched(
        session.execute(
            update(Certificate).where(Certificate.user_id == user.id).values(learner_name="")
        )
    )
    session.execute(
        update(AuditEvent).where(AuditEvent.actor_id == user.id).values(ip_address=None)
    )
    session.execute(delete(SsoIdentity).where(SsoIdentity.user_id == user.id))
    user.display_name = FORMER_STAFF
    user.email = erased_email(user.id)
    user.password_hash = None
    user.active = False
    user.deactivated_at = user.deactivated_at or now
    user.last_sign_in_at = None
    user.end_all_sessions()
    user.set_roles([])
    session.flush()
    scrub_everywhere(session, user.school_id, needles, report)
    return report
