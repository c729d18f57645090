"""Certificate rules: code format and strength, expiry arithmetic (month ends, leap days)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.services.training.certificates import (
    CODE_ALPHABET,
    certificate_state,
    credited_cpd_minutes,
    expiry_for,
    major_version,
    needs_new_certificate,
    new_code,
    normalise_code,
    refresher_due,
    superseded_by,
)

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def test_codes_are_long_random_and_unique():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    code = codes.pop()
    assert len(code) == 24 and code.count("-") == 4
    assert set(code.replace("-", "")) <= set(CODE_ALPHABET)


@pytest.mark.parametrize(
    "typed",
    ["7k3m-q9xz-0d4r-tt8b-m2qa", " 7K3M Q9XZ 0D4R TT8B M2QA ", "7K3MQ9XZOD4RTT8BM2QA"],
)
def test_typed_codes_are_normalised(typed):
    assert normalise_code(typed) == "7K3M-Q9XZ-0D4R-TT8B-M2QA"


@pytest.mark.parametrize("typed", ["", "short", "7K3M-Q9XZ-0D4R-TT8B-M2Q!", "7K3M" * 6])
def test_impossible_codes_are_rejected(typed):
    assert normalise_code(typed) is None


def test_expiry_keeps_the_time_and_zone():
    issued = datetime(2024, 2, 29, 14, 5, tzinfo=UTC)
    assert expiry_for(issued, 12) == datetime(2025, 2, 28, 14, 5, tzinfo=UTC)


def test_state_turns_expired_at_the_expiry_moment():
    expires = NOW + timedelta(days=1)
    assert certificate_state(expires, NOW) == "valid"
    assert certificate_state(expires, expires - timedelta(seconds=1)) == "valid"
    assert certificate_state(expires, expires) == "expired"


def test_refresher_window():
    assert refresher_due(NOW + timedelta(days=30), NOW)
    assert not refresher_due(NOW + timedelta(days=31), NOW)
    assert not refresher_due(NOW - timedelta(days=1), NOW)  # already expired


@pytest.mark.parametrize(
    ("expires", "version", "expected"),
    [
        (None, None, True),
        (NOW + timedelta(days=200), "1.0.0", False),  # current: a practice retake
        (NOW + timedelta(days=10), "1.0.0", True),  # refresher due
        (NOW - timedelta(days=1), "1.0.0", True),  # expired
        (NOW + timedelta(days=200), "0.9.0", True),  # the module has a new version
    ],
)
def test_when_a_pass_earns_a_new_certificate(expires, version, expected):
    assert needs_new_certificate(expires, version, "1.0.0", NOW) is expected


def test_a_later_major_version_supersedes_a_certificate_a_minor_one_does_not():
    assert major_version("12.3.4") == 12
    assert superseded_by("1.1.0", "2.0.0") == "2.0.0"
    assert superseded_by("1.0.0", "1.1.0") is None  # corrections: not re-training
    assert superseded_by("1.0.0", "1.0.1") is None
    assert superseded_by("2.0.0", "2.0.0") is None
    assert superseded_by("9.0.0", "10.0.0") == "10.0.0"  # numbers, not text
    assert superseded_by("1.0.0", None) is None  # the module has left the catalogue


def test_cpd_minutes_are_credited_for_the_reading_time_of_the_lessons_read():
    minutes = {"01-a": 6, "02-b": 4, "03-c": 10}
    assert credited_cpd_minutes(45, minutes, {"01-a", "02-b", "03-c"}) == 45
    assert credited_cpd_minutes(45, minutes, {"01-a", "02-b"}) == 22  # 45 x 10/20, rounded down
    assert credited_cpd_minutes(45, minutes, set()) == 0
    assert credited_cpd_minutes(45, minutes, {"99-unknown"}) == 0
