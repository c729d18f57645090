"""The report a governor reads (issue 12 point 11): every page of the demo reports and of a
report with many limits has content, running headers and no heading stranded at its foot; the
cover names both people; emoji print; the Children's Code summary names only unmet questions;
draft PDFs are cached by their snapshot's hash; the CSV says what produced it."""

import csv
import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from app.models import User, db
from app.models.procurement import Assessment
from tests.factories import sign_in_client
from tests.procurement_helpers import PREFERRED, answer_sections, decided_product, start_product

HEADINGS = {"Decision", "Scores", "Action plan", "Children's data summary", "Conditions",
            "Full answers", "Answers by section", "Knock-outs and caps",
            "Action plan: every point lost",
            "Changes since the previous assessment",
            "Children's Code standards covered by this questionnaire"}  # fmt: skip
LABEL = re.compile(r"^(P\d+|Standard \d+|[A-Z]\d{2}\.)")  # a profile id, a standard, a question


def check_pages(pdf: bytes, name: str) -> None:
    pages = PdfReader(io.BytesIO(pdf)).pages
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {len(pages)}" in text, (name, number)
        if number > 1:  # the running header and footer print on every page but the cover
            assert re.search(r"engine \d+\.\d+\.\d+", text), (name, number, "bottom-left")
        body = [
            line.strip()
            for line in text.splitlines()
            if line.strip()
            and not re.search(r"engine \d+\.\d+\.\d+$", line.strip())
            and not line.strip().startswith("Page ")
            and "Edtech privacy assessment" not in line
        ]
        assert len(body) >= 3, (name, number, body)  # no blank or heading-only page
        last = body[-1]
        assert last not in HEADINGS and not LABEL.fullmatch(last), (name, number, last)


def _demo_reports(app):
    from app.demo import seed_demo

    seed_demo()
    manager = db.session.execute(
        select(User).where(User.email == "business-manager@oakfield.example")
    ).scalar_one()
    client = sign_in_client(app, manager)
    for assessment in db.session.execute(select(Assessment)).scalars():
        response = client.get(f"/procurement/assessments/{assessment.id}/report.pdf")
        assert response.status_code == 200
        yield assessment.vendor.product, response.data
        response = client.get(f"/procurement/assessments/{assessment.id}/answers.pdf")
        assert response.status_code == 200
        yield f"{assessment.vendor.product} (answers)", response.data


def test_every_page_of_every_demo_report_has_content_headers_and_no_stranded_heading(
    app, clean_database
):
    reports = dict(_demo_reports(app))
    assert len(reports) == 8  # four reports, each with its answers appendix
    for name, pdf in reports.items():
        check_pages(pdf, name)
    cover = PdfReader(io.BytesIO(reports["ClassTalk Messenger"])).pages[0].extract_text()
    assert "Proposed by Bilal Business" in cover and "Dana Protection (DPO)" in cover
    assert "1 condition overdue" in cover
    # The Children's Code summary names only the questions not met.
    garden = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(reports["Numbers Garden"])).pages
    )
    assert "Children's Code standards" in garden and "not met:" not in garden


def _many_limits(app) -> dict:
    """A UK-bank report whose decision box is taller than a page (the benchmark's answers)."""
    from datetime import date

    from app.services.procurement.reports import build_snapshot
    from app.services.procurement.scoring import AnswerInput, score_assessment

    checklist = app.extensions["content"].checklists["uk-schools-edtech"]
    answers = {}
    for index, question in enumerate(checklist.questions.values()):
        options = checklist.options_for(question) if question.scored else ()
        value = options[index % len(options)].value if options and index % 7 else "unknown"
        answers[question.id] = AnswerInput(value, "Checked. " * 10, ("https://x.example/e",))
    profile = {"P01": ["staff", "pupils"], "P02": "yes", "P03": ["contact", "health"],
               "P05": "yes", "P06": "yes"}  # fmt: skip
    return build_snapshot(
        checklist=checklist, result=score_assessment(checklist, profile, answers),
        school_name="Oakfield", vendor={"name": "Big Ltd", "product": "Big Platform"},
        profile=profile, assessment_id=1, started_on=date(2026, 11, 1), status="draft",
    )  # fmt: skip


