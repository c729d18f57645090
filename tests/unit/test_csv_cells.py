"""The spreadsheet-formula guard on every CSV cell."""

import csv
import io

import pytest

from app.util.csv_cells import csv_text, safe_cell


@pytest.mark.parametrize("text", ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_is_kept_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Plain text", "a=b", "", 42, 3.5, None])
def test_other_values_are_unchanged(value):
    assert safe_cell(value) == value


def test_every_cell_of_every_row_is_guarded():
    text = csv_text(["Name", "Note"], [["=cmd|' /C calc'!A0", "-1"], ["Safe", 7]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["Name", "Note"], ["'=cmd|' /C calc'!A0", "'-1"], ["Safe", "7"]]
