"""The governors' report is short: its action plan lists what blocks approval and the ten
actions that cost the most; the answers appendix keeps the whole plan (no app needed)."""

from app.services.procurement.reports import GOVERNOR_ACTIONS, governor_actions


def _action(n: int, blocking: bool = False) -> dict:
    return {"question_id": f"Q{n:02d}", "blocking": blocking}


def test_every_blocking_action_and_the_ten_costliest_others_in_the_plans_order():
    plan = [_action(n, blocking=True) for n in range(3)] + [_action(n) for n in range(3, 40)]
    shown = governor_actions(plan)
    assert [a["question_id"] for a in shown] == [f"Q{n:02d}" for n in range(3 + GOVERNOR_ACTIONS)]
    many_blocking = [_action(n, blocking=True) for n in range(25)] + [_action(25)]
    assert governor_actions(many_blocking) == many_blocking  # none that blocks is left out
    assert governor_actions(plan[:5]) == plan[:5] and governor_actions([]) == []
