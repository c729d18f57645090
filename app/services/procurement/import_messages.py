"""Plain-English messages for an import file that does not match the export format (no Flask
imports): pydantic's errors ("Input should be a valid dictionary or instance of
ImportDocument") say what the parser wanted; these say what is wrong with the file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

MAX_PROBLEMS = 10
NOT_AN_EXPORT = (
    "This is not an assessment exported from this service. Choose the JSON file that the "
    "“Download the assessment (JSON)” link gave you."
)

FIELD_NAMES = {
    "vendor": "The product details",
    "vendor.name": "The supplier's name",
    "vendor.product": "The product name",
    "vendor.website": "The product's website",
    "vendor.contact_name": "The supplier contact's name",
    "vendor.contact_email": "The supplier contact's email address",
    "vendor.purpose": "What the school uses the product for",
    "vendor.data_categories": "The list of pupil data the product holds",
    "vendor.pupils_covered": "The number of pupils covered",
    "checklist": "The questionnaire the file used",
    "checklist.id": "The questionnaire's id",
    "checklist.version": "The questionnaire's version",
    "profile": "The profile answers",
    "answers": "The list of answers",
    "export_id": "The product's export id",
}
# Union members pydantic adds to an error's location ("value", "str"): not field names.
UNION_MEMBERS = {"str", "list[str]", "int", "none", "bool"}


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "nothing (null)" if value is None else "something else"


def _what_is_wrong(error: Mapping) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    return {
        "missing": "is missing",
        "string_type": "must be text",
        "string_too_short": "is empty",
        "string_too_long": f"is longer than {ctx.get('max_length')} characters",
        "string_pattern_mismatch": "is not written the expected way (for example 1.0.0)",
        "list_type": "must be a list",
        "too_long": f"has more than {ctx.get('max_length')} entries",
        "int_type": "must be a whole number",
        "int_parsing": "must be a whole number",
        "int_from_float": "must be a whole number",
        "greater_than_equal": f"must be {ctx.get('ge')} or more",
        "less_than_equal": f"must be {ctx.get('le')} or less",
        "dict_type": "must be a set of named values",
        "model_type": "must be a set of named values",
        "extra_forbidden": "is not something an exported answer contains",
    }.get(kind, "is not valid")


def _subject(location: list) -> str:
    if location and location[0] == "answers" and len(location) >= 2:
        rest = ".".join(str(part) for part in location[2:])
        detail = {"question_id": "its question id", "value": "its answer", "note": "its note",
                  "evidence": "its evidence links"}.get(rest, rest)  # fmt: skip
        return f"Answer {int(location[1]) + 1}" + (f": {detail}" if detail else "")
    if location and location[0] == "profile" and len(location) >= 2:
        return f"The profile answer to {location[1]}"
    path = ".".join(str(part) for part in location)
    return FIELD_NAMES.get(path, f"“{path}”")


def plain_problems(data: object, errors: Sequence[Mapping]) -> list[str]:
    """One readable sentence per problem (at most ten), most fundamental first."""
    if not isinstance(data, dict):
        return [f"The file holds {_kind(data)}, not an assessment. {NOT_AN_EXPORT}"]
    if data.get("format") != "privacy-toolkit-assessment":
        return [NOT_AN_EXPORT]
    if data.get("format_version") != 1:
        version = data.get("format_version")
        return [
            f"The file uses version {version!s:.10} of the export format; this service reads "
            "version 1. Export the assessment again from a service of the same version."
        ]
    problems: list[str] = []
    for error in errors:
        location = [p for p in error["loc"] if p not in UNION_MEMBERS]
        if error["type"] in ("string_type", "list_type") and len(location) < len(error["loc"]):
            message = f"{_subject(location)} must be text or a list of text"
        else:
            message = f"{_subject(location)} {_what_is_wrong(error)}"
        if message not in problems:
            problems.append(message)
    return problems[:MAX_PROBLEMS]
