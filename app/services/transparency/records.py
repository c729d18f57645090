"""The record of processing activities (UK GDPR Art 30(1)) (no Flask imports).

One row per processing activity: every product in use (approve or conditional, not lapsed),
whether published or not, and every statutory return the school records (the school census from
families/statutory-returns.yaml, and any it adds). A product's row is prefilled from its
assessment and overridden by what the school writes in its notice, for what an assessment cannot
know (recipients, retention, security measures). Seven statements whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.content.families import RETURN_FIELDS, FamilyDocument, fill
from app.models.transparency import FamilyPageSettings, StatutoryReturn
from app.services.transparency.decisions import frozen_results
from app.services.transparency.notices import data_categories, notice_rows
from app.util.dates import long_date

COLUMNS = (
    ("activity", "Processing activity"),
    ("source", "Where this row comes from"),
    ("controller", "Controller and contact details (Art 30(1)(a))"),
    ("purposes", "Purposes of the processing (Art 30(1)(b))"),
    ("lawful_basis", "Lawful basis"),
    ("data_subjects", "Categories of data subjects (Art 30(1)(c))"),
    ("data_categories", "Categories of personal data (Art 30(1)(c))"),
    ("recipients", "Categories of recipients (Art 30(1)(d))"),
    ("transfers", "Transfers outside the UK and safeguards (Art 30(1)(e))"),
    ("retention", "Time limits for erasure (Art 30(1)(f))"),
    ("security", "Technical and organisational security measures (Art 30(1)(g))"),
)
TO_RECORD = "[To record]"


@dataclass(frozen=True)
class ProcessingActivity:
    kind: str  # "product" or "return"
    object_id: int  # vendor id or statutory return id
    values: dict[str, str]

    def row(self) -> list[str]:
        return [self.values[key] for key, _ in COLUMNS]


def controller_line(school_name: str, settings: FamilyPageSettings | None) -> str:
    parts = [school_name]
    if settings is not None:
        contact = ", ".join(p for p in (settings.privacy_contact, settings.privacy_email) if p)
        if contact:
            parts.append(f"privacy contact: {contact}")
        if settings.privacy_postal:
            parts.append(settings.privacy_postal.replace("\n", ", "))
    return "; ".join(parts)


def _question(result: dict, question_id: str) -> str:
    for question in result.get("questions", []):
        if question["question_id"] == question_id and question["status"] != "gated_out":
            return question["answer_label"]
    return ""


def _section_score(result: dict, section_id: str) -> str:
    for section in result.get("sections", []):
        if section["section_id"] == section_id and section["score"] is not None:
            return f"{section['title']}: section score {section['score']} out of 100"
    return ""


def processing_activities(
    session: Session,
    school_id: int,
    *,
    school_name: str,
    settings: FamilyPageSettings | None,
    today: date,
) -> list[ProcessingActivity]:
    controller = controller_line(school_name, settings)
    rows = notice_rows(session, school_id, today)
    results = frozen_results(session, [row.product.assessment_id for row in rows])
    activities = []
    for row in rows:
        product, notice = row.product, row.notice
        result = results.get(product.assessment_id, {})
        transfers = _transfers(product.outside_uk, notice, result)
        decided = f"{product.decision_label} on {long_date(product.decided_on)}"
        values = {
            "activity": f"{product.product} ({product.supplier})",
            "source": f"Assessment {product.assessment_id}: {decided}",
            "controller": controller,
            "purposes": (notice.purpose if notice else "") or product.vendor_purpose or TO_RECORD,
            "lawful_basis": notice.lawful_basis.label
            if notice and notice.lawful_basis
            else TO_RECORD,
            "data_subjects": (notice.data_subjects if notice else "")
            or product.profile_answer("P01")
            or TO_RECORD,
            "data_categories": data_categories(product),
            "recipients": (notice.recipients if notice else "")
            or f"{product.supplier} (the supplier, as processor)",
            "transfers": transfers,
            "retention": (notice.retention if notice else "")
            or _prefixed("Assessment (G01)", _question(result, "G01"))
            or TO_RECORD,
            "security": (notice.security if notice else "")
            or _prefixed("Assessment", _section_score(result, "security"))
            or TO_RECORD,
        }
        activities.append(ProcessingActivity("product", product.vendor_id, values))
    for record in statutory_returns(session, school_id):
        values = {
            "activity": record.name,
            "source": "Statutory return",
            "controller": controller,
        }
        values |= {
            ("purposes" if name == "purpose" else name): getattr(record, name) or TO_RECORD
            for name in RETURN_FIELDS
        }
        activities.append(ProcessingActivity("return", record.id, values))
    return activities


def _prefixed(prefix: str, text: str) -> str:
    return f"{prefix}: {text}" if text else ""


def _transfers(outside_uk: bool | None, notice, result: dict) -> str:
    if notice is not None and notice.storage is not None:
        detail = f" ({notice.storage_detail})" if notice.storage_detail else ""
        return f"{notice.storage.label}{detail}"
    if outside_uk is False:
        return "None: the assessment records no storage or access outside the UK"
    if outside_uk:
        mechanism = _question(result, "I02")
        return "Outside the UK (assessment P06)" + (
            f"; transfer mechanism: {mechanism}" if mechanism else ""
        )
    return TO_RECORD


def statutory_returns(session: Session, school_id: int) -> list[StatutoryReturn]:
    return list(
        session.execute(
            select(StatutoryReturn)
            .where(StatutoryReturn.school_id == school_id)
            .order_by(StatutoryReturn.name, StatutoryReturn.id)
        ).scalars()
    )


def add_return_from_template(
    session: Session,
    document: FamilyDocument,
    key: str,
    *,
    school_id: int,
    placeholders: Mapping[str, str],
    now: datetime,
) -> StatutoryReturn:
    """A statutory return prefilled from families/statutory-returns.yaml (the caller commits)."""
    template = next(t for t in document.returns if t.key == key)
    record = StatutoryReturn(
        school_id=school_id, template_key=key, name=template.name, updated_at=now
    )
    for name in RETURN_FIELDS:
        setattr(record, name, fill(template.fields[name].text, dict(placeholders)))
    session.add(record)
    session.flush()
    return record


def save_return(
    session: Session,
    values: Mapping[str, object],
    *,
    school_id: int,
    now: datetime,
    record: StatutoryReturn | None = None,
) -> tuple[StatutoryReturn, list[str]]:
    if record is None:
        record = StatutoryReturn(school_id=school_id)
        session.add(record)
    changed = []
    for name in ("name", *RETURN_FIELDS):
        value = values.get(name)
        value = value.strip() if isinstance(value, str) else (value or "")
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    record.updated_at = now
    session.flush()
    return record, changed