def test_a_report_with_many_limits_breaks_across_pages_without_a_blank_one(app, clean_database):
    from flask import render_template

    from app.pdf import html_to_pdf
    from app.procurement.exports import ANSWERS_TEMPLATE, REPORT_TEMPLATE, report_context

    with app.test_request_context():
        snapshot = _many_limits(app)
        assert len(snapshot["result"]["limits"]) > 12  # taller than a page in the decision box
        snapshot["result"]["questions"][0]["note"] = "Supplier says 👍 and ✅ for 🔒"
        context = report_context(snapshot)
        pdf = html_to_pdf(render_template(REPORT_TEMPLATE, **context))
        answers = html_to_pdf(render_template(ANSWERS_TEMPLATE, **context))
    check_pages(pdf, "many limits")
    check_pages(answers, "many limits, answers")
    reader = PdfReader(io.BytesIO(pdf))
    assert (
        "Decision" in reader.pages[1].extract_text()
        and "Knock-out" in reader.pages[1].extract_text()
    )
    fonts = {
        str(font["/BaseFont"])
        for page in PdfReader(io.BytesIO(answers)).pages
        for font in (page["/Resources"].get("/Font") or {}).values()
        if "/BaseFont" in font.get_object()
    }
    assert any("Symbola" in font for font in fonts), fonts  # emoji have a font that has them


def test_a_draft_pdf_is_cached_by_its_snapshot_hash(world, signed_in, csrf, monkeypatch):
    import app.pdf

    renders = []
    real = app.pdf.html_to_pdf
    monkeypatch.setattr(app.pdf, "html_to_pdf", lambda html: renders.append(1) or real(html))
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    _, assessment_id = start_product(client, token)
    answer_sections(client, token, assessment_id, PREFERRED)
    url = f"/procurement/assessments/{assessment_id}/report.pdf"
    first, second = client.get(url), client.get(url)
    assert first.data == second.data and len(renders) == 1
    answer_sections(client, token, assessment_id, PREFERRED | {"Q11": "yes"})
    changed = client.get(url)
    assert len(renders) == 2 and changed.data != first.data


def test_the_csv_names_the_checklist_version_engine_and_input_hash(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    _, assessment_id = start_product(client, token)
    answer_sections(client, token, assessment_id, PREFERRED)
    body = client.get(f"/procurement/assessments/{assessment_id}/export.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    result = client.get(f"/procurement/assessments/{assessment_id}/export.json").get_json()[
        "result"
    ]
    assert {(r["Checklist"], r["Checklist version"], r["Engine version"], r["Input hash"])
            for r in rows} == {("quick-edtech-check", "1.0.0", result["engine_version"],
                                result["inputs_hash"])}  # fmt: skip


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_answers_are_in_their_own_pdf_and_not_in_the_governors_report(
    world, signed_in, csrf, app
):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    _, assessment_id = start_product(client, token)
    answer_sections(client, token, assessment_id, PREFERRED)
    base = f"/procurement/assessments/{assessment_id}"
    report = _text(client.get(f"{base}/report.pdf").data)
    answers = _text(client.get(f"{base}/answers.pdf").data)
    checklist = app.extensions["content"].checklists["quick-edtech-check"]
    questions = [q for q in checklist.questions.values() if q.id in PREFERRED]
    flat = {name: " ".join(text.split()) for name, text in (("r", report), ("a", answers))}
    for question in questions:  # every answered question, with its answer, is in the appendix
        assert f"{question.id}. {' '.join(question.text.split())[:40]}" in flat["a"], question.id
    assert "Answer: " in answers and "Reference: " in answers
    # The governors' report has the decision, scores and action plan, and links to the appendix.
    assert "Scores" in report and "Action plan" in report and "Children's data summary" in report
    assert "Answers by section" not in report
    assert f"assessment-{assessment_id}-answers.pdf" in flat["r"]
    assert not any(f"{q.id}. {' '.join(q.text.split())[:40]}" in flat["r"] for q in questions)
    # The PDFs link to each other at the public address (PUBLIC_BASE_URL).
    links = {
        annotation.get_object()["/A"]["/URI"]
        for page in PdfReader(io.BytesIO(client.get(f"{base}/report.pdf").data)).pages
        for annotation in page.get("/Annots") or []
    }
    assert f"http://localhost{base}/answers.pdf" in links
    # The review page links to both.
    review = client.get(f"{base}/review").get_data(as_text=True)
    assert f'href="{base}/report.pdf"' in review and f'href="{base}/answers.pdf"' in review


def test_the_product_page_links_to_the_latest_decisions_two_pdfs(world, signed_in):
    client = signed_in(world.user("A", "business_manager"))
    vendor = decided_product(world.school_a, "Phonics Stars", None)
    decided = vendor.assessments[0].id
    page = client.get(f"/procurement/vendors/{vendor.id}").get_data(as_text=True)
    report = f'<a class="govuk-link" href="/procurement/assessments/{decided}/report.pdf">'
    answers = f'<a class="govuk-link" href="/procurement/assessments/{decided}/answers.pdf">'
    assert f"Latest decision: {report}the report (PDF)</a> and {answers}" in page
