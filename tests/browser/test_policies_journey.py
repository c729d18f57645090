"""School policies in Chromium, with axe on every page: a DPO publishes the data protection
policy; a teacher is asked to read it on the home page, reads it and acknowledges it; the DPO
publishes a new version (and, with a bad file first, a PDF policy); the teacher is asked again;
the dashboard and the CSV show who has acknowledged which version."""

import csv
import io
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _publish_text(page, body: str, **fields) -> None:
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_label("Policy text").fill(body)
    page.get_by_role("button", name="Publish").click()


def _switch_to(page, user) -> None:
    page.context.clear_cookies()
    sign_in(page, user.email)


def _acknowledge(page, title: str) -> None:
    page.goto("/")
    banner = page.get_by_role("region", name="Policies to read")
    expect(banner).to_be_visible()
    check_accessibility(page)
    banner.get_by_role("link", name=title).click()
    check_accessibility(page)
    page.get_by_role("button", name="I have read and understood it").click()
    expect(page.get_by_text(f"Your acknowledgement of {title}")).to_be_visible()


def test_publish_acknowledge_new_version_dashboard_and_csv(page, world):
    dpo, teacher = world.user("A", "dpo"), world.user("A", "teacher")
    sign_in(page, dpo.email)
    page.goto("/policies/")
    check_accessibility(page)
    page.get_by_role("button", name="Publish a policy").click()
    check_accessibility(page)
    page.get_by_label("Data protection policy").check()
    _publish_text(
        page, "## Our rules\n\n- Lock your screen.", **{"Version name (optional)": "2025-26"}
    )
    expect(page.get_by_text("Data protection policy published.")).to_be_visible()
    check_accessibility(page)

    _switch_to(page, teacher)
    _acknowledge(page, "Data protection policy")
    expect(page.get_by_role("region", name="Policies to read")).to_have_count(0)

    _switch_to(page, dpo)
    page.goto("/policies/")
    page.get_by_role("link", name="Data protection policy", exact=True).click()
    page.get_by_role("button", name="Publish a new version").click()
    check_accessibility(page)
    expect(page.get_by_label("Policy text")).to_have_value("## Our rules\n\n- Lock your screen.")
    _publish_text(page, "## Our rules\n\n- Lock your screen.\n- Report breaches at once.",
                  **{"What has changed (optional)": "Breaches are reported at once"})  # fmt: skip
    expect(page.get_by_text("Version 2 of Data protection policy published.")).to_be_visible()

    page.goto("/policies/new")
    page.get_by_label("Acceptable use policy").check()
    page.get_by_label("Or upload the policy as a PDF").set_input_files(
        files=[{"name": "aup.pdf", "mimeType": "application/pdf", "buffer": b"<html>no</html>"}]
    )
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("link", name="The selected file must be a PDF")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Or upload the policy as a PDF").set_input_files(
        files=[{"name": "aup.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Acceptable use policy published.")).to_be_visible()
    check_accessibility(page)

    _switch_to(page, teacher)
    page.goto("/")
    banner = page.get_by_role("region", name="Policies to read")
    expect(banner.get_by_role("link")).to_have_count(2)
    banner.get_by_role("link", name="Acceptable use policy").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Acceptable use policy").click()
    assert Path(download.value.path()).read_bytes() == PDF
    _acknowledge(page, "Data protection policy")
    page.goto("/policies/")
    check_accessibility(page)

    _switch_to(page, dpo)
    page.goto("/oversight/")
    table = page.get_by_role("table", name="Who has acknowledged each policy")
    expect(table.get_by_role("row", name="Data protection policy")).to_contain_text("1 of 5")
    check_accessibility(page)
    table.get_by_role("link", name="Data protection policy").click()
    check_accessibility(page)
    page.get_by_role("link", name="Not acknowledged yet (4)").click()
    expect(page.get_by_role("cell", name=teacher.display_name)).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this list (CSV)").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    mine = next(row for row in rows if row[1] == teacher.email)
    assert mine[3:7] == ["Data protection policy", "Version 2", "Acknowledged", "Version 2"]
    assert len(rows) == 1 + 5
