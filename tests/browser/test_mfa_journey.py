"""Two-step sign-in in Chromium: set it up from Your account (QR code and key), sign in with a
code, sign in with a recovery code, and a school that requires it sending a business manager
to set it up. Each page is checked with axe and at 390 px."""

import re

import pyotp
from playwright.sync_api import expect

from app.models import db
from app.models.oversight import SchoolSettings
from tests.browser.conftest import check_accessibility, sign_in


def _fits_a_phone(page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url
    page.set_viewport_size({"width": 1280, "height": 900})


def _set_up(page) -> tuple[str, list[str]]:
    """On the set-up page: read the key, enter a code; returns (secret, recovery codes)."""
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    check_accessibility(page)
    _fits_a_phone(page)
    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill("000000")
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", name="Two-step sign-in is on")).to_be_visible()
    check_accessibility(page)
    _fits_a_phone(page)
    codes = page.locator(".app-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    return secret, codes


def _sign_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def _password_step(page, email: str) -> None:
    sign_in(page, email)
    expect(page.get_by_role("heading", name="Enter the code from your authenticator app"))


def test_set_up_then_sign_in_with_a_code_and_with_a_recovery_code(page, world):
    teacher = world.user("A", "teacher")
    sign_in(page, teacher.email)
    page.goto("/account")
    page.get_by_role("link", name="Set up two-step sign-in").click()
    _, codes = _set_up(page)
    page.get_by_role("link", name="I have saved my codes").click()
    _sign_out(page)

    _password_step(page, teacher.email)
    check_accessibility(page)
    _fits_a_phone(page)
    db.session.refresh(teacher)
    code = pyotp.TOTP(teacher.totp_secret).generate_otp(teacher.totp_last_step + 1)
    page.get_by_label("Code from your authenticator app").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=f"Hello, {teacher.display_name}")).to_be_visible()
    _sign_out(page)

    _password_step(page, teacher.email)
    page.get_by_role("link", name="I cannot use my authenticator app").click()
    check_accessibility(page)
    page.get_by_label("Recovery code").fill(codes[0])
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("You used a recovery code: 9 left")).to_be_visible()
    page.goto("/account/two-step")
    expect(page.get_by_text("9")).to_be_visible()
    check_accessibility(page)
    _fits_a_phone(page)


def test_a_school_that_requires_it_sends_a_business_manager_to_set_it_up(page, world):
    db.session.add(SchoolSettings(school_id=world.school_a.id, require_mfa=True))
    db.session.commit()
    manager = world.user("A", "business_manager")
    sign_in(page, manager.email)
    assert page.url.endswith("/account/two-step")
    expect(page.get_by_text("Your school requires two-step sign-in")).to_be_visible()
    page.goto("/procurement/")
    assert page.url.endswith("/account/two-step")  # nothing else opens until it is set up
    _set_up(page)
    page.get_by_role("link", name="I have saved my codes").click()
    page.goto("/procurement/")
    expect(page.get_by_role("heading", name="Edtech products")).to_be_visible()
