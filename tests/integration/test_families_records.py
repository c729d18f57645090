"""The record of processing activities: one row per product in use and per statutory return, the
school census prefilled from families/, facts the school writes overriding the assessment's, and
CSV and XLSX exports that read back (openpyxl) with one row per processing activity."""

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from app.models import AuditEvent, db
from app.models.transparency import StatutoryReturn
from tests.families_helpers import (
    APPROVED,
    CONDITIONAL,
    QUICK,
    REJECTED,
    publish,
    seed_products,
    settings_for,
)


def _setup(world, signed_in, csrf):
    vendors = seed_products(world.school_a, world.user("A", "business_manager"))
    settings_for(world.school_a, "school-a-page")
    client = signed_in(world.user("A", "dpo"))
    token = csrf(client, "/families/records")
    response = client.post("/families/returns/from/school-census", data={"csrf_token": token})
    assert response.status_code == 302
    return vendors, client


def test_census_row_is_prefilled_from_the_content_file(world, signed_in, csrf):
    _setup(world, signed_in, csrf)
    census = db.session.execute(select(StatutoryReturn)).scalar_one()
    assert census.template_key == "school-census"
    assert "section 537A of the Education Act 1996" in census.lawful_basis
    assert "Department for Education" in census.recipients
    assert db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "statutory_return_added")
    ).scalar_one()


def test_xlsx_has_one_row_per_processing_activity(world, signed_in, csrf):
    vendors, client = _setup(world, signed_in, csrf)
    publish(world.school_a, vendors[APPROVED], recipients="Supplier and its hosting provider")
    response = client.get("/families/records.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(BytesIO(response.data))["Record of processing"]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[0] == "Processing activity"
    assert "Categories of recipients (Art 30(1)(d))" in header
    activities = [row[0] for row in body]
    # Three products in use (published or not) and the census; never the rejected product.
    assert len(body) == 4
    assert sum(CONDITIONAL in a for a in activities) == 1
    assert sum(QUICK in a for a in activities) == 1
    assert not any(REJECTED in a for a in activities)
    assert "School census (Department for Education)" in activities
    approved = next(row for row in body if APPROVED in row[0])
    column = dict(zip(header, approved, strict=True))
    assert column["Categories of recipients (Art 30(1)(d))"] == "Supplier and its hosting provider"
    assert column["Lawful basis"] == "Public task (UK GDPR Article 6(1)(e))"
    assert "School A" in column["Controller and contact details (Art 30(1)(a))"]
    assert "privacy@a.example" in column["Controller and contact details (Art 30(1)(a))"]
    classtalk = dict(zip(header, next(r for r in body if CONDITIONAL in r[0]), strict=True))
    assert classtalk["Transfers outside the UK and safeguards (Art 30(1)(e))"].startswith(
        "Outside the UK (assessment P06)"
    )
    assert classtalk["Lawful basis"] == "[To record]"
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "processing_record_exported")
    ).scalar_one()
    assert event.detail == {"format": "xlsx", "rows": 4}


def test_csv_matches_the_page(world, signed_in, csrf):
    _, client = _setup(world, signed_in, csrf)
    body = client.get("/families/records.csv").get_data(as_text=True)
    assert body.startswith("\ufeffProcessing activity,")
    assert body.count("School census") == 1
    page = client.get("/families/records").get_data(as_text=True)
    for name in (APPROVED, CONDITIONAL, QUICK):
        assert name in page and name in body
    assert "Add the School census" not in page  # already added


def test_a_school_edits_and_removes_a_return(world, signed_in, csrf):
    _, client = _setup(world, signed_in, csrf)
    census = db.session.execute(select(StatutoryReturn)).scalar_one()
    token = csrf(client, f"/families/returns/{census.id}")
    response = client.post(
        f"/families/returns/{census.id}",
        data={"csrf_token": token, "name": census.name, "retention": "Five years"},
    )
    assert response.status_code == 302
    assert "Five years" in client.get("/families/records.csv").get_data(as_text=True)
    response = client.post(f"/families/returns/{census.id}/delete", data={"csrf_token": token})
    assert response.status_code == 302
    assert db.session.execute(select(StatutoryReturn)).first() is None


def test_flask_content_check_lists_families_problems(app, tmp_path):
    import shutil
    from pathlib import Path

    folder = tmp_path / "families"
    shutil.copytree(Path(app.root_path).parent / "families", folder)
    notice = folder / "census-notice.yaml"
    notice.write_text(notice.read_text().replace("[complete-census, ea1996-537a]", "[nowhere]", 1))
    app.config["FAMILIES_DIR"], original = folder, app.config["FAMILIES_DIR"]
    try:
        result = app.test_cli_runner().invoke(args=["content", "check"])
    finally:
        app.config["FAMILIES_DIR"] = original
    assert result.exit_code == 1
    assert "census-notice.yaml: sections.0.statements.0.sources: unknown source 'nowhere'" in (
        result.output
    )
    good = app.test_cli_runner().invoke(args=["content", "check"])
    assert good.exit_code == 0 and "4 families' document(s)" in good.output
