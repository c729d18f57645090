"""Families' objections and requests: recorded by the DPO or a school admin with a pupil
reference (no names), counted on the product page and the PDF report, exported as CSV, purged by
`flask purge` after the school's period, audited, and out of reach of other roles."""

import re
from datetime import date, timedelta
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from app.models import AuditEvent, db
from app.models.transparency import FamilyRequest, RequestOutcome
from tests.families_helpers import APPROVED, family_request, seed_products, settings_for


def _post_new(client, csrf, **fields):
    token = csrf(client, "/families/requests/new")
    data = {
        "csrf_token": token,
        "subject": "product",
        "vendor_id": "0",
        "kind": "objection",
        "pupil_reference": "ADM-2044",
        "received_on": date.today().isoformat(),
        "outcome": "open",
    } | fields
    return client.post("/families/requests/new", data=data)


def test_dpo_records_a_request_and_it_is_audited(world, signed_in, csrf):
    vendors = seed_products(world.school_a, world.user("A", "business_manager"))
    client = signed_in(world.user("A", "dpo"))
    response = _post_new(
        client,
        csrf,
        vendor_id=str(vendors[APPROVED].id),
        outcome="alternative",
        alternative="Worksheets with the same exercises",
        review_on=(date.today() + timedelta(days=180)).isoformat(),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    saved = db.session.execute(select(FamilyRequest)).scalar_one()
    assert (saved.vendor_id, saved.subject_label) == (vendors[APPROVED].id, APPROVED)
    assert saved.pupil_reference == "ADM-2044"
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "family_request_recorded")
    ).scalar_one()
    assert event.object_id == str(saved.id)
    assert "ADM-2044" not in str(event.detail)  # the pupil reference stays out of the log


def test_bad_input_is_a_clear_400_that_keeps_what_was_typed(world, signed_in, csrf):
    seed_products(world.school_a, world.user("A", "business_manager"))
    client = signed_in(world.user("A", "school_admin"))
    response = _post_new(client, csrf, details="Asked at the gate", pupil_reference="")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter the pupil reference" in html
    assert "Choose the app or service the request is about" in html
    assert "Asked at the gate" in html
    response = _post_new(client, csrf, subject="biometrics", outcome="alternative")
    assert response.status_code == 400
    assert "Describe the alternative offered to the pupil" in response.get_data(as_text=True)
    assert db.session.execute(select(FamilyRequest)).first() is None


def test_counts_show_on_the_product_page_and_the_report(world, signed_in):
    vendors = seed_products(world.school_a, world.user("A", "business_manager"))
    vendor = vendors[APPROVED]
    family_request(world.school_a, vendor=vendor)
    family_request(
        world.school_a, vendor=vendor, outcome=RequestOutcome.ALTERNATIVE, alternative="Paper"
    )
    family_request(world.school_a)  # about photographs: not counted for the product
    manager = signed_in(world.user("A", "business_manager"))
    page = manager.get(f"/procurement/vendors/{vendor.id}").get_data(as_text=True)
    assert "2 recorded for this product, 1 open. An alternative has been offered" in page
    assert "/families/requests?vendor=" not in page  # the list itself is for DPO and admins
    dpo_page = signed_in(world.user("A", "dpo")).get(f"/procurement/vendors/{vendor.id}")
    assert f"/families/requests?vendor={vendor.id}" in dpo_page.get_data(as_text=True)
    pdf = manager.get(f"/procurement/assessments/{vendor.latest_decided.id}/report.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.data)).pages[:2])
    text = re.sub(r"\s+", " ", text)
    assert "Families' objections and requests" in text
    assert "2 (1 open); alternative offered: yes" in text


def test_csv_export_lists_every_request_and_is_audited(world, signed_in):
    vendors = seed_products(world.school_a, world.user("A", "business_manager"))
    family_request(world.school_a, vendor=vendors[APPROVED], pupil_reference="=HYPERLINK(1)")
    family_request(world.school_a, pupil_reference="P-7")
    family_request(world.school_b, pupil_reference="B-ONLY")
    response = signed_in(world.user("A", "dpo")).get("/families/requests.csv")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert body.count("\n") == 3  # header and two rows
    assert "'=HYPERLINK(1)" in body and "P-7" in body and "B-ONLY" not in body
    assert db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "family_requests_exported")
    ).scalar_one().detail == {"count": 2}


