"""Moving assessments between instances: the JSON export document and its validated import
(no Flask imports). An import creates a new product and a draft assessment; decisions are never
imported, because each school signs off for itself. The demo seeds its products through the same
import, from files in this format (app/procurement/demo_products/)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from app.content.checklists import Checklist
from app.models.procurement import Assessment
from app.services.procurement.assessments import URL, put_answer, start_assessment, still_valid
from app.services.procurement.register import save_vendor

FORMAT = "privacy-toolkit-assessment"
FORMAT_VERSION = 1


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ImportedVendor(_Loose):
    name: str = Field(min_length=1, max_length=200)
    product: str = Field(min_length=1, max_length=200)
    website: str | None = Field(default=None, max_length=500)
    contact_name: str | None = Field(default=None, max_length=200)
    contact_email: str | None = Field(default=None, max_length=254)
    purpose: str | None = Field(default=None, max_length=2000)
    data_categories: list[str] = Field(default_factory=list, max_length=50)
    pupils_covered: int | None = Field(default=None, ge=0, le=1_000_000)


class ImportedAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question_id: str = Field(max_length=50)
    value: str | list[str] | None = None
    note: str = Field(default="", max_length=5000)
    evidence: list[str] = Field(default_factory=list, max_length=50)


class ImportedChecklist(_Loose):
    id: str
    version: str


class ImportDocument(_Loose):
    format: Literal["privacy-toolkit-assessment"]
    format_version: Literal[1]
    checklist: ImportedChecklist
    vendor: ImportedVendor
    profile: dict[str, str | list[str]] = Field(default_factory=dict)
    answers: list[ImportedAnswer] = Field(default_factory=list, max_length=500)


def export_document(*, vendor: dict, assessment, result: dict | None, exported_at: str) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": exported_at,
        "checklist": {"id": assessment.checklist_id, "version": assessment.checklist_version},
        "engine_version": (result or {}).get("engine_version"),
        "vendor": vendor,
        "profile": assessment.profile or {},
        "answers": [
            {
                "question_id": a.question_id,
                "value": a.value,
                "note": a.note or "",
                "evidence": list(a.evidence or []),
            }
            for a in sorted(assessment.answers, key=lambda a: a.question_id)
        ],
        "result": result,
        "decision": (assessment.snapshot or {}).get("decision") if assessment.decided else None,
        "snapshot_hash": assessment.snapshot_hash,
    }


def parse_import(
    data: object, checklists: dict[str, Checklist]
) -> tuple[ImportDocument | None, Checklist | None, list[str], list[str]]:
    """(document, checklist, problems that stop the import, notes about skipped answers)."""
    try:
        document = ImportDocument.model_validate(data)
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(p) for p in item['loc']) or 'file'}: {item['msg']}"
            for item in error.errors()[:10]
        ]
        return None, None, problems, []
    checklist = checklists.get(document.checklist.id)
    if checklist is None:
        return None, None, [f"checklist {document.checklist.id!r} is not available here"], []
    notes = []
    if document.checklist.version != checklist.version:
        notes.append(
            f"The file used version {document.checklist.version} of the questionnaire; it was "
            f"imported into version {checklist.version}."
        )
    kept = []
    for answer in document.answers:
        question = checklist.questions.get(answer.question_id)
        if question is None or not still_valid(checklist, question, answer.value):
            notes.append(f"Skipped the answer to {answer.question_id}: not valid in this version.")
            continue
        answer.evidence = [link for link in answer.evidence if URL.match(link)]
        kept.append(answer)
    document.answers = kept
    document.profile = {
        key: value for key, value in document.profile.items() if key in checklist.profile_by_id
    }
    return document, checklist, [], notes


@dataclass
class ImportOutcome:
    """What an import did: the new draft (None when `problems` stopped it), notes about answers
    that were skipped or moved to another questionnaire version, and the audit detail."""

    assessment: Assessment | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    audit: dict = field(default_factory=dict)


def import_assessment(
    session: Session,
    data: object,
    checklists: dict[str, Checklist],
    *,
    school_id: int,
    user_id: int | None,
    user_name: str,
    now: datetime,
) -> ImportOutcome:
    """Validate an exported document (already parsed, see app/input_limits.load_json_document)
    and create its product, draft assessment and answers."""
    document, checklist, problems, notes = parse_import(data, checklists)
    if document is None or checklist is None:
        return ImportOutcome(problems=problems)
    vendor = save_vendor(session, document.vendor.model_dump(), school_id=school_id)
    assessment = start_assessment(
        session, vendor, checklist, user_id=user_id, user_name=user_name, now=now
    )
    assessment.profile = document.profile
    assessment.profile_done = bool(document.profile)
    for answer in document.answers:
        put_answer(
            assessment, answer.question_id, answer.value, answer.note, answer.evidence,
            user_id=user_id, user_name=user_name, now=now, existing={},
        )  # fmt: skip
    session.flush()
    detail = {"answers": len(document.answers), "skipped": len(notes) or None}
    return ImportOutcome(assessment, notes=notes, audit=detail)
