"""The decision rules as data (app/services/procurement/decisions.py): which outcomes each
situation allows, which only as a departure, the wording, how long a decision stays valid, and
that checklists/README.md prints the same table."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from app.models.procurement import ConditionOwner, Decision
from app.services.procurement.decisions import (
    DECISION_RULES,
    ConditionInput,
    DecisionError,
    ProposalInput,
    Situation,
    check_decision,
    departs_from_rating,
    options_for,
    rule_for,
    rules_table,
    valid_until,
)

TODAY = date(2025, 3, 10)
SOON = ConditionInput("Sign the processing agreement", ConditionOwner.USER, "Bursar",
                      TODAY + timedelta(days=40), 7)  # fmt: skip
README = Path(__file__).resolve().parents[2] / "checklists" / "README.md"

GREEN = {"band": "green", "band_label": "Green: approve", "top_band": True, "bottom_band": False}
AMBER = {"band": "amber", "band_label": "Amber", "top_band": False, "bottom_band": False}
RED = {"band": "red", "band_label": "Red: do not approve", "top_band": False, "bottom_band": True}
NONE = {"fired": [], "unresolved": []}
B01 = {"question_id": "B01", "text": "Do you sell pupil data?", "answer_label": "Yes"}
FIRED = {"fired": [B01], "unresolved": []}
UNKNOWN_B01 = {"fired": [], "unresolved": [B01 | {"answer_label": "Not known"}]}


def _check(outcome, result=GREEN, knockouts=NONE, conditions=(), departure="", reason="Fits"):
    proposal = ProposalInput(outcome, reason, departure, tuple(conditions))
    return check_decision(proposal, result, knockouts, today=TODAY)


@pytest.mark.parametrize(
    ("result", "knockouts", "situation", "allowed"),
    [
        (GREEN, NONE, Situation.TOP_BAND, {"approve", "conditional", "reject"}),
        (AMBER, NONE, Situation.MIDDLE_BAND, {"conditional", "reject"}),
        (RED, NONE, Situation.BOTTOM_BAND, {"conditional", "reject"}),
        (RED, FIRED, Situation.KNOCKOUT, {"reject"}),
        # A fired knock-out wins even if the score is top-band (the engine makes it red anyway).
        (GREEN, FIRED, Situation.KNOCKOUT, {"reject"}),
        (AMBER, UNKNOWN_B01, Situation.UNRESOLVED_KNOCKOUT, {"reject"}),
        (GREEN, UNKNOWN_B01, Situation.UNRESOLVED_KNOCKOUT, {"reject"}),
    ],
)
def test_the_first_matching_situation_decides_what_is_allowed(result, knockouts, situation,
                                                               allowed):  # fmt: skip
    rule = rule_for(result, knockouts)
    assert rule.situation == situation
    assert {d.value for d in rule.allowed} == allowed


@pytest.mark.parametrize("outcome", ["approve", "conditional"])
@pytest.mark.parametrize("knockouts", [FIRED, UNKNOWN_B01])
def test_no_approval_of_any_kind_past_a_fired_or_unanswered_knockout(outcome, knockouts):
    with pytest.raises(DecisionError, match="cannot be approved in any form") as refused:
        _check(outcome, RED, knockouts, conditions=[SOON], departure="We need it")
    assert "B01" in str(refused.value)
    assert _check("reject", RED, knockouts) is Decision.REJECT


def test_red_by_score_allows_conditions_only_as_a_stated_departure():
    with pytest.raises(DecisionError, match="cannot be approved outright"):
        _check("approve", RED)
    with pytest.raises(DecisionError, match="give the reason for departing"):
        _check("conditional", RED, conditions=[SOON])
    assert _check("conditional", RED, conditions=[SOON], departure="Only supplier") is (
        Decision.CONDITIONAL
    )
    assert departs_from_rating(Decision.CONDITIONAL, RED, NONE)
    assert not departs_from_rating(Decision.REJECT, RED, NONE)
    assert not departs_from_rating(Decision.CONDITIONAL, AMBER, NONE)


def test_amber_allows_conditions_without_a_departure_and_never_outright_approval():
    assert _check("conditional", AMBER, conditions=[SOON]) is Decision.CONDITIONAL
    with pytest.raises(DecisionError, match="Amber cannot be approved outright"):
        _check("approve", AMBER)


@pytest.mark.parametrize(
    ("outcome", "reason", "conditions", "message"),
    [
        ("maybe", "Because", [], "Choose approve, approve with conditions or reject"),
        ("", "Because", [], "Choose approve"),
        ("reject", "   ", [], "Give the reason"),
        ("conditional", "Close", [], "Add at least one condition"),
        ("conditional", "Close", [SOON] * 7, "at most 6 conditions"),
    ],
)
def test_each_broken_rule_has_its_own_message(outcome, reason, conditions, message):
    with pytest.raises(DecisionError, match=message):
        _check(outcome, GREEN, conditions=conditions, reason=reason)


def test_a_condition_due_in_the_past_or_after_the_decision_lapses_is_refused_and_named():
    overdue = ConditionInput(
        "Delete the old pupil export from the shared drive",
        ConditionOwner.SUPPLIER,
        "Acme",
        TODAY - timedelta(days=1),
    )
    with pytest.raises(
        DecisionError, match="“Delete the old pupil export from the sha” is in the past"
    ):
        _check("conditional", AMBER, conditions=[SOON, overdue])
    late = ConditionInput("Annual audit", ConditionOwner.SUPPLIER, "Acme", date(2025, 9, 11))
    with pytest.raises(DecisionError, match="after the decision would lapse \\(2025-09-10\\)"):
        _check("conditional", AMBER, conditions=[late])
    on_the_day = ConditionInput("Last day", ConditionOwner.SUPPLIER, "Acme", date(2025, 9, 10))
    assert _check("conditional", AMBER, conditions=[on_the_day])


def test_validity_approval_12_months_conditional_6_rejection_never_lapses():
    assert valid_until(Decision.APPROVE, TODAY) == date(2026, 3, 10)
    assert valid_until(Decision.APPROVE, date(2024, 2, 29)) == date(2025, 2, 28)
    assert valid_until(Decision.CONDITIONAL, TODAY) == date(2025, 9, 10)
    assert valid_until(Decision.REJECT, TODAY) is None


def test_options_name_the_blocking_questions_and_the_way_forward():
    options = options_for(RED, FIRED)
    assert options.allowed == (Decision.REJECT,)
    assert "B01 Yes" in options.refusal and "re-assessment" in options.rule.way_forward
    assert options_for(GREEN, NONE).refusal == ""


def test_the_readme_prints_the_rules_exactly_as_the_service_applies_them():
    assert rules_table() in README.read_text(encoding="utf-8")
    assert len(DECISION_RULES) == len(Situation)


def test_a_condition_round_trips_through_its_stored_record():
    assert ConditionInput.from_record(SOON.as_record()) == SOON
