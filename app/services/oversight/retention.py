"""Retention: each school's settings say how long to keep accounts of staff who have left and
audit events; `flask purge` applies them.

Accounts deactivated longer than the school's period are erased (anonymised, see
`app.services.oversight.erasure`) rather than deleted, so the school's training statistics survive.
Audit events older than the period are deleted. Families' closed requests older than the period
in the school's families' page settings are deleted (the rule is in
`app.services.transparency.requests`). With `dry_run` nothing changes and the report
says what would go. No Flask imports; the caller commits.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, School, User
from app.models.oversight import SchoolSettings
from app.services.oversight.compliance import school_names
from app.services.oversight.erasure import erase_user, erased_email
from app.util.dates import add_months


@dataclass
class SchoolPurge:
    school: str
    accounts_erased: int = 0
    audit_events_deleted: int = 0
    family_requests_deleted: int = 0


@dataclass
class PurgeReport:
    dry_run: bool
    schools: list[SchoolPurge] = field(default_factory=list)

    @property
    def accounts_erased(self) -> int:
        return sum(s.accounts_erased for s in self.schools)

    @property
    def audit_events_deleted(self) -> int:
        return sum(s.audit_events_deleted for s in self.schools)

    @property
    def family_requests_deleted(self) -> int:
        return sum(s.family_requests_deleted for s in self.schools)


def settings_for(session: Session, school_id: int) -> SchoolSettings:
    """The school's settings row (an unsaved default one if it has none)."""
    found = session.execute(
        select(SchoolSettings).where(SchoolSettings.school_id == school_id)
    ).scalar_one_or_none()
    return found or SchoolSettings(school_id=school_id, reminders_enabled=True)


def cutoff(now: datetime, months: int) -> datetime:
    return add_months(now, -months)


def purge(session: Session, now: datetime, *, dry_run: bool = False) -> PurgeReport:
    report = PurgeReport(dry_run)
    rows = session.execute(
        select(SchoolSettings, School.name)
        .join(School, School.id == SchoolSettings.school_id)
        .order_by(School.name)
    ).all()
    for settings, school_name in rows:
        result = SchoolPurge(school_name)
        if settings.erase_deactivated_after_months:
            before = cutoff(now, settings.erase_deactivated_after_months)
            deactivated = session.execute(
                select(User).where(
                    User.school_id == settings.school_id,
                    User.active.is_(False),
                    User.deactivated_at < before,
                )
            ).scalars()
            leavers = [u for u in deactivated if u.email != erased_email(u.id)]
            result.accounts_erased = len(leavers)
            if not dry_run:
                for user in leavers:
                    erase_user(session, user, acting_user=None, now=now)
        if settings.delete_audit_after_months:
            before = cutoff(now, settings.delete_audit_after_months)
            old = (AuditEvent.school_id == settings.school_id) & (AuditEvent.created_at < before)
            result.audit_events_deleted = session.execute(
                select(func.count()).select_from(AuditEvent).where(old)
            ).scalar_one()
            if not dry_run:
                session.execute(delete(AuditEvent).where(old))
        report.schools.append(result)
    _purge_family_requests(session, now, report, dry_run=dry_run)
    return report


def _purge_family_requests(
    session: Session, now: datetime, report: PurgeReport, *, dry_run: bool
) -> None:
    from app.services.transparency.requests import purge_requests

    by_school = purge_requests(session, now, dry_run=dry_run)
    if not by_school:
        return
    names = school_names(session, list(by_school))
    listed = {s.school: s for s in report.schools}
    for school_id, count in sorted(by_school.items(), key=lambda item: names[item[0]]):
        row = listed.get(names[school_id])
        if row is None:
            row = SchoolPurge(names[school_id])
            report.schools.append(row)
        row.family_requests_deleted = count
