"""The procurement journey in Chromium, at 1280 px (with axe on every page) and at 390 px (no page
may scroll sideways): a business manager registers a product, completes the quick checklist,
reads the rating and proposes approval with conditions; the DPO signs it off; the report PDF is
downloaded; a condition is marked met. Then two editors on one section: "Save again" keeps the
colleague's answer."""

import io
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from app.models.base import utcnow
from app.templating import long_date
from tests.browser.conftest import check_accessibility, sign_in

ANSWERS = {
    "contract": {"Q01": "yes", "Q02": "processor_only", "Q03": "partial"},
    "commercial-use": {"Q05": "no", "Q06": "no", "Q07": "yes", "Q08": "yes"},
    "pupils": {"Q09": "yes", "Q10": "partial", "Q11": "yes", "Q12": "yes"},
    "security": {"Q13": "yes", "Q14": "unknown", "Q15": "yes", "Q16": "cyber_essentials"},
    "retention": {"Q17": "yes", "Q18": "partial", "Q19": "yes", "Q20": "yes"},
}
EVIDENCE = {"Q01", "Q05", "Q17", "Q16"}
PHONE = 390
expect.set_options(timeout=10_000)  # the machine may be busy: wait as long as actions do


def _sign_out(page) -> None:
    """The sign-out button sits in the navigation, behind the menu toggle on a phone."""
    menu = page.locator(".govuk-service-navigation__toggle")
    if menu.is_visible():
        menu.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def _fits(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide at {width} px"


@pytest.mark.parametrize("width", [1280, PHONE])
def test_business_manager_and_dpo_journey(browser, live_server, world, width):
    context = browser.new_context(
        base_url=live_server, accept_downloads=True, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)

    def check() -> None:
        _fits(page, width)
        if width != PHONE:
            check_accessibility(page)

    sign_in(page, world.user("A", "business_manager").email)
    page.goto("/procurement/")
    expect(page.get_by_text("No products registered yet")).to_be_visible()
    check()

    page.get_by_role("button", name="Add a product").click()
    check()
    page.get_by_label("Product name").fill("Phonics Stars")
    page.get_by_label("Supplier", exact=True).fill("Acme Learning Ltd")
    page.get_by_label("Website").fill("https://acme.example")
    page.get_by_label("Names and contact details").check()
    page.get_by_role("button", name="Save product").click()
    expect(page.get_by_role("heading", name="Phonics Stars")).to_be_visible()
    check()

    page.get_by_label("Questionnaire").select_option("quick-edtech-check")
    page.get_by_role("button", name="Start an assessment").click()
    check()
    page.get_by_label("Pupils (with or without their own login)").check()
    page.locator("input[name=P02][value=yes]").check()
    page.get_by_label("Names and contact details").check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved")).to_be_visible()
    check()

    for section, answers in ANSWERS.items():
        page.locator(f"a[href$='/sections/{section}']").click()
        for qid, value in answers.items():
            page.locator(f"input[name='answer-{qid}'][value='{value}']").check()
            if qid in EVIDENCE:
                page.locator(f"#evidence-{qid}").evaluate("el => el.closest('details').open = true")
                page.locator(f"#evidence-{qid}").fill("https://acme.example/evidence")
        check()
        page.get_by_role("button", name="Save and return to the task list").click()
        expect(page.get_by_text("saved.").first).to_be_visible()
    expect(page.get_by_text("You have answered 19 of 19 questions.")).to_be_visible()
    check()

    page.get_by_role("button", name="See the score and rating").click()
    expect(page.get_by_text("Amber: approve with conditions").first).to_be_visible()
    expect(page.get_by_text("Cap: Q11")).to_be_visible()
    assert page.locator("svg[role=img]").count() == 1
    check()

    page.get_by_role("button", name="Propose a decision").click()
    assert page.locator("input[name=outcome][value=approve]").count() == 0  # amber: no outright
    check()
    page.get_by_label("Approve with conditions").check()
    page.get_by_label("Reason for the decision").fill("Chat must be limited to the school first.")
    due = (utcnow().date() + timedelta(days=45)).isoformat()
    page.locator("#conditions-0-text").fill("Class chat limited to the school's own pupils")
    page.locator("#conditions-0-owner").select_option("supplier")
    page.locator("#conditions-0-supplier_contact").fill("Sam Patel, Acme")
    page.locator("#conditions-0-due_on").fill(due)
    page.locator("#conditions-1-text").fill("Half a condition")  # no owner or date: an error
    page.get_by_role("button", name="Propose decision").click()
    expect(page.get_by_text("Condition 2: Choose who owns it").first).to_be_visible()
    assert page.locator("#conditions-0-supplier_contact").input_value() == "Sam Patel, Acme"
    check()
    page.locator("#conditions-1-text").fill("")
    page.get_by_role("button", name="Propose decision").click()
    expect(page.get_by_text("Decision proposed.")).to_be_visible()
    check()
    _sign_out(page)

    sign_in(page, world.user("A", "dpo").email)
    page.goto("/procurement/reviews")
    check()
    page.get_by_role("link", name="Phonics Stars").first.click()
    check()
    page.get_by_label("Sign it off").check()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Decision signed off: Approve with conditions.")).to_be_visible()
    expect(page.get_by_text("Signed off by")).to_be_visible()
    check()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the report (PDF)").click()
    pdf = download_info.value.path().read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Amber: approve with conditions" in text and "Cap: Q11" in text
    for title in ("Contract and roles", "Commercial use of pupil data", "Security"):
        assert title in text
    assert "Action plan" in text and "Q14" in text
    assert long_date(due) in text and "Sam Patel, Acme (supplier contact)" in text

    page.get_by_role("link", name="Mark as met").first.click()
    check()
    page.get_by_label("How was it met?").fill("Supplier's settings page shows chat is school-only")
    page.get_by_role("button", name="Mark as met").click()
    expect(page.get_by_text("Condition marked as met")).to_be_visible()
    check()

    for path in ("/procurement/", "/procurement/reviews", "/procurement/compare",
                 "/procurement/import", "/procurement/?status=archived"):  # fmt: skip
        page.goto(path)
        check()
    page.goto("/procurement/")
    page.get_by_role("link", name="Phonics Stars").click()
    page.get_by_role("button", name="Archive product").click()
    expect(page.get_by_text("was archived")).to_be_visible()
    check()

    # A product with nothing decided can be deleted, after a confirmation page.
    page.goto("/procurement/vendors/new")
    page.get_by_label("Product name").fill("Spare Spelling")
    page.get_by_label("Supplier", exact=True).fill("Spare Ltd")
    page.get_by_role("button", name="Save product").click()
    page.get_by_role("button", name="Delete product").click()
    expect(page.get_by_role("heading", name="Delete Spare Spelling?")).to_be_visible()
    check()
    page.get_by_role("button", name="Delete the product").click()
    expect(page.get_by_text("Spare Spelling was deleted.")).to_be_visible()
    check()
    context.close()


def test_two_editors_save_again_keeps_the_colleagues_answer(browser, live_server, world):
    contexts = [browser.new_context(base_url=live_server) for _ in range(2)]
    mine, theirs = (context.new_page() for context in contexts)
    sign_in(mine, world.user("A", "business_manager").email)
    sign_in(theirs, world.user("A", "dpo").email)
    mine.goto("/procurement/vendors/new")
    mine.get_by_label("Product name").fill("Shared Sums")
    mine.get_by_label("Supplier", exact=True).fill("Sums Ltd")
    mine.get_by_role("button", name="Save product").click()
    mine.get_by_label("Questionnaire").select_option("quick-edtech-check")
    mine.get_by_role("button", name="Start an assessment").click()
    mine.get_by_label("Pupils (with or without their own login)").check()
    mine.locator("input[name=P02][value=yes]").check()
    mine.get_by_label("Names and contact details").check()
    mine.get_by_role("button", name="Save profile").click()
    mine.locator("a[href$='/sections/contract']").click()
    section = mine.url
    theirs.goto(section)  # both have the section open

    theirs.locator("input[name='answer-Q01'][value='no']").check()
    theirs.locator("input[name='answer-Q02'][value='controller']").check()
    theirs.locator("#note-Q02").evaluate("el => el.closest('details').open = true")
    theirs.locator("#note-Q02").fill("They analyse usage for their own product")
    theirs.get_by_role("button", name="Save and continue").click()
    expect(theirs.get_by_text("saved.").first).to_be_visible()

    mine.locator("input[name='answer-Q01'][value='yes']").check()  # both changed Q01
    mine.locator("input[name='answer-Q03'][value='yes']").check()
    mine.get_by_role("button", name="Save and continue").click()
    expect(mine.get_by_text("Choose which answers to keep")).to_be_visible()
    check_accessibility(mine)
    mine.get_by_label("Mine, as in the form below").check()
    mine.get_by_role("button", name="Save again").click()
    expect(mine.get_by_text("saved.").first).to_be_visible()

    theirs.goto(section)
    assert theirs.locator("input[name='answer-Q01'][value='yes']").is_checked()  # my choice
    assert theirs.locator("input[name='answer-Q02'][value='controller']").is_checked()
    assert theirs.locator("#note-Q02").input_value() == "They analyse usage for their own product"
    assert theirs.locator("input[name='answer-Q03'][value='yes']").is_checked()
    for context in contexts:
        context.close()
