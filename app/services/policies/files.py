"""Uploaded policy PDFs: checked by content, kept outside `static/` with random names.

A file is accepted only if it starts with the PDF signature (`%PDF-`), whatever its name or
the browser's claimed type, and is no bigger than the limit. It is stored as
`<directory>/<school id>/<32 hex digits>.pdf`, so its name carries nothing the uploader chose
and cannot be guessed; reading back accepts only names of that shape, so no stored value can
point outside the folder. No Flask imports.
"""

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from app.util.i18n import _

PDF_SIGNATURE = b"%PDF-"
# Evidence files for procurement answers are kept the same way, with their own extensions
# (app/services/procurement/evidence.py checks their content first).
EXTENSIONS = ("pdf", "png", "jpg", "docx", "xlsx", "odt")
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(" + "|".join(EXTENSIONS) + r")$")


@dataclass(frozen=True)
class StoredFile:
    name: str
    size: int
    sha256: str


def pdf_problems(data: bytes, max_bytes: int) -> list[str]:
    """What is wrong with an upload, in words for the person who chose it."""
    if not data:
        return [_("The selected file is empty")]
    if len(data) > max_bytes:
        return [_("The PDF must be smaller than %(size)d MB", size=max_bytes // (1024 * 1024))]
    if not data.startswith(PDF_SIGNATURE):
        return [_("The selected file must be a PDF")]
    return []


def store(directory: Path, school_id: int, data: bytes, extension: str = "pdf") -> StoredFile:
    """Write `data` under a new random name (written to a temporary name, then renamed, so a
    half-written file is never served)."""
    if extension not in EXTENSIONS:
        raise ValueError(f"not a stored file extension: {extension}")
    folder = Path(directory) / str(int(school_id))
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{extension}"
    partial = folder / f".{name}.part"
    partial.write_bytes(data)
    os.replace(partial, folder / name)
    return StoredFile(name, len(data), hashlib.sha256(data).hexdigest())


def read(directory: Path, school_id: int, name: str) -> bytes:
    """The stored file's bytes. Raises FileNotFoundError for a name of the wrong shape."""
    if not STORED_NAME.match(name or ""):
        raise FileNotFoundError(name)
    return (Path(directory) / str(int(school_id)) / name).read_bytes()
