"""Evidence file rules without the app: the kind comes from the content, never the name; the
name shown carries no path; sizes read well."""

import io
import zipfile

import pytest

from app.services.procurement.evidence import display_name, kind_of, size_text

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


@pytest.mark.parametrize(
    ("data", "kind"),
    [(PDF, "pdf"), (PNG, "png"), (JPEG, "jpeg"), (DOCX, "docx"), (XLSX, "xlsx"), (ODT, "odt")],
)
def test_accepted_kinds_are_known_by_their_content(data, kind):
    assert kind_of(data) == kind


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"<svg onload=alert(1)>",
        b"  %PDF-1.7 (not at the start)",
        b"GIF89a",
        b"MZ\x90\x00",  # a Windows program
        _zip({"index.html": b"<html/>"}),  # a ZIP that is no office document
        _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b""}),
        b"PK\x03\x04 broken zip",
        b"",
    ],
)
def test_other_content_is_refused_whatever_it_is_called(data):
    assert kind_of(data) is None


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("policy.pdf", "policy.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("..\\..\\windows\\system.ini", "system.pdf"),
        ("/var/www/static/evil.html", "evil.pdf"),
        ("report\x00.html.pdf", "report.html.pdf"),
        ("....", "evidence.pdf"),
        ("", "evidence.pdf"),
        (None, "evidence.pdf"),
        ('a<b>"c"|?*.pdf', "abc.pdf"),
        ("page.html", "page.pdf"),  # the content decides the extension
    ],
)
def test_the_name_shown_has_no_path_and_the_contents_extension(given, shown):
    assert display_name(given, "pdf") == shown


def test_a_long_name_is_cut_and_keeps_its_extension():
    name = display_name("x" * 500 + ".docx", "docx")
    assert len(name) <= 200 and name.endswith(".docx")


def test_sizes_read_in_bytes_kilobytes_or_megabytes():
    assert size_text(512) == "512 bytes"
    assert size_text(2_048) == "2 KB"
    assert size_text(1_900_000) == "1.9 MB"
