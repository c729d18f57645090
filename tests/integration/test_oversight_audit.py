"""The audit log page: the DPO's school (a trust admin's trust), filters, CSV export; plus
assignments and settings pages."""

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from app.models import AuditEvent, db
from app.models.oversight import SchoolSettings
from app.models.training import Assignment
from tests.factories import MODULE, NOW, set_clock


def _events(world):
    teacher = world.user("A", "teacher")
    db.session.add_all(
        [
            AuditEvent(
                action="sign_in",
                school_id=world.school_a.id,
                actor_id=teacher.id,
                created_at=NOW - timedelta(days=3),
            ),  # fmt: skip
            AuditEvent(
                action="sign_in_failed",
                school_id=world.school_a.id,
                actor_id=teacher.id,
                created_at=NOW - timedelta(days=1),
            ),  # fmt: skip
            AuditEvent(action="roles_changed", school_id=world.school_a2.id, created_at=NOW),
            AuditEvent(action="secret_b_event", school_id=world.school_b.id, created_at=NOW),
        ]
    )
    db.session.commit()


def cell(text: str) -> str:
    return f'<td class="govuk-table__cell" data-label="Event">{text}</td>'


def test_dpo_sees_their_school_filters_and_exports(world, signed_in):
    _events(world)
    client = signed_in(world.user("A", "dpo"))
    html = client.get("/oversight/audit").get_data(as_text=True)
    assert cell("sign in failed") in html and "roles changed" not in html and "secret" not in html
    html = client.get("/oversight/audit?action=sign_in").get_data(as_text=True)
    assert cell("sign in failed") not in html and cell("sign in") in html
    day = (NOW - timedelta(days=2)).date().isoformat()
    html = client.get(f"/oversight/audit?date_from={day}").get_data(as_text=True)
    assert cell("sign in failed") in html and cell("sign in") not in html
    teacher = world.user("A", "teacher").id
    response = client.get(f"/oversight/audit.csv?person={teacher}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "When (UTC)" and len(rows) == 3
    assert db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "audit_log_exported")
    ).scalar_one()
    assert client.get("/oversight/audit?date_from=nonsense").status_code == 400


def test_trust_admin_sees_the_trust_and_teachers_nothing(world, signed_in):
    _events(world)
    html = signed_in(world.user("A", "trust_admin")).get("/oversight/audit").get_data(as_text=True)
    assert "roles changed" in html and "secret" not in html
    assert signed_in(world.user("A", "teacher")).get("/oversight/audit").status_code == 403


def test_assign_a_module_with_a_due_date_and_settings(world, signed_in, csrf, monkeypatch):
    set_clock(monkeypatch, NOW)
    client = signed_in(world.user("A", "school_admin"))
    token = csrf(client, "/oversight/assignments/new")
    data = {"csrf_token": token, "module_id": MODULE, "target": "role"}
    bad = client.post("/oversight/assignments/new", data=data)
    assert bad.status_code == 400 and "Choose the role" in bad.get_data(as_text=True)
    response = client.post(
        "/oversight/assignments/new",
        data={"csrf_token": token, "module_id": MODULE, "target": "people",
              "people": [world.user("A", "teacher").id], "due_date": "2025-04-01"},
    )  # fmt: skip
    assert response.status_code == 302
    assignment = db.session.execute(select(Assignment)).scalar_one()
    assert assignment.user_id == world.user("A", "teacher").id
    assert str(assignment.due_date) == "2025-04-01"
    assert "Teacher" in client.get("/oversight/assignments").get_data(as_text=True)
    token = csrf(client, "/oversight/settings")
    client.post("/oversight/settings", data={"csrf_token": token, "reminders_enabled": "off",
                                             "delete_audit_after_months": "24"})  # fmt: skip
    settings = db.session.execute(select(SchoolSettings)).scalar_one()
    assert settings.reminders_enabled is False and settings.delete_audit_after_months == 24
    bad = client.post("/oversight/settings", data={"csrf_token": token, "reminders_enabled": "on",
                                                   "delete_audit_after_months": "0"})  # fmt: skip
    assert bad.status_code == 400 and "from 1 to 120" in bad.get_data(as_text=True)


