"""Demo records for the procurement half (idempotent: runs on every `make run`).

The first demo school gets the invented products in `app/procurement/demo_products/*.json`, one
file each, in the export format (what /procurement/assessments/<id>/export.json produces, with the
scored result left out because an import recomputes it). Each file is seeded through the import
service, so the demo exercises import too; its `decision` is then recorded through the decision
service (with the decision page's rule checks), moved to today. One product is on the quick
checklist and three on the full UK bank (approved, approved with conditions, rejected by a
knock-out).
"""

import json
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.models import Role, School, User, db
from app.models.base import utcnow
from app.models.procurement import Vendor
from app.services.procurement.decision_records import decide
from app.services.procurement.decisions import ConditionInput
from app.services.procurement.snapshots import live_snapshot
from app.services.procurement.transfer import import_assessment

DEMO_FILES = Path(__file__).resolve().parent / "demo_products"
FALLBACK_NAME = "Demo business manager"


class DemoFileError(RuntimeError):
    """A demo file no longer imports (for example after a questionnaire changed)."""


def demo_files() -> list[Path]:
    return sorted(DEMO_FILES.glob("*.json"))


def seed(schools: list[School], users: list[User]) -> None:
    if not schools:
        return
    school = schools[0]
    manager = next(
        (u for u in users if u.school_id == school.id and u.has_role(Role.BUSINESS_MANAGER)), None
    )
    checklists = current_app.extensions["content"].checklists
    for path in demo_files():
        raw = path.read_bytes()
        document = json.loads(raw)
        if document["checklist"]["id"] in checklists and not _exists(school, document):
            _seed_product(school, manager, path.name, raw, document, checklists)


def _exists(school: School, document: dict) -> bool:
    stmt = select(Vendor.id).where(
        Vendor.school_id == school.id, Vendor.product == document["vendor"]["product"]
    )
    return db.session.execute(stmt).first() is not None


def _seed_product(school, manager, name: str, raw: bytes, document: dict, checklists) -> None:
    now = utcnow()
    person = manager.display_name if manager else FALLBACK_NAME
    imported = import_assessment(
        db.session, document, checklists, school_id=school.id,
        user_id=manager.id if manager else None, user_name=person, now=now,
    )  # fmt: skip
    if imported.assessment is None:
        raise DemoFileError(f"{name} does not import: {'; '.join(imported.problems)}")
    assessment = imported.assessment
    decision = document["decision"]
    today = now.date()
    shift = today - date.fromisoformat(decision["decided_on"])

    def snapshot_with(record: dict | None) -> dict:
        return live_snapshot(assessment, checklists, school_name=school.name, decision=record)

    decide(
        db.session,
        assessment,
        outcome=decision["outcome"],
        reason=decision["reason"],
        conditions=[
            ConditionInput(c["text"], c["owner"], date.fromisoformat(c["due_on"]) + shift)
            for c in decision["conditions"]
        ],
        signed_off_by=person,
        recorded_by=person,
        decided_by_id=manager.id if manager else None,
        expected_version=assessment.version,
        result=snapshot_with(None)["result"],
        today=today,
        snapshot_with=snapshot_with,
    )
