"""The supplier-response journey in Chromium (axe on every page at 1280 px; the supplier's pages
also at 390 px, where none may scroll sideways): the business manager invites the supplier; the
supplier, with no account, answers every question, attaches a PDF and sends the answers; the
school queries one answer, the supplier changes it; the school overrides one and accepts the
rest; the review page and the report show where each answer came from; the decision is
proposed and signed off."""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from app.models import OutboxEmail, db
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_procurement_journey import _sign_out

ANSWERS = {
    "contract": {"Q01": "yes", "Q02": "processor_only", "Q03": "yes"},
    "commercial-use": {"Q05": "no", "Q06": "no", "Q07": "yes", "Q08": "yes"},
    "pupils": {"Q09": "yes", "Q10": "yes", "Q11": "no", "Q12": "yes"},
    "security": {"Q13": "yes", "Q14": "yes", "Q15": "yes", "Q16": "iso27001"},
    "retention": {"Q17": "yes", "Q18": "yes", "Q19": "yes", "Q20": "yes"},
}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PHONE = 390


def _fits(page) -> None:
    page.set_viewport_size({"width": PHONE, "height": 900})
    scroll = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert scroll <= PHONE, f"{page.url} is {scroll} px wide at {PHONE} px"


def _check(page) -> None:
    check_accessibility(page)
    _fits(page)


def _supplier_link() -> str:
    body = db.session.execute(
        select(OutboxEmail.body)
        .where(OutboxEmail.recipient == "sam@acme.example")
        .order_by(OutboxEmail.id.desc())
    ).scalar()
    match = re.search(r"http://localhost(/procurement/supplier/\S+)", body or "")
    assert match, body
    return match.group(1)


