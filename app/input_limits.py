"""Refusing hostile input before it reaches the database or a parser.

Three mechanisms, each in one place:

- `BoundedIntegerConverter` replaces Werkzeug's `int` converter for every `<int:...>` rule, so an
  id outside the database's integer column (PostgreSQL `integer` is 32-bit) is a 404 at routing,
  exactly like an id that does not exist.
- `refuse_hostile_request` runs before every other request hook (CSRF, rate limits, views): a
  path, query string or form value that is not valid UTF-8 or holds a control character (NUL
  above all: PostgreSQL text cannot store it) is a 400, and so is an over-long query string.
- `bounded_int` and `load_json_document` are for the few views that parse a value themselves:
  a page number, a version counter, an uploaded JSON file (its size and nesting depth are checked
  before `json.loads` can recurse).
"""

import json
import re
from urllib.parse import unquote_to_bytes

from flask import Request, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map

from app.util.i18n import _
from app.util.text import has_control_character

# PostgreSQL `integer` (and the SQLite rowids the app hands out) stay below 2**31.
MAX_ID = 2**31 - 1
MAX_QUERY_STRING_BYTES = 4096
MAX_JSON_DEPTH = 32

DIGITS = re.compile("[0-9]{1,12}")


class HostileInput(BadRequest):
    """A 400 whose page tells the person what was wrong with what they sent."""

    def __init__(self, user_message: str) -> None:
        super().__init__(description=user_message)
        self.user_message = user_message


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` that only matches ids a database column can hold (0 to 2**31 - 1)."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        super().__init__(
            map,
            fixed_digits=fixed_digits,
            min=0 if min is None else min,
            max=MAX_ID if max is None else max,
            signed=signed,
        )


def text_problem(text: str) -> str | None:
    """Why a piece of decoded text cannot be accepted, or None."""
    if has_control_character(text):
        return "contains a control character"
    return None


def _encoded_problem(raw: bytes) -> str | None:
    """Why URL-encoded bytes (a query string or form body) cannot be accepted, or None."""
    try:
        text = unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return "is not valid UTF-8"
    return text_problem(text)


def request_problem(req: Request) -> str | None:
    """What is wrong with the request's path, query string or form values, or None."""
    raw_path = req.environ.get("PATH_INFO", "")
    try:
        path = raw_path.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return "The web address is not valid UTF-8."
    if text_problem(path):
        return "The web address contains a control character."
    if len(req.query_string) > MAX_QUERY_STRING_BYTES:
        return f"The web address is too long (over {MAX_QUERY_STRING_BYTES:,} characters)."
    if problem := _encoded_problem(req.query_string):
        return f"The web address {problem}."
    if req.method in {"GET", "HEAD", "OPTIONS"}:
        return None
    if req.mimetype == "application/x-www-form-urlencoded":
        problem = _encoded_problem(req.get_data(cache=True))  # the form parser reuses the cache
        return f"The form {problem}." if problem else None
    if req.mimetype == "multipart/form-data":
        for value in req.form.values():
            # Werkzeug has already decoded multipart fields, replacing invalid UTF-8 with U+FFFD.
            if "\ufffd" in value or text_problem(value):
                return "The form contains a character that cannot be accepted."
    return None


def refuse_hostile_request() -> None:
    if problem := request_problem(request):
        raise HostileInput(
            f"{problem} Go back, check what you typed or pasted (remove any unusual "
            "characters) and try again."
        )


def bounded_int(value: str | None, *, default: int, low: int = 0, high: int = MAX_ID) -> int:
    """A whole number from a form or query value, `default` when absent; a 400 when it is not
    a number from `low` to `high` (so it never overflows a database column)."""
    if value is None or value == "":
        return default
    if not DIGITS.fullmatch(value) or not low <= int(value) <= high:
        raise HostileInput(f"“{value[:20]}” is not a number from {low:,} to {high:,}.")
    return int(value)


class DocumentError(ValueError):
    """An uploaded document cannot be read; the message is shown as it is."""


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in JSON text (brackets inside strings ignored),
    found without recursion so a hostile file cannot exhaust the stack."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _strings(value: object):
    """Every string in a parsed JSON value, keys included (iteratively)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def load_json_document(data: bytes, *, max_bytes: int, max_depth: int = MAX_JSON_DEPTH) -> object:
    """Parse an uploaded JSON file, refusing one that is too big, too deeply nested, not UTF-8,
    not JSON, or holding a control character in any string (DocumentError says which)."""
    if len(data) > max_bytes:
        raise DocumentError(
            _("The file is larger than %(size)s KB.", size=f"{max_bytes // 1024:,}")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError(_("The file is not UTF-8 text.")) from error
    if json_depth(text) > max_depth:
        raise DocumentError(
            _("The file nests data more than %(depth)d levels deep.", depth=max_depth)
        )
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise DocumentError(_("The file is not valid JSON.")) from error
    if any(text_problem(string) for string in _strings(document)):
        raise DocumentError(_("The file contains a control character in its text."))
    return document
