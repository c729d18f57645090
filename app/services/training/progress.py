"""Progress rules: which lessons count as read, a module's status for one person (not started,
in progress, passed, refresher due, expired), how far through they are, where to continue,
whether the knowledge check is open to them, and the "My training" overview.
Pure functions over modules and plain rows; no Flask, no database.

A lesson counts as read when it was marked read under the module's current major version: a
major version asks for training again (modules/README.md), so its lessons are read afresh.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from app.content.modules import CheckOpens, Module
from app.services.training.assignments import Assigned, DueState, due_state, refresh_by
from app.services.training.certificates import (
    certificate_state,
    major_version,
    refresher_due,
    superseded_by,
)
from app.util.i18n import lazy_gettext, ngettext


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PASSED = "passed"
    REFRESHER_DUE = "refresher_due"
    EXPIRED = "expired"


STATUS_LABELS = {
    Status.NOT_STARTED: lazy_gettext("Not started"),
    Status.IN_PROGRESS: lazy_gettext("In progress"),
    Status.PASSED: lazy_gettext("Passed"),
    Status.REFRESHER_DUE: lazy_gettext("Refresher due"),
    Status.EXPIRED: lazy_gettext("Expired"),
}
STATUS_TAG_CLASSES = {
    Status.NOT_STARTED: "govuk-tag--grey",
    Status.IN_PROGRESS: "govuk-tag--light-blue",
    Status.PASSED: "govuk-tag--green",
    Status.REFRESHER_DUE: "govuk-tag--yellow",
    Status.EXPIRED: "govuk-tag--red",
}


def module_status(
    lessons_done: int, attempted: bool, refresh_at: datetime | None, now: datetime
) -> Status:
    """`refresh_at` is when the latest certificate stops counting (None: never passed)."""
    if refresh_at is not None:
        if certificate_state(refresh_at, now) == "expired":
            return Status.EXPIRED
        return Status.REFRESHER_DUE if refresher_due(refresh_at, now) else Status.PASSED
    return Status.IN_PROGRESS if lessons_done or attempted else Status.NOT_STARTED


def percent_complete(lessons_done: int, lesson_count: int) -> int:
    """The share of the lessons read, rounded down: 2 of 5 is 40."""
    return lessons_done * 100 // lesson_count if lesson_count else 0


def read_slugs(module, progress: Iterable[tuple[str, str, str]]) -> set[str]:
    """The module's lessons read under its current major version, from (module id, lesson slug,
    module version) rows of any modules."""
    major = major_version(module.version)
    slugs = {lesson.slug for lesson in module.lessons}
    return {
        slug
        for module_id, slug, version in progress
        if module_id == module.id and slug in slugs and major_version(version) == major
    }


@dataclass(frozen=True)
class CheckGate:
    """Whether someone may start the knowledge check now, and if not, why."""

    unread: tuple  # lessons still to read first (app.content.modules.Lesson), in order
    wait_until: datetime | None  # after a failed try, when the school's wait is over

    @property
    def is_open(self) -> bool:
        return not self.unread and self.wait_until is None

    def minutes_to_wait(self, now: datetime) -> int:
        """Whole minutes until the wait is over, rounded up (0 when there is none)."""
        if self.wait_until is None:
            return 0
        return max(1, -(-int((self.wait_until - now).total_seconds()) // 60))

    def reason(self, now: datetime) -> str | None:
        """Why the check is closed, in the words the pages use; None when it is open."""
        if self.unread:
            return ngettext(
                "Read every lesson before you take the knowledge check: %(num)d lesson is "
                "not marked as read yet",
                "Read every lesson before you take the knowledge check: %(num)d lessons are "
                "not marked as read yet",
                len(self.unread),
            )
        if self.wait_until is not None:
            return ngettext(
                "You can try the knowledge check again in %(num)d minute: your school asks "
                "for a break between tries, to go back over the lessons",
                "You can try the knowledge check again in %(num)d minutes: your school asks "
                "for a break between tries, to go back over the lessons",
                self.minutes_to_wait(now),
            )
        return None


def check_gate(
    module,
    read: set[str],
    last_failed_at: datetime | None,
    wait_minutes: int | None,
    now: datetime,
) -> CheckGate:
    """The check opens once every lesson is read (unless the module's `check_opens` says
    `any-time`) and, after a failed try, once the school's retake wait has passed.
    `last_failed_at` is when the latest submitted attempt failed (None if it passed)."""
    unread = ()
    if module.check_opens == CheckOpens.AFTER_LESSONS:
        unread = tuple(lesson for lesson in module.lessons if lesson.slug not in read)
    wait_until = None
    if last_failed_at is not None and wait_minutes:
        ready = last_failed_at + timedelta(minutes=wait_minutes)
        wait_until = ready if ready > now else None
    return CheckGate(unread, wait_until)


def next_lesson(lesson_slugs: Sequence[str], done: Iterable[str]):
    """The first lesson not yet read, in order ("continue where you left off"); None if all."""
    done = set(done)
    return next((slug for slug in lesson_slugs if slug not in done), None)


@dataclass(frozen=True)
class ModuleRow:
    """One line of "My training"."""

    module: Module
    status: Status
    percent: int  # of the lessons read
    lessons_done: int
    assigned: bool
    due_date: date | None  # the date that counts now: the assignment's, or the refresher's
    due_state: DueState | None  # of the assignment's due date, while the module is not done
    certificate: object | None  # latest certificate row, if any
    refresh_at: datetime | None  # when the certificate that counts stops counting
    superseded_by: str | None  # the module's version when it supersedes that certificate

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def tag_class(self) -> str:
        return STATUS_TAG_CLASSES[self.status]

    @property
    def lesson_count(self) -> int:
        return len(self.module.lessons)


def training_overview(
    modules: Iterable,
    assigned: dict[str, Assigned],
    lessons_read: Iterable[tuple[str, str, str]],
    attempts: Iterable[tuple[str, str]],
    certificates: Iterable,
    now: datetime,
) -> tuple[list[ModuleRow], list[ModuleRow]]:
    """(assigned rows by due date, optional rows in catalogue order).

    `lessons_read` holds (module id, lesson slug, module version) rows and `attempts` (module id,
    module version) pairs; `certificates` are rows with module_id, module_version, issued_at and
    expires_at (the latest issued counts, unless a reassignment asks for a newer one).
    """
    lessons_read = list(lessons_read)
    attempted = {(module_id, major_version(version)) for module_id, version in attempts}
    latest: dict[str, Any] = {}
    for certificate in sorted(certificates, key=lambda c: c.issued_at):
        latest[certificate.module_id] = certificate
    assigned_rows: list[ModuleRow] = []
    optional_rows: list[ModuleRow] = []
    for module in modules:
        done = len(read_slugs(module, lessons_read))
        assignment = assigned.get(module.id)
        certificate = latest.get(module.id)
        counts = certificate is not None and (
            assignment is None or assignment.counts(certificate.issued_at)
        )
        refresh_at = None
        if counts and certificate is not None:
            months = assignment.refresher_months if assignment else None
            refresh_at = refresh_by(certificate.issued_at, certificate.expires_at, months)
        started = (module.id, major_version(module.version)) in attempted
        status = module_status(done, started, refresh_at, now)
        due_date = refresh_at.date() if refresh_at and status != Status.PASSED else None
        if refresh_at is None and assignment is not None:
            due_date = assignment.due_date
        row = ModuleRow(
            module=module,
            status=status,
            percent=percent_complete(done, len(module.lessons)),
            lessons_done=done,
            assigned=assignment is not None,
            due_date=due_date,
            due_state=(
                due_state(assignment.due_date, now.date(), done=False)
                if assignment and refresh_at is None
                else None
            ),
            certificate=certificate,
            refresh_at=refresh_at,
            superseded_by=(
                superseded_by(certificate.module_version, module.version) if certificate else None
            ),
        )
        (assigned_rows if assignment else optional_rows).append(row)
    assigned_rows.sort(key=lambda row: (row.due_date is None, row.due_date or date.max))
    return assigned_rows, optional_rows
