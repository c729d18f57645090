"""Families' documents are validated strictly at load: every statement cites a listed source,
every source is cited and has a read date, placeholders are known, and the letter and census
notice carry the references and addresses from their primary sources."""

import shutil
from pathlib import Path

import pytest

from app.content.families import fill, load_family_documents

FAMILIES = Path(__file__).resolve().parents[2] / "families"


@pytest.fixture(scope="module")
def documents():
    loaded, problems = load_family_documents(FAMILIES)
    assert problems == []
    return loaded


def test_every_statement_cites_a_source_with_a_read_date(documents):
    assert set(documents) == {
        "dfe-objection-letter",
        "census-notice",
        "families-rights",
        "statutory-returns",
    }
    for document in documents.values():
        ids = {source.id for source in document.sources}
        statements = [
            s for section in document.sections + document.notes for s in section.statements
        ]
        statements += [field for row in document.returns for field in row.fields.values()]
        assert statements
        for statement in statements:
            assert statement.sources and set(statement.sources) <= ids
        for source in document.sources:
            assert source.url.startswith("https://") and source.read.startswith("2026-")
            assert source.how_read


def test_the_letter_is_addressed_as_dfes_npd_privacy_notice_says(documents):
    letter = documents["dfe-objection-letter"]
    assert letter.recipient == (
        "Data Protection Officer",
        "Department for Education (B2.28)",
        "7 & 8 Wellington Place",
        "Wellington Street",
        "Leeds",
        "LS1 4AW",
    )
    cited = {letter.source(i).url for i in letter.recipient_sources}
    assert any("national-pupil-database-npd-privacy-notice" in url for url in cited)
    body = " ".join(s.text for section in letter.sections for s in section.statements)
    assert "Article 21(1)" in body and "Article 6(1)(e)" in body
    assert "{school_name}" in body
    assert letter.unconfirmed  # what could not be confirmed is said, not guessed


def test_the_census_notice_says_what_may_be_declined_and_how_to_ask_dfe(documents):
    notice = documents["census-notice"]
    headings = [section.heading for section in notice.sections]
    assert "Items you may decline" in headings
    assert "How to ask DfE what it holds about your child" in headings
    text = " ".join(s.text for section in notice.sections for s in section.statements)
    assert "ethnicity and first language" in text
    assert "section 537A of the Education Act 1996" in text


def test_fill_replaces_school_values_and_keeps_square_brackets():
    text = "I am the parent of [name] at {school_name}; ask {privacy_contact}."
    assert fill(text, {"school_name": "Oak", "privacy_contact": "the DPO"}) == (
        "I am the parent of [name] at Oak; ask the DPO."
    )


BROKEN = {
    "unknown source": ("sources: [npd-privacy-notice]", "sources: [no-such-source]"),
    "unknown placeholder": ("who attends or attended {school_name}", "who attends {school}"),
    "unquoted date": ('reviewed: "2026-12-01"', "reviewed: 2026-12-01"),
    "unknown key": ("kind: letter", "kind: letter\nauthor: someone"),
    "duplicate key": ("kind: letter", "kind: letter\nkind: notice"),
    "statement without source": ("  sources: [uk-gdpr-21]\nnotes:", "  sources: []\nnotes:"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_file_is_reported_with_its_key_path(tmp_path, case):
    folder = tmp_path / "families"
    shutil.copytree(FAMILIES, folder)
    letter = folder / "dfe-objection-letter.yaml"
    old, new = BROKEN[case]
    text = letter.read_text()
    assert old in text, case
    letter.write_text(text.replace(old, new, 1))
    documents, problems = load_family_documents(folder)
    assert problems, case
    assert all(str(p).startswith("families/dfe-objection-letter.yaml") for p in problems), problems
    assert "dfe-objection-letter" not in documents


def test_an_uncited_source_and_a_missing_file_are_problems(tmp_path):
    folder = tmp_path / "families"
    shutil.copytree(FAMILIES, folder)
    (folder / "census-notice.yaml").unlink()
    rights = folder / "families-rights.yaml"
    rights.write_text(
        rights.read_text()
        + "  - id: never-cited\n    publisher: X\n    title: Y\n"
        + '    url: https://example.org/page\n    read: "2026-12-01"\n    how_read: Z\n'
    )
    _, problems = load_family_documents(folder)
    messages = [str(p) for p in problems]
    assert any("census-notice.yaml: missing" in m for m in messages), messages
    assert any("'never-cited' is cited by no statement" in m for m in messages), messages
