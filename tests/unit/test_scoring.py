"""Worked examples for the scoring engine (app/services/procurement/scoring.py), on the small
fixture checklist tests/fixtures/checklists/valid-minimal.yaml. The same numbers are in
checklists/README.md."""

from pathlib import Path

import pytest

from app.content.checklists import load_checklist_file
from app.services.procurement.scoring import ENGINE_VERSION, AnswerInput, score_assessment

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "checklists"
LINK = ("https://supplier.example/dpa.pdf",)


@pytest.fixture(scope="module")
def checklist():
    loaded, problems = load_checklist_file(FIXTURES / "valid-minimal.yaml", FIXTURES)
    assert not problems
    return loaded


PUPILS_LOG_IN = {"P01": "yes", "P02": ["contact"]}


def test_worked_example_capped_to_amber(checklist):
    result = score_assessment(
        checklist,
        PUPILS_LOG_IN,
        {
            "Q01": AnswerInput("yes", evidence=LINK),
            "Q02": AnswerInput("none"),
            "Q03": AnswerInput("yes"),
        },
    )
    sections = {s.section_id: s.score for s in result.sections}
    assert sections == {"contract": 60.0, "pupils": 100.0}  # (3x1 + 2x0)/5; 2x1/2
    assert result.score == 76.0  # (3x60 + 2x100) / (3 + 2)
    assert result.score_band == "amber"
    assert [(lim.kind, lim.question_id, lim.band) for lim in result.limits] == [
        ("cap", "Q02", "amber")
    ]
    assert result.band == "amber"
    assert result.limits[0].answer_label == "None"
    assert result.limits[0].references == ["Cyber Essentials Certification"]
    assert [q.question_id for q in result.points_lost] == ["Q02"]
    assert result.points_lost[0].points_lost == 2  # weight 2 x (1 - 0)
    assert result.points_lost[0].score_impact == 24.0  # 3/5 of the overall x 2/5 of the section
    assert result.answered_coverage == 100.0 and result.evidence_coverage == 100.0


def test_missing_evidence_halves_credit_and_leaves_knockout_unresolved(checklist):
    result = score_assessment(
        checklist,
        PUPILS_LOG_IN,
        {"Q01": AnswerInput("yes"), "Q02": AnswerInput("iso"), "Q03": AnswerInput("yes")},
    )
    assert {s.section_id: s.score for s in result.sections}["contract"] == 70.0  # (1.5 + 2)/5
    assert result.score == 82.0
    assert result.score_band == "green"
    assert [lim.kind for lim in result.limits] == ["unresolved_knockout"]
    assert result.band == "amber"
    assert [(g.question_id, g.reason) for g in result.evidence_gaps] == [
        ("Q01", "evidence_missing")
    ]
    assert result.evidence_coverage == 0.0


def test_knockout_is_red_but_the_score_is_still_shown(checklist):
    result = score_assessment(
        checklist,
        PUPILS_LOG_IN,
        {"Q01": AnswerInput("no"), "Q02": AnswerInput("iso"), "Q03": AnswerInput("yes")},
    )
    assert result.score == 64.0  # contract 40, pupils 100
    assert result.score_band == "amber"
    assert result.band == "red" and result.bottom_band
    knockout = result.limits[0]
    assert (knockout.kind, knockout.question_id, knockout.answer) == ("knockout", "Q01", "no")
    assert knockout.reason == "Article 28 terms are required."
    assert result.points_lost[0].question_id == "Q01" and result.points_lost[0].blocking


def test_unknown_and_unanswered_earn_nothing_and_are_gaps(checklist):
    result = score_assessment(
        checklist,
        PUPILS_LOG_IN,
        {"Q01": AnswerInput("yes", evidence=LINK), "Q02": AnswerInput("unknown")},
    )
    gaps = {(g.question_id, g.reason) for g in result.evidence_gaps}
    assert gaps == {("Q02", "unknown"), ("Q03", "unanswered")}
    assert result.answered_coverage == 33.3
    assert result.score == 36.0  # contract 60, pupils 0
    kinds = sorted(lim.kind for lim in result.limits)
    assert kinds == ["cap", "section_floor"]  # Q02 cap fires on unknown; pupils scored 0
    assert result.band == "red"  # the score band is already below the caps


