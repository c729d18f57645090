"""Demo records for the procurement half (idempotent: runs on every `make run`).

The first demo school gets one product with a decided assessment on the quick checklist, so a
newcomer sees a rating, its explanation, a conditional decision and a report straight away.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.models import Role, School, User, db
from app.models.base import utcnow
from app.models.procurement import Answer, Condition, Vendor
from app.services.assessments import compute, start_assessment
from app.services.decisions import ConditionInput, snapshot_hash, valid_until
from app.services.reports import build_snapshot

PRODUCT = "Spellbound Phonics"
ANSWERS = {
    "Q01": ("yes", "Signed our standard DPA in draft.", ["https://spellbound.example/dpa.pdf"]),
    "Q02": ("processor_only", "", []),
    "Q03": ("partial", "Notice covers the company, not the app.", []),
    "Q04": ("https://spellbound.example/privacy", "", []),
    "Q05": ("no", "Contract clause 9.", ["https://spellbound.example/terms#9"]),
    "Q06": ("no", "", []),
    "Q07": ("partial", "Analytics on the teacher dashboard only.", []),
    "Q08": ("yes", "", []),
    "Q09": ("yes", "", []),
    "Q10": ("partial", "Reading streaks can be switched off.", []),
    "Q11": ("unknown", "Class chat exists; asked whether outsiders can join.", []),
    "Q12": ("yes", "", []),
    "Q13": ("yes", "", []),
    "Q14": ("unknown", "Asked the supplier on 3 November.", []),
    "Q15": ("yes", "Google sign-in.", []),
    "Q16": ("cyber_essentials", "", ["https://spellbound.example/ce-certificate"]),
    "Q17": ("yes", "", ["https://spellbound.example/dpa.pdf"]),
    "Q18": ("partial", "CSV export of scores only.", []),
    "Q19": ("yes", "", []),
    "Q20": ("partial", "", []),
}


def seed(schools: list[School], users: list[User]) -> None:
    checklist = current_app.extensions["content"].checklists.get("quick-edtech-check")
    if not schools or checklist is None:
        return
    school = schools[0]
    exists = db.session.execute(
        select(Vendor).where(Vendor.school_id == school.id, Vendor.product == PRODUCT)
    ).scalar_one_or_none()
    if exists is not None:
        return
    manager = next(
        (u for u in users if u.school_id == school.id and u.has_role(Role.BUSINESS_MANAGER)), None
    )
    vendor = Vendor(
        school_id=school.id,
        name="Spellbound Learning Ltd",
        product=PRODUCT,
        website="https://spellbound.example",
        purpose="Phonics practice for Reception and Key Stage 1, at school and at home.",
        data_categories=["contact", "attainment"],
        pupils_covered=180,
    )
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
    assessment.profile = {
        "P01": ["staff", "pupils"],
        "P02": "yes",
        "P03": ["contact", "attainment"],
        "P04": "180",
    }
    assessment.profile_done = True
    for qid, (value, note, evidence) in ANSWERS.items():
        assessment.answers.append(
            Answer(
                school_id=school.id,
                question_id=qid,
                value=value,
                note=note,
                evidence=evidence,
                updated_by_name=name,
                updated_at=now,
            )
        )
    db.session.flush()
    today = now.date()
    conditions = [
        ConditionInput(
            "Supplier confirms MFA for all staff access (Q14)", name, today + timedelta(days=60)
        ),
        ConditionInput(
            "Confirm class chat is limited to the school (Q11)", name, today + timedelta(days=90)
        ),
    ]
    result = compute(assessment, checklist)
    until = valid_until("conditional", today, conditions, top_band=result.top_band)
    decision = {
        "outcome": "conditional",
        "label": "Approve with conditions",
        "reason": (
            "Low-risk data and a signed processing agreement; the gaps below must close "
            "before the summer term."
        ),
        "signed_off_by": name,
        "recorded_by": name,
        "decided_on": today.isoformat(),
        "valid_until": until.isoformat() if until else None,
        "departs_from_rating": False,
        "conditions": [
            {"text": c.text, "owner": c.owner, "due_on": c.due_on.isoformat()} for c in conditions
        ],
    }
    snapshot = build_snapshot(
        checklist=checklist,
        result=result,
        school_name=school.name,
        vendor={
            "name": vendor.name,
            "product": vendor.product,
            "website": vendor.website,
            "contact_name": None,
            "contact_email": None,
            "purpose": vendor.purpose,
            "data_categories": vendor.data_categories,
            "pupils_covered": vendor.pupils_covered,
            "contract_start": None,
            "contract_end": None,
        },
        profile=assessment.profile,
        assessment_id=assessment.id,
        started_on=today,
        status="decided",
        decision=decision,
    )
    assessment.snapshot, assessment.snapshot_hash = snapshot, snapshot_hash(snapshot)
    assessment.status, assessment.decision = "decided", "conditional"
    assessment.decision_reason = decision["reason"]
    assessment.decided_by_id = manager.id if manager else None
    assessment.decided_by_name, assessment.decided_on, assessment.valid_until = name, today, until
    for c in conditions:
        assessment.conditions.append(
            Condition(school_id=school.id, text=c.text, owner=c.owner, due_on=c.due_on)
        )
