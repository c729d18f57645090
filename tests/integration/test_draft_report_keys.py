"""A draft's report PDFs are cached under the hash of the rows its live snapshot is built from
(app/services/procurement/draft_keys.py): the key is stable while nothing changes, every stored
change a report can show gives a new key, and serving the cached PDF builds no snapshot."""

from datetime import date

import pytest
from sqlalchemy import select

from app.models import School, db
from app.models.procurement import Answer, Assessment, EvidenceFile, Vendor
from app.services.procurement.draft_keys import draft_report_key
from tests.procurement_helpers import PREFERRED, answer_sections, decided_product, start_product


@pytest.fixture
def draft(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    _, assessment_id = start_product(client, token)
    answer_sections(client, token, assessment_id, PREFERRED)
    return client, assessment_id


def _key(assessment_id: int, app) -> str:
    db.session.expire_all()
    assessment = db.session.get(Assessment, assessment_id)
    return draft_report_key(db.session, assessment, app.extensions["content"].checklists)


def _answer(assessment_id: int, question_id: str) -> Answer:
    return db.session.execute(
        select(Answer).where(
            Answer.assessment_id == assessment_id, Answer.question_id == question_id
        )
    ).scalar_one()


def _change_value(assessment_id: int) -> None:
    _answer(assessment_id, "Q11").value = "yes"


def _change_note(assessment_id: int) -> None:
    _answer(assessment_id, "Q11").note = "Checked with the supplier on the phone."


def _remove_answer(assessment_id: int) -> None:
    db.session.delete(_answer(assessment_id, "Q11"))


def _add_evidence(assessment_id: int) -> None:
    assessment = db.session.get(Assessment, assessment_id)
    db.session.add(
        EvidenceFile(
            school_id=assessment.school_id,
            assessment_id=assessment_id,
            question_id="Q11",
            original_name="dpa.pdf",
            stored_name="a" * 64,
            kind="pdf",
            size=10,
            sha256="b" * 64,
            as_of=date(2026, 11, 1),
            uploaded_by_name="Bea Manager",
        )  # fmt: skip
    )


def _rename_product(assessment_id: int) -> None:
    db.session.get(Assessment, assessment_id).vendor.product = "Phonics Stars 2"


def _rename_school(assessment_id: int) -> None:
    assessment = db.session.get(Assessment, assessment_id)
    db.session.get(School, assessment.school_id).name = "School A Academy"


def _change_profile(assessment_id: int) -> None:
    assessment = db.session.get(Assessment, assessment_id)
    assessment.profile = assessment.profile | {"P02": "no"}


def _read_beside_a_decision(assessment_id: int) -> None:
    assessment = db.session.get(Assessment, assessment_id)
    school = db.session.get(School, assessment.school_id)
    previous = decided_product(school, "Older product", None, commit=False).assessments[0]
    db.session.flush()
    assessment.previous_id = previous.id


CHANGES = [_change_value, _change_note, _remove_answer, _add_evidence, _rename_product,
           _rename_school, _change_profile, _read_beside_a_decision]  # fmt: skip


def test_the_key_is_the_same_while_nothing_changes(draft, app):
    _, assessment_id = draft
    assert _key(assessment_id, app) == _key(assessment_id, app)


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__.strip("_"))
def test_every_change_a_report_can_show_gives_a_new_key(draft, app, change):
    _, assessment_id = draft
    before = _key(assessment_id, app)
    change(assessment_id)
    db.session.commit()
    assert _key(assessment_id, app) != before


def test_a_change_to_the_previous_assessments_answers_gives_a_new_key(draft, app):
    _, assessment_id = draft
    _read_beside_a_decision(assessment_id)
    db.session.commit()
    assessment = db.session.get(Assessment, assessment_id)
    db.session.add(
        Answer(school_id=assessment.school_id, assessment_id=assessment.previous_id,
               question_id="Q11", value="no")
    )  # fmt: skip
    db.session.commit()
    before = _key(assessment_id, app)
    _answer(assessment.previous_id, "Q11").value = "yes"
    db.session.commit()
    assert _key(assessment_id, app) != before


def test_the_key_is_not_another_drafts(draft, app, csrf):
    client, assessment_id = draft
    token = csrf(client, "/procurement/vendors/new")
    _, other_id = start_product(client, token)
    answer_sections(client, token, other_id, PREFERRED)
    assert _key(assessment_id, app) != _key(other_id, app)


def test_the_cached_draft_pdf_is_served_without_building_its_snapshot(draft, monkeypatch):
    import app.procurement.common as common

    client, assessment_id = draft
    url = f"/procurement/assessments/{assessment_id}/report.pdf"
    first = client.get(url)
    assert first.data.startswith(b"%PDF")
    built = []
    real = common.snapshots.live_snapshot
    monkeypatch.setattr(
        common.snapshots, "live_snapshot", lambda *a, **k: built.append(1) or real(*a, **k)
    )
    again = client.get(url)
    assert again.data == first.data and built == []
    vendor = db.session.execute(
        select(Vendor).where(Vendor.product == "Phonics Stars")
    ).scalar_one()
    vendor.product = "Phonics Stars Plus"
    db.session.commit()
    renamed = client.get(url)  # rendered again, now naming the new product
    assert renamed.data.startswith(b"%PDF") and renamed.data != first.data and built


def test_another_schools_draft_pdf_is_a_404_and_renders_nothing(
    draft, world, signed_in, monkeypatch
):
    import app.pdf

    _, assessment_id = draft
    outsider = signed_in(world.user("B", "business_manager"))
    renders = []
    real = app.pdf.html_to_pdf
    monkeypatch.setattr(app.pdf, "html_to_pdf", lambda html: renders.append(1) or real(html))
    for kind in ("report", "answers"):
        url = f"/procurement/assessments/{assessment_id}/{kind}.pdf"
        assert outsider.get(url).status_code == 404
    assert renders == []
