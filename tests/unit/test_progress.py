"""Progress and assignment rules behind "My training"."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.content.modules import load_modules
from app.services.training.assignments import DueState, assigned_modules, due_state, refresh_by
from app.services.training.progress import (
    Status,
    module_status,
    next_lesson,
    percent_complete,
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


@dataclass
class FakeCertificate:
    module_id: str
    issued_at: datetime
    expires_at: datetime


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


def test_percent_counts_the_knowledge_check_as_the_last_step():
    assert percent_complete(0, 2, Status.NOT_STARTED) == 0
    assert percent_complete(1, 2, Status.IN_PROGRESS) == 33
    assert percent_complete(2, 2, Status.IN_PROGRESS) == 66
    assert percent_complete(2, 2, Status.PASSED) == 100
    assert percent_complete(2, 2, Status.EXPIRED) == 66


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


def test_overview_splits_assigned_and_optional_modules():
    from dataclasses import replace

    other = replace(MODULE, id="other-module", order=2)
    assigned = assigned_modules([FakeAssignment(MODULE.id, due_date=date(2026, 6, 20))], 1, [])
    certificate = FakeCertificate(MODULE.id, NOW - timedelta(days=10), NOW + timedelta(days=355))
    rows_assigned, rows_optional = training_overview(
        [MODULE, other],
        assigned,
        [(MODULE.id, "01-what-is-personal-data"), ("other-module", "02-sharing-safely")],
        [],
        [certificate],
        NOW,
    )
    (first,) = rows_assigned
    assert first.status == Status.PASSED and first.percent == 100
    assert first.due_state == DueState.DONE and first.certificate is certificate
    (second,) = rows_optional
    assert second.status == Status.IN_PROGRESS and second.due_state is None
    assert second.percent == 33


def test_overview_for_a_new_user_is_all_not_started():
    rows_assigned, rows_optional = training_overview([MODULE], {}, [], [], [], NOW)
    assert rows_assigned == []
    assert [row.status for row in rows_optional] == [Status.NOT_STARTED]
