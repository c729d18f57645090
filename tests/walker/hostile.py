"""Hostile values and the request recorder for the hostile-input walker
(tests/integration/test_hostile_input.py).

The walker learns which query parameters and form fields a view reads by running it once with a
request class whose MultiDicts note every key looked up, and adds the field names of the forms
on the page. Each hostile value is then sent once per path argument, once per query parameter
and once in every form field together: never the full cross product, so the walk stays fast.
"""

import re
from urllib.parse import quote, quote_plus

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict

# Path segments, already percent-encoded (so invalid UTF-8 and NUL reach the app as bytes).
INT_PATH_VALUES = ["0", "-1", str(2**31), str(2**63), str(2**70), "abc", "1" * 5000]
TEXT_PATH_VALUES = ["%00", "%FF%FE", "x" * 10_000, "..", "%2E%2E%2Fconfig.py", str(2**70)]

# Query and form values as bytes, so a value can be invalid UTF-8.
VALUES: list[bytes] = [
    b"",
    b"x" * 10_000,
    b"a\x00b",
    b"\xff\xfe\xfd",
    b"2025-02-30",
    b"9999-12-31",
    b"0000-00-00",
    b"-1",
    str(2**31).encode(),
    str(2**63).encode(),
    str(2**70).encode(),
    b"9" * 5000,
    b"abc",
]

# Form fields also get whole documents, for views that parse a field as CSV or JSON.
FORM_ONLY_VALUES: list[bytes] = [
    b"name,email,roles\n" + b"x" * 140_000 + b",a@b.example,teacher\n",
    b"[" * 100_000,
]

# Uploaded files: nesting that would exhaust a recursive parser, a CSV cell over Python's
# csv field limit, a NUL, bytes that are not UTF-8, nothing at all.
FILES: list[tuple[str, bytes]] = [
    ("deep.json", b"[" * 100_000),
    ("long-field.csv", b"name,email,roles\n" + b"x" * 140_000 + b",a@b.example,teacher\n"),
    ("nul.csv", b"name,email,roles\nA\x00B,a\x00@b.example,teacher\n"),
    ("latin.csv", b"\xff\xfe\x00n\x00a\x00m\x00e"),
    ("empty.json", b""),
    ("nul.json", b'{"format": "privacy-toolkit-assessment", "vendor": {"name": "\\u0000"}}'),
]

INT_MARKER = 987_654_321
TEXT_MARKER = "hostile-marker"

FIELD_NAME = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.IGNORECASE)
FILE_FIELD = re.compile(r"<input\b[^>]*\btype=\"file\"[^>]*\bname=\"([^\"]+)\"", re.IGNORECASE)
FILE_FIELD_REVERSED = re.compile(
    r"<input\b[^>]*\bname=\"([^\"]+)\"[^>]*\btype=\"file\"", re.IGNORECASE
)


class Reads:
    """Keys of request.args, request.form and request.files looked up during one request."""

    keys: set[str] = set()


class RecordingMultiDict(ImmutableMultiDict):
    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        Reads.keys.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):  # type: ignore[no-untyped-def]  # noqa: A002
        Reads.keys.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # type: ignore[no-untyped-def]  # noqa: A002
        Reads.keys.add(key)
        return super().getlist(key, type)

    def __contains__(self, key) -> bool:  # type: ignore[no-untyped-def]
        Reads.keys.add(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    parameter_storage_class = RecordingMultiDict


def form_fields(html: str) -> tuple[set[str], set[str]]:
    """(text field names, file field names) of every form on a page, CSRF token aside."""
    files = set(FILE_FIELD.findall(html)) | set(FILE_FIELD_REVERSED.findall(html))
    names = set(FIELD_NAME.findall(html)) - files - {"csrf_token"}
    return names, files


def encode_query(params: dict[str, bytes]) -> str:
    return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in params.items())


def encode_form(fields: dict[str, bytes]) -> bytes:
    return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in fields.items()).encode()


def short(value: bytes | str) -> str:
    text = value if isinstance(value, str) else value.decode("latin-1")
    return quote(text[:40]) + ("…" if len(text) > 40 else "")
