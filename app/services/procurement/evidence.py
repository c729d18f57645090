"""Evidence files for answers (no Flask imports): checked by their content, stored outside
static/ under a random name, listed with name, size and SHA-256, removed with their assessment.

A file is accepted only when its first bytes say it is a PDF, PNG or JPEG, or when it is a ZIP
whose parts make it a Word (docx), Excel (xlsx) or OpenDocument text (odt) file; the name it
came with decides nothing (an HTML or SVG page renamed .pdf is refused). The name shown is the
last part of the name given, without path or control characters; the file on disk is named by
32 random hex digits, so nothing a supplier types reaches a path: stored and read back by the
same helpers as policy PDFs (app/services/policies/files.py), one folder per school.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.procurement import AnswerSource, Assessment, EvidenceFile
from app.services.policies import files
from app.util.i18n import _

MAX_NAME = 200
KIND_LABELS = {
    "pdf": "PDF",
    "png": "PNG image",
    "jpeg": "JPEG image",
    "docx": "Word document",
    "xlsx": "Excel spreadsheet",
    "odt": "OpenDocument text",
}
EXTENSIONS = {
    "pdf": "pdf",
    "png": "png",
    "jpeg": "jpg",
    "docx": "docx",
    "xlsx": "xlsx",
    "odt": "odt",
}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")


class EvidenceError(Exception):
    """The file cannot be kept; the message says why, for the person uploading it."""


def kind_of(data: bytes) -> str | None:
    """The file's kind from its content, or None when it is not one that is accepted."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names and "content.xml" in names:
                mimetype = archive.read("mimetype")[:100].strip()
                if mimetype == b"application/vnd.oasis.opendocument.text":
                    return "odt"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, NotImplementedError):
        return None
    return None


def display_name(filename: str | None, kind: str) -> str:
    """The name to show: the last part of what was given, without path or control characters,
    ending in the extension of the kind the content is."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = _UNSAFE.sub("", base).strip().lstrip(".")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    extension = EXTENSIONS[kind]
    stem = stem[: MAX_NAME - len(extension) - 1].strip() or "evidence"
    return f"{stem}.{extension}"


@dataclass(frozen=True)
class Upload:
    question_id: str
    filename: str | None
    data: bytes
    as_of: date


def store_evidence(
    session: Session,
    assessment: Assessment,
    upload: Upload,
    *,
    directory: Path,
    max_bytes: int,
    uploaded_by_name: str,
    source: AnswerSource | None,
    now: datetime,
) -> EvidenceFile:
    """Check the file and keep it. Raises EvidenceError, storing nothing, when the file is
    empty, too large or not an accepted kind. The caller audits and commits (and removes the
    file again with `remove_orphans` if the commit fails)."""
    if not upload.data:
        raise EvidenceError(_("The file is empty: choose the file again"))
    if len(upload.data) > max_bytes:
        raise EvidenceError(_("The file must be %(size)s or smaller", size=size_text(max_bytes)))
    kind = kind_of(upload.data)
    if kind is None:
        raise EvidenceError(
            _(
                "The file must be a PDF, a PNG or JPEG image, or a Word, Excel or OpenDocument "
                "text file"
            )
        )
    stored = files.store(directory, assessment.school_id, upload.data, EXTENSIONS[kind])
    evidence = EvidenceFile(
        school_id=assessment.school_id,
        question_id=upload.question_id,
        original_name=display_name(upload.filename, kind),
        stored_name=stored.name,
        kind=kind,
        size=stored.size,
        sha256=stored.sha256,
        as_of=upload.as_of,
        source=source,
        uploaded_by_name=uploaded_by_name,
        uploaded_at=now,
    )
    assessment.evidence_files.append(evidence)
    session.add(evidence)
    return evidence


def remove(session: Session, evidence: EvidenceFile, directory: Path) -> None:
    """Delete the evidence row; its file goes after the caller commits (`remove_orphans`)."""
    evidence.assessment.evidence_files.remove(evidence)
    session.delete(evidence)


def read(evidence: EvidenceFile, directory: Path) -> bytes:
    """The stored bytes. Raises FileNotFoundError when the file is gone."""
    return files.read(directory, evidence.school_id, evidence.stored_name)


def remove_orphans(session: Session, directory: Path) -> int:
    """Delete stored files that no evidence row names any more (their assessment or product was
    deleted or purged, or a save failed). Returns how many were removed."""
    if not Path(directory).is_dir():
        return 0
    kept = set(session.execute(select(EvidenceFile.school_id, EvidenceFile.stored_name)).tuples())
    removed = 0
    for folder in Path(directory).iterdir():
        if not folder.is_dir() or not folder.name.isdigit():
            continue
        for path in folder.iterdir():
            if files.STORED_NAME.match(path.name) and (int(folder.name), path.name) not in kept:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def evidence_rows(assessment: Assessment) -> list[dict]:
    """The files listed in exports: question, name, kind, size, SHA-256, as-of date, source."""
    return [
        {
            "question_id": e.question_id,
            "name": e.original_name,
            "kind": e.kind,
            "size": e.size,
            "sha256": e.sha256,
            "as_of": e.as_of.isoformat(),
            "uploaded_by": e.uploaded_by_name,
            "source": e.source.value if e.source else "school",
        }
        for e in assessment.evidence_files
    ]


def files_by_question(assessment: Assessment) -> dict[str, list[EvidenceFile]]:
    grouped: dict[str, list[EvidenceFile]] = {}
    for evidence in assessment.evidence_files:
        grouped.setdefault(evidence.question_id, []).append(evidence)
    return grouped


def size_text(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1000:
        return f"{size / 1000:.0f} KB"
    return _("%(num)d bytes", num=size)
