"""File downloads (CSV, JSON, PDF, DOCX, XLSX, and evidence files: ODT, PNG, JPEG): the one way a
view hands a file to the browser.

Every download is an attachment that is never cached (it can hold personal data), with a safe
file name; CSV goes through the spreadsheet-formula guard and starts with a byte-order mark so
Excel reads it as UTF-8.
"""

import io
import json
from collections.abc import Iterable, Sequence

from flask import Response, send_file

from app.util.csv_cells import csv_text

MIMETYPES = {
    "csv": "text/csv",
    "json": "application/json",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "png": "image/png",
    "jpg": "image/jpeg",
}


def download(data: bytes | str, filename: str) -> Response:
    """Send `data` as an attachment named `filename`; its extension picks the type."""
    extension = filename.rsplit(".", 1)[-1].lower()
    body = data.encode("utf-8") if isinstance(data, str) else data
    response = send_file(
        io.BytesIO(body),
        mimetype=MIMETYPES[extension],  # werkzeug adds "; charset=utf-8" to text types
        as_attachment=True,
        download_name=filename,
        conditional=False,
        etag=False,
        max_age=None,
    )
    response.headers["Cache-Control"] = "no-store"
    # The type is the one named above, never guessed from the bytes (uploaded evidence too).
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def csv_download(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Response:
    return download("\ufeff" + csv_text(header, rows), filename)


def json_download(filename: str, document: object) -> Response:
    return download(
        json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, default=str), filename
    )


def pdf_download(filename: str, pdf: bytes) -> Response:
    return download(pdf, filename)
