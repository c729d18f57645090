"""Property tests for the scoring engine over the shipped checklists (hypothesis)."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.content.checklists import NOT_APPLICABLE, UNKNOWN, load_checklists
from app.content.expressions import evaluate
from app.services.procurement.scoring import AnswerInput, score_assessment

CHECKLISTS, _ = load_checklists(Path(__file__).resolve().parents[2] / "checklists")
IDS = sorted(CHECKLISTS)
LINK = ("https://supplier.example/evidence",)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rule_values(question):
    return {v for rule in (question.knockout, question.cap) if rule for v in rule.when}


def preferred(checklist, question):
    """The full-credit answer that triggers no rule."""
    options = [o for o in checklist.options_for(question) if o.value not in rule_values(question)]
    if question.type == "multi_choice":
        return tuple(sorted(o.value for o in options if (o.credit or 0) > 0))
    return next(o.value for o in options if o.credit == 1)


@st.composite
def profiles(draw, checklist):
    profile = {}
    for question in checklist.profile:
        values = [o.value for o in question.choices]
        if question.type == "multi_choice":
            profile[question.id] = draw(st.lists(st.sampled_from(values), unique=True))
        elif question.type in ("choice", "yes_no"):
            profile[question.id] = draw(st.sampled_from(values))
    return profile


@st.composite
def answer_sets(draw, checklist):
    answers = {}
    for question in checklist.questions.values():
        if not question.scored:
            continue
        values = [o.value for o in checklist.options_for(question)] + [UNKNOWN, None]
        if question.allow_na:
            values.append(NOT_APPLICABLE)
        value = draw(st.sampled_from(values))
        if question.type == "multi_choice" and value not in (UNKNOWN, NOT_APPLICABLE, None):
            value = (value,)
        answers[question.id] = AnswerInput(value, evidence=LINK if draw(st.booleans()) else ())
    return answers


def cases():
    return st.sampled_from(IDS).flatmap(
        lambda cid: st.tuples(
            st.just(CHECKLISTS[cid]), profiles(CHECKLISTS[cid]), answer_sets(CHECKLISTS[cid])
        )
    )


@SETTINGS
@given(cases())
def test_scores_are_between_0_and_100(case):
    checklist, profile, answers = case
    result = score_assessment(checklist, profile, answers)
    assert 0 <= result.score <= 100
    assert all(0 <= s.score <= 100 for s in result.sections if s.score is not None)
    assert 0 <= result.answered_coverage <= 100 and 0 <= result.evidence_coverage <= 100


@SETTINGS
@given(
    st.sampled_from(IDS).flatmap(
        lambda cid: st.tuples(st.just(CHECKLISTS[cid]), profiles(CHECKLISTS[cid]))
    )
)
def test_all_preferred_answers_with_evidence_give_100_and_the_top_band(case):
    checklist, profile = case
    answers = {
        q.id: AnswerInput(preferred(checklist, q), evidence=LINK)
        for q in checklist.questions.values()
        if q.scored
    }
    result = score_assessment(checklist, profile, answers)
    assert result.score == 100.0
    assert result.band == checklist.rating.bands[0].id and result.top_band
    assert result.limits == [] and result.points_lost == [] and result.evidence_gaps == []


@SETTINGS
@given(cases(), st.data())
def test_any_failed_knockout_gives_the_bottom_band(case, data):
    checklist, profile, answers = case
    knockouts = [
        q
        for section in checklist.sections
        if evaluate(section.applies_if, profile)
        for q in section.questions
        if q.knockout and evaluate(q.applies_if, profile)
    ]
    question = data.draw(st.sampled_from(knockouts))
    value = data.draw(st.sampled_from(question.knockout.when))
    if question.type == "multi_choice" and value != UNKNOWN:
        value = (value,)
    result = score_assessment(checklist, profile, answers | {question.id: AnswerInput(value)})
    assert result.band == checklist.rating.bands[-1].id and result.bottom_band
    assert any(lim.kind == "knockout" and lim.question_id == question.id for lim in result.limits)


@SETTINGS
@given(cases(), st.data())
def test_changing_an_unknown_to_the_preferred_answer_never_lowers_the_score(case, data):
    checklist, profile, answers = case
    unknown = [qid for qid, answer in answers.items() if answer.value in (UNKNOWN, None)]
    if not unknown:
        return
    qid = data.draw(st.sampled_from(unknown))
    question = checklist.questions[qid]
    before = score_assessment(checklist, profile, answers)
    improved = AnswerInput(preferred(checklist, question), evidence=answers[qid].evidence)
    after = score_assessment(checklist, profile, answers | {qid: improved})
    assert after.score >= before.score
    assert after.band_index <= before.band_index


@SETTINGS
@given(cases(), st.data())
def test_na_on_a_gated_out_section_changes_nothing(case, data):
    checklist, profile, answers = case
    gated_out = [s for s in checklist.sections if not evaluate(s.applies_if, profile)]
    if not gated_out:
        return
    section = data.draw(st.sampled_from(gated_out))
    changed = answers | {q.id: AnswerInput(NOT_APPLICABLE) for q in section.questions}
    before = score_assessment(checklist, profile, answers)
    after = score_assessment(checklist, profile, changed)
    assert after.to_dict() == before.to_dict()


@SETTINGS
@given(cases())
def test_results_are_deterministic(case):
    checklist, profile, answers = case
    first = score_assessment(checklist, profile, answers)
    reordered = dict(reversed(list(answers.items())))
    second = score_assessment(checklist, dict(reversed(list(profile.items()))), reordered)
    assert first.inputs_hash == second.inputs_hash
    assert first.to_json() == second.to_json()


@pytest.mark.parametrize("checklist_id", IDS)
def test_every_checklist_has_a_reachable_knockout(checklist_id):
    assert any(q.knockout for q in CHECKLISTS[checklist_id].questions.values())
