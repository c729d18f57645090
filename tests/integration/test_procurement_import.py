"""Importing an exported assessment: one service call makes the product, the draft and its
answers (stamped as the importer's), skips answers the questionnaire no longer allows, and audits
what it did; a file that is not JSON changes nothing."""

import io
import json

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
