"""Evidence files through the supplier link: accepted by content (PDF, images, office files),
stored outside static/ under a random name, served only to the school as an attachment with
nosniff, listed with name, size and SHA-256 in the exports, removed with the assessment; an
HTML or SVG file renamed .pdf, an oversized file and path tricks in the name store nothing."""

import hashlib
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.models import db
from app.models.procurement import EvidenceFile
from tests.factories import csrf_token
from tests.integration.test_supplier_responses import _invite, _link, _school
from tests.procurement_helpers import start_product

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _empty_evidence_folder(app):
    import shutil

    shutil.rmtree(app.config["EVIDENCE_DIR"], ignore_errors=True)
    Path(app.config["EVIDENCE_DIR"]).mkdir(parents=True)


def _setup(app, world, signed_in, csrf):
    school, token, assessment_id = _school(world, signed_in, csrf)
    _invite(school, token, assessment_id)
    link = _link()
    supplier = app.test_client()
    return school, token, assessment_id, supplier, csrf_token(supplier, link), link


def _upload(supplier, supplier_token, link, data, name, question="Q01", as_of="2026-11-01"):
    return supplier.post(
        f"{link}/sections/contract/evidence",
        data={
            "csrf_token": supplier_token,
            "question_id": question,
            "as_of": as_of,
            "evidence_file": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


def _count() -> int:
    return db.session.execute(select(func.count()).select_from(EvidenceFile)).scalar_one()


def _stored_files(app) -> list[Path]:
    return [p for p in Path(app.config["EVIDENCE_DIR"]).rglob("*") if p.is_file()]


def test_a_supplier_pdf_is_stored_privately_and_served_only_to_the_school(
    app, world, signed_in, csrf
):
    school, token, assessment_id, supplier, supplier_token, link = _setup(
        app, world, signed_in, csrf
    )
    response = _upload(supplier, supplier_token, link, PDF, "Data processing agreement.pdf")
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    stored = db.session.execute(select(EvidenceFile)).scalar_one()
    assert stored.original_name == "Data processing agreement.pdf"
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest() and stored.size == len(PDF)
    assert stored.as_of.isoformat() == "2026-11-01"
    on_disk = Path(app.config["EVIDENCE_DIR"]) / str(stored.school_id) / stored.stored_name
    assert on_disk.read_bytes() == PDF
    assert "static" not in on_disk.parts and "agreement" not in stored.stored_name

    url = f"/procurement/assessments/{assessment_id}/evidence/{stored.id}"
    download = school.get(url)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"
    assert download.mimetype == "application/pdf"
    # The supplier (and anyone without the school's sign-in) is sent to sign in.
    assert supplier.get(url).status_code == 302
    outsider = signed_in(world.user("B", "business_manager"))
    assert outsider.get(url).status_code == 404
    listing = school.get(f"/procurement/assessments/{assessment_id}/supplier")
    assert "Data processing agreement.pdf" in listing.get_data(as_text=True)

    exported = school.get(f"/procurement/assessments/{assessment_id}/export.json").get_json()
    assert exported["evidence_files"] == [
        {
            "question_id": "Q01",
            "name": "Data processing agreement.pdf",
            "kind": "pdf",
            "size": len(PDF),
            "sha256": hashlib.sha256(PDF).hexdigest(),
            "as_of": "2026-11-01",
            "uploaded_by": "Sam Supplier (supplier)",
            "source": "supplier",
        }
    ]
    csv_body = school.get(f"/procurement/assessments/{assessment_id}/export.csv").get_data(
        as_text=True
    )
    assert hashlib.sha256(PDF).hexdigest() in csv_body

    # Deleting the draft removes its files.
    delete = school.post(
        f"/procurement/assessments/{assessment_id}/delete", data={"csrf_token": token}
    )
    assert delete.status_code == 302
    assert _count() == 0 and not on_disk.exists()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "report.pdf"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "logo.pdf"),
        (b"<svg onload=alert(1)>", "picture.png"),
        (b"", "empty.pdf"),
    ],
)
def test_html_svg_or_empty_files_are_refused_whatever_their_name(
    app, world, signed_in, csrf, data, name
):
    _, _, _, supplier, supplier_token, link = _setup(app, world, signed_in, csrf)
    response = _upload(supplier, supplier_token, link, data, name)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert 'value="2026-11-01"' in page  # what was typed is kept
    assert _count() == 0 and _stored_files(app) == []


def test_an_oversized_file_is_refused_and_stores_nothing(app, world, signed_in, csrf):
    _, _, _, supplier, supplier_token, link = _setup(app, world, signed_in, csrf)
    app.config["EVIDENCE_MAX_BYTES"], saved = 1000, app.config["EVIDENCE_MAX_BYTES"]
    try:
        over = _upload(supplier, supplier_token, link, PDF + b"0" * 2000, "big.pdf")
        assert over.status_code == 400
        assert "or smaller" in over.get_data(as_text=True)
        far_over = _upload(supplier, supplier_token, link, PDF + b"0" * 200_000, "huge.pdf")
        assert far_over.status_code == 413
    finally:
        app.config["EVIDENCE_MAX_BYTES"] = saved
    assert _count() == 0 and _stored_files(app) == []


