"""Signing in with the school's identity provider in Chromium, against the local OpenID Connect
provider (tests/oidc): the cookie survives the trip to the provider and back (SameSite=Lax),
the Content Security Policy lets the browser go there (the button is a link, not a form), and
the pages on the way pass axe and fit a 390 px phone."""

import pytest

from tests.browser.conftest import check_accessibility
from tests.oidc.harness import start_provider
from tests.sso_helpers import connect


@pytest.fixture(scope="module")
def journey_provider(live_server):
    provider = start_provider(f"{live_server}/sign-in/sso/callback")
    yield provider
    provider.stop()


def _fits_a_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_a_teacher_signs_in_with_the_school_account(
    app, browser, live_server, world, journey_provider, monkeypatch
):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", live_server)
    connect(world.school_a, journey_provider)
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    elsewhere: list[str] = []
    ours = (live_server, journey_provider.issuer, "data:")

    def watch(request) -> None:
        # Only our pages are checked: the test provider's own pages load a web font.
        if request.frame.url.startswith(live_server) and not request.url.startswith(ours):
            elsewhere.append(request.url)

    page.on("request", watch)
    try:
        page.goto("/training/")
        page.get_by_role("link", name="sign in with your school account").click()
        check_accessibility(page)
        _fits_a_phone(page)
        page.get_by_label("Your school email address").fill("teacher@a.example")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url("**/sign-in/school/**")
        check_accessibility(page)
        _fits_a_phone(page)
        page.get_by_role("button", name="Sign in with Local IdP").click()
        page.wait_for_url(f"{journey_provider.issuer}/**")
        page.fill("input[name=login]", "teacher-a")
        page.fill("input[name=password]", "any password")
        page.click("button[type=submit]")  # sign in at the provider
        page.click("button[type=submit]")  # consent
        page.wait_for_url(f"{live_server}/training/")
        assert page.get_by_role("heading", level=1).inner_text() == "My training"
        _fits_a_phone(page)

        # Someone the school does not know is refused with a reason, on an accessible page.
        context.clear_cookies()  # another person on the same computer
        page.goto(f"/sign-in/school/school-{world.school_a.id}/start")
        page.fill("input[name=login]", "outside-domain")
        page.fill("input[name=password]", "any password")
        page.click("button[type=submit]")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/sign-in/sso/callback**")
        assert "signs in with addresses ending @a.example only" in page.content()
        check_accessibility(page)
        _fits_a_phone(page)
    finally:
        context.close()
    assert not elsewhere, elsewhere
