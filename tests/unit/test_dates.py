"""The one set of date formats and month arithmetic (app/util/dates.py)."""

from datetime import UTC, date, datetime

import pytest

from app.util.dates import add_months, date_and_time, long_date, short_date


def test_long_date_reads_snapshot_strings_dates_and_datetimes():
    assert long_date("2026-11-29") == "29 November 2026"
    assert long_date(date(2027, 2, 1)) == "1 February 2027"
    assert long_date(datetime(2026, 3, 5, 9, 30, tzinfo=UTC)) == "5 March 2026"
    assert long_date(None) == "" and long_date("") == ""


def test_short_date_and_date_and_time():
    assert short_date(date(2026, 9, 4)) == "4 Sep 2026"
    assert short_date(None) == ""
    assert date_and_time(datetime(2026, 12, 1, 7, 5, tzinfo=UTC)) == "1 December 2026 at 07:05"
    assert date_and_time(None) == ""


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 15), 12, date(2027, 1, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # leap day into a common year
        (date(2024, 2, 29), 48, date(2028, 2, 29)),  # leap day into a leap year
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # month end into a leap February
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2026, 12, 5), 1, date(2027, 1, 5)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 5, 20), 36, date(2029, 5, 20)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),  # retention counts back
        (datetime(2026, 1, 31, 10, 0, tzinfo=UTC), 1, datetime(2026, 2, 28, 10, 0, tzinfo=UTC)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_month_end(start, months, expected):
    assert add_months(start, months) == expected
