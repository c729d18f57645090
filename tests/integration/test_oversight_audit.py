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
    return f'<td class="govuk-table__cell">{text}</td>'


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
