"""Demo records for the procurement half (idempotent: runs on every `make run`).

The first demo school gets the invented products in `demo_products.py`, each with a decided
assessment: one on the quick checklist, and three on the full UK bank (approved, approved with
conditions, rejected by a knock-out), so a newcomer sees realistic results and reports at once.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.models import Role, School, User, db
from app.models.base import utcnow
from app.models.procurement import Answer, Vendor
from app.procurement.demo_products import PRODUCTS, DemoProduct
from app.services.procurement.assessments import applicable_questions, compute, start_assessment
from app.services.procurement.decision_records import record_decision
from app.services.procurement.decisions import ConditionInput
from app.services.procurement.reports import build_snapshot


def seed(schools: list[School], users: list[User]) -> None:
    if not schools:
        return
    school = schools[0]
    manager = next(
        (u for u in users if u.school_id == school.id and u.has_role(Role.BUSINESS_MANAGER)), None
    )
    checklists = current_app.extensions["content"].checklists
    for product in PRODUCTS:
        checklist = checklists.get(product.checklist_id)
        if checklist is not None and not _exists(school, product):
            _seed_product(school, manager, checklist, product)


def _exists(school: School, product: DemoProduct) -> bool:
    stmt = select(Vendor.id).where(
        Vendor.school_id == school.id, Vendor.product == product.vendor["product"]
    )
    return db.session.execute(stmt).first() is not None


def _answers(checklist, product: DemoProduct) -> dict:
    """The product's story, plus the preferred answer (with evidence) everywhere else."""
    answers = dict(product.answers)
    if not product.answer_the_rest:
        return answers
    site = product.vendor["website"].rstrip("/")
    for section in checklist.sections:
        for question in applicable_questions(checklist, section, product.profile):
            if question.id in answers:
                continue
            if question.type == "url":
                answers[question.id] = (f"{site}/trust", "", [])
            elif question.type == "text":
                answers[question.id] = ("Described in the supplier's trust centre.", "", [])
            elif question.scored:
                best = max(checklist.options_for(question), key=lambda option: option.credit or 0)
                value = [best.value] if question.type == "multi_choice" else best.value
                evidence = (
                    [f"{site}/trust#{question.id.lower()}"] if question.evidence_required else []
                )
                answers[question.id] = (value, "", evidence)
    return answers


def _seed_product(school: School, manager: User | None, checklist, product: DemoProduct) -> None:
    vendor = Vendor(school_id=school.id, **product.vendor)
    db.session.add(vendor)
    now = utcnow()
    name = manager.display_name if manager else "Demo business manager"
    assessment = start_assessment(
        db.session,
        vendor,
        checklist,
        user_id=manager.id if manager else None,
        user_name=name,
        now=now,
    )
    assessment.profile = dict(product.profile)
    assessment.profile_done = True
    for question_id, (value, note, evidence) in _answers(checklist, product).items():
        assessment.answers.append(
            Answer(
                school_id=school.id,
                question_id=question_id,
                value=value,
                note=note,
                evidence=evidence,
                updated_by_name=name,
                updated_at=now,
            )
        )
    db.session.flush()
    today = now.date()
    result = compute(assessment, checklist)

    def snapshot_with(decision: dict) -> dict:
        return build_snapshot(
            checklist=checklist,
            result=result,
            school_name=school.name,
            vendor={
                **product.vendor,
                "contact_name": None,
                "contact_email": None,
                "contract_start": None,
                "contract_end": None,
            },  # fmt: skip
            profile=assessment.profile,
            assessment_id=assessment.id,
            started_on=today,
            status="decided",
            decision=decision,
        )

    record_decision(
        assessment,
        outcome=product.outcome,
        reason=product.reason,
        signed_off_by=name,
        recorded_by=name,
        decided_by_id=manager.id if manager else None,
        conditions=[
            ConditionInput(text, name, today + timedelta(days=days))
            for text, days in product.conditions
        ],
        result=snapshot_with(None)["result"],
        today=today,
        snapshot_with=snapshot_with,
    )
