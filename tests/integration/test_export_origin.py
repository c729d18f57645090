"""An exported assessment carries its origin (the school, when) and a content hash; importing it
says where it came from and whether it has been changed since."""

import io
import json

from sqlalchemy import select

from app.models import AuditEvent, db
from tests.procurement_helpers import PREFERRED, answer_sections, start_product


def _exported(world, signed_in, csrf) -> dict:
    manager = signed_in(world.user("A", "business_manager"))
    token = csrf(manager, "/procurement/")
    _, assessment_id = start_product(manager, token)
    answer_sections(manager, token, assessment_id, PREFERRED)
    return manager.get(f"/procurement/assessments/{assessment_id}/export.json").get_json()


def _import(client, token, document: dict):
    return client.post(
        "/procurement/import",
        data={
            "csrf_token": token,
            "document": (io.BytesIO(json.dumps(document).encode()), "assessment.json"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_an_export_says_where_it_came_from_and_an_unchanged_import_says_so(world, signed_in, csrf):
    document = _exported(world, signed_in, csrf)
    assert document["origin"]["school"] == "School A"
    assert len(document["content_hash"]) == 64
    other = signed_in(world.user("B", "business_manager"))
    page = _import(other, csrf(other, "/procurement/import"), document).get_data(as_text=True)
    assert "This file was exported by School A on" in page
    assert "it has not been changed since" in page
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "assessment_imported")
    ).scalar_one()
    assert event.detail["origin"] == "School A" and event.detail["unchanged"] is True


def test_a_file_changed_after_export_is_flagged(world, signed_in, csrf):
    document = _exported(world, signed_in, csrf)
    document["answers"][0]["note"] = "Edited on the way"
    other = signed_in(world.user("B", "business_manager"))
    page = _import(other, csrf(other, "/procurement/import"), document).get_data(as_text=True)
    assert "It has been changed since it was exported" in page


def test_a_file_without_a_hash_says_it_cannot_be_told(world, signed_in, csrf):
    document = _exported(world, signed_in, csrf)
    del document["content_hash"], document["origin"]
    other = signed_in(world.user("B", "business_manager"))
    page = _import(other, csrf(other, "/procurement/import"), document).get_data(as_text=True)
    assert "does not say which school exported it" in page
    assert "whether it was changed cannot be told" in page
