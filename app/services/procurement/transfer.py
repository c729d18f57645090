"""Moving assessments between instances: the JSON export document and its validated import
(no Flask imports). Decisions are never imported, because each school signs off for itself.

Every export carries the product's export id (the id of the product it was first registered
as, so copies share it). An import finds the product in this school with that id, or made from
it, and updates it with a new draft assessment; only a product seen for the first time is
added. A file from a newer major version of the questionnaire is refused, and every problem is
reported in plain English. The demo seeds its products through the same import, from files in
this format (app/procurement/demo_products/).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.content.checklists import Checklist
from app.models.procurement import Assessment, Vendor
from app.services.procurement.assessments import (
    put_answer,
    start_assessment,
    still_valid,
    validate_profile,
)
from app.services.procurement.evidence import evidence_rows
from app.services.procurement.import_messages import plain_problems
from app.services.procurement.register import save_vendor
from app.services.procurement.section_saves import URL
from app.util.hashing import sha256_json
from app.util.i18n import _

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
    # Where the answer came from in the exporting school (shown, never trusted as a review).
    provenance: str | None = Field(default=None, max_length=30)
    copied_from: str | None = Field(default=None, max_length=300)
    review_note: str | None = Field(default=None, max_length=5000)


class ImportedChecklist(_Loose):
    id: str = Field(max_length=100)
    version: str = Field(max_length=20, pattern=r"^\d+\.\d+\.\d+$")


class ImportedOrigin(_Loose):
    school: str = Field(default="", max_length=200)
    exported_at: str = Field(default="", max_length=40)


class ImportDocument(_Loose):
    format: Literal["privacy-toolkit-assessment"]
    format_version: Literal[1]
    export_id: str | None = Field(default=None, max_length=36)
    checklist: ImportedChecklist
    vendor: ImportedVendor
    profile: dict[str, str | list[str]] = Field(default_factory=dict)
    answers: list[ImportedAnswer] = Field(default_factory=list, max_length=500)
    origin: ImportedOrigin | None = None
    content_hash: str | None = Field(default=None, max_length=64)


def content_hash(document: dict) -> str:
    """The SHA-256 of everything in an export but the hash itself (canonical JSON), so an
    import can tell whether the file was changed after it was exported."""
    return sha256_json({key: value for key, value in document.items() if key != "content_hash"})


def export_id_of(vendor: Vendor) -> str:
    """The id an export carries: the product this one was imported from, else its own."""
    return vendor.imported_from or vendor.export_id


def export_document(
    *,
    vendor: dict,
    export_id: str,
    assessment: Assessment,
    result: dict | None,
    exported_at: str,
    origin_school: str = "",
) -> dict:
    """The export, carrying where it came from (the school and when) and a content hash."""
    document = {
        "origin": {"school": origin_school, "exported_at": exported_at},
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "export_id": export_id,
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
                "provenance": a.provenance.value,
                **({"copied_from": a.copied_from} if a.copied_from else {}),
                **({"review_note": a.review_note} if a.review_note else {}),
            }
            for a in sorted(assessment.answers, key=lambda a: a.question_id)
        ],
        "evidence_files": evidence_rows(assessment),
        "result": result,
        "decision": (assessment.snapshot or {}).get("decision") if assessment.decided else None,
        "snapshot_hash": assessment.snapshot_hash,
    }
    document["content_hash"] = content_hash(document)
    return document


def origin_note(data: dict, document: ImportDocument) -> tuple[str, bool | None]:
    """Where the file says it came from, and whether it is unchanged since it was exported
    (None: the file carries no hash, so no one can tell)."""
    origin = document.origin
    if origin is not None and origin.school:
        school, day = origin.school[:200], origin.exported_at[:10]
        if not document.content_hash:
            return _(
                "This file was exported by %(school)s on %(date)s, and carries no content hash: "
                "whether it was changed cannot be told.",
                school=school,
                date=day,
            ), None
        if content_hash(data) == document.content_hash:
            return _(
                "This file was exported by %(school)s on %(date)s; it has not been changed since "
                "(its content hash matches).",
                school=school,
                date=day,
            ), True
        return _(
            "This file was exported by %(school)s on %(date)s. It has been changed since it was "
            "exported: its content hash does not match, so check every answer against the "
            "school that sent it.",
            school=school,
            date=day,
        ), False
    if not document.content_hash:
        return _(
            "This file does not say which school exported it, and carries no content hash: "
            "whether it was changed cannot be told."
        ), None
    if content_hash(data) == document.content_hash:
        return _(
            "This file does not say which school exported it; it has not been changed since "
            "(its content hash matches)."
        ), True
    return _(
        "This file does not say which school exported it. It has been changed since it was "
        "exported: its content hash does not match, so check every answer against the school "
        "that sent it."
    ), False


def _major(version: str) -> int:
    return int(version.split(".")[0])


@dataclass
class ParsedImport:
    document: ImportDocument
    checklist: Checklist
    profile: dict
    profile_complete: bool
    notes: list[str]
    origin: str = ""  # where the file says it came from, and whether it changed since
    unchanged: bool | None = None


def parse_import(
    data: object, checklists: dict[str, Checklist]
) -> tuple[ParsedImport | None, list]:
    """(the checked import, or None; the problems that stop it). Answers a questionnaire version
    no longer allows are dropped, with a note each."""
    try:
        document = ImportDocument.model_validate(data)
    except ValidationError as error:
        return None, plain_problems(data, list(error.errors()))
    checklist = checklists.get(document.checklist.id)
    if checklist is None:
        return None, [
            _(
                "The file uses the questionnaire “%(checklist)s”, which this service does not "
                "have.",
                checklist=document.checklist.id[:100],
            )
        ]
    if _major(document.checklist.version) > _major(checklist.version):
        return None, [
            _(
                "The file was made with version %(theirs)s of the questionnaire, newer than the "
                "version %(ours)s this service has. Answers from a newer major version may not "
                "mean the same here: ask for the assessment to be exported from a version "
                "%(major)s questionnaire, or import it once this service has been updated.",
                theirs=document.checklist.version,
                ours=checklist.version,
                major=_major(checklist.version),
            )
        ]
    profile, profile_errors = validate_profile(checklist, document.profile)
    invalid = [
        _("Profile question %(question)s: %(problem)s", question=qid, problem=message)
        for qid, message in profile_errors.items()
        if qid in document.profile
    ]
    if invalid:
        return None, invalid
    origin, unchanged = origin_note(data, document) if isinstance(data, dict) else ("", None)
    notes = []
    if document.checklist.version != checklist.version:
        notes.append(
            _(
                "The file used version %(theirs)s of the questionnaire; it was imported into "
                "version %(ours)s.",
                theirs=document.checklist.version,
                ours=checklist.version,
            )
        )
    kept = []
    for answer in document.answers:
        question = checklist.questions.get(answer.question_id)
        if question is None or not still_valid(checklist, question, answer.value):
            notes.append(
                _(
                    "Skipped the answer to %(question)s: not valid in this version.",
                    question=answer.question_id,
                )
            )
            continue
        answer.evidence = [link for link in answer.evidence if URL.match(link)]
        kept.append(answer)
    document.answers = kept
    parsed = ParsedImport(document, checklist, profile, not profile_errors, notes)
    parsed.origin, parsed.unchanged = origin, unchanged
    return parsed, []


@dataclass
class ImportOutcome:
    """What an import did: the new draft (None when `problems` stopped it), whether it went to
    a product already in the register, notes about skipped answers, and the audit detail."""

    assessment: Assessment | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    audit: dict = field(default_factory=dict)
    updated_existing: bool = False


def _same_product(session: Session, school_id: int, export_id: str | None) -> Vendor | None:
    if not export_id:
        return None
    stmt = (
        select(Vendor)
        .where(
            Vendor.school_id == school_id,
            Vendor.archived_at.is_(None),
            or_(Vendor.export_id == export_id, Vendor.imported_from == export_id),
        )
        .order_by(Vendor.id)
        .limit(1)
    )
    return session.execute(stmt).scalar_one_or_none()


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
    and add its answers as a new draft: to the product it came from if this school has it
    (matched by export id), otherwise to a new product."""
    parsed, problems = parse_import(data, checklists)
    if parsed is None:
        return ImportOutcome(problems=problems)
    document = parsed.document
    vendor = _same_product(session, school_id, document.export_id)
    if vendor is not None and vendor.in_progress:
        return ImportOutcome(
            problems=[
                _(
                    "%(product)s is already in your register with an assessment in progress. "
                    "Finish or delete that assessment, then import the file again.",
                    product=vendor.product,
                )
            ]
        )
    existing = vendor is not None
    vendor = save_vendor(session, document.vendor.model_dump(), school_id=school_id, vendor=vendor)
    if not existing and document.export_id and document.export_id != vendor.export_id:
        vendor.imported_from = document.export_id
    assessment = start_assessment(
        session, vendor, parsed.checklist, user_id=user_id, user_name=user_name, now=now
    )
    assessment.previous = vendor.latest_decided
    assessment.profile = parsed.profile
    assessment.profile_done = parsed.profile_complete
    for answer in document.answers:
        put_answer(
            assessment, answer.question_id, answer.value, answer.note, answer.evidence,
            user_id=user_id, user_name=user_name, now=now, existing={},
        )  # fmt: skip
    session.flush()
    detail = {
        "answers": len(document.answers),
        "skipped": len(parsed.notes) or None,
        "origin": document.origin.school[:200] if document.origin else None,
        "unchanged": parsed.unchanged,
        "updated_product": vendor.id if existing else None,
    }
    notes = [parsed.origin, *parsed.notes] if parsed.origin else parsed.notes
    return ImportOutcome(assessment, notes=notes, audit=detail, updated_existing=existing)
