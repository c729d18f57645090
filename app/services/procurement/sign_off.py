"""Two-person sign-off of a decision: one person proposes, a DPO of the school signs it off or
sends it back with a note. Each function owns the whole change (the rules, the version claim,
the frozen snapshot and its hash, the valid-until date, the conditions and the audit event); the
caller commits. No Flask imports: `record` is app.audit.record in the app, a fake in tests.

- `propose` checks the decision rules against the live result, claims the assessment at the
  version the proposer saw (StaleAssessment if someone saved since) and freezes the snapshot:
  the answers are locked while the proposal waits.
- `sign_off` (a DPO of the school; the proposer too, if they are a DPO, and the record says so)
  checks the rules again against the frozen result, records both people with dates, and creates
  the conditions to track.
- `send_back` returns the assessment to draft with the DPO's note, keeping the proposal so the
  proposer starts again from what they typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.content.checklists import Checklist
from app.models import Role, User, UserRole
from app.models.procurement import Assessment, AssessmentStatus, Condition, Decision
from app.services.procurement.assessments import StaleAssessment, bump_version
from app.services.procurement.decisions import (
    ConditionInput,
    DecisionError,
    ProposalInput,
    check_decision,
    departs_from_rating,
    snapshot_hash,
    valid_until,
)
from app.services.procurement.snapshots import live_snapshot
from app.util.i18n import DEFAULT_LOCALE, _, in_locale

AuditRecord = Callable[..., object]

__all__ = ["StaleAssessment", "dpo_users", "may_sign_off", "propose", "send_back", "sign_off"]


class SignOffError(DecisionError):
    """The person may not sign this off, or there is nothing to sign; shown as it is."""


def _person(user: User) -> dict:
    return {"id": user.id, "name": user.display_name}


def dpo_users(session: Session, school_id: int) -> list[User]:
    """The active DPOs of the school: the people who can sign a decision off."""
    stmt = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.school_id == school_id, User.active.is_(True), UserRole.role == Role.DPO)
        .order_by(User.display_name, User.id)
    )
    return list(session.execute(stmt).scalars())


def may_sign_off(user: User, assessment: Assessment) -> bool:
    return user.school_id == assessment.school_id and user.active and user.has_role(Role.DPO)


def propose(
    session: Session,
    assessment: Assessment,
    proposal: ProposalInput,
    *,
    proposer: User,
    checklists: dict[str, Checklist],
    expected_version: int,
    now: datetime,
    record: AuditRecord,
) -> dict:
    """Propose a decision; returns the proposal as stored. Raises DecisionError (a broken rule,
    shown as it is) or StaleAssessment (someone saved since the proposer opened the page)."""
    if assessment.status != AssessmentStatus.DRAFT:
        raise SignOffError(_("A decision has already been proposed for this assessment"))
    if not assessment.profile_done:
        raise DecisionError(_("Answer the profile questions before proposing a decision"))
    # In English, whoever proposes: the frozen record does not depend on the proposer's language.
    snapshot = live_snapshot(assessment, checklists, school_name=proposer.school.name)
    today = now.date()
    outcome = check_decision(proposal, snapshot["result"], snapshot["knockouts"], today=today)
    bump_version(session, assessment, expected_version)
    stored = {
        "outcome": outcome.value,
        "reason": proposal.reason.strip(),
        "departure_reason": proposal.departure_reason.strip() or None,
        "departs_from_rating": departs_from_rating(
            outcome, snapshot["result"], snapshot["knockouts"]
        ),
        "conditions": [c.as_record() for c in proposal.conditions],
        "proposed_by": _person(proposer),
        "proposed_on": today.isoformat(),
        "returned": None,
    }
    snapshot["assessment"]["status"] = AssessmentStatus.PROPOSED
    assessment.proposal = stored
    assessment.proposed_by_id = proposer.id
    assessment.proposed_at = now
    assessment.status = AssessmentStatus.PROPOSED
    assessment.snapshot = snapshot
    assessment.snapshot_hash = snapshot_hash(snapshot)
    record(
        "decision_proposed",
        actor_id=proposer.id,
        school_id=assessment.school_id,
        object_type="assessment",
        object_id=assessment.id,
        outcome=outcome.value,
        rating=snapshot["result"]["band"],
        score=snapshot["result"]["score"],
        departs_from_rating=stored["departs_from_rating"] or None,
    )
    return stored


def _check_signer(signer: User, assessment: Assessment) -> dict:
    if not may_sign_off(signer, assessment):
        raise SignOffError(_("Only a data protection officer (DPO) of this school can do this"))
    if assessment.status != AssessmentStatus.PROPOSED or not assessment.proposal:
        raise SignOffError(_("There is no proposed decision waiting for sign-off"))
    return assessment.proposal


def sign_off(
    session: Session,
    assessment: Assessment,
    *,
    signer: User,
    accept_departure: bool,
    expected_version: int,
    now: datetime,
    record: AuditRecord,
) -> dict:
    """Sign the proposed decision off; returns the decision record frozen in the snapshot."""
    proposal = _check_signer(signer, assessment)
    snapshot = dict(assessment.snapshot or {})
    conditions = [ConditionInput.from_record(c) for c in proposal.get("conditions", [])]
    # Checked again against the frozen result (on the day it was proposed, so a condition that
    # fell due while the proposal waited is not refused): no proposal gets past the rules.
    outcome = check_decision(
        ProposalInput(
            proposal["outcome"],
            proposal["reason"],
            proposal.get("departure_reason") or "",
            tuple(conditions),
        ),
        snapshot["result"],
        snapshot["knockouts"],
        today=date.fromisoformat(proposal["proposed_on"]),
    )
    if proposal.get("departs_from_rating") and not accept_departure:
        raise DecisionError(
            _(
                "This decision departs from the rating: confirm that you accept the departure, "
                "or send the decision back"
            )
        )
    bump_version(session, assessment, expected_version)
    today = now.date()
    until = valid_until(outcome, today)
    proposer = proposal["proposed_by"]
    decision = {
        "outcome": outcome.value,
        "label": english_label(outcome),
        "reason": proposal["reason"],
        "departure_reason": proposal.get("departure_reason"),
        "departs_from_rating": bool(proposal.get("departs_from_rating")),
        "proposed_by": proposer,
        "proposed_on": proposal["proposed_on"],
        "signed_off_by": _person(signer),
        "signer_is_proposer": proposer.get("id") == signer.id,
        "decided_on": today.isoformat(),
        "valid_until": until.isoformat() if until else None,
        "conditions": proposal.get("conditions", []),
    }
    snapshot["decision"] = decision
    snapshot["assessment"] = dict(snapshot["assessment"], status=AssessmentStatus.DECIDED)
    assessment.snapshot = snapshot
    assessment.snapshot_hash = snapshot_hash(snapshot)
    assessment.status = AssessmentStatus.DECIDED
    assessment.decision = outcome
    assessment.decision_reason = decision["reason"]
    assessment.decided_by_id = signer.id
    assessment.decided_on = today
    assessment.valid_until = until
    for condition in conditions:
        assessment.conditions.append(
            Condition(
                school_id=assessment.school_id,
                text=condition.text,
                owner=condition.owner_name,
                owner_kind=condition.owner_kind,
                owner_user_id=condition.owner_user_id,
                due_on=condition.due_on,
            )
        )
    record(
        "assessment_decided",
        actor_id=signer.id,
        school_id=assessment.school_id,
        object_type="assessment",
        object_id=assessment.id,
        outcome=outcome.value,
        rating=snapshot["result"]["band"],
        score=snapshot["result"]["score"],
        proposed_by=proposer.get("id"),
        signer_is_proposer=decision["signer_is_proposer"] or None,
        departs_from_rating=decision["departs_from_rating"] or None,
        snapshot_hash=assessment.snapshot_hash,
    )
    return decision


def send_back(
    session: Session,
    assessment: Assessment,
    *,
    signer: User,
    note: str,
    expected_version: int,
    now: datetime,
    record: AuditRecord,
) -> None:
    """Return a proposed decision to draft with the DPO's note; the answers unlock again."""
    proposal = _check_signer(signer, assessment)
    if not note.strip():
        raise DecisionError(_("Say why you are sending the decision back"))
    bump_version(session, assessment, expected_version)
    assessment.proposal = dict(
        proposal,
        returned={
            "by": _person(signer),
            "on": now.date().isoformat(),
            "note": note.strip(),
        },
    )
    assessment.status = AssessmentStatus.DRAFT
    assessment.snapshot = None
    assessment.snapshot_hash = None
    record(
        "decision_sent_back",
        actor_id=signer.id,
        school_id=assessment.school_id,
        object_type="assessment",
        object_id=assessment.id,
        outcome=proposal["outcome"],
        proposed_by=proposal["proposed_by"].get("id"),
    )


def english_label(outcome: Decision) -> str:
    """A decision's label as the frozen snapshot records it: in English, like the rest of it."""
    with in_locale(DEFAULT_LOCALE):
        return outcome.label
