"""The trust register (no Flask imports): a school shares a decided assessment with the other
schools of its trust; they see the product, who assessed it, when, the rating and the decision,
and can start their own assessment from its answers (each copied answer says where it came
from); the profile and the decision stay each school's own. The register also lists every
product in use across the trust with each school's decision.

Only schools of the same trust see a shared assessment: for anyone else it does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.content.checklists import Checklist
from app.models import School
from app.models.procurement import Answer, Assessment, AssessmentStatus, Vendor
from app.services.procurement.assessments import put_answer, start_assessment, still_valid
from app.util.i18n import _


class SharingError(Exception):
    """A request the rules refuse; the message says why."""


def trust_school_ids(session: Session, school: School) -> list[int]:
    """The schools of `school`'s trust (itself included); just itself outside a trust."""
    if school.trust_id is None:
        return [school.id]
    return list(
        session.execute(select(School.id).where(School.trust_id == school.trust_id)).scalars()
    )


def share(assessment: Assessment, school: School, *, actor_id: int, now: datetime) -> None:
    if school.trust_id is None:
        raise SharingError(
            _("Your school is not part of a trust, so there is no one to share with")
        )
    if assessment.status != AssessmentStatus.DECIDED:
        raise SharingError(_("Only an assessment with a signed-off decision can be shared"))
    if assessment.shared_at is None:
        assessment.shared_at, assessment.shared_by_id = now, actor_id


def unshare(assessment: Assessment) -> None:
    assessment.shared_at = assessment.shared_by_id = None


@dataclass(frozen=True)
class SharedAssessment:
    """What other schools of the trust see of a shared assessment."""

    assessment_id: int
    school_name: str
    product: str
    supplier: str
    assessed_by: str
    signed_off_by: str
    decided_on: date | None
    band_label: str
    score: float | None
    decision_label: str
    answers: int
    own: bool  # shared by the school looking


def summary_of(
    assessment: Assessment, school_name: str, viewer_school_id: int, answers: int | None = None
) -> SharedAssessment:
    """`answers`: the assessment's answer count when the caller counted it in SQL (a list)."""
    snapshot = assessment.snapshot or {}
    decision = snapshot.get("decision") or {}
    result = snapshot.get("result") or {}
    return SharedAssessment(
        assessment_id=assessment.id,
        school_name=school_name,
        product=assessment.vendor.product,
        supplier=assessment.vendor.name,
        assessed_by=(decision.get("proposed_by") or {}).get("name") or "",
        signed_off_by=(decision.get("signed_off_by") or {}).get("name") or "",
        decided_on=assessment.decided_on,
        band_label=result.get("band_label") or "",
        score=result.get("score"),
        decision_label=assessment.decision_label,  # the reader's words, not the frozen English
        answers=len(assessment.answers) if answers is None else answers,
        own=assessment.school_id == viewer_school_id,
    )


def shared_in_trust(session: Session, school: School) -> list[SharedAssessment]:
    """Every assessment shared in the school's trust, newest decision first."""
    if school.trust_id is None:
        return []
    # One statement for the list, one for the products: the answers are counted, not loaded.
    answers = (
        select(func.count(Answer.id)).where(Answer.assessment_id == Assessment.id)
    ).scalar_subquery()
    rows = session.execute(
        select(Assessment, School.name, answers)
        .join(School, School.id == Assessment.school_id)
        .where(
            School.trust_id == school.trust_id,
            Assessment.shared_at.is_not(None),
            Assessment.status == AssessmentStatus.DECIDED,
        )
        .options(selectinload(Assessment.vendor))
        .order_by(Assessment.decided_on.desc(), Assessment.id.desc())
    ).all()
    return [summary_of(assessment, name, school.id, count) for assessment, name, count in rows]