def test_na_drops_out_only_where_allowed(checklist):
    base = {"Q01": AnswerInput("yes", evidence=LINK), "Q02": AnswerInput("iso")}
    with_na = score_assessment(checklist, PUPILS_LOG_IN, base | {"Q03": AnswerInput("na")})
    assert with_na.score == 100.0 and with_na.band == "green"
    assert {s.section_id: s.applicable for s in with_na.sections}["pupils"] is False
    refused = score_assessment(checklist, PUPILS_LOG_IN, base | {"Q02": AnswerInput("na")})
    assert refused.problems == ["Q02: N/A is not allowed for this question"]
    assert {q.question_id: q.credit for q in refused.questions}["Q02"] == 0.0


def test_gated_out_section_is_ignored(checklist):
    answers = {"Q01": AnswerInput("yes", evidence=LINK), "Q02": AnswerInput("iso")}
    result = score_assessment(checklist, {"P01": "no"}, answers | {"Q03": AnswerInput("no")})
    assert result.score == 100.0
    assert {q.question_id: q.status for q in result.questions}["Q03"] == "gated_out"


def test_high_risk_tier_needs_higher_scores_and_evidence(checklist):
    profile = {"P01": "no", "P02": ["health"]}
    answers = {"Q01": AnswerInput("yes", evidence=LINK), "Q02": AnswerInput("iso")}
    result = score_assessment(checklist, profile, answers)
    assert result.risk_tier == "high" and result.thresholds == {"green": 85, "amber": 65, "red": 0}
    assert result.band == "green"
    without_evidence = score_assessment(checklist, profile, answers | {"Q01": AnswerInput("yes")})
    assert without_evidence.score == 70.0  # (1.5 + 2) / 5
    assert without_evidence.score_band == "amber"  # 70 is green for standard, amber for high
    assert "evidence_coverage" in {lim.kind for lim in without_evidence.limits}


def test_result_serialises_with_versions_and_hash(checklist):
    result = score_assessment(checklist, PUPILS_LOG_IN, {"Q01": AnswerInput("yes")})
    data = result.to_dict()
    assert data["checklist_id"] == "valid-minimal" and data["checklist_version"] == "1.0.0"
    assert data["engine_version"] == ENGINE_VERSION
    assert len(data["inputs_hash"]) == 64
    again = score_assessment(checklist, PUPILS_LOG_IN, {"Q01": AnswerInput("yes")})
    assert again.to_json() == result.to_json()
    changed = score_assessment(checklist, PUPILS_LOG_IN, {"Q01": AnswerInput("no")})
    assert changed.inputs_hash != result.inputs_hash


def test_text_questions_are_kept_but_not_scored(checklist):
    result = score_assessment(checklist, PUPILS_LOG_IN, {"Q04": AnswerInput("Bought by the trust")})
    row = {q.question_id: q for q in result.questions}["Q04"]
    assert (row.status, row.answer, row.credit) == ("unscored", "Bought by the trust", None)


def test_a_results_dict_is_what_dataclasses_asdict_gives():  # noqa: C901
    """Result.to_dict skips asdict's deep copies; the dict (and so every snapshot hash) is the
    same, for a questionnaire answered in every way."""
    import json
    from dataclasses import asdict

    root = Path(__file__).resolve().parents[2] / "checklists"
    for name in ("quick-edtech-check.yaml", "uk-schools-edtech.yaml"):
        checklist, problems = load_checklist_file(root / name, root)
        assert not problems
        answers = {}
        for index, question in enumerate(checklist.questions.values()):
            options = checklist.options_for(question) if question.scored else ()
            value = options[index % len(options)].value if options and index % 5 else "unknown"
            answers[question.id] = AnswerInput(value, f"note {index}", (f"https://e/{index}",))
        result = score_assessment(checklist, {}, answers)
        assert result.to_dict() == asdict(result)
        assert result.to_json() == json.dumps(asdict(result), sort_keys=True, separators=(",", ":"))
