"""The business manager's journey in Chromium: register a vendor, complete the quick checklist with
a knock-out failure, read the rating and its explanation, record a conditional decision and
download the PDF. axe runs on every page on the way."""

import io
from datetime import timedelta

from playwright.sync_api import expect
from pypdf import PdfReader

from app.models.base import utcnow
from app.templating import long_date
from tests.browser.conftest import check_accessibility, sign_in

ANSWERS = {
    "contract": {"Q01": "yes", "Q02": "processor_only", "Q03": "partial"},
    "commercial-use": {"Q05": "yes", "Q06": "no", "Q07": "yes", "Q08": "yes"},
    "pupils": {"Q09": "yes", "Q10": "partial", "Q11": "no", "Q12": "yes"},
    "security": {"Q13": "yes", "Q14": "unknown", "Q15": "yes", "Q16": "cyber_essentials"},
    "retention": {"Q17": "yes", "Q18": "partial", "Q19": "yes", "Q20": "yes"},
}
EVIDENCE = {"Q01", "Q17", "Q16"}


def test_business_manager_journey(page, world):
    sign_in(page, world.user("A", "business_manager").email)
    page.goto("/procurement/")
    expect(page.get_by_text("No products registered yet")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="Add a product").click()
    check_accessibility(page)
    page.get_by_label("Product name").fill("Phonics Stars")
    page.get_by_label("Supplier", exact=True).fill("Acme Learning Ltd")
    page.get_by_label("Website").fill("https://acme.example")
    page.get_by_label("Names and contact details").check()
    page.get_by_role("button", name="Save product").click()
    expect(page.get_by_role("heading", name="Phonics Stars")).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Questionnaire").select_option("quick-edtech-check")
    page.get_by_role("button", name="Start an assessment").click()
    check_accessibility(page)
    page.get_by_label("Pupils (with or without their own login)").check()
    page.locator("input[name=P02][value=yes]").check()
    page.get_by_label("Names and contact details").check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved")).to_be_visible()
    check_accessibility(page)

    for section, answers in ANSWERS.items():
        page.locator(f"a[href$='/sections/{section}']").click()
        for qid, value in answers.items():
            page.locator(f"input[name='answer-{qid}'][value='{value}']").check()
            if qid in EVIDENCE:
                page.locator(f"#evidence-{qid}").evaluate("el => el.closest('details').open = true")
                page.locator(f"#evidence-{qid}").fill("https://acme.example/evidence")
        check_accessibility(page)
        page.get_by_role("button", name="Save and return to the task list").click()
        expect(page.get_by_text("saved.").first).to_be_visible()
    expect(page.get_by_text("You have answered 19 of 19 questions.")).to_be_visible()

    page.get_by_role("button", name="See the score and rating").click()
    expect(page.get_by_text("Red: do not approve").first).to_be_visible()
    expect(page.get_by_text("Knock-out: Q05")).to_be_visible()
    assert page.locator("svg[role=img]").count() == 1
    check_accessibility(page)

    page.get_by_role("button", name="Record a decision").click()
    check_accessibility(page)
    page.get_by_label("Approve with conditions").check()
    page.get_by_label("Reason for the decision").fill(
        "The supplier will sign a no-sale clause; re-check at the due date."
    )
    due = (utcnow().date() + timedelta(days=45)).isoformat()
    page.locator("#conditions-0-text").fill("Contract clause banning any sale of pupil data")
    page.locator("#conditions-0-owner").fill("School business manager")
    page.locator("#conditions-0-due_on").fill(due)
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded: Approve with conditions.")).to_be_visible()
    expect(page.get_by_text("(departs from the rating)")).to_be_visible()
    check_accessibility(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the report (PDF)").click()
    pdf = download_info.value.path().read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Red: do not approve" in text
    assert "Knock-out: Q05" in text
    for title in ("Contract and roles", "Commercial use of pupil data", "Security"):
        assert title in text
    assert "Action plan" in text and "Q14" in text
    assert "Approve with conditions" in text and long_date(due) in text

    for path in (
        "/procurement/",
        "/procurement/reviews",
        "/procurement/compare",
        "/procurement/import",
    ):
        page.goto(path)
        check_accessibility(page)
