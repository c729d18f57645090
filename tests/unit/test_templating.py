"""Shared Jinja filters."""

from datetime import UTC, date, datetime

from app.templating import long_date


def test_long_date_reads_snapshot_strings_dates_and_datetimes():
    assert long_date("2026-11-29") == "29 November 2026"
    assert long_date(date(2027, 2, 1)) == "1 February 2027"
    assert long_date(datetime(2026, 3, 5, 9, 30, tzinfo=UTC)) == "5 March 2026"
    assert long_date(None) == "" and long_date("") == ""
