"""The key a draft's report PDFs are cached under, read from the rows its live snapshot is built
from rather than by building the snapshot (no Flask imports).

A draft has no frozen snapshot, so its PDFs used to be keyed by the hash of its live snapshot:
every request for the PDF read every answer, scored them and hashed the result (15-40 ms) just
to learn which cached file to serve. Instead this hashes the stored rows themselves, as text,
in a few small statements: the assessment (without its two large JSON columns, whose content is
named by the checklist version and the snapshot hash), its product, its school's name, its
answers and evidence files, and the previous assessment it is read beside with that one's
answers; with the loaded checklist's content hash and the scoring engine's version. The same
rows always build the same snapshot, so the same key always means the same report; any stored
change a report could show (an answer, a note, a file, the product's details, the school's
name, the status) changes the key. A change that shows nothing (a save of the same answer)
changes it too, which costs one needless render, never a stale report.
"""

from __future__ import annotations

from sqlalchemy import FromClause, Select, Text, cast, select
from sqlalchemy.orm import Session

from app.content.checklists import Checklist
from app.models import School
from app.models.procurement import Answer, Assessment, EvidenceFile, Vendor
from app.services.procurement.scoring import ENGINE_VERSION
from app.util.hashing import sha256_json

# Large and named by other columns: the checklist's definition by its id and version, a
# snapshot by its hash.
_NAMED_ELSEWHERE = frozenset({"checklist_definition", "snapshot"})


def _as_text(table: FromClause, *, skip: frozenset[str] = frozenset()) -> list:
    """Every column as text, so JSON and dates are hashed as stored, without decoding them."""
    return [cast(column, Text) for column in table.columns if column.name not in skip]


_ASSESSMENTS = Assessment.__table__
_ASSESSMENT_ROW = select(*_as_text(_ASSESSMENTS, skip=_NAMED_ELSEWHERE))
_VENDOR_ROW = select(*_as_text(Vendor.__table__))
_ANSWER_ROWS = select(*_as_text(Answer.__table__)).order_by(Answer.id)
_EVIDENCE_ROWS = select(*_as_text(EvidenceFile.__table__)).order_by(EvidenceFile.id)


def _rows(session: Session, statement: Select) -> list[list]:
    return [list(row) for row in session.execute(statement)]


def draft_report_key(
    session: Session, assessment: Assessment, checklists: dict[str, Checklist]
) -> str:
    """The hash of everything the draft's live snapshot is built from (see the module)."""
    ids = [assessment.id] + ([assessment.previous_id] if assessment.previous_id else [])
    loaded = checklists.get(assessment.checklist_id)
    parts = {
        "engine": ENGINE_VERSION,
        "checklist": loaded.content_hash if loaded is not None else None,
        "assessments": _rows(
            session, _ASSESSMENT_ROW.where(_ASSESSMENTS.c.id.in_(ids)).order_by(_ASSESSMENTS.c.id)
        ),
        "vendor": _rows(session, _VENDOR_ROW.where(Vendor.id == assessment.vendor_id)),
        "school": session.execute(
            select(School.name).where(School.id == assessment.school_id)
        ).scalar_one(),
        "answers": _rows(session, _ANSWER_ROWS.where(Answer.assessment_id.in_(ids))),
        "evidence": _rows(
            session, _EVIDENCE_ROWS.where(EvidenceFile.assessment_id == assessment.id)
        ),
    }
    return sha256_json(parts)
