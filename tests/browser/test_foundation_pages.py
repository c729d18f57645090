"""Sign in and out in Chromium, and run axe on every foundation page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in

PUBLIC_PAGES = ["/", "/sign-in", "/reset-password", "/accessibility", "/privacy", "/nowhere"]
ADMIN_PAGES = ["/", "/account", "/admin/staff", "/admin/staff/invite", "/admin/outbox"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_are_accessible(page, path):
    page.goto(path)
    check_accessibility(page)


def test_sign_in_admin_pages_and_sign_out(page, world):
    admin = world.user("A", "school_admin")
    sign_in(page, admin.email)
    expect(page.get_by_role("heading", name=f"Hello, {admin.display_name}")).to_be_visible()
    for path in ADMIN_PAGES:
        page.goto(path)
        check_accessibility(page)
    page.goto(f"/admin/staff/{world.user('A', 'teacher').id}")
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/account")
    assert "/sign-in" in page.url


def test_form_errors_are_summarised_and_accessible(page, world):
    page.goto("/sign-in")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Enter your email address" in summary.inner_text()
    check_accessibility(page)
