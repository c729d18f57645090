"""Freezing a decision onto an assessment: the rules checked, the version claimed, the decision
record, the frozen snapshot and its hash, the valid-until date and the conditions (no Flask
imports; the caller audits and commits).

`decide` is what the decision page and the demo seeds call, so both record decisions the same way.
"""

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from app.models.procurement import Assessment, AssessmentStatus, Condition, Decision
from app.services.procurement.assessments import bump_version
from app.services.procurement.decisions import (
    ConditionInput,
    check_decision,
    departs_from_rating,
    snapshot_hash,
    valid_until,
)


def decide(
    session: Session,
    assessment: Assessment,
    *,
    outcome: str,
    reason: str,
    conditions: list[ConditionInput],
    signed_off_by: str,
    recorded_by: str,
    decided_by_id: int | None,
    expected_version: int,
    result: dict,
    today: date,
    snapshot_with: Callable[[dict], dict],
) -> dict:
    """Check the decision rules against `result`, the live result as the person deciding saw it
    (DecisionError), claim the assessment at `expected_version` (StaleAssessment if someone saved
    since, so that result is still current), then freeze the decision. Returns the decision
    record, as stored in the snapshot."""
    checked = check_decision(outcome, reason, conditions, top_band=result["top_band"], today=today)
    bump_version(session, assessment, expected_version)
    return record_decision(
        assessment,
        outcome=checked,
        reason=reason,
        signed_off_by=signed_off_by,
        recorded_by=recorded_by,
        decided_by_id=decided_by_id,
        conditions=conditions,
        result=result,
        today=today,
        snapshot_with=snapshot_with,
    )


def record_decision(
    assessment: Assessment,
    *,
    outcome: Decision,
    reason: str,
    signed_off_by: str,
    recorded_by: str,
    decided_by_id: int | None,
    conditions: list[ConditionInput],
    result: dict,
    today: date,
    snapshot_with: Callable[[dict], dict],
) -> dict:
    """Decide `assessment`; `snapshot_with(decision)` builds the snapshot that gets frozen.

    `result` is the scored result as serialised in the snapshot (band flags and score). Returns
    the decision record stored in the snapshot.
    """
    outcome = Decision(outcome)
    until = valid_until(outcome, today, conditions, top_band=result["top_band"])
    decision = {
        "outcome": outcome,
        "label": outcome.label,
        "reason": reason.strip(),
        "signed_off_by": signed_off_by.strip(),
        "recorded_by": recorded_by,
        "decided_on": today.isoformat(),
        "valid_until": until.isoformat() if until else None,
        "departs_from_rating": departs_from_rating(outcome, bottom_band=result["bottom_band"]),
        "conditions": [
            {"text": c.text, "owner": c.owner, "due_on": c.due_on.isoformat()} for c in conditions
        ],
    }
    snapshot = snapshot_with(decision)
    snapshot["assessment"]["status"] = AssessmentStatus.DECIDED
    assessment.snapshot = snapshot
    assessment.snapshot_hash = snapshot_hash(snapshot)
    assessment.status = AssessmentStatus.DECIDED
    assessment.decision = outcome
    assessment.decision_reason = decision["reason"]
    assessment.decided_by_id = decided_by_id
    assessment.decided_by_name = decision["signed_off_by"]
    assessment.decided_on = today
    assessment.valid_until = until
    for condition in conditions:
        assessment.conditions.append(
            Condition(
                school_id=assessment.school_id,
                text=condition.text,
                owner=condition.owner,
                due_on=condition.due_on,
            )
        )
    return decision
