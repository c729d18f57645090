"""What every content format shares: the strict base model, the id and version patterns, and the
plain-English messages that pydantic's errors become (`weight: must be a number, not a quoted
string`).

Strict means YAML values are taken as written: `"2"` is not a number, `"yes"` is not true, `1.0`
is not a version string and an unknown key is an error. Authors quote what they mean.
"""

from datetime import date
from typing import Annotated, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from app.content.problems import ContentProblem

# --- Patterns: one per kind of name, with the message an author sees when a value misses it ------

KEBAB = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SEMVER = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$"
OPTION_ID = r"^[a-z0-9][a-z0-9_-]*$"
QUESTION_CODE = r"^[A-Za-z][A-Za-z0-9_-]*$"
LESSON_NAME = r"^\d{2}-[a-z0-9]+(-[a-z0-9]+)*$"
HTTPS_URL = r"^https://[^\s/]+\.[^\s]+$"

PATTERN_MESSAGES = {
    KEBAB: "must be a kebab-case slug: lower-case letters, digits and single hyphens",
    SEMVER: 'must be a version like "1.0.0" (MAJOR.MINOR.PATCH, no leading zeros)',
    OPTION_ID: "must be lower-case letters, digits, _ and -, starting with a letter or digit",
    QUESTION_CODE: "must be letters, digits, _ and -, starting with a letter (like Q01)",
    LESSON_NAME: "must be a lesson file name without .md, like 01-what-is-personal-data",
    HTTPS_URL: "must be a full https:// address",
}


class StrictModel(BaseModel):
    """Base of every content schema: unknown keys rejected, no type coercion, read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


T = TypeVar("T")


def _list_as_tuple(value: object) -> object:
    # YAML gives lists; strict validation takes only tuples, and anything else stays an error.
    return tuple(value) if isinstance(value, list) else value


Items = Annotated[tuple[T, ...], BeforeValidator(_list_as_tuple)]
"""A read-only list in a content file: `Items[Option]`."""


# --- Validation with plain-English messages -----------------------------------------------------


Model = TypeVar("Model", bound=BaseModel)


def validate(
    schema: type[Model], data: object, file: str
) -> tuple[Model | None, list[ContentProblem]]:
    """(the validated model, []) or (None, every problem as `file: key.path: message`)."""
    try:
        return schema.model_validate(data), []
    except ValidationError as error:
        return None, schema_problems(file, error)


def schema_problems(file: str, error: ValidationError) -> list[ContentProblem]:
    items = error.errors()
    # pydantic counts a list's length after dropping its invalid items, so one bad option in a
    # list of two would also read as "too short": that echo is left out.
    failed_inside = {item["loc"][:end] for item in items for end in range(len(item["loc"]))}
    problems = []
    for item in items:
        if item["type"] == "too_short" and item["loc"] in failed_inside:
            continue
        key_path = ".".join(str(part) for part in item["loc"]) or "(file)"
        problems.append(ContentProblem(file, key_path, _message(item)))
    return problems


_EXPECTED = {
    "int_type": "a number",
    "float_type": "a number",
    "bool_type": "true or false",
    "string_type": "text",
    "tuple_type": "a list",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
}


def _message(item: ErrorDetails) -> str:
    kind, ctx, value = item["type"], item.get("ctx") or {}, item.get("input")
    field = next((str(part) for part in reversed(item["loc"]) if not isinstance(part, int)), "")
    if kind == "extra_forbidden":
        return "unknown key (not allowed here)"
    if kind == "missing":
        return "required: add this key"
    if kind == "string_pattern_mismatch":
        return PATTERN_MESSAGES.get(str(ctx.get("pattern")), item["msg"])
    if kind == "string_type" and field == "version" and isinstance(value, int | float):
        return 'must be a quoted string like "1.0.0" (unquoted, YAML reads a number)'
    if kind == "int_type" and isinstance(value, float):
        return "must be a whole number"
    if kind in _EXPECTED:
        found = _described(value, wants_text=kind == "string_type")
        return f"must be {_EXPECTED[kind]}, not {found}"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind == "too_short":
        least = ctx.get("min_length")
        return f"must have at least {least} item{'' if least == 1 else 's'}"
    if kind == "value_error":
        return str(ctx.get("error", item["msg"]))
    return item["msg"]


def _described(value: object, *, wants_text: bool) -> str:
    """How a wrong value reads to its author, for `must be X, not <this>`."""
    if isinstance(value, bool):
        # YAML 1.1 reads unquoted yes, no, on and off as booleans too.
        hint = " (quote yes, no, on and off to keep them as text)" if wants_text else ""
        return f"true or false{hint}"
    if isinstance(value, int | float):
        return "a number (quote it to keep it as text)" if wants_text else "a number"
    if isinstance(value, str):
        return "a quoted string" if _yaml_reads_unquoted_as_non_text(value) else f"text ({value!r})"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty"
    if isinstance(value, date):
        return "a date (quote it to keep it as text)" if wants_text else "a date"
    return type(value).__name__


def _yaml_reads_unquoted_as_non_text(value: str) -> bool:
    """True for "2", "0.5" and "yes": written without quotes they would be a number or true."""
    try:
        return not isinstance(yaml.safe_load(value), str | type(None))
    except yaml.YAMLError:
        return False
