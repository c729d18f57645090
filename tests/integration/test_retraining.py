"""Re-training when a module's major version changes: the DPO's page of superseded modules and
its "reassign" action, which asks the holders of superseded certificates to pass the new version
by a due date (their old certificate then no longer completes the assignment)."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import User, db
from app.models.audit import AuditEvent
from app.models.base import utcnow
from app.models.training import Assignment
from app.services.oversight import compliance
from app.services.training.assignments import Compliance
from tests.factories import assign, bulk_staff, certify, count_statements
from tests.training_helpers import MODULE_ID, use_fixture_modules

PAGE = "/training/superseded"


@pytest.fixture
def version_2(app, monkeypatch):
    """The fixture module, moved on to a new major version."""
    modules = use_fixture_modules(app, monkeypatch)
    changed = replace(modules[MODULE_ID], version="2.0.0")
    registry = replace(app.extensions["content"], modules={MODULE_ID: changed})
    monkeypatch.setitem(app.extensions, "content", registry)
    return changed


def _certify_v1(user, days_ago=30):
    return certify(user, module_id=MODULE_ID, issued=utcnow() - timedelta(days=days_ago))


def _reassign(client, csrf, due):
    token = csrf(client, PAGE)
    return client.post(
        f"/training/superseded/{MODULE_ID}/reassign",
        data={f"{MODULE_ID}-csrf_token": token, f"{MODULE_ID}-due_date": due},
    )


def test_the_page_lists_who_holds_a_superseded_certificate(version_2, world, signed_in):
    teacher, dpo = world.user("A", "teacher"), world.user("A", "dpo")
    elsewhere = world.user("B", "teacher")
    teacher.display_name, dpo.display_name = "Tara Oldversion", "Dev Newversion"
    elsewhere.display_name = "Bea Otherschool"
    _certify_v1(teacher)
    current = _certify_v1(dpo)
    current.module_version = "2.0.0"  # already passed the new version
    _certify_v1(elsewhere)
    db.session.commit()
    html = signed_in(dpo).get(PAGE).get_data(as_text=True)
    assert "Handling pupil data safely" in html and "Now version 2.0.0" in html
    assert "1 person holds a certificate for an earlier version" in html
    assert "Tara Oldversion" in html and "Reassign to 1 person" in html
    assert "Dev Newversion" not in html.split("<main")[1]
    assert "Bea Otherschool" not in html


def test_nothing_to_reassign_after_a_minor_change(app, world, signed_in, monkeypatch):
    modules = use_fixture_modules(app, monkeypatch)
    minor = replace(modules[MODULE_ID], version="1.1.0")
    monkeypatch.setitem(
        app.extensions, "content", replace(app.extensions["content"], modules={MODULE_ID: minor})
    )
    _certify_v1(world.user("A", "teacher"))
    html = signed_in(world.user("A", "dpo")).get(PAGE).get_data(as_text=True)
    assert "No module has changed in this way since your staff passed it" in html


def test_only_dpos_and_school_admins_open_the_page(version_2, world, signed_in):
    assert signed_in(world.user("A", "teacher")).get(PAGE).status_code == 403
    assert signed_in(world.user("A", "business_manager")).get(PAGE).status_code == 403
    assert signed_in(world.user("A", "school_admin")).get(PAGE).status_code == 200
    assert signed_in(world.user("A", "dpo")).get(PAGE).status_code == 200


def test_reassigning_asks_for_the_new_version_by_the_due_date(
    app, version_2, world, signed_in, csrf
):
    teacher, dpo = world.user("A", "teacher"), world.user("A", "dpo")
    assign(world.school_a, module_id=MODULE_ID, due=utcnow().date() - timedelta(days=200))
    _certify_v1(teacher)
    now = utcnow()

    def status() -> Compliance:
        _, items = compliance.compliance_items(db.session, [world.school_a.id], [MODULE_ID], now)
        return next(i for i in items if i.person.user_id == teacher.id).status

    assert status() == Compliance.COMPLETE  # a superseded certificate counts until reassigned
    client = signed_in(dpo)
    due = utcnow().date() + timedelta(days=30)
    response = _reassign(client, csrf, due.isoformat())
    assert response.status_code == 302
    flashed = client.get(PAGE).get_data(as_text=True)
    assert "reassigned to 1 person" in flashed and "Everyone listed has been reassigned" in flashed
    reassignment = db.session.execute(
        select(Assignment).where(Assignment.user_id == teacher.id)
    ).scalar_one()
    assert reassignment.due_date == due and reassignment.requires_completion_after is not None
    assert db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "assignment_created")
    ).scalar_one()
    # The old certificate no longer completes it; the reassignment's date, not the old
    # assignment's long-past one, is what counts.
    assert status() == Compliance.DUE
    card = signed_in(teacher).get("/training/").get_data(as_text=True)
    assert f"Due by {due.day} {due:%B %Y}" in card
    assert "your school asks you to take version 2.0.0" in card
    assert "You have not started any training yet" not in card
    # Asking again finds nobody left to reassign.
    _reassign(client, csrf, due.isoformat())
    assert len(db.session.execute(select(Assignment)).all()) == 2


@pytest.mark.parametrize(
    ("due", "message"),
    [
        ("", "Enter the due date for the new version"),
        ("2020-01-01", "The due date must be today or in the future"),
        ("2027-02-30", "Due date must be a real date"),
    ],
)
def test_a_bad_due_date_is_refused_with_a_clear_message(
    version_2, world, signed_in, csrf, due, message
):
    _certify_v1(world.user("A", "teacher"))
    response = _reassign(signed_in(world.user("A", "dpo")), csrf, due)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.execute(select(Assignment)).first() is None


def test_the_page_runs_the_same_statements_for_10_or_200_holders(version_2, world, signed_in, csrf):
    client = signed_in(world.user("A", "dpo"))

    def holders(count: int, prefix: str) -> int:
        for user_id in bulk_staff(world.school_a, count, prefix=prefix):
            _certify_v1(db.session.get(User, user_id))
        return count_statements(client, PAGE)

    small = holders(10, "few")
    large = holders(190, "many")
    assert small == large, (small, large)
