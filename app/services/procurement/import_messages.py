"""Plain-language messages for an import file that does not match the export format (no Flask
imports): pydantic's errors ("Input should be a valid dictionary or instance of
ImportDocument") say what the parser wanted; these say what is wrong with the file, in the
reader's language.

Each problem is one whole sentence per kind of problem ("%(field)s is missing"), never a
sentence glued from parts. Its `%(field)s` is a whole noun phrase translated on its own ("The
product name", "The note of answer %(number)d"), so a translation can put it where its own
word order needs it. Writing one sentence for every field and every problem instead would make
about 350 messages for the same words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.util.i18n import _, lazy_gettext

MAX_PROBLEMS = 10
# Union members pydantic adds to an error's location ("value", "str"): not field names.
UNION_MEMBERS = {"str", "list[str]", "int", "none", "bool"}


def not_an_export() -> str:
    return _(
        "This is not an assessment exported from this service. Choose the JSON file that the "
        "“Download the assessment (JSON)” link gave you."
    )


# The names of an import file's fields: each is the %(field)s of a problem sentence.
FIELD_NAMES = {
    # TRANSLATORS: a field of an import file, the %(field)s of a sentence such as "%(field)s is
    # missing": write it as it reads inside that sentence.
    "vendor": lazy_gettext("The product details"),
    "vendor.name": lazy_gettext("The supplier's name"),
    "vendor.product": lazy_gettext("The product name"),
    "vendor.website": lazy_gettext("The product's website"),
    "vendor.contact_name": lazy_gettext("The supplier contact's name"),
    "vendor.contact_email": lazy_gettext("The supplier contact's email address"),
    "vendor.purpose": lazy_gettext("What the school uses the product for"),
    "vendor.data_categories": lazy_gettext("The list of pupil data the product holds"),
    "vendor.pupils_covered": lazy_gettext("The number of pupils covered"),
    "checklist": lazy_gettext("The questionnaire the file used"),
    "checklist.id": lazy_gettext("The questionnaire's id"),
    "checklist.version": lazy_gettext("The questionnaire's version"),
    "profile": lazy_gettext("The profile answers"),
    "answers": lazy_gettext("The list of answers"),
    "export_id": lazy_gettext("The product's export id"),
}

# What the file holds instead of an assessment, by JSON type: one whole sentence each.
_NOT_AN_ASSESSMENT = {
    "list": lazy_gettext("The file holds a list, not an assessment."),
    "text": lazy_gettext("The file holds text, not an assessment."),
    "bool": lazy_gettext("The file holds true or false, not an assessment."),
    "number": lazy_gettext("The file holds a number, not an assessment."),
    "null": lazy_gettext("The file holds nothing (null), not an assessment."),
    "other": lazy_gettext("The file holds something else, not an assessment."),
}


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "null" if value is None else "other"


def _problem(error: Mapping, field: str) -> str:
    """The sentence for this kind of problem, about `field` (a noun phrase, see FIELD_NAMES)."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        # TRANSLATORS: %(field)s names a field of the import file, translated on its own
        # ("The product name", "The note of answer 3"); it is the same in every such sentence.
        return _("%(field)s is missing", field=field)
    if kind == "string_type":
        return _("%(field)s must be text", field=field)
    if kind == "string_too_short":
        return _("%(field)s is empty", field=field)
    if kind == "string_too_long":
        return _(
            "%(field)s is longer than %(max)s characters", field=field, max=ctx.get("max_length")
        )
    if kind == "string_pattern_mismatch":
        return _("%(field)s is not written the expected way (for example 1.0.0)", field=field)
    if kind == "list_type":
        return _("%(field)s must be a list", field=field)
    if kind == "too_long":
        return _("%(field)s has more than %(max)s entries", field=field, max=ctx.get("max_length"))
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("%(field)s must be a whole number", field=field)
    if kind == "greater_than_equal":
        return _("%(field)s must be %(min)s or more", field=field, min=ctx.get("ge"))
    if kind == "less_than_equal":
        return _("%(field)s must be %(max)s or less", field=field, max=ctx.get("le"))
    if kind in ("dict_type", "model_type"):
        return _("%(field)s must be a set of named values", field=field)
    if kind == "extra_forbidden":
        return _("%(field)s is not something an exported answer contains", field=field)
    return _("%(field)s is not valid", field=field)


def _field(location: list) -> str:
    """The field a problem is about, as a noun phrase in the reader's language."""
    if location and location[0] == "answers" and len(location) >= 2:
        number = int(location[1]) + 1
        rest = ".".join(str(part) for part in location[2:])
        if not rest:
            return _("Answer %(number)d", number=number)
        if rest == "question_id":
            return _("The question id of answer %(number)d", number=number)
        if rest == "value":
            return _("The choice in answer %(number)d", number=number)
        if rest == "note":
            return _("The note of answer %(number)d", number=number)
        if rest == "evidence":
            return _("The evidence links of answer %(number)d", number=number)
        return _("“%(part)s” in answer %(number)d", part=rest, number=number)
    if location and location[0] == "profile" and len(location) >= 2:
        return _("The answer to %(question)s in the profile", question=location[1])
    path = ".".join(str(part) for part in location)
    return str(FIELD_NAMES[path]) if path in FIELD_NAMES else f"“{path}”"


def plain_problems(data: object, errors: Sequence[Mapping]) -> list[str]:
    """One readable sentence per problem (at most ten), most fundamental first."""
    if not isinstance(data, dict):
        return [f"{_NOT_AN_ASSESSMENT[_kind(data)]} {not_an_export()}"]
    if data.get("format") != "privacy-toolkit-assessment":
        return [not_an_export()]
    if data.get("format_version") != 1:
        return [
            _(
                "The file uses version %(version)s of the export format; this service reads "
                "version 1. Export the assessment again from a service of the same version.",
                version=f"{data.get('format_version')!s:.10}",
            )
        ]
    problems: list[str] = []
    for error in errors:
        location = [p for p in error["loc"] if p not in UNION_MEMBERS]
        field = _field(location)
        if error["type"] in ("string_type", "list_type") and len(location) < len(error["loc"]):
            message = _("%(field)s must be text or a list of text", field=field)
        else:
            message = _problem(error, field)
        if message not in problems:
            problems.append(message)
    return problems[:MAX_PROBLEMS]
