"""The newcomer's journey in headless Chromium: the demo teacher reads the sample module's
lessons, fails and then passes the knowledge check, downloads the certificate PDF and checks its
code on the public page, with axe finding no violation on any page on the way.

The app serves the small fixture module (tests/fixtures/modules/journey) instead of modules/,
so the journey does not break when the real content changes."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from app.demo import DEMO_PASSWORD, DEMO_SCHOOLS, demo_email, seed_demo
from app.models import Role, db
from app.models.training import Certificate, QuizAttempt
from tests.browser.conftest import check_accessibility, sign_in
from tests.training_helpers import MODULE_ID, correct_answers, use_fixture_modules, wrong_answers

# The demo teacher's sign-in, as `flask demo` prints it (teacher@oakfield.example).
DEMO_TEACHER = demo_email(Role.TEACHER, DEMO_SCHOOLS[0][1])


@pytest.fixture
def demo(app, monkeypatch):
    use_fixture_modules(app, monkeypatch)
    seed_demo()
    db.session.remove()


def _attempt(page) -> QuizAttempt:
    attempt_id = int(re.search(r"/training/attempts/(\d+)", page.url).group(1))
    db.session.expire_all()
    return db.session.get(QuizAttempt, attempt_id)


def _answer(page, answers: dict[str, list[str]]) -> None:
    for question_id, chosen in answers.items():
        for option_id in chosen:
            selector = f'input[name="q-{question_id}"][value="{option_id}"]'
            input_id = page.locator(selector).get_attribute("id")
            page.locator(f'label[for="{input_id}"]').click()
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_load_state()


def _check(page, width: int) -> None:
    """No axe violation, and nothing wider than the window (no sideways scrolling)."""
    check_accessibility(page)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, (page.url, scroll_width)


@pytest.mark.parametrize("width", [1280, 390])
def test_newcomer_reads_fails_passes_and_verifies_the_certificate(page, demo, width):
    """A teacher cannot open the check before reading the lessons; fails once without seeing
    the right options; passes; the certificate (page, PDF and /verify) names the school. At
    1280 px and on a 390 px phone, where no page scrolls sideways."""
    page.set_viewport_size({"width": width, "height": 844})
    sign_in(page, DEMO_TEACHER, DEMO_PASSWORD)

    if width < 641:
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="My training").first.click()
    expect(page.get_by_role("heading", name="My training")).to_be_visible()
    expect(page.get_by_text("You have not started any training yet")).to_be_visible()
    expect(page.get_by_text("Due by").first).to_be_visible()  # the demo assignment
    _check(page, width)

    page.get_by_role("link", name="Handling pupil data safely").first.click()
    expect(
        page.get_by_text("The knowledge check opens when you have read every lesson")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Start the knowledge check")).to_have_count(0)
    _check(page, width)
    page.get_by_role("button", name="Start the first lesson").click()
    expect(page.get_by_role("heading", name="What is personal data")).to_be_visible()
    expect(page.get_by_text("Key point")).to_be_visible()
    _check(page, width)
    # "Next" records the lesson as read, like "Mark as read and continue".
    page.locator(".govuk-pagination__next").get_by_role("button").click()
    expect(page.get_by_role("heading", name="Sharing safely")).to_be_visible()
    _check(page, width)
    page.get_by_role("button", name="Mark as read and go to the knowledge check").click()
    expect(page.get_by_text("You have read every lesson")).to_be_visible()
    assert page.locator(".app-step-list__done").count() == 2
    _check(page, width)

    page.get_by_role("button", name="Start the knowledge check").click()
    expect(page.get_by_role("heading", name="Knowledge check")).to_be_visible()
    _check(page, width)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert "Choose an answer for question" in page.locator(".govuk-error-summary").inner_text()
    _check(page, width)

    failed = _attempt(page)
    _answer(page, wrong_answers(failed.questions))
    expect(page.get_by_role("heading", name="You did not pass this time")).to_be_visible()
    for number, question in enumerate(failed.questions):
        shown = " ".join(page.locator(".app-answer").nth(number).inner_text().split())
        chosen = next(o for o in question["options"] if not o["correct"])
        assert chosen["feedback"] in shown  # why the chosen answer was wrong
        for option in question["options"]:
            if option["correct"]:  # but not the right answer
                assert option["text"] not in shown.replace(question["prompt"], ""), option
        assert question["explanation"] not in shown
    _check(page, width)

    page.get_by_role("button", name="Try the knowledge check again").click()
    retake = _attempt(page)
    assert {q["id"] for q in retake.questions}.isdisjoint({q["id"] for q in failed.questions})
    _answer(page, correct_answers(retake.questions))
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()
    _check(page, width)

    page.get_by_role("button", name="View your certificate").click()
    expect(page.get_by_text("Oakfield Primary School")).to_be_visible()
    _check(page, width)
    db.session.expire_all()
    certificate = db.session.query(Certificate).one()
    expect(page.get_by_text(certificate.code, exact=True)).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download certificate (PDF)").click()
    pdf = PdfReader(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    text = " ".join(pdf.pages[0].extract_text().split())
    for expected in (
        "Tara Teacher",
        "of Oakfield Primary School",
        "Handling pupil data safely",
        certificate.code,
        f"{certificate.issued_at.day} {certificate.issued_at:%B %Y}",
        f"{certificate.expires_at.day} {certificate.expires_at:%B %Y}",
    ):
        assert expected in text, (expected, text)

    page.goto("/training/")
    expect(page.get_by_text("2 of 2 lessons read").first).to_be_visible()
    _check(page, width)
    page.goto(f"/training/modules/{MODULE_ID}")
    _check(page, width)
    page.goto(f"/training/attempts/{failed.id}/result")  # passed since: now shows the answers
    expect(page.get_by_text("You have passed this module since")).to_be_visible()
    _check(page, width)

    page.goto("/training/cpd")
    expect(page.get_by_role("link", name=re.compile("View"))).to_be_visible()
    _check(page, width)

    page.context.clear_cookies()
    page.goto("/verify")
    _check(page, width)
    page.get_by_label("Certificate code").fill(certificate.code.lower())
    page.get_by_role("button", name="Check certificate").click()
    expect(page.get_by_role("heading", name="Valid certificate")).to_be_visible()
    expect(page.get_by_text("Tara Teacher")).to_be_visible()
    expect(page.get_by_text("Oakfield Primary School")).to_be_visible()
    _check(page, width)


def test_verify_errors_and_not_found_are_accessible(page, app, monkeypatch):
    use_fixture_modules(app, monkeypatch)
    page.goto("/verify")
    page.get_by_role("button", name="Check certificate").click()
    assert "Enter the certificate code" in page.locator(".govuk-error-summary").inner_text()
    check_accessibility(page)
    page.goto("/verify/7K3M-Q9XZ-0D4R-TT8B-M2QA")
    expect(page.get_by_role("heading", name="Certificate not found")).to_be_visible()
    check_accessibility(page)


# Words of lesson table cells that wrap across two lines (a break inside a word, "infor/med").
WORDS_BROKEN_ACROSS_LINES = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('.app-lesson table td, .app-lesson table th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter(box => box.width > 0)
          .map(box => Math.round(box.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


def test_real_module_pages_are_accessible(page, world):
    """The real modules/ content renders without an axe violation: every module page, every
    lesson that holds a table, and the first lesson of each module (callouts, lists, links).
    On a small phone nothing scrolls sideways; lesson tables are stacked there, and at tablet and
    desktop widths they wrap between words, never inside one.
    (tests/integration/test_training_content.py opens every lesson with the test client.)"""
    from app.content.registry import content

    sign_in(page, world.user("A", "teacher").email)
    page.set_viewport_size({"width": 360, "height": 740})  # a small phone: nothing scrolls sideways
    tables = []
    for module in content().modules.values():
        page.goto(f"/training/modules/{module.id}")
        check_accessibility(page)
        for lesson in module.lessons:
            if lesson.number == 1 or "<table" in lesson.html:
                page.goto(f"/training/modules/{module.id}/lessons/{lesson.slug}")
                assert page.get_by_role("heading", level=1).inner_text() == lesson.title
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 360, (lesson.slug, width)
                check_accessibility(page)
            if "<table" in lesson.html:
                tables.append(f"/training/modules/{module.id}/lessons/{lesson.slug}")
    assert tables, "no lesson holds a table any more: drop the width checks below"
    for width in (360, 641, 700, 800, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for url in tables:
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (url, width)
            assert page.evaluate(WORDS_BROKEN_ACROSS_LINES) == [], (url, width)


def test_the_knowledge_check_works_without_javascript(
    browser, live_server, app, monkeypatch, world
):
    use_fixture_modules(app, monkeypatch)
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, world.user("A", "teacher").email)
        page.goto(f"/training/modules/{MODULE_ID}/lessons/01-what-is-personal-data")
        page.get_by_role("button", name="Mark as read and continue").click()
        expect(page.get_by_role("heading", name="Sharing safely")).to_be_visible()
        page.get_by_role("button", name="Mark as read and go to the knowledge check").click()
        page.get_by_role("button", name="Start the knowledge check").click()
        _answer(page, correct_answers(_attempt(page).questions))
        expect(page.get_by_role("heading", name="You passed")).to_be_visible()
    finally:
        context.close()