def find_shared(
    session: Session, assessment_id: int, school: School
) -> tuple[Assessment, SharedAssessment] | None:
    """The shared assessment if `school` is in the trust it was shared with; else None."""
    if school.trust_id is None:
        return None
    row = session.execute(
        select(Assessment, School.name)
        .join(School, School.id == Assessment.school_id)
        .where(
            Assessment.id == assessment_id,
            School.trust_id == school.trust_id,
            Assessment.shared_at.is_not(None),
            Assessment.status == AssessmentStatus.DECIDED,
        )
    ).first()
    if row is None:
        return None
    return row[0], summary_of(row[0], row[1], school.id)


@dataclass(frozen=True)
class ProductInUse:
    product: str
    supplier: str
    decisions: list[tuple[str, str]]  # (school name, its decision or where it stands)


def products_in_trust(session: Session, school: School) -> list[ProductInUse]:
    """Every product registered (not archived) by a school of the trust, with each school's
    latest decision, grouped by product and supplier name."""
    ids = trust_school_ids(session, school)
    rows = session.execute(
        select(Vendor, School.name)
        .join(School, School.id == Vendor.school_id)
        .where(Vendor.school_id.in_(ids), Vendor.archived_at.is_(None))
        .options(
            # What the latest decision and status need, without each snapshot's JSON.
            selectinload(Vendor.assessments).load_only(
                Assessment.vendor_id, Assessment.status, Assessment.decision, Assessment.created_at
            )
        )
        .order_by(Vendor.product, Vendor.name, School.name)
    ).all()
    grouped: dict[tuple[str, str], ProductInUse] = {}
    for vendor, school_name in rows:
        key = (vendor.product.strip().casefold(), vendor.name.strip().casefold())
        entry = grouped.setdefault(key, ProductInUse(vendor.product, vendor.name, []))
        decided = vendor.latest_decided
        if decided is not None:
            state = decided.decision_label
        elif vendor.latest_assessment is not None:
            state = vendor.latest_assessment.status.label
        else:
            state = _("Not assessed")
        entry.decisions.append((school_name, state))
    return list(grouped.values())


def start_from_shared(
    session: Session,
    shared: Assessment,
    school: School,
    checklist: Checklist,
    *,
    source_label: str,
    user_id: int,
    user_name: str,
    now: datetime,
) -> Assessment:
    """A new draft for `school` from a shared assessment: the product is registered in the
    school (or found, by the same product and supplier name), the answers that are still valid
    on `checklist` are copied with `source_label` ("from Oakfield, 1 December 2026"); the
    profile is left for the school to answer and the decision is its own."""
    if shared.school_id == school.id:
        raise SharingError(_("This is your own school's assessment: re-assess it from its page"))
    source = shared.vendor
    vendor = session.execute(
        select(Vendor).where(
            Vendor.school_id == school.id,
            Vendor.product == source.product,
            Vendor.name == source.name,
            Vendor.archived_at.is_(None),
        )
    ).scalar_one_or_none()
    if vendor is None:
        vendor = Vendor(
            school_id=school.id,
            name=source.name,
            product=source.product,
            website=source.website,
            purpose=source.purpose,
            data_categories=list(source.data_categories or []),
            imported_from=source.imported_from or source.export_id,
            created_at=now,
            updated_at=now,
        )
        session.add(vendor)
    if vendor.in_progress:
        raise SharingError(
            _(
                "%(product)s already has an assessment in progress in your school: "
                "finish or delete it first",
                product=vendor.product,
            )
        )
    assessment = start_assessment(
        session, vendor, checklist, user_id=user_id, user_name=user_name, now=now
    )
    for old in shared.answers:
        question = checklist.questions.get(old.question_id)
        if question is None or not still_valid(checklist, question, old.value):
            continue
        answer = put_answer(
            assessment, old.question_id, old.value, old.note or "", list(old.evidence or []),
            user_id=user_id, user_name=user_name, now=now, existing=None,
        )  # fmt: skip
        answer.copied_from = source_label[:300]
    return assessment