def test_the_supplier_answers_and_the_school_reviews_and_decides(browser, live_server, world):
    school = browser.new_context(base_url=live_server, accept_downloads=True).new_page()
    school.set_default_timeout(10_000)
    sign_in(school, world.user("A", "business_manager").email)
    school.goto("/procurement/vendors/new")
    school.get_by_label("Product name").fill("Phonics Stars")
    school.get_by_label("Supplier", exact=True).fill("Acme Learning Ltd")
    school.get_by_role("button", name="Save product").click()
    school.get_by_label("Questionnaire").select_option("quick-edtech-check")
    school.get_by_role("button", name="Start an assessment").click()
    school.get_by_label("Pupils (with or without their own login)").check()
    school.locator("input[name=P02][value=yes]").check()
    school.get_by_label("Names and contact details").check()
    school.get_by_role("button", name="Save profile").click()
    school.get_by_role("link", name="Ask the supplier to answer").click()
    _check(school)
    school.get_by_label("Contact's name").fill("Sam Supplier")
    school.get_by_label("Contact's email address").fill("sam@acme.example")
    school.get_by_role("button", name="Send the link").click()
    expect(school.get_by_text("Link sent to sam@acme.example.")).to_be_visible()
    _check(school)
    responses_url = school.url

    # The supplier: no account, only the link.
    supplier = browser.new_context(base_url=live_server).new_page()
    supplier.set_default_timeout(10_000)
    link = _supplier_link()
    supplier.goto(link)
    expect(
        supplier.get_by_role("heading", name=re.compile("Questions about Phonics Stars"))
    ).to_be_visible()
    _check(supplier)
    for section, answers in ANSWERS.items():
        supplier.locator(f"a[href$='/sections/{section}']").click()
        for qid, value in answers.items():
            supplier.locator(f"input[name='answer-{qid}'][value='{value}']").check()
        if section == "contract":
            _check(supplier)
        supplier.get_by_role("button", name="Save and return to the sections").click()
        expect(supplier.get_by_text("are saved.")).to_be_visible()
    supplier.locator("a[href$='/sections/contract']").click()
    supplier.get_by_role("link", name="Attach evidence files for this section").click()
    _check(supplier)
    supplier.get_by_label("Question the file is evidence for").select_option("Q01")
    supplier.get_by_label(re.compile("^File")).set_input_files(
        {"name": "Data processing agreement.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    supplier.locator("#as_of").fill("2026-11-01")
    supplier.get_by_role("button", name="Attach the file").click()
    expect(supplier.get_by_text("Data processing agreement.pdf attached to Q01.")).to_be_visible()
    _check(supplier)
    supplier.goto(link)
    supplier.get_by_role("button", name="Send my answers to the school").click()
    expect(
        supplier.get_by_text("Your answers have been sent to the school (19 of 19")
    ).to_be_visible()
    _check(supplier)

    # The school queries Q01.
    school.goto(responses_url)
    expect(school.get_by_role("link", name="Data processing agreement.pdf")).to_be_visible()
    school.get_by_role("link", name="Review Q01").click()
    _check(school)
    school.get_by_label("Query it: send the supplier a note, and they can change it").check()
    school.get_by_label("Note to the supplier, or the reason for the school's answer").fill(
        "Which clause of your agreement says this?"
    )
    school.get_by_role("button", name="Save the review").click()
    expect(school.get_by_text("Q01 reviewed.")).to_be_visible()

    # The supplier changes the queried answer and sends again.
    supplier.goto(link)
    expect(supplier.get_by_text("The school asks about Q01")).to_be_visible()
    supplier.locator("a[href$='/sections/contract']").click()
    expect(supplier.get_by_text("Which clause of your agreement says this?")).to_be_visible()
    assert supplier.locator("input[name='answer-Q02']").count() == 0  # not queried: fixed
    supplier.locator("#note-Q01").evaluate("el => el.closest('details').open = true")
    supplier.locator("#note-Q01").fill("Clause 4.2 of our data processing agreement")
    supplier.get_by_role("button", name="Save and return to the sections").click()
    supplier.get_by_role("button", name="Send my changed answers to the school").click()
    expect(supplier.get_by_text("Your answers have been sent")).to_be_visible()

    # The school overrides Q11 and accepts the rest.
    school.goto(responses_url)
    expect(school.get_by_text("Clause 4.2 of our data processing agreement")).to_be_visible()
    school.get_by_role("link", name="Review Q11").click()
    school.get_by_label("Override it: record the school's own answer and the reason").check()
    school.locator("input[name='answer-Q11'][value='yes']").check()
    school.get_by_label("Note to the supplier, or the reason for the school's answer").fill(
        "Our own test found pupils can message strangers"
    )
    school.get_by_role("button", name="Save the review").click()
    expect(school.get_by_text("Q11 reviewed.")).to_be_visible()
    school.get_by_role("button", name=re.compile("Accept every answer not reviewed yet")).click()
    expect(school.get_by_text("18 answers accepted.")).to_be_visible()
    _check(school)

    school.get_by_role("link", name="Back to the review").click()
    expect(school.get_by_text("School-overridden").first).to_be_visible()
    expect(school.get_by_text("School-verified").first).to_be_visible()
    _check(school)
    school.get_by_role("button", name="Propose a decision").click()
    school.get_by_label("Approve with conditions").check()
    school.get_by_label("Reason for the decision").fill("Messaging must be limited first.")
    school.locator("#conditions-0-text").fill("Messaging limited to the school")
    school.locator("#conditions-0-owner").select_option("supplier")
    school.locator("#conditions-0-supplier_contact").fill("Sam Supplier")
    school.locator("#conditions-0-due_on").fill("2027-03-01")
    school.get_by_role("button", name="Propose decision").click()
    expect(school.get_by_text("Decision proposed.")).to_be_visible()
    _sign_out(school)

    sign_in(school, world.user("A", "dpo").email)
    school.goto("/procurement/reviews")
    school.get_by_role("link", name="Phonics Stars").first.click()
    school.get_by_label("Sign it off").check()
    school.get_by_role("button", name="Confirm").click()
    expect(school.get_by_text("Decision signed off: Approve with conditions.")).to_be_visible()
    report = _download_text(school, "Download the report (PDF)")
    assert "Where the answers came from" in report  # the governors' report: a summary
    assert "School-overridden: 1" in report and "School-verified" in report
    answers = _download_text(school, "Download the full answers (PDF, the report's appendix)")
    assert "School-overridden" in answers and "School-verified" in answers  # each answer's
    assert "Our own test found pupils can message strangers" in answers
    assert "Data processing agreement.pdf" in answers

    # Now decided, the link closes with a clear page.
    supplier.goto(link)
    expect(supplier.get_by_role("heading", name="This questionnaire is closed")).to_be_visible()
    school.context.close()
    supplier.context.close()


def _download_text(page, link_name: str) -> str:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    pdf = download_info.value.path().read_bytes()
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