def test_purge_deletes_closed_requests_past_the_period_only(world, runner):
    settings = settings_for(world.school_a, "school-a-page")
    settings.delete_requests_after_months = 12
    db.session.commit()
    long_ago = date.today() - timedelta(days=800)
    old_closed = family_request(world.school_a, outcome=RequestOutcome.STOPPED, received=long_ago)
    old_open = family_request(world.school_a, received=long_ago)
    reviewed_lately = family_request(
        world.school_a,
        outcome=RequestOutcome.STOPPED,
        received=long_ago,
        review_on=date.today() - timedelta(days=30),
    )
    recent_closed = family_request(world.school_a, outcome=RequestOutcome.WITHDRAWN)
    other_school = family_request(world.school_b, outcome=RequestOutcome.STOPPED, received=long_ago)
    ids = [r.id for r in (old_closed, old_open, reviewed_lately, recent_closed, other_school)]

    dry = runner.invoke(args=["purge", "--dry-run"])
    assert "Would delete 1 family request(s)." in dry.output
    assert db.session.execute(select(FamilyRequest.id)).scalars().all() != []
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 family request(s)." in result.output
    db.session.expire_all()
    left = set(db.session.execute(select(FamilyRequest.id)).scalars())
    assert left == set(ids) - {ids[0]}
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "retention_purge")
    ).scalar_one()
    assert event.detail["family_requests_deleted"] == 1


def test_change_and_delete_are_audited(world, signed_in, csrf):
    row = family_request(world.school_a)
    client = signed_in(world.user("A", "dpo"))
    token = csrf(client, f"/families/requests/{row.id}")
    response = client.post(
        f"/families/requests/{row.id}",
        data={
            "csrf_token": token,
            "subject": "photographs",
            "vendor_id": "0",
            "kind": "objection",
            "pupil_reference": "P-100",
            "received_on": row.received_on.isoformat(),
            "outcome": "stopped",
            "outcome_note": "Removed from the website",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "family_request_changed")
    ).scalar_one()
    assert set(event.detail["fields"]) == {"outcome", "outcome_note"}
    response = client.post(f"/families/requests/{row.id}/delete", data={"csrf_token": token})
    assert response.status_code == 302
    assert db.session.get(FamilyRequest, row.id) is None
    assert db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "family_request_deleted")
    ).scalar_one()


def test_deleting_a_product_keeps_its_requests_by_name(world, signed_in, csrf):
    from app.models.procurement import Vendor

    vendors = seed_products(world.school_a, world.user("A", "business_manager"))
    decided = vendors[APPROVED]
    kept_with_product = family_request(world.school_a, vendor=decided)
    draft = Vendor(school_id=world.school_a.id, name="Draft Ltd", product="Draft Reader")
    db.session.add(draft)
    db.session.commit()
    row = family_request(world.school_a, vendor=draft)
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, f"/procurement/vendors/{draft.id}/delete")
    client.post(f"/procurement/vendors/{decided.id}/delete", data={"csrf_token": token})
    client.post(f"/procurement/vendors/{draft.id}/delete", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Vendor, decided.id) is not None  # a decided product is only archived
    assert db.session.get(FamilyRequest, kept_with_product.id).vendor_id == decided.id
    assert db.session.get(Vendor, draft.id) is None
    kept = db.session.get(FamilyRequest, row.id)
    assert (kept.vendor_id, kept.subject_label) == (None, "Draft Reader")  # the objection stays