def _named_events(world, copies: int, start: int = 0) -> None:
    """`copies` of a role change, an invitation, an import and an exemption, each about its
    own person or object."""
    from app.models import Invitation, User

    admin = world.user("A", "school_admin")
    for n in range(start, start + copies):
        person = User(school_id=world.school_a.id, email=f"p{n}@a.example",
                      display_name=f"Person {n}")  # fmt: skip
        invitation = Invitation(
            school_id=world.school_a.id, email=f"i{n}@a.example", display_name=f"Invitee {n}",
            roles="teacher", token_hash=f"{n}".rjust(64, "0"), created_at=NOW,
            expires_at=NOW + timedelta(days=3),
        )  # fmt: skip
        db.session.add_all([person, invitation])
        db.session.flush()
        common = {"school_id": world.school_a.id, "actor_id": admin.id, "created_at": NOW}
        db.session.add_all(
            [
                AuditEvent(action="roles_changed", object_type="user", object_id=str(person.id),
                           detail={"before": ["teacher"], "after": ["dpo", "teacher"]},
                           **common),
                AuditEvent(action="invitation_sent", object_type="invitation",
                           object_id=str(invitation.id), detail={"roles": "teacher"}, **common),
                AuditEvent(action="staff_imported", object_type="school",
                           object_id=str(world.school_a.id),
                           detail={"invited": 3, "rejected": 0}, **common),
                AuditEvent(action="exemption_added", object_type="user",
                           object_id=str(person.id), detail={"module_id": MODULE}, **common),
            ]
        )  # fmt: skip
    db.session.commit()


def test_school_admins_see_their_schools_log_in_words(world, signed_in):
    _events(world)
    _named_events(world, 1)
    client = signed_in(world.user("A", "school_admin"))
    response = client.get("/oversight/audit")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Changed roles of Person 0 (teacher → teacher, DPO)" in html
    assert "Invited Invitee 0 (i0@a.example) as teacher" in html
    assert "Invited staff from a CSV file into School A: 3 invitations sent, 0 rows" in html
    assert "Exempted Person 0 from Why data protection matters in school" in html
    assert "user id" not in html and "secret" not in html and cell("roles changed") in html
    export = client.get("/oversight/audit.csv").get_data(as_text=True)
    assert "Changed roles of Person 0 (teacher → teacher, DPO)" in export
    assert '"{""after"": [""dpo"", ""teacher""], ""before"": [""teacher""]}"' in export


def test_naming_costs_the_same_statements_for_4_or_100_events(world, signed_in):
    from tests.factories import count_statements

    client = signed_in(world.user("A", "school_admin"))
    _named_events(world, 1)
    few = count_statements(client, "/oversight/audit")
    _named_events(world, 30, start=1)
    many = count_statements(client, "/oversight/audit")
    assert few == many


def test_a_due_date_in_the_past_is_refused_and_nothing_typed_is_lost(
    world, signed_in, csrf, monkeypatch
):
    set_clock(monkeypatch, NOW)
    client = signed_in(world.user("A", "school_admin"))
    token = csrf(client, "/oversight/assignments/new")
    data = {"csrf_token": token, "module_id": MODULE, "target": "everyone",
            "due_date": "2025-03-09", "refresher_months": "6"}  # fmt: skip
    refused = client.post("/oversight/assignments/new", data=data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "The due date must be today (10 March 2025) or later" in html
    assert 'value="2025-03-09"' in html and 'value="6"' in html
    assert db.session.execute(select(Assignment)).first() is None
    today = client.post("/oversight/assignments/new", data={**data, "due_date": "2025-03-10"})
    assert today.status_code == 302
