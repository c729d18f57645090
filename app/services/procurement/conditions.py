"""Conditions of a decision, tracked to done (no Flask imports; the caller commits).

Each condition has text, an owner (a user of the school, or a named supplier contact) and a due
date, all required. After sign-off a condition is marked met with a note and, where there is
one, an evidence link; until then it is *overdue* once its due date has passed (the rule is
`Condition.overdue`; the pages, the dashboard and the reminder email ask `reviews`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import User
from app.models.procurement import Condition, ConditionOwner
from app.services.procurement.decisions import DecisionError
from app.services.procurement.section_saves import URL
from app.util.i18n import _

AuditRecord = Callable[..., object]
NOTE_MAX = 2000
EVIDENCE_MAX = 500
SUPPLIER = "supplier"


def owner_choices(session: Session, school_id: int) -> list[tuple[str, str]]:
    """(value, label) for a condition's owner: each active user of the school, then a
    supplier contact (named in its own box)."""
    users = session.execute(
        select(User.id, User.display_name)
        .where(User.school_id == school_id, User.active.is_(True))
        .order_by(User.display_name, User.id)
    ).all()
    return [(f"user:{uid}", name) for uid, name in users] + [
        (SUPPLIER, "A contact at the supplier (name them below)")
    ]


def owner_of(choice: str, supplier_contact: str, users: dict[str, str]) -> tuple:
    """(kind, name, user id) for an owner chosen on the form; ValueError names what is missing."""
    if choice == SUPPLIER:
        name = supplier_contact.strip()
        if not name:
            raise ValueError(_("enter the name of the contact at the supplier"))
        return ConditionOwner.SUPPLIER, name, None
    if choice in users:
        return ConditionOwner.USER, users[choice], int(choice.split(":", 1)[1])
    raise ValueError(_("choose who owns it"))


def mark_met(
    session: Session,
    condition: Condition,
    *,
    note: str,
    evidence: str,
    by: User,
    today: date,
    record: AuditRecord,
) -> None:
    """Record that a condition has been met, with a note saying how (and an evidence link)."""
    if condition.met:
        raise DecisionError(_("This condition is already marked as met"))
    if not condition.assessment.decided:
        raise DecisionError(_("Only a signed-off decision's conditions can be marked as met"))
    note, evidence = note.strip(), evidence.strip()
    if not note:
        raise DecisionError(_("Say how the condition was met"))
    if len(note) > NOTE_MAX:
        raise DecisionError(_("The note must be %(num)s characters or fewer", num=f"{NOTE_MAX:,}"))
    if evidence and (len(evidence) > EVIDENCE_MAX or not URL.match(evidence)):
        raise DecisionError(_("The evidence link must be a web address starting with https://"))
    condition.met_on, condition.met_note = today, note
    condition.met_evidence = evidence or None
    condition.met_by_id, condition.met_by_name = by.id, by.display_name
    record(
        "condition_met",
        actor_id=by.id,
        school_id=condition.school_id,
        object_type="condition",
        object_id=condition.id,
        assessment=condition.assessment_id,
        overdue_days=(today - condition.due_on).days if condition.due_on < today else None,
    )
