"""The pieces of app/input_limits.py that need no request: bounded numbers, JSON depth and the
JSON document loader."""

import json

import pytest

from app.input_limits import (
    MAX_ID,
    DocumentError,
    HostileInput,
    bounded_int,
    json_depth,
    load_json_document,
)
from app.util.text import has_control_character


@pytest.mark.parametrize(
    ("text", "depth"),
    [("{}", 1), ("[[1, [2]]]", 3), ('["[[[["]', 1), ('{"a": "\\"[["}', 1), ("1", 0)],
)
def test_json_depth_ignores_brackets_in_strings(text, depth):
    assert json_depth(text) == depth


def test_json_depth_of_a_hostile_file_needs_no_recursion():
    assert json_depth("[" * 200_000) == 200_000


def test_load_json_document_refuses_each_kind_of_hostile_file():
    assert load_json_document(json.dumps({"a": [1, 2]}).encode(), max_bytes=100) == {"a": [1, 2]}
    for data, message in [
        (b"[" * 100, "more than 32 levels"),
        (b"x" * 200, "larger than"),
        (b"\xff", "not UTF-8"),
        (b"{", "not valid JSON"),
        (b'["\\u0000"]', "control character"),
        (b'{"\\u0007": 1}', "control character"),
    ]:
        with pytest.raises(DocumentError, match=message):
            load_json_document(data, max_bytes=150)


@pytest.mark.parametrize("value", ["-1", "abc", "1.5", "²", str(MAX_ID + 1), str(2**70), " 1"])
def test_bounded_int_refuses_what_a_column_cannot_hold(value):
    with pytest.raises(HostileInput):
        bounded_int(value, default=0)


def test_bounded_int_reads_numbers_and_defaults():
    assert bounded_int(None, default=7) == 7
    assert bounded_int("", default=7) == 7
    assert bounded_int("42", default=0) == 42
    with pytest.raises(HostileInput, match="from 1 to 10"):
        bounded_int("11", default=1, low=1, high=10)


def test_control_characters_but_not_tabs_or_newlines():
    assert has_control_character("a\x00b") and has_control_character("\x1b[31m")
    assert not has_control_character("line one\r\nline\ttwo") and not has_control_character("é")
