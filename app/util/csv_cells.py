"""CSV text that opens cleanly in a spreadsheet and cannot smuggle a formula into it.

Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return, which some
strip first) as a formula, so such text gets a leading apostrophe and stays text (OWASP
"CSV injection")."""

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()
