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


# --- the scoring result's stored words, said in the reader's language -----------------------

NOT_KNOWN_YET = "Cwestiwn atal heb ei ddatrys: nid yw'r ateb yn hysbys eto."
NO_EVIDENCE = "Cwestiwn atal heb ei ddatrys: ni roddwyd tystiolaeth."


def _welsh_draft(world, signed_in, csrf):
    """A Welsh reader's draft: Q01 (a knock-out) answered Not known, no evidence anywhere."""
    from tests.procurement_helpers import PREFERRED, answer_sections, start_product

    manager = world.user("A", "business_manager")
    _in_welsh(manager)
    client = signed_in(manager)
    token = csrf(client, "/procurement/vendors/new")
    _, assessment_id = start_product(client, token)
    answer_sections(client, token, assessment_id, PREFERRED | {"Q01": "unknown"}, evidence=False)
    return client, token, assessment_id


def test_the_review_page_says_the_engines_words_and_limit_reasons_in_welsh(world, signed_in, csrf):
    client, _, assessment_id = _welsh_draft(world, signed_in, csrf)
    page = _text(client.get(f"/procurement/assessments/{assessment_id}/review"))
    _no_english_main(page)
    assert "Ddim yn hysbys" in page  # Q01's answer, stored as "Not known"
    assert NOT_KNOWN_YET in page and NO_EVIDENCE in page
    assert "Not known" not in page and "Knock-out question not resolved" not in page


def test_the_answers_csv_is_welsh_from_its_header_row(world, signed_in, csrf):
    import csv

    client, _, assessment_id = _welsh_draft(world, signed_in, csrf)
    body = client.get(f"/procurement/assessments/{assessment_id}/export.csv").get_data(as_text=True)
    header, *rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert header == [
        "Adran", "ID y cwestiwn", "Cwestiwn", "Ateb", "Credyd", "Pwysau", "Pwyntiau a gollwyd",
        "Blaenoriaeth y cam gweithredu", "Yn atal cymeradwyaeth", "Beth i'w wneud",
        "Cyfeirnodau", "Nodyn", "Tystiolaeth", "Ffynhonnell", "Holiadur", "Fersiwn yr holiadur",
        "Fersiwn yr injan", "Stwnsh y mewnbwn",
    ]  # fmt: skip
    q01 = next(row for row in rows if row[1] == "Q01")
    assert (q01[3], q01[8], q01[13]) == ("Ddim yn hysbys", "Ydy", "Ateb yr ysgol")
    assert "Not known" not in body and "School's answer" not in body


def test_the_report_pdfs_say_the_stored_words_in_welsh(world, signed_in, csrf, renders):
    client, _, assessment_id = _welsh_draft(world, signed_in, csrf)
    url = f"/procurement/assessments/{assessment_id}"

    def words(document: str) -> str:
        reader = _pdf(client.get(f"{url}/{document}"))
        return " ".join(" ".join(page.extract_text() for page in reader.pages).split())

    report, answers = words("report.pdf"), words("answers.pdf")
    assert NOT_KNOWN_YET in report and "Heb ei ateb" in report  # P04, a profile answer
    assert "Knock-out question not resolved" not in report and "Not answered" not in report
    assert "Ateb: Ddim yn hysbys" in answers and "Not known" not in answers


def test_a_frozen_snapshot_and_its_hash_do_not_depend_on_the_readers_language(
    app, world, signed_in, csrf
):
    import copy

    from flask import current_app

    from app.models.procurement import Assessment
    from app.services.procurement.decisions import snapshot_hash
    from app.services.procurement.reports import answers_csv, report_view
    from app.services.procurement.snapshots import live_snapshot
    from app.util.i18n import in_locale
    from tests.procurement_helpers import propose

    client, token, assessment_id = _welsh_draft(world, signed_in, csrf)
    checklists = current_app.extensions["content"].checklists
    assessment = db.session.get(Assessment, assessment_id)
    with app.test_request_context("/"):
        english = live_snapshot(assessment, checklists, school_name="School A")
        with in_locale("cy"):
            welsh = live_snapshot(assessment, checklists, school_name="School A")
            kept = copy.deepcopy(welsh)
            view, _ = report_view(welsh), answers_csv(welsh)
    assert welsh == english == kept  # English data, and showing it in Welsh changes nothing
    assert view["limits"][0]["reason"].startswith("Cwestiwn atal heb ei ddatrys")
    assert english["result"]["limits"][0]["reason"].startswith("Knock-out question not")

    assert propose(client, token, assessment_id, "reject").status_code == 302  # in Welsh
    db.session.expire_all()
    frozen = db.session.get(Assessment, assessment_id)
    english["assessment"]["status"] = "proposed"
    assert frozen.snapshot == english and frozen.snapshot_hash == snapshot_hash(english)
    stored = frozen.snapshot_hash
    for page in ("review", "export.csv", "sign-off"):
        assert client.get(f"/procurement/assessments/{assessment_id}/{page}").status_code == 200
    db.session.expire_all()
    frozen = db.session.get(Assessment, assessment_id)
    assert frozen.snapshot_hash == stored == snapshot_hash(frozen.snapshot)


def test_the_engines_other_limit_sentences_read_in_welsh_and_the_rest_as_stored(app):
    from app.services.procurement.scoring import answer_words, limit_reason
    from app.util.i18n import in_locale

    floor = {
        "kind": "section_floor",
        "reason": "Section “Security” scored 30, below the floor of 40.",
    }
    coverage = {"kind": "evidence_coverage", "reason": (
        "Evidence coverage is 37.5%, below the 80% required for the high risk tier.")}  # fmt: skip
    cap = {"kind": "cap", "reason": "The supplier keeps data for longer than needed."}
    old = {"kind": "section_floor", "reason": "Worded another way by some other version."}
    with app.test_request_context("/"), in_locale("cy"):
        shown = [limit_reason(limit) for limit in (floor, coverage, cap, old)]
        words = [answer_words(label) for label in ("Not answered", "Not applicable", "Yes")]
    assert shown == [
        "Sgoriodd yr adran “Security” 30, islaw'r isafswm o 40.",
        "Cwmpas y dystiolaeth yw 37.5%, islaw'r 80% sy'n ofynnol ar gyfer yr haen high risk.",
        cap["reason"],  # the checklist's own words, as written there
        old["reason"],  # a sentence this version does not write: as stored
    ]
    assert words == ["Heb ei ateb", "Amherthnasol", "Yes"]  # an option's label is content


def test_a_shared_decision_is_named_in_the_welsh_readers_words(world, signed_in, csrf):
    from tests.integration.test_trust_register import _decided_in_a

    manager, token, shared_id = _decided_in_a(world, signed_in, csrf)
    assert (
        manager.post(
            f"/procurement/assessments/{shared_id}/share", data={"csrf_token": token}
        ).status_code
        == 302
    )
    reader = world.user("A2", "business_manager")
    _in_welsh(reader)
    page = _text(signed_in(reader).get(f"/procurement/trust/assessments/{shared_id}"))
    assert "Cymeradwyo" in page and "Approve" not in page  # frozen as "Approve"
