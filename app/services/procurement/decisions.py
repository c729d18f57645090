"""Decision rules: which outcomes a rating allows, how long a decision stays valid, and the frozen
snapshot a decision carries (no Flask imports).

- Approve: only when the rating is the top band; valid for 12 months.
- Approve with conditions: at least one condition (text, owner, due date); valid until the earliest
  condition is due, and never more than 6 months. Allowed on any rating, because the rating is
  advice and the people signing off own the decision, but departing from a bottom-band (knock-out)
  rating is recorded as such in the snapshot and the audit log.
- Reject: always allowed; no valid-until date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.models.procurement import Decision
from app.util.dates import add_months
from app.util.hashing import sha256_json

TOP_BAND_MONTHS = 12
CONDITIONAL_MAX_MONTHS = 6


class DecisionError(ValueError):
    """A decision rule was broken; the message is shown to the user as it is."""


@dataclass(frozen=True)
class ConditionInput:
    text: str
    owner: str
    due_on: date


def valid_until(
    outcome: Decision, decided_on: date, conditions: list[ConditionInput], *, top_band: bool
) -> date | None:
    if outcome == Decision.APPROVE:
        return add_months(decided_on, TOP_BAND_MONTHS if top_band else CONDITIONAL_MAX_MONTHS)
    if outcome == Decision.CONDITIONAL:
        cap = add_months(decided_on, CONDITIONAL_MAX_MONTHS)
        return min([cap] + [c.due_on for c in conditions])
    return None


def check_decision(
    outcome: str, reason: str, conditions: list[ConditionInput], *, top_band: bool, today: date
) -> Decision:
    """The outcome as a Decision; raises DecisionError with a clear message if it breaks a rule."""
    if outcome not in set(Decision):
        raise DecisionError("Choose approve, approve with conditions or reject")
    outcome = Decision(outcome)
    if not reason.strip():
        raise DecisionError("Give the reason for the decision")
    if outcome == Decision.APPROVE and not top_band:
        raise DecisionError(
            "Only a product in the top rating band can be approved outright: "
            "approve with conditions or reject"
        )
    if outcome == Decision.CONDITIONAL and not conditions:
        raise DecisionError("Add at least one condition, with an owner and a due date")
    for condition in conditions:
        if condition.due_on < today:
            raise DecisionError(f"The due date for “{condition.text[:40]}” is in the past")
    return outcome


def departs_from_rating(outcome: Decision, *, bottom_band: bool) -> bool:
    return bottom_band and outcome != Decision.REJECT


def snapshot_hash(snapshot: dict) -> str:
    return sha256_json(snapshot)
