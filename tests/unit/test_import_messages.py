"""An import file's problems read as whole English sentences, one kind of sentence per kind of
problem, about a field named in words (the Welsh is tested in test_language_procurement)."""

from app.services.procurement.import_messages import MAX_PROBLEMS, plain_problems

DOCUMENT = {"format": "privacy-toolkit-assessment", "format_version": 1}


def _problem(kind: str, *loc, **ctx) -> str:
    return plain_problems(DOCUMENT, [{"type": kind, "loc": loc, "ctx": ctx}])[0]


def test_each_problem_is_one_sentence_about_a_field_named_in_words():
    assert _problem("string_too_short", "vendor", "product") == "The product name is empty"
    assert _problem("greater_than_equal", "vendor", "pupils_covered", ge=0) == (
        "The number of pupils covered must be 0 or more"
    )
    assert _problem("too_long", "answers", max_length=500) == (
        "The list of answers has more than 500 entries"
    )
    assert _problem("string_pattern_mismatch", "checklist", "version") == (
        "The questionnaire's version is not written the expected way (for example 1.0.0)"
    )
    assert _problem("surprising", "vendor", "name") == "The supplier's name is not valid"


def test_an_answers_parts_and_unknown_fields_are_named():
    assert _problem("model_type", "answers", 0) == "Answer 1 must be a set of named values"
    assert _problem("missing", "answers", 1, "question_id") == (
        "The question id of answer 2 is missing"
    )
    assert _problem("string_type", "answers", 2, "note") == "The note of answer 3 must be text"
    assert _problem("list_type", "answers", 3, "evidence") == (
        "The evidence links of answer 4 must be a list"
    )
    assert _problem("extra_forbidden", "answers", 4, "colour") == (
        "“colour” in answer 5 is not something an exported answer contains"
    )
    assert _problem("missing", "profile", "P02") == "The answer to P02 in the profile is missing"
    assert _problem("missing", "vendor", "mystery") == "“vendor.mystery” is missing"


def test_a_value_of_either_kind_gets_one_sentence_and_repeats_are_dropped():
    errors = [
        {"type": "string_type", "loc": ("answers", 2, "value", "str")},
        {"type": "list_type", "loc": ("answers", 2, "value", "list[str]")},
    ]
    assert plain_problems(DOCUMENT, errors) == [
        "The choice in answer 3 must be text or a list of text"
    ]
    many = [{"type": "missing", "loc": ("answers", n, "note")} for n in range(20)]
    assert len(plain_problems(DOCUMENT, many)) == MAX_PROBLEMS


def test_a_file_that_is_not_an_export_says_what_it_holds():
    assert plain_problems([], []) == [
        "The file holds a list, not an assessment. This is not an assessment exported from "
        "this service. Choose the JSON file that the “Download the assessment (JSON)” link "
        "gave you."
    ]
    assert plain_problems(None, [])[0].startswith("The file holds nothing (null)")
    assert plain_problems({"format": "x"}, [])[0].startswith("This is not an assessment")
    assert plain_problems({**DOCUMENT, "format_version": 2}, [])[0].startswith(
        "The file uses version 2 of the export format; this service reads version 1."
    )
