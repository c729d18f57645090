"""The register keeps decisions on record (issue 12 points 5 and 12, issue 11 finding 10): a
product with a decision is archived, never deleted; deleting an undecided draft or product asks
first and is audited; search matches `%` and `_` literally; adding a product twice from one form
adds it once."""

from sqlalchemy import func, select

from app.models import AuditEvent, db
from app.models.procurement import Assessment, Vendor
from tests.integration.test_procurement_section_saves import at_once
from tests.procurement_helpers import (
    PREFERRED,
    answer_sections,
    decided_product,
    form_fields,
    propose,
    start_product,
)


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _audited(action: str) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.action == action)
    return list(db.session.execute(stmt).scalars())


def test_a_product_with_a_decision_is_archived_never_deleted(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    vendor = decided_product(world.school_a, "Kept Reader", None)
    token = csrf(client, f"/procurement/vendors/{vendor.id}")
    page = client.get(f"/procurement/vendors/{vendor.id}").get_data(as_text=True)
    assert "Archive product" in page and "Delete product" not in page
    # Even a hand-made delete request leaves the product and its decision in place.
    for method in ("get", "post"):
        response = getattr(client, method)(
            f"/procurement/vendors/{vendor.id}/delete", data={"csrf_token": token}
        )
        assert response.status_code == 302
    assert _count(Vendor) == 1 and _count(Assessment) == 1 and not _audited("vendor_deleted")
    response = client.post(f"/procurement/vendors/{vendor.id}/archive", data={"csrf_token": token})
    assert response.status_code == 302
    register = client.get("/procurement/").get_data(as_text=True)
    assert "Kept Reader</a>" not in register
    archived = client.get("/procurement/?status=archived").get_data(as_text=True)
    assert "Kept Reader</a>" in archived
    assert db.session.get(Assessment, vendor.latest_decided.id).snapshot_hash
    assert [e.object_id for e in _audited("vendor_archived")] == [str(vendor.id)]
    client.post(f"/procurement/vendors/{vendor.id}/restore", data={"csrf_token": token})
    assert "Kept Reader</a>" in client.get("/procurement/").get_data(as_text=True)


def test_a_proposed_decision_also_stops_deletion(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    vendor_id, assessment_id = start_product(client, token)
    answer_sections(client, token, assessment_id, PREFERRED)
    assert propose(client, token, assessment_id, "approve").status_code == 302
    client.post(f"/procurement/vendors/{vendor_id}/delete", data={"csrf_token": token})
    client.post(f"/procurement/assessments/{assessment_id}/delete", data={"csrf_token": token})
    assert _count(Vendor) == 1 and _count(Assessment) == 1


def test_deleting_an_undecided_product_or_draft_asks_first_and_is_audited(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    vendor_id, assessment_id = start_product(client, token, "Draft Only")
    confirm = client.get(f"/procurement/assessments/{assessment_id}/delete")
    assert confirm.status_code == 200 and "Delete this draft assessment" in confirm.get_data(
        as_text=True
    )
    assert _count(Assessment) == 1  # asking deleted nothing
    response = client.post(
        f"/procurement/assessments/{assessment_id}/delete",
        data=form_fields(confirm.get_data(as_text=True)),
    )
    assert response.status_code == 302 and _count(Assessment) == 0
    [event] = _audited("assessment_deleted")
    assert event.object_id == str(assessment_id) and event.detail["vendor"] == vendor_id
    confirm = client.get(f"/procurement/vendors/{vendor_id}/delete").get_data(as_text=True)
    assert "Delete Draft Only?" in confirm and _count(Vendor) == 1
    client.post(f"/procurement/vendors/{vendor_id}/delete", data=form_fields(confirm))
    assert _count(Vendor) == 0 and _audited("vendor_deleted")[0].detail["product"] == "Draft Only"


def test_search_treats_percent_and_underscore_literally(world, signed_in):
    client = signed_in(world.user("A", "business_manager"))
    for name in ("Maths 100% Fun", "Spell_Check", "Reading Rocket"):
        decided_product(world.school_a, name, None)

    def found(query: str) -> set[str]:
        page = client.get("/procurement/", query_string={"q": query}).get_data(as_text=True)
        return {n for n in ("Maths 100% Fun", "Spell_Check", "Reading Rocket") if n in page}

    assert found("%") == {"Maths 100% Fun"}
    assert found("_") == {"Spell_Check"}
    assert found("100%") == {"Maths 100% Fun"}
    assert found("\\") == set()
    assert found("rocket") == {"Reading Rocket"}


def test_submitting_the_add_product_form_twice_adds_it_once(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    page = client.get("/procurement/vendors/new").get_data(as_text=True)
    fields = form_fields(page)
    fields["product"], fields["name"] = "Double Click", "Acme"
    first = client.post("/procurement/vendors/new", data=fields)
    second = client.post("/procurement/vendors/new", data=fields)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(Vendor) == 1 and len(_audited("vendor_added")) == 1
    # Two submits racing each other (a double click on a slow connection) still add one.
    fields = form_fields(client.get("/procurement/vendors/new").get_data(as_text=True))
    fields["product"], fields["name"] = "Racing Click", "Acme"
    statuses = at_once([(client, "/procurement/vendors/new", fields)] * 2)
    assert statuses == [302, 302]
    assert _count(Vendor) == 2
    # A fresh form is a new product, even with the same name.
    fields = form_fields(client.get("/procurement/vendors/new").get_data(as_text=True))
    fields["product"], fields["name"] = "Double Click", "Acme"
    client.post("/procurement/vendors/new", data=fields)
    assert _count(Vendor) == 3


def test_starting_an_assessment_twice_starts_one(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    vendor_id, assessment_id = start_product(client, token)
    again = client.post(
        f"/procurement/vendors/{vendor_id}/assessments",
        data={"csrf_token": token, "checklist_id": "quick-edtech-check"},
    )
    assert again.headers["Location"].endswith(f"/assessments/{assessment_id}")
    assert _count(Assessment) == 1


def test_ratings_are_read_from_each_snapshot_once_and_follow_a_new_snapshot(
    world, signed_in, monkeypatch
):
    from sqlalchemy import event

    from app.services.procurement import reviews
    from app.services.procurement.decisions import snapshot_hash

    monkeypatch.setattr(reviews, "_RATINGS_BY_HASH", {})  # what earlier tests left is not known

    green = decided_product(world.school_a, "Spellbound", None, band="green")
    decided_product(world.school_a, "Times Tables", None, band="red")
    client = signed_in(world.user("A", "business_manager"))
    reads: list[list] = []

    def snapshot_reads(conn, cursor, statement, parameters, context, many):  # noqa: ARG001
        if "snapshot_hash" in statement and " AS score" in statement:  # the ratings' read
            values = parameters.values() if isinstance(parameters, dict) else parameters
            reads.append([value for value in values if isinstance(value, int)])  # the ids

    event.listen(db.engine, "before_cursor_execute", snapshot_reads)
    try:
        first = client.get("/procurement/").get_data(as_text=True)
        again = client.get("/procurement/").get_data(as_text=True)
        # A re-decision freezes a new snapshot: its hash is new, so it is read again.
        assessment = green.assessments[0]
        assessment.snapshot = {"result": {"band": "amber", "band_label": "Amber", "score": 50}}
        assessment.snapshot_hash = snapshot_hash(assessment.snapshot)
        db.session.commit()
        changed = client.get("/procurement/").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", snapshot_reads)
    assert "Green" in first and "Red" in first and again == first
    # The second request knows both ratings and reads no snapshot at all.
    assert len(reads) == 2
    assert len(reads[0]) == 2 and len(reads[1]) == 1  # the ids asked for
    assert "Amber" in changed and "Green" not in changed
