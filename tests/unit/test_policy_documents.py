"""Policy documents without the app: what may be published, PDFs checked by their content and
kept under random names that reading back cannot escape, and how versions are named."""

import pytest

from app.models.policies import PolicyVersion
from app.services.policies import files
from app.services.policies.publishing import document_problems

PDF = b"%PDF-1.7\n%%EOF\n"
MB = 1024 * 1024


def test_a_pdf_is_recognised_by_its_content_not_its_name():
    assert files.pdf_problems(PDF, MB) == []
    assert files.pdf_problems(b"<html>%PDF-</html>", MB) == ["The selected file must be a PDF"]
    assert files.pdf_problems(b"", MB) == ["The selected file is empty"]
    assert files.pdf_problems(PDF + b"0" * MB, MB) == ["The PDF must be smaller than 1 MB"]


def test_text_or_a_pdf_never_both_nor_neither():
    assert document_problems("## Rules", None, MB) == []
    assert document_problems("## Rules", PDF, MB) == ["Write the policy or upload a PDF, not both"]
    assert document_problems("  \n", None, MB) == ["Write the policy or upload it as a PDF"]
    assert document_problems(None, PDF, MB) == []
    assert document_problems("x" * 100_001, None, MB) == [
        "The policy must be 100,000 characters or fewer"
    ]
    assert document_problems("::: warning\nx\n:::", None, MB)[0].startswith("line 1: unknown")


def test_stored_files_get_random_names_in_the_schools_folder(tmp_path):
    first, second = files.store(tmp_path, 7, PDF), files.store(tmp_path, 7, PDF)
    assert first.name != second.name and files.STORED_NAME.match(first.name)
    assert (tmp_path / "7" / first.name).read_bytes() == PDF
    assert first.size == len(PDF) and len(first.sha256) == 64
    assert files.read(tmp_path, 7, first.name) == PDF
    assert not list((tmp_path / "7").glob(".*.part"))  # no half-written file left behind
    for name in ("../7/" + first.name, "/etc/passwd", "", first.name.upper()):
        with pytest.raises(FileNotFoundError):
            files.read(tmp_path, 7, name)
    with pytest.raises(FileNotFoundError):
        files.read(tmp_path, 8, first.name)  # another school's folder


def test_version_names_and_sizes_read_naturally():
    assert PolicyVersion(number=2, label="2").name == "Version 2"
    assert PolicyVersion(number=3, label="2025-26").name == "Version 3 (2025-26)"
    assert PolicyVersion(file_size=300).size_text == "1 KB"
    assert PolicyVersion(file_size=340 * 1024).size_text == "340 KB"
    assert PolicyVersion(file_size=int(1.25 * MB)).size_text == "1.2 MB"
