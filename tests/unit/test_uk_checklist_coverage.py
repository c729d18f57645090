"""Coverage checks for the UK schools edtech checklist (checklists/uk-schools-edtech.yaml).

These tests read the YAML directly with yaml.safe_load, so they do not depend on the app's
loader or validator. They fail if the question bank stops covering the legal anchors a DPO
expects (UK GDPR Article 28(3)(a) to (h), Articles 5, 25, 32-35, Chapter V and all 15
standards of the ICO Children's Code), or if basic rules for fair, usable questions break.
"""

import re
from pathlib import Path

import pytest
import yaml

CHECKLIST = Path(__file__).resolve().parents[2] / "checklists" / "uk-schools-edtech.yaml"

UK_GDPR = "UK GDPR"
CHILDRENS_CODE = "Children's Code"
SCORED_TYPES = {"scale", "choice", "multi_choice"}


@pytest.fixture(scope="module")
def checklist():
    with CHECKLIST.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def questions(checklist):
    return [question for section in checklist["sections"] for question in section["questions"]]


@pytest.fixture(scope="module")
def scored_questions(questions):
    return [q for q in questions if q["type"] in SCORED_TYPES and q.get("weight", 0) > 0]


@pytest.fixture(scope="module")
def uk_gdpr_clauses(questions):
    return {
        ref["clause"]
        for question in questions
        for ref in question.get("references", [])
        if ref["scheme"] == UK_GDPR
    }


def article_number(clause):
    """'Art 28(3)(a)' -> '28', 'Art 22A' -> '22A', 'Chapter V' -> None."""
    match = re.match(r"Art (\d+[A-Z]?)", clause)
    return match.group(1) if match else None


@pytest.mark.parametrize("letter", list("abcdefgh"))
def test_every_article_28_3_term_is_referenced(uk_gdpr_clauses, letter):
    assert f"Art 28(3)({letter})" in uk_gdpr_clauses, (
        f"no question cites UK GDPR Art 28(3)({letter})"
    )


@pytest.mark.parametrize("article", ["5", "25", "32", "33", "34", "35"])
def test_core_articles_are_referenced(uk_gdpr_clauses, article):
    cited = {article_number(clause) for clause in uk_gdpr_clauses}
    assert article in cited, f"no question cites UK GDPR Art {article}"


def test_international_transfers_are_referenced(uk_gdpr_clauses):
    chapter_v_articles = {"44", "45", "46", "47", "48", "49"}
    cited = {article_number(clause) for clause in uk_gdpr_clauses}
    assert "Chapter V" in uk_gdpr_clauses or cited & chapter_v_articles, (
        "no question cites UK GDPR Chapter V (Art 44-49)"
    )


@pytest.mark.parametrize("number", range(1, 16))
def test_each_childrens_code_standard_is_covered_or_explained(checklist, questions, number):
    clause = f"Standard {number}"
    referenced = any(
        ref["scheme"] == CHILDRENS_CODE and ref["clause"] == clause
        for question in questions
        for ref in question.get("references", [])
    )
    explained = any(
        note["scheme"] == CHILDRENS_CODE
        and note["clause"] == clause
        and note["status"] == "not_applicable"
        and str(note.get("reason", "")).strip()
        for note in checklist.get("coverage_notes", [])
    )
    assert referenced or explained, (
        f"Children's Code {clause} is neither referenced by a question nor listed in "
        "coverage_notes as not_applicable with a reason"
    )


def test_question_ids_are_unique(checklist, questions):
    ids = [q["id"] for q in questions] + [p["id"] for p in checklist["profile"]]
    duplicates = sorted({qid for qid in ids if ids.count(qid) > 1})
    assert not duplicates, f"duplicate question ids: {duplicates}"


def test_knockout_questions_never_allow_na(questions):
    offenders = [q["id"] for q in questions if q.get("knockout") and q.get("allow_na") is not False]
    assert not offenders, f"knock-out questions must set allow_na: false: {offenders}"


def test_every_scored_question_has_references_and_remediation(scored_questions):
    missing_refs = [q["id"] for q in scored_questions if not q.get("references")]
    missing_fix = [q["id"] for q in scored_questions if not str(q.get("remediation", "")).strip()]
    assert not missing_refs, f"scored questions without references: {missing_refs}"
    assert not missing_fix, f"scored questions without remediation: {missing_fix}"


def test_no_question_text_uses_and_or(checklist, questions):
    offenders = [q["id"] for q in questions + checklist["profile"] if " and/or " in q["text"]]
    assert not offenders, f"question text must not use ' and/or ': {offenders}"
