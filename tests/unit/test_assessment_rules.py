"""Pure assessment and report rules on the small fixture checklist: what changed since the
previous assessment, whose saves a stale form met, and the Children's Code summary."""

from pathlib import Path

import pytest

from app.content.checklists import Checklist, load_checklist_file
from app.services.procurement.assessments import Change, changes_since
from app.services.procurement.reports import CodeStatus, childrens_code_summary
from app.services.procurement.scoring import AnswerInput, score_assessment
from app.services.procurement.section_saves import TypedAnswer, fingerprint, fingerprint_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "checklists"
CODE = "Children's Code"


@pytest.fixture(scope="module")
def checklist() -> Checklist:
    loaded, problems = load_checklist_file(FIXTURES / "valid-minimal.yaml", FIXTURES)
    assert not problems
    return loaded


def _edited(checklist: Checklist, edit) -> Checklist:
    """The fixture with `edit` applied to its definition (the way a pinned version is stored)."""
    definition = checklist.model_dump(mode="json", by_alias=True, exclude_none=True)
    edit(definition)
    return Checklist.model_validate(definition)


def _question(definition: dict, question_id: str) -> dict:
    questions = (q for s in definition["sections"] for q in s["questions"])
    return next(q for q in questions if q["id"] == question_id)


# --- changes since the previous assessment ------------------------------------------------------


def test_changes_lists_only_answers_that_differ_with_their_labels(checklist):
    before = {"Q01": "yes", "Q02": "iso", "Q03": "yes"}
    after = {"Q01": "no", "Q02": "iso", "Q04": "New supplier contact"}
    assert changes_since(checklist, after, checklist, before) == [
        Change("Q01", "Will you sign Article 28 terms?", "Yes", "No"),
        Change("Q03", "High privacy by default?", "Yes", "Not answered"),
        Change("Q04", "Notes", "Not answered", "New supplier contact"),
    ]
    assert changes_since(checklist, before, checklist, dict(before)) == []


def test_changes_label_unknown_and_na_and_questions_new_in_this_version(checklist):
    previous = _edited(checklist, lambda d: d["sections"][0]["questions"].pop(1))  # no Q02
    changes = changes_since(checklist, {"Q02": "iso", "Q03": "na"}, previous, {"Q03": "unknown"})
    assert [(c.question_id, c.before, c.after) for c in changes] == [
        ("Q02", "(not in this version)", "ISO 27001"),
        ("Q03", "Not known", "Not applicable"),
    ]


def test_changes_see_a_multi_choice_answer_in_another_order_as_a_change(checklist):
    # Stored lists keep the order they were saved in; the comparison is exact, never fuzzy.
    assert changes_since(checklist, {"Q01": ["a", "b"]}, checklist, {"Q01": ["a", "b"]}) == []
    assert len(changes_since(checklist, {"Q01": ["b", "a"]}, checklist, {"Q01": ["a", "b"]})) == 1


# --- fingerprints of an answer (what a section form remembers it showed) ---------------------


def test_an_answer_fingerprint_ignores_order_and_blank_space_but_nothing_else():
    same = fingerprint(["b", "a"], " Signed in May ", ["https://x.example/a", ""])
    assert same == fingerprint(["a", "b"], "Signed in May", ["https://x.example/a"])
    assert fingerprint(None, "", []) == fingerprint_of(None) == fingerprint_of(TypedAnswer())
    assert fingerprint("yes", "", []) != fingerprint("no", "", [])
    assert fingerprint("yes", "", []) != fingerprint("yes", "note", [])
    assert fingerprint("yes", "", []) != fingerprint("yes", "", ["https://x.example"])
    typed = TypedAnswer("yes", "note", "https://x.example\n\n")
    assert fingerprint_of(typed) == fingerprint("yes", "note", ["https://x.example"])


# --- Children's Code summary ------------------------------------------------------------------


def _with_code_references(definition: dict) -> None:
    _question(definition, "Q01")["references"].append({"scheme": CODE, "clause": "Standard 10"})
    _question(definition, "Q02")["references"].append({"scheme": CODE, "clause": "Standard 7"})
    _question(definition, "Q03")["references"].append({"scheme": CODE, "clause": "Standard 2"})


def _summary(checklist, profile, answers):
    result = score_assessment(checklist, profile, answers)
    return {row["clause"]: (row["status"], row["label"], row["questions"], row["unmet"])
            for row in childrens_code_summary(checklist, result)}  # fmt: skip


def test_each_standard_takes_the_worst_of_its_questions_in_natural_order(checklist):
    coded = _edited(checklist, _with_code_references)
    answers = {"Q01": AnswerInput("yes"), "Q02": AnswerInput("iso"), "Q03": AnswerInput("yes")}
    summary = _summary(coded, {"P01": "yes"}, answers)
    assert list(summary) == ["Standard 2", "Standard 7", "Standard 10"]
    assert summary["Standard 2"] == (CodeStatus.MET, "Met", ["Q03"], [])
    # Q01 has no evidence link, so it earns half credit: partly met.
    assert summary["Standard 10"] == (CodeStatus.PARTLY_MET, "Partly met", ["Q01"], ["Q01"])
    assert summary["Standard 7"] == (CodeStatus.MET, "Met", ["Q02", "Q03"], [])
    worse = _summary(coded, {"P01": "yes"}, answers | {"Q02": AnswerInput("none")})
    # Only the question that is not met is named: Q03 was met (the report used to list both).
    assert worse["Standard 7"] == (
        CodeStatus.NOT_MET, "Not met or not known", ["Q02", "Q03"], ["Q02"]
    )  # fmt: skip


def test_a_standard_is_not_applicable_only_when_all_its_questions_drop_out(checklist):
    coded = _edited(checklist, _with_code_references)
    gated = _summary(coded, {"P01": "no"}, {"Q02": AnswerInput("iso")})  # pupils section off
    assert gated["Standard 2"][:2] == (CodeStatus.NOT_APPLICABLE, "Not applicable")
    assert gated["Standard 7"][0] == CodeStatus.MET  # Q03 gated out, Q02 met
    na = _summary(coded, {"P01": "yes"}, {"Q03": AnswerInput("na")})
    assert na["Standard 2"][0] == CodeStatus.NOT_APPLICABLE
    assert na["Standard 10"][0] == CodeStatus.NOT_MET  # unanswered counts as not met


def test_a_checklist_without_code_references_has_an_empty_summary(checklist):
    plain = _edited(checklist, lambda d: _question(d, "Q03")["references"].pop())
    assert childrens_code_summary(plain, score_assessment(plain, {"P01": "yes"}, {})) == []
