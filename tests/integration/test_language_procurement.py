"""Welsh for procurement (issue 18, wave 2b): the vendor register, the new-product form's
validation errors, the supplier's link page and the governors' report PDF are Welsh when the
reader chose Welsh, with no part of the page marked English, and English stays the default."""

import html as html_module
import io

from pypdf import PdfReader

from app.models import db
from tests.factories import csrf_token
from tests.integration import test_pdf_jobs
from tests.integration.test_pdf_jobs import _answer_all, _decide, _start
from tests.integration.test_supplier_responses import _invite, _link, _school
from tests.procurement_helpers import decided_product

renders = test_pdf_jobs.renders  # the PDF fixtures: a fresh cache, and a queue that waits
held_queue = test_pdf_jobs.held_queue


def _text(response, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return html_module.unescape(response.get_data(as_text=True))


def _in_welsh(user) -> None:
    user.locale = "cy"
    db.session.commit()


def _no_english_main(page: str) -> None:
    assert '<html lang="cy"' in page and 'lang="en-GB">' not in page.split("</header>")[1]


def test_the_vendor_register_is_welsh(world, signed_in):
    manager = world.user("A", "business_manager")
    _in_welsh(manager)
    decided_product(world.school_a, "Spellbound", None)
    page = _text(signed_in(manager).get("/procurement/"))
    _no_english_main(page)
    assert '<h1 class="govuk-heading-l">Cynhyrchion technoleg addysg</h1>' in page
    assert "Ychwanegu cynnyrch" in page and "Cymharu cynhyrchion" in page
    assert "Chwilio yn ôl cynnyrch neu gyflenwr" in page
    assert "1 cynnyrch" in page  # the table's caption
    assert "Cymeradwyo" in page  # the decision's label
    assert "Pob cynnyrch" in page  # a filter


def test_the_new_product_form_and_its_errors_are_welsh(world, signed_in):
    manager = world.user("A", "business_manager")
    _in_welsh(manager)
    client = signed_in(manager)
    form = _text(client.get("/procurement/vendors/new"))
    _no_english_main(form)
    assert "Enw'r cynnyrch" in form and "Data disgyblion y bydd yn ei gadw" in form
    token = csrf_token(client, "/procurement/vendors/new")
    empty = _text(
        client.post("/procurement/vendors/new", data={"csrf_token": token, "product": ""})
    )
    assert "Mae problem wedi codi" in empty
    assert "Rhowch enw'r cynnyrch" in empty and "Rhowch enw'r cyflenwr" in empty


def test_the_supplier_link_page_is_welsh_after_the_supplier_switches(app, world, signed_in, csrf):
    school, token, assessment_id = _school(world, signed_in, csrf)
    assert _invite(school, token, assessment_id).status_code == 302
    link = _link()
    supplier = app.test_client()
    english = _text(supplier.get(link))
    assert "Send my answers to the school" in english
    switched = supplier.post(
        "/language", data={"csrf_token": csrf_token(supplier, link), "lang": "cy", "next": link}
    )
    assert switched.status_code == 302
    page = _text(supplier.get(link))
    _no_english_main(page)
    assert "Cwestiynau am Phonics Stars gan" in page
    assert "Anfon fy atebion at yr ysgol" in page and "Adrannau" in page


def _pdf(response):
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    return PdfReader(io.BytesIO(response.data))


def test_the_governors_report_is_welsh_with_lang_cy(world, signed_in, csrf, renders):
    dpo = world.user("A", "dpo")
    client = signed_in(dpo)
    token = csrf(client, "/procurement/vendors/new")
    _, assessment_id = _start(client, token)
    _answer_all(client, token, assessment_id)
    _decide(client, token, assessment_id)
    url = f"/procurement/assessments/{assessment_id}/report.pdf"
    english = client.get(url)
    assert _pdf(english).trailer["/Root"]["/Lang"] == "en-GB"
    _in_welsh(dpo)
    welsh = client.get(url)
    assert english.data != welsh.data  # cached apart, by language
    reader = _pdf(welsh)
    assert reader.trailer["/Root"]["/Lang"] == "cy"
    text = reader.pages[0].extract_text()
    assert "Asesiad preifatrwydd technoleg addysg" in text and "Penderfyniad" in text


def test_a_report_queued_from_a_welsh_page_is_rendered_in_welsh_by_the_worker(
    world, signed_in, csrf, renders, held_queue, app, monkeypatch
):
    monkeypatch.setitem(app.config, "PDF_PRERENDER", False)
    dpo = world.user("A", "dpo")
    client = signed_in(dpo)
    token = csrf(client, "/procurement/vendors/new")
    _, assessment_id = _start(client, token)
    _answer_all(client, token, assessment_id)
    _in_welsh(dpo)
    url = f"/procurement/assessments/{assessment_id}/report.pdf"
    assert client.get(url).status_code == 202  # being prepared: the job waits in the queue
    assert held_queue.run_all() == 1  # the worker has no request, so no reader's language
    reader = _pdf(client.get(url))
    assert reader.trailer["/Root"]["/Lang"] == "cy"
    assert "Asesiad preifatrwydd technoleg addysg" in reader.pages[0].extract_text()


def test_a_decision_made_in_welsh_freezes_its_record_in_english(world, signed_in, csrf):
    from app.models.procurement import Assessment

    dpo = world.user("A", "dpo")
    _in_welsh(dpo)
    client = signed_in(dpo)
    token = csrf(client, "/procurement/vendors/new")
    _, assessment_id = _start(client, token)
    _answer_all(client, token, assessment_id)
    _decide(client, token, assessment_id)
    db.session.expire_all()
    snapshot = db.session.get(Assessment, assessment_id).snapshot
    assert snapshot["decision"]["label"] == "Approve"  # the record, not the page, in English
    page = _text(client.get(f"/procurement/assessments/{assessment_id}/review"))
    assert "Cymeradwyo" in page  # the page shows it in the reader's language


def test_an_import_files_problems_are_whole_welsh_sentences(world, signed_in, csrf):
    import json

    from app.procurement.demo import demo_files
    from tests.integration.test_procurement_import import _upload

    manager = world.user("A", "business_manager")
    _in_welsh(manager)
    client = signed_in(manager)
    token = csrf(client, "/procurement/import")
    document = json.loads(demo_files()[0].read_text())
    document["vendor"]["product"] = ""
    document["vendor"]["pupils_covered"] = -3
    document["answers"][2]["value"] = 7
    page = _text(_upload(client, token, json.dumps(document).encode()))
    _no_english_main(page)
    assert "Mae enw'r cynnyrch yn wag" in page
    assert "Dylai nifer y disgyblion dan sylw fod yn 0 neu fwy" in page
    assert "Dylai dewis ateb 3 fod yn destun neu'n rhestr o destun" in page
    assert "The product name" not in page and "must be" not in page
    assert "Mae'r ffeil yn cynnwys rhestr, nid asesiad." in _text(_upload(client, token, b"[]"))
    not_json = _text(_upload(client, token, b"{ not json"))
    assert "Nid yw'r ffeil yn JSON dilys. Dewiswch ffeil a allforiwyd o'r gwasanaeth hwn." in (
        not_json
    )


# Every kind of problem pydantic reports for an import file, with the context its sentence uses.
IMPORT_ERRORS = [
    {"type": kind, "loc": ("vendor", "product"), "ctx": {"max_length": 200, "ge": 0, "le": 9}}
    for kind in (
        "missing", "string_type", "string_too_short", "string_too_long",
        "string_pattern_mismatch", "list_type", "too_long", "int_type", "greater_than_equal",
        "less_than_equal", "dict_type", "extra_forbidden", "something_new",
    )
]  # fmt: skip


def test_every_import_problem_and_field_reads_in_welsh(app):
    from app.services.procurement.import_messages import plain_problems
    from app.util.i18n import in_locale

    document = {"format": "privacy-toolkit-assessment", "format_version": 1}
    fields = [("answers", 0), ("answers", 1, "question_id"), ("answers", 2, "value"),
              ("answers", 3, "note"), ("answers", 4, "evidence"), ("answers", 5, "colour"),
              ("profile", "P01"), ("checklist", "version")]  # fmt: skip
    with app.test_request_context("/"), in_locale("cy"):
        welsh = [plain_problems(document, [error])[0] for error in IMPORT_ERRORS]
        named = plain_problems(document, [{"type": "missing", "loc": loc} for loc in fields])
        version = plain_problems({**document, "format_version": 7}, [])
    assert len(set(welsh)) == len(IMPORT_ERRORS)  # a sentence of its own for each
    assert all("enw'r cynnyrch" in sentence for sentence in welsh)
    assert welsh[:3] == [
        "Mae enw'r cynnyrch ar goll",
        "Dylai enw'r cynnyrch fod yn destun",
        "Mae enw'r cynnyrch yn wag",
    ]
    assert welsh[-1] == "Nid yw enw'r cynnyrch yn ddilys"  # a kind not known here
    assert named == [
        "Mae ateb 1 ar goll",
        "Mae ID cwestiwn ateb 2 ar goll",
        "Mae dewis ateb 3 ar goll",
        "Mae nodyn ateb 4 ar goll",
        "Mae dolenni tystiolaeth ateb 5 ar goll",
        "Mae “colour” yn ateb 6 ar goll",
        "Mae ateb P01 yn y proffil ar goll",
        "Mae fersiwn yr holiadur ar goll",
    ]
    assert version[0].startswith("Mae'r ffeil yn defnyddio fersiwn 7 o'r fformat allforio")
