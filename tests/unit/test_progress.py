"""Progress and assignment rules behind "My training"."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.content.modules import CheckOpens, load_modules
from app.services.training.assignments import DueState, assigned_modules, due_state, refresh_by
from app.services.training.progress import (
    Status,
    check_gate,
    module_status,
    next_lesson,
    percent_complete,
    read_slugs,
    training_overview,
)

NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)
TODAY = NOW.date()
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "modules" / "journey"
MODULE = load_modules(FIXTURES)[0]["handling-pupil-data"]


@dataclass
class FakeAssignment:
    module_id: str
    user_id: int | None = None
    role: str | None = None
    due_date: date | None = None
    refresher_months: int | None = None
    requires_completion_after: datetime | None = None


@dataclass
class FakeCertificate:
    module_id: str
    issued_at: datetime
    expires_at: datetime
    module_version: str = "1.0.0"


@pytest.mark.parametrize(
    ("done", "attempted", "refresh_at", "expected"),
    [
        (0, False, None, Status.NOT_STARTED),
        (1, False, None, Status.IN_PROGRESS),
        (0, True, None, Status.IN_PROGRESS),
        (2, True, NOW + timedelta(days=200), Status.PASSED),
        (2, True, NOW + timedelta(days=20), Status.REFRESHER_DUE),
        (2, True, NOW - timedelta(days=1), Status.EXPIRED),
    ],
)
def test_module_status(done, attempted, refresh_at, expected):
    assert module_status(done, attempted, refresh_at, NOW) == expected


def test_percent_is_the_share_of_the_lessons_read():
    assert percent_complete(0, 2) == 0
    assert percent_complete(1, 2) == 50
    assert percent_complete(2, 5) == 40  # was 33: the knowledge check counted as a sixth step
    assert percent_complete(2, 2) == 100
    assert percent_complete(0, 0) == 0


def test_lessons_count_as_read_under_the_current_major_version_only():
    rows = [
        (MODULE.id, "01-what-is-personal-data", "1.0.0"),
        (MODULE.id, "02-sharing-safely", "0.9.0"),  # an older major version: read it again
        (MODULE.id, "03-gone", "1.0.0"),  # no longer a lesson of the module
        ("other-module", "02-sharing-safely", "1.0.0"),
    ]
    assert read_slugs(MODULE, rows) == {"01-what-is-personal-data"}
    minor_later = replace(MODULE, version="1.4.2")
    assert read_slugs(minor_later, rows) == {"01-what-is-personal-data"}
    assert read_slugs(replace(MODULE, version="2.0.0"), rows) == set()


def test_the_check_opens_only_when_every_lesson_is_read():
    closed = check_gate(MODULE, {"01-what-is-personal-data"}, None, None, NOW)
    assert not closed.is_open
    assert [lesson.slug for lesson in closed.unread] == ["02-sharing-safely"]
    assert closed.reason(NOW) == (
        "Read every lesson before you take the knowledge check: 1 lesson is not marked as read yet"
    )
    everything = {lesson.slug for lesson in MODULE.lessons}
    assert check_gate(MODULE, everything, None, None, NOW).is_open


def test_a_module_may_open_its_check_at_any_time():
    any_time = replace(MODULE, check_opens=CheckOpens.ANY_TIME)
    assert check_gate(any_time, set(), None, None, NOW).is_open


def test_the_schools_wait_after_a_failed_try():
    everything = {lesson.slug for lesson in MODULE.lessons}
    failed = NOW - timedelta(minutes=3, seconds=30)
    waiting = check_gate(MODULE, everything, failed, 10, NOW)
    assert not waiting.is_open and waiting.unread == ()
    assert waiting.wait_until == failed + timedelta(minutes=10)
    assert waiting.minutes_to_wait(NOW) == 7  # 6.5 minutes, rounded up
    assert waiting.reason(NOW).startswith("You can try the knowledge check again in 7 minutes")
    assert check_gate(MODULE, everything, failed, 3, NOW).is_open  # the wait is over
    assert check_gate(MODULE, everything, failed, None, NOW).is_open  # no wait set
    assert check_gate(MODULE, everything, None, 10, NOW).is_open  # the last try passed


def test_next_lesson_is_the_first_unread_in_order():
    slugs = ["01-a", "02-b", "03-c"]
    assert next_lesson(slugs, set()) == "01-a"
    assert next_lesson(slugs, {"01-a", "03-c"}) == "02-b"
    assert next_lesson(slugs, set(slugs)) is None


@pytest.mark.parametrize(
    ("due", "done", "expected"),
    [
        (None, False, DueState.NO_DATE),
        (TODAY - timedelta(days=1), False, DueState.OVERDUE),
        (TODAY, False, DueState.DUE_SOON),
        (TODAY + timedelta(days=14), False, DueState.DUE_SOON),
        (TODAY + timedelta(days=15), False, DueState.UPCOMING),
        (TODAY - timedelta(days=30), True, DueState.DONE),
    ],
)
def test_due_state(due, done, expected):
    assert due_state(due, TODAY, done) == expected


def test_assignments_apply_by_person_role_or_school_and_the_strictest_wins():
    rows = [
        FakeAssignment("m1", due_date=date(2026, 9, 1)),
        FakeAssignment("m1", role="teacher", due_date=date(2026, 7, 1), refresher_months=6),
        FakeAssignment("m2", user_id=7),
        FakeAssignment("m3", user_id=8, due_date=date(2026, 7, 1)),
        FakeAssignment("m4", role="dpo"),
    ]
    merged = assigned_modules(rows, user_id=7, roles={"teacher"})
    assert set(merged) == {"m1", "m2"}
    assert merged["m1"].due_date == date(2026, 7, 1)
    assert merged["m1"].refresher_months == 6
    assert merged["m2"].due_date is None


def test_refresh_by_uses_the_sooner_of_expiry_and_the_schools_interval():
    issued = datetime(2026, 1, 31, tzinfo=UTC)
    expires = datetime(2027, 1, 31, tzinfo=UTC)
    assert refresh_by(issued, expires, None) == expires
    assert refresh_by(issued, expires, 6) == datetime(2026, 7, 31, tzinfo=UTC)
    assert refresh_by(issued, expires, 24) == expires


def test_a_reassignment_governs_the_due_date_and_asks_for_a_newer_completion():
    reassigned_at = NOW - timedelta(days=1)
    rows = [
        FakeAssignment("m1", due_date=date(2025, 9, 1)),  # long past
        FakeAssignment("m1", user_id=7, due_date=date(2026, 12, 10),
                       requires_completion_after=reassigned_at),
        FakeAssignment("m1", role="teacher", due_date=date(2024, 1, 1)),
    ]  # fmt: skip
    merged = assigned_modules(rows, user_id=7, roles={"teacher"})["m1"]
    assert merged.due_date == date(2026, 12, 10)
    assert merged.requires_completion_after == reassigned_at
    assert not merged.counts(reassigned_at - timedelta(days=300))  # the superseded certificate
    assert merged.counts(NOW)
    assert assigned_modules(rows, user_id=8, roles=set())["m1"].due_date == date(2025, 9, 1)


def _overview(assignments, certificates, read=(), attempts=(), module=MODULE):
    assigned = assigned_modules(assignments, 1, [])
    return training_overview([module], assigned, read, attempts, certificates, NOW)


def test_overview_splits_assigned_and_optional_modules():
    other = replace(MODULE, id="other-module", order=2)
    assigned = assigned_modules([FakeAssignment(MODULE.id, due_date=date(2026, 6, 20))], 1, [])
    certificate = FakeCertificate(MODULE.id, NOW - timedelta(days=10), NOW + timedelta(days=355))
    rows_assigned, rows_optional = training_overview(
        [MODULE, other],
        assigned,
        [
            (MODULE.id, "01-what-is-personal-data", "1.0.0"),
            (MODULE.id, "02-sharing-safely", "1.0.0"),
            ("other-module", "02-sharing-safely", "1.0.0"),
        ],
        [],
        [certificate],
        NOW,
    )
    (first,) = rows_assigned
    assert first.status == Status.PASSED and first.percent == 100
    assert first.lessons_done == first.lesson_count == 2
    # Passed: the assignment's due date is met, so no "Due by ... Done" line is left to show.
    assert first.due_state is None and first.due_date is None
    assert first.certificate is certificate
    (second,) = rows_optional
    assert second.status == Status.IN_PROGRESS and second.due_state is None
    assert second.percent == 50


def test_a_passed_module_due_for_refresher_shows_the_refresher_date_not_the_assignment():
    issued = NOW - timedelta(days=340)
    certificate = FakeCertificate(MODULE.id, issued, NOW + timedelta(days=20))
    (row,), _ = _overview([FakeAssignment(MODULE.id, due_date=date(2026, 12, 10))], [certificate])
    assert row.status == Status.REFRESHER_DUE
    assert row.due_state is None and row.due_date == (NOW + timedelta(days=20)).date()


def test_a_superseded_certificate_is_flagged_and_a_reassignment_makes_it_not_count():
    v2 = replace(MODULE, version="2.0.0")
    old = FakeCertificate(MODULE.id, NOW - timedelta(days=100), NOW + timedelta(days=265))
    read = [(MODULE.id, "01-what-is-personal-data", "1.0.0")]
    attempts = [(MODULE.id, "1.0.0")]
    (row,), _ = _overview([FakeAssignment(MODULE.id)], [old], read, attempts, module=v2)
    assert row.status == Status.PASSED and row.superseded_by == "2.0.0"
    reassignment = FakeAssignment(
        MODULE.id, user_id=1, due_date=date(2026, 12, 10), requires_completion_after=NOW
    )
    (row,), _ = _overview([reassignment], [old], read, attempts, module=v2)
    assert row.status == Status.NOT_STARTED  # old lessons and attempts were for version 1
    assert row.refresh_at is None and row.certificate is old
    assert row.due_date == date(2026, 12, 10) and row.due_state == DueState.UPCOMING
    assert row.lessons_done == 0


def test_overview_for_a_new_user_is_all_not_started():
    rows_assigned, rows_optional = training_overview([MODULE], {}, [], [], [], NOW)
    assert rows_assigned == []
    assert [row.status for row in rows_optional] == [Status.NOT_STARTED]