@pytest.mark.parametrize(
    "name", ["../../../app/static/evil.pdf", "..\\..\\evil.pdf", "/etc/passwd", "a\x00b.pdf"]
)
def test_path_tricks_in_a_file_name_reach_no_path(app, world, signed_in, csrf, name):
    _, _, _, supplier, supplier_token, link = _setup(app, world, signed_in, csrf)
    response = _upload(supplier, supplier_token, link, PDF, name)
    assert response.status_code == 302
    stored = db.session.execute(select(EvidenceFile)).scalar_one()
    assert "/" not in stored.original_name and "\\" not in stored.original_name
    assert "\x00" not in stored.original_name
    assert all(
        path.parent.parent == Path(app.config["EVIDENCE_DIR"]) for path in _stored_files(app)
    )
    assert not (Path(app.root_path) / "static" / "evil.pdf").exists()


def test_a_file_for_another_question_or_through_a_revoked_link_is_refused(
    app, world, signed_in, csrf
):
    school, token, assessment_id, supplier, supplier_token, link = _setup(
        app, world, signed_in, csrf
    )
    other_section = _upload(supplier, supplier_token, link, PDF, "a.pdf", question="Q20")
    assert other_section.status_code == 400
    from app.models.procurement import SupplierInvitation

    invitation = db.session.execute(select(SupplierInvitation)).scalar_one()
    school.post(
        f"/procurement/assessments/{assessment_id}/supplier/links/{invitation.id}/revoke",
        data={"csrf_token": token},
    )
    revoked = _upload(supplier, supplier_token, link, PDF, "a.pdf")
    assert revoked.status_code in (410, 413)
    assert _count() == 0 and _stored_files(app) == []


def test_the_school_attaches_evidence_to_its_own_answers(app, world, signed_in, csrf):
    school, token, assessment_id = _school(world, signed_in, csrf)
    url = f"/procurement/assessments/{assessment_id}/sections/contract/evidence"
    assert school.get(url).status_code == 200
    response = school.post(
        url,
        data={
            "csrf_token": token,
            "question_id": "Q02",
            "as_of": "2026-10-01",
            "evidence_file": (io.BytesIO(PDF), "our-dpa-review.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    stored = db.session.execute(select(EvidenceFile)).scalar_one()
    assert stored.source is None and stored.uploaded_by_name
    page = school.get(url).get_data(as_text=True)
    assert f"/procurement/assessments/{assessment_id}/evidence/{stored.id}" in page
    renamed = school.post(
        url,
        data={
            "csrf_token": token,
            "question_id": "Q02",
            "as_of": "2026-10-01",
            "evidence_file": (io.BytesIO(b"<svg onload=alert(1)>"), "fine.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert renamed.status_code == 400 and _count() == 1
    _, second_id = start_product(school, token, product="Maths Maze")
    elsewhere = f"/procurement/assessments/{second_id}/evidence/{stored.id}"
    assert school.get(elsewhere).status_code == 404
    assert school.post(f"{elsewhere}/delete", data={"csrf_token": token}).status_code == 404
    outsider = signed_in(world.user("B", "business_manager"))
    assert outsider.get(url).status_code == 404
    delete = f"/procurement/assessments/{assessment_id}/evidence/{stored.id}/delete"
    assert outsider.post(delete, data={"csrf_token": csrf(outsider, "/account")}).status_code == 404
    assert _count() == 1
    assert school.post(delete, data={"csrf_token": token}).status_code == 302
    assert _count() == 0 and _stored_files(app) == []


def test_the_supplier_removes_its_own_file_until_it_sends_its_answers(app, world, signed_in, csrf):
    _, _, _, supplier, supplier_token, link = _setup(app, world, signed_in, csrf)
    for name in ("first.pdf", "second.pdf"):
        assert _upload(supplier, supplier_token, link, PDF, name).status_code == 302
    first, second = db.session.execute(select(EvidenceFile).order_by(EvidenceFile.id)).scalars()
    page = supplier.get(f"{link}/sections/contract/evidence").get_data(as_text=True)
    assert f"/evidence/{first.id}/delete" in page
    removed = supplier.post(
        f"{link}/evidence/{first.id}/delete", data={"csrf_token": supplier_token}
    )
    assert removed.status_code == 302 and _count() == 1 and len(_stored_files(app)) == 1
    supplier.post(
        f"{link}/sections/contract", data={"csrf_token": supplier_token, "answer-Q01": "yes"}
    )
    supplier.post(f"{link}/submit", data={"csrf_token": supplier_token})
    kept = supplier.post(f"{link}/evidence/{second.id}/delete", data={"csrf_token": supplier_token})
    assert kept.status_code == 302 and _count() == 1
    assert (
        supplier.post(
            f"{link}/evidence/999999/delete", data={"csrf_token": supplier_token}
        ).status_code
        == 404
    )
