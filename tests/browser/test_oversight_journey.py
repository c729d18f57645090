"""The oversight journey in Chromium, with axe on every page: a school admin imports staff from a
CSV with one bad row, assigns a module with a due date, sees the new staff as due; time passes,
they show as overdue and `flask reminders send` emails each of them once. Then the other pages:
trust view, audit log, settings, person record, erasure, and a user downloading their data."""

import json
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from app.models import OutboxEmail, db
from app.models.base import utcnow
from tests.browser.conftest import check_accessibility, sign_in

CSV = (
    b"name,email,roles\n"
    b"Ana Lee,ana.lee@a.example,Teacher\n"
    b"Bad Row,not-an-email,Teacher\n"
    b"Sam Patel,sam.patel@a.example,Teacher; DPO\n"
)
MODULE_TITLE = "Why data protection matters in school"


def _reminders_to(email: str) -> int:
    subjects = db.session.execute(
        select(OutboxEmail.subject).where(OutboxEmail.recipient == email)
    ).scalars()
    return sum(1 for s in subjects if s == "Your data-protection training")


def test_import_assign_dashboard_overdue_and_reminders(page, world, app, monkeypatch):
    start = utcnow()
    monkeypatch.setattr("app.clock.now", lambda: start)
    sign_in(page, world.user("A", "school_admin").email)

    page.goto("/admin/staff")
    page.get_by_role("button", name="Invite staff from a CSV file").click()
    check_accessibility(page)
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": CSV}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("Row 3: “not-an-email” is not an email address").first).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Invite 2 people").click()
    expect(page.get_by_text("2 invitation(s) sent.")).to_be_visible()

    page.goto("/oversight/assignments")
    check_accessibility(page)
    page.get_by_role("button", name="Assign a module").click()
    check_accessibility(page)
    page.get_by_label("Module").select_option(label=MODULE_TITLE)
    page.get_by_label("Everyone in the school").check()
    page.get_by_label("Due date").fill((start + timedelta(days=10)).date().isoformat())
    page.get_by_role("button", name="Assign module").click()
    expect(page.get_by_text(f"{MODULE_TITLE} assigned.")).to_be_visible()

    page.get_by_role("link", name="Back to training compliance").click()
    due_soon = page.locator("#due-soon + table")
    assert "Ana Lee" in due_soon.inner_text() and "Sam Patel" in due_soon.inner_text()
    check_accessibility(page)

    monkeypatch.setattr("app.clock.now", lambda: start + timedelta(days=11))
    page.reload()
    overdue = page.locator("#overdue + table")
    assert "Ana Lee" in overdue.inner_text() and "Overdue" in overdue.inner_text()

    runner = app.test_cli_runner()
    assert "7 reminder email(s) sent." in runner.invoke(args=["reminders", "send"]).output
    assert _reminders_to("ana.lee@a.example") == 1
    assert _reminders_to("sam.patel@a.example") == 1
    assert "0 reminder email(s) sent." in runner.invoke(args=["reminders", "send"]).output
    assert _reminders_to("ana.lee@a.example") == 1

    teacher = world.user("A", "teacher")
    for path in ("/oversight/settings", f"/oversight/people/{teacher.id}",
                 f"/admin/staff/{teacher.id}", f"/admin/staff/{teacher.id}/erase"):  # fmt: skip
        page.goto(path)
        check_accessibility(page)


def test_trust_view_audit_log_and_own_data_download(page, world):
    sign_in(page, world.user("A", "trust_admin").email)
    page.goto("/oversight/trust")
    expect(page.get_by_role("link", name="School A2")).to_be_visible()
    assert page.get_by_text("School B").count() == 0
    check_accessibility(page)
    page.get_by_role("link", name="School A2").click()
    check_accessibility(page)
    page.goto("/oversight/audit")
    check_accessibility(page)
    page.get_by_label("Event", exact=True).select_option("sign_in")
    page.get_by_role("button", name="Filter").click()
    assert page.locator("table").inner_text().count("sign in") >= 1
    check_accessibility(page)

    page.goto("/account")
    check_accessibility(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download your data (JSON)").click()
    data = json.loads(Path(download_info.value.path()).read_text())
    assert data["profile"]["email"] == world.user("A", "trust_admin").email
