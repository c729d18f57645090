"""Importing an exported assessment: one service call makes the product, the draft and its
answers (stamped as the importer's), skips answers the questionnaire no longer allows, and audits
what it did; a file that is not JSON changes nothing. Profile values are checked, a product seen
before is updated rather than duplicated, a newer major version is refused, and every refusal
reads as plain English (issue 12 point 8)."""

import io
import json

import pytest
from sqlalchemy import func, select

from app.models import AuditEvent, db
from app.models.procurement import Answer, Vendor
from app.procurement.demo import demo_files


def _upload(client, token, body: bytes):
    return client.post(
        "/procurement/import",
        data={"csrf_token": token, "document": (io.BytesIO(body), "assessment.json")},
    )


def test_not_json_is_refused_with_a_clear_message_and_nothing_saved(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/import")
    response = _upload(client, token, b"{ not json")
    assert response.status_code == 200
    assert "The file is not valid JSON" in response.get_data(as_text=True)
    response = _upload(client, csrf(client, "/procurement/import"), b"\xff\xfe not text")
    assert "The file is not UTF-8 text" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count()).select_from(Vendor)).scalar_one() == 0


def test_import_skips_invalid_answers_stamps_the_rest_and_audits(world, signed_in, csrf):
    importer = world.user("B", "dpo")
    client = signed_in(importer)
    token = csrf(client, "/procurement/import")
    document = json.loads(demo_files()[0].read_text())  # a real export-format file
    document["answers"][0]["value"] = "maybe"  # not an answer Q01 offers
    response = _upload(client, token, json.dumps(document).encode())
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Skipped the answer to Q01: not valid in this version." in page
    vendor = db.session.execute(select(Vendor)).scalar_one()
    assert vendor.school_id == world.school_b.id and vendor.product == "Spellbound Phonics"
    answers = db.session.execute(select(Answer)).scalars().all()
    assert len(answers) == len(document["answers"]) - 1
    assert {(a.updated_by_id, a.updated_by_name, a.changed_in_version) for a in answers} == {
        (importer.id, importer.display_name, 1)
    }
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "assessment_imported")
    ).scalar_one()
    assert event.object_id == str(vendor.latest_assessment.id)
    assert event.detail == {"answers": len(answers), "skipped": 1}


# --- issue 12 point 8 -------------------------------------------------------------------------


def _demo_document(index: int = 0) -> dict:
    return json.loads(demo_files()[index].read_text())


def test_profile_values_the_checklist_does_not_offer_stop_the_import(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/import")
    document = _demo_document(1)  # UK bank
    document["profile"] |= {"P02": "maybe", "P03": ["banana"]}
    page = _upload(client, token, json.dumps(document).encode()).get_data(as_text=True)
    assert "Profile question P02: Will pupils log in with their own individual accounts?" in page
    assert "“maybe” is not one of its answers (Yes, No)" in page
    assert "Profile question P03" in page and "“banana” is not one of its answers" in page
    assert db.session.execute(select(func.count()).select_from(Vendor)).scalar_one() == 0


def test_importing_a_product_again_updates_it_instead_of_adding_a_duplicate(world, signed_in, csrf):
    client = signed_in(world.user("B", "business_manager"))
    token = csrf(client, "/procurement/import")
    document = _demo_document(1)
    assert _upload(client, token, json.dumps(document).encode()).status_code == 302
    [vendor] = db.session.execute(select(Vendor)).scalars().all()
    assert vendor.imported_from == document["export_id"]
    # The same product again, with the draft still open: refused, nothing duplicated.
    page = _upload(client, token, json.dumps(document).encode()).get_data(as_text=True)
    assert "already in your register with an assessment in progress" in page
    # Once that draft is gone (or decided), a newer export of the product becomes a new
    # assessment of the same product, and the facts are updated.
    db.session.delete(vendor.latest_assessment)
    db.session.commit()
    document["vendor"]["purpose"] = "Maths practice at home"
    response = _upload(client, token, json.dumps(document).encode())
    assert response.status_code == 302
    vendors = db.session.execute(select(Vendor)).scalars().all()
    assert len(vendors) == 1 and vendors[0].purpose == "Maths practice at home"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "was already in your register" in page


def test_a_product_exported_and_imported_back_updates_the_original(world, signed_in, csrf):
    from tests.procurement_helpers import start_product

    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    vendor_id, assessment_id = start_product(client, token)
    document = client.get(f"/procurement/assessments/{assessment_id}/export.json").get_json()
    other = signed_in(world.user("B", "business_manager"))
    other_token = csrf(other, "/procurement/import")
    assert _upload(other, other_token, json.dumps(document).encode()).status_code == 302
    copy = db.session.execute(select(Vendor).where(Vendor.school_id == world.school_b.id))
    copy = copy.scalar_one()
    # School B's export names the original product, so school A recognises it.
    exported = other.get(
        f"/procurement/assessments/{copy.latest_assessment.id}/export.json"
    ).get_json()
    assert exported["export_id"] == db.session.get(Vendor, vendor_id).export_id
    db.session.delete(db.session.get(Vendor, vendor_id).latest_assessment)
    db.session.commit()
    assert _upload(client, token, json.dumps(exported).encode()).status_code == 302
    stmt = select(func.count()).select_from(Vendor).where(Vendor.school_id == world.school_a.id)
    assert db.session.execute(stmt).scalar_one() == 1


def test_a_newer_major_version_of_the_questionnaire_is_refused(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/import")
    document = _demo_document(1)
    document["checklist"]["version"] = "2.0.0"
    page = _upload(client, token, json.dumps(document).encode()).get_data(as_text=True)
    assert "made with version 2.0.0 of the questionnaire, newer than the version 1.0.1" in page
    assert db.session.execute(select(func.count()).select_from(Vendor)).scalar_one() == 0
    document["checklist"]["version"] = "1.9.0"  # a newer minor version: imported, with a note
    response = _upload(client, token, json.dumps(document).encode())
    assert response.status_code == 302
    assert "imported into version 1.0.1" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[]", "The file holds a list, not an assessment."),
        (b'"text"', "The file holds text, not an assessment."),
        (b"[" * 100_000, "The file nests data more than 32 levels deep."),
        (b'{"format": "privacy-toolkit-assessment", "format_version": 2}',
         "uses version 2 of the export format"),
    ],
)  # fmt: skip
def test_every_refusal_reads_as_plain_english(world, signed_in, csrf, body, message):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/import")
    response = _upload(client, token, body)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert "Input should be" not in page and "valid dictionary" not in page


def test_field_problems_name_the_field_in_words(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/import")
    document = _demo_document(0)
    document["vendor"]["product"] = ""
    document["vendor"]["pupils_covered"] = -3
    document["answers"][2]["value"] = 7
    page = _upload(client, token, json.dumps(document).encode()).get_data(as_text=True)
    assert "The product name is empty" in page
    assert "The number of pupils covered must be 0 or more" in page
    assert "The choice in answer 3 must be text or a list of text" in page
