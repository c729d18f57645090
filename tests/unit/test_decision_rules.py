"""Decision rules (app/services/procurement/decisions.py): which outcome a rating allows, with
what, and how long it stays valid."""

from datetime import date, timedelta

import pytest

from app.models.procurement import Decision
from app.services.procurement.decisions import (
    ConditionInput,
    DecisionError,
    check_decision,
    departs_from_rating,
    valid_until,
)

TODAY = date(2025, 3, 10)
SOON = ConditionInput("Sign the processing agreement", "Bursar", TODAY + timedelta(days=40))
LATER = ConditionInput("Turn on MFA for staff", "IT lead", TODAY + timedelta(days=90))


def _check(outcome, reason="Meets the standard", conditions=(), top_band=True):
    return check_decision(outcome, reason, list(conditions), top_band=top_band, today=TODAY)


def test_a_valid_decision_comes_back_as_the_enum():
    assert _check("approve") is Decision.APPROVE
    assert _check("conditional", conditions=[SOON], top_band=False) is Decision.CONDITIONAL
    assert _check(Decision.REJECT, top_band=False) is Decision.REJECT


@pytest.mark.parametrize(
    ("outcome", "reason", "conditions", "top_band", "message"),
    [
        ("maybe", "Because", [], True, "Choose approve, approve with conditions or reject"),
        ("", "Because", [], True, "Choose approve"),
        ("reject", "   ", [], True, "Give the reason"),
        ("approve", "Good enough", [], False, "Only a product in the top rating band"),
        ("conditional", "Close", [], False, "Add at least one condition"),
    ],
)
def test_each_broken_rule_has_its_own_message(outcome, reason, conditions, top_band, message):
    with pytest.raises(DecisionError, match=message):
        _check(outcome, reason, conditions, top_band)


def test_a_condition_due_in_the_past_is_refused_and_named():
    overdue = ConditionInput("Delete the old pupil export from the shared drive", "DPO",
                             TODAY - timedelta(days=1))  # fmt: skip
    with pytest.raises(
        DecisionError, match="“Delete the old pupil export from the sha” is in the past"
    ):
        _check("conditional", conditions=[SOON, overdue], top_band=False)
    assert _check("conditional", conditions=[ConditionInput("Today", "DPO", TODAY)])


def test_reject_is_always_allowed_and_never_departs_from_the_rating():
    assert _check("reject", top_band=False) is Decision.REJECT
    assert not departs_from_rating(Decision.REJECT, bottom_band=True)
    assert departs_from_rating(Decision.CONDITIONAL, bottom_band=True)
    assert not departs_from_rating(Decision.CONDITIONAL, bottom_band=False)


def test_approval_lasts_12_months_in_the_top_band():
    assert valid_until(Decision.APPROVE, TODAY, [], top_band=True) == date(2026, 3, 10)
    assert valid_until(Decision.APPROVE, date(2024, 2, 29), [], top_band=True) == date(2025, 2, 28)
    # Outside the top band (never allowed by check_decision) it would last 6 months at most.
    assert valid_until(Decision.APPROVE, TODAY, [], top_band=False) == date(2025, 9, 10)


def test_conditional_approval_lasts_until_the_earliest_condition_and_6_months_at_most():
    assert valid_until(Decision.CONDITIONAL, TODAY, [LATER, SOON], top_band=False) == SOON.due_on
    far = ConditionInput("Annual audit", "DPO", TODAY + timedelta(days=400))
    assert valid_until(Decision.CONDITIONAL, TODAY, [far], top_band=True) == date(2025, 9, 10)
    assert valid_until(Decision.CONDITIONAL, TODAY, [], top_band=True) == date(2025, 9, 10)


def test_a_rejection_has_no_valid_until_date():
    assert valid_until(Decision.REJECT, TODAY, [SOON], top_band=False) is None
