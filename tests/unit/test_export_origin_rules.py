"""The content hash of an export and what an import says about where a file came from."""

from app.services.procurement.transfer import ImportDocument, content_hash, origin_note

BASE = {
    "format": "privacy-toolkit-assessment",
    "format_version": 1,
    "checklist": {"id": "quick-edtech-check", "version": "1.0.0"},
    "vendor": {"name": "Acme", "product": "Phonics Stars"},
    "origin": {"school": "Oakfield", "exported_at": "2026-12-01T09:00:00+00:00"},
    "answers": [{"question_id": "Q01", "value": "yes", "note": "", "evidence": []}],
}


def _signed(document: dict) -> dict:
    return document | {"content_hash": content_hash(document)}


def test_the_hash_covers_everything_but_itself_in_any_key_order():
    signed = _signed(BASE)
    assert content_hash(signed) == signed["content_hash"]
    assert content_hash(dict(reversed(list(signed.items())))) == signed["content_hash"]
    assert content_hash(signed | {"answers": []}) != signed["content_hash"]


def test_the_note_names_the_school_and_says_whether_the_file_changed():
    signed = _signed(BASE)
    note, unchanged = origin_note(signed, ImportDocument.model_validate(signed))
    assert unchanged is True and note.startswith("This file was exported by Oakfield on 2026-12-01")
    edited = signed | {"vendor": {"name": "Acme", "product": "Something else"}}
    note, unchanged = origin_note(edited, ImportDocument.model_validate(edited))
    assert unchanged is False and "has been changed since it was exported" in note
    note, unchanged = origin_note(BASE, ImportDocument.model_validate(BASE))
    assert unchanged is None and "cannot be told" in note
