"""The Welsh journey in headless Chromium: switch to Cymraeg on the start page, sign in, open My
training and read a lesson of the module translated into Welsh, with `lang` set on every page and
axe finding nothing. The sign-in page is not translated yet (issue 18, second wave): there the
test checks the switch and `lang` only.

The language switch is a form shown as a link, so it works without JavaScript: the test also
uses it with JavaScript turned off."""

import pytest

from app.demo import DEMO_PASSWORD, DEMO_SCHOOLS, demo_email, seed_demo
from app.models import Role, User, db
from tests.browser.conftest import check_accessibility

DEMO_TEACHER = demo_email(Role.TEACHER, DEMO_SCHOOLS[0][1])
MODULE = "why-data-protection-matters"


@pytest.fixture
def demo(app):
    seed_demo()
    db.session.remove()


def _check(page, width: int, lang: str = "cy") -> None:
    assert page.locator("html").get_attribute("lang") == lang, page.url
    check_accessibility(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.parametrize("width", [1280, 390])
def test_a_teacher_switches_to_welsh_and_reads_a_welsh_lesson(page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    _check(page, width, lang="en-GB")
    with page.expect_navigation():
        page.get_by_role("button", name="Cymraeg").click()
    assert page.url.endswith("/")
    _check(page, width)
    assert page.get_by_role("heading", level=1).inner_text() == "Diogelu data personol disgyblion"

    page.get_by_role("button", name="Mewngofnodi").click()
    _check(page, width)
    assert page.get_by_role("button", name="English").get_attribute("lang") == "en-GB"
    assert page.locator("main").get_attribute("lang") is None  # Welsh, like the page
    assert page.get_by_role("heading", level=1).inner_text() == "Mewngofnodi"
    page.get_by_label("Cyfeiriad e-bost").fill(DEMO_TEACHER)
    page.get_by_label("Cyfrinair").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Mewngofnodi", exact=True).click()

    page.goto("/training/")
    _check(page, width)
    assert page.get_by_role("heading", level=1).inner_text() == "Fy hyfforddiant"
    page.get_by_role("heading", name="Pam mae diogelu data yn bwysig yn yr ysgol").get_by_role(
        "link"
    ).click()
    _check(page, width)
    assert "yn aros i siaradwr Cymraeg ei adolygu" in page.locator("main").inner_text()
    page.get_by_role("button", name="Dechrau'r wers gyntaf").click()
    _check(page, width)
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Y data personol y mae ysgol yn ei gadw"
    )
    assert page.locator(".app-callout__label").first.inner_text() == "Pwynt allweddol"
    page.get_by_role("button", name="Marcio fel wedi'i darllen a pharhau").click()
    page.wait_for_load_state()
    _check(page, width)
    assert page.get_by_role("heading", level=1).inner_text() == "Y gyfraith yn gryno"

    # A module not yet in Welsh says so, and marks its English words.
    page.goto("/training/modules/principles-and-lawful-bases")
    _check(page, width)
    assert page.get_by_text("Nid yw'r modiwl hwn ar gael yn Gymraeg eto.").is_visible()
    assert page.get_by_role("heading", level=1).get_attribute("lang") == "en-GB"

    # The choice is saved on the account.
    db.session.expire_all()
    assert db.session.query(User).filter_by(email=DEMO_TEACHER).one().locale == "cy"


def test_the_switch_works_without_javascript(browser, live_server, demo):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/privacy")
        page.get_by_role("button", name="Cymraeg").click()
        page.wait_for_load_state()
        assert page.url.endswith("/privacy")
        assert page.locator("html").get_attribute("lang") == "cy"
        assert page.get_by_role("heading", level=1).inner_text() == "Hysbysiad preifatrwydd"
    finally:
        context.close()
