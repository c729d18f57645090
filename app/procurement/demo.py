"""Demo records for the procurement half (idempotent: runs on every `make run`).

The first demo school gets the invented products in `app/procurement/demo_products/*.json`, one
file each, in the export format (what /procurement/assessments/<id>/export.json produces, with the
scored result left out because an import recomputes it). Each file is seeded through the import
service, so the demo exercises import too; its `decision` is then proposed by the school's
business manager and signed off by its DPO through the sign-off services (with every rule
checked), on the day given by the file's `demo.decided_days_ago` (default today), with the
conditions' due dates moved by the same amount. One product is on the quick checklist and three
on the full UK bank (approved, approved with conditions and one condition overdue, rejected by a
knock-out).
"""

import json
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.models import Role, School, User, db
from app.models.base import utcnow
from app.models.procurement import ConditionOwner, Vendor
from app.services.procurement.decisions import ConditionInput, ProposalInput
from app.services.procurement.sign_off import propose, sign_off
from app.services.procurement.transfer import import_assessment

DEMO_FILES = Path(__file__).resolve().parent / "demo_products"
FALLBACK_NAME = "Demo business manager"


class DemoFileError(RuntimeError):
    """A demo file no longer imports, or its decision breaks a rule."""


def demo_files() -> list[Path]:
    return sorted(DEMO_FILES.glob("*.json"))


def seed(schools: list[School], users: list[User]) -> None:
    if not schools:
        return
    school = schools[0]
    staff = [u for u in users if u.school_id == school.id]
    manager = next((u for u in staff if u.has_role(Role.BUSINESS_MANAGER)), None)
    dpo = next((u for u in staff if u.has_role(Role.DPO)), None)
    checklists = current_app.extensions["content"].checklists
    for path in demo_files():
        document = json.loads(path.read_bytes())
        if document["checklist"]["id"] in checklists and not _exists(school, document):
            _seed_product(school, manager, dpo, staff, path.name, document, checklists)


def _exists(school: School, document: dict) -> bool:
    stmt = select(Vendor.id).where(
        Vendor.school_id == school.id, Vendor.product == document["vendor"]["product"]
    )
    return db.session.execute(stmt).first() is not None


def _condition(record: dict, shift: timedelta, staff: list[User]) -> ConditionInput:
    due = date.fromisoformat(record["due_on"]) + shift
    if record.get("owner_kind") == ConditionOwner.USER:
        owner = next((u for u in staff if u.display_name == record["owner"]), None)
        if owner is not None:
            return ConditionInput(record["text"], ConditionOwner.USER, owner.display_name, due,
                                  owner.id)  # fmt: skip
    return ConditionInput(record["text"], ConditionOwner.SUPPLIER, record["owner"], due)


def _seed_product(
    school: School,
    manager: User | None,
    dpo: User | None,
    staff: list[User],
    name: str,
    document: dict,
    checklists: dict,
) -> None:
    days_ago = (document.get("demo") or {}).get("decided_days_ago", 0)
    decided_at = utcnow() - timedelta(days=days_ago)
    person = manager.display_name if manager else FALLBACK_NAME
    imported = import_assessment(
        db.session, document, checklists, school_id=school.id,
        user_id=manager.id if manager else None, user_name=person, now=decided_at,
    )  # fmt: skip
    if imported.assessment is None:
        raise DemoFileError(f"{name} does not import: {'; '.join(imported.problems)}")
    decision = document["decision"]
    if manager is None or dpo is None:
        return  # the demo decisions need a proposer and a DPO to sign them off
    assessment = imported.assessment
    shift = decided_at.date() - date.fromisoformat(decision["decided_on"])
    proposal = ProposalInput(
        decision["outcome"],
        decision["reason"],
        decision.get("departure_reason") or "",
        tuple(_condition(c, shift, staff) for c in decision["conditions"]),
    )
    try:
        propose(db.session, assessment, proposal, proposer=manager, checklists=checklists,
                expected_version=assessment.version, now=decided_at, record=_no_audit)  # fmt: skip
        sign_off(db.session, assessment, signer=dpo, accept_departure=True,
                 expected_version=assessment.version, now=decided_at, record=_no_audit)  # fmt: skip
    except ValueError as error:
        raise DemoFileError(f"{name}: {error}") from error


def _no_audit(*args, **kwargs) -> None:  # noqa: ARG001
    """Demo records are not events anyone took: nothing goes in the audit log."""
