"""Progress rules: a module's status for one person (not started, in progress, passed, refresher
due, expired), how far through they are, where to continue, and the "My training" overview.
Pure functions over modules and plain rows; no Flask, no database."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from app.services.training.assignments import Assigned, DueState, due_state, refresh_by
from app.services.training.certificates import certificate_state, refresher_due


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PASSED = "passed"
    REFRESHER_DUE = "refresher_due"
    EXPIRED = "expired"


STATUS_LABELS = {
    Status.NOT_STARTED: "Not started",
    Status.IN_PROGRESS: "In progress",
    Status.PASSED: "Passed",
    Status.REFRESHER_DUE: "Refresher due",
    Status.EXPIRED: "Expired",
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


def percent_complete(lessons_done: int, lesson_count: int, status: Status) -> int:
    """Each lesson is a step and the knowledge check is the last, so 100 means passed."""
    if status in (Status.PASSED, Status.REFRESHER_DUE):
        return 100
    return lessons_done * 100 // (lesson_count + 1)


def next_lesson(lesson_slugs: Sequence[str], done: Iterable[str]):  # type: ignore[no-untyped-def]
    """The first lesson not yet read, in order ("continue where you left off"); None if all."""
    done = set(done)
    return next((slug for slug in lesson_slugs if slug not in done), None)


@dataclass(frozen=True)
class ModuleRow:
    """One line of "My training"."""

    module: object  # app.content.modules.Module
    status: Status
    percent: int
    lessons_done: int
    assigned: bool
    due_date: date | None
    due_state: DueState | None
    certificate: object | None  # latest certificate row, if any
    refresh_at: datetime | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def tag_class(self) -> str:
        return STATUS_TAG_CLASSES[self.status]


def training_overview(
    modules: Iterable,
    assigned: dict[str, Assigned],
    lessons_read: Iterable[tuple[str, str]],
    attempted_module_ids: Iterable[str],
    certificates: Iterable,
    now: datetime,
) -> tuple[list[ModuleRow], list[ModuleRow]]:
    """(assigned rows by due date, optional rows in catalogue order).

    `lessons_read` holds (module id, lesson slug) pairs; `certificates` are rows with module_id,
    issued_at and expires_at (the latest issued counts).
    """
    read: dict[str, set[str]] = {}
    for module_id, slug in lessons_read:
        read.setdefault(module_id, set()).add(slug)
    attempted = set(attempted_module_ids)
    latest: dict[str, object] = {}
    for certificate in sorted(certificates, key=lambda c: c.issued_at):
        latest[certificate.module_id] = certificate
    assigned_rows, optional_rows = [], []
    for module in modules:
        slugs = {lesson.slug for lesson in module.lessons}
        done = len(read.get(module.id, set()) & slugs)
        assignment = assigned.get(module.id)
        certificate = latest.get(module.id)
        refresh_at = None
        if certificate is not None:
            months = assignment.refresher_months if assignment else None
            refresh_at = refresh_by(certificate.issued_at, certificate.expires_at, months)
        status = module_status(done, module.id in attempted, refresh_at, now)
        completed = status in (Status.PASSED, Status.REFRESHER_DUE)
        row = ModuleRow(
            module=module,
            status=status,
            percent=percent_complete(done, len(module.lessons), status),
            lessons_done=done,
            assigned=assignment is not None,
            due_date=assignment.due_date if assignment else None,
            due_state=due_state(assignment.due_date, now.date(), completed) if assignment else None,
            certificate=certificate,
            refresh_at=refresh_at,
        )
        (assigned_rows if assignment else optional_rows).append(row)
    assigned_rows.sort(key=lambda row: (row.due_date is None, row.due_date or date.max))
    return assigned_rows, optional_rows
