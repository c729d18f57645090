"""The compliance dashboard, person record, CSV export and trust view: figures, filters,
tenancy, and a constant number of SQL statements whatever the number of staff."""

import csv
import io
from datetime import timedelta

from app.models import User, db
from tests.factories import (
    MODULE,
    NOW,
    OTHER_MODULE,
    assign,
    bulk_staff,
    certify,
    count_statements,
    set_clock,
)


def test_dashboard_shows_due_then_overdue_as_the_clock_moves(world, signed_in, monkeypatch):
    set_clock(monkeypatch, NOW)
    assign(world.school_a, due=NOW.date() + timedelta(days=30))
    certify(world.user("A", "dpo"))
    client = signed_in(world.user("A", "dpo"))
    html = client.get("/oversight/").get_data(as_text=True)
    assert 'role="img"' in html and '<title id="completion-chart-title">' in html
    assert "Nothing is overdue." in html
    # 5 staff in school A, 1 done: 20%.
    assert "20%" in html
    set_clock(monkeypatch, NOW + timedelta(days=31))
    html = client.get("/oversight/").get_data(as_text=True)
    assert "Overdue or expired (4)" in html
    assert f"/oversight/people/{world.user('A', 'teacher').id}" in html
    assert f"/oversight/people/{world.user('A2', 'teacher').id}" not in html  # another school


def test_filters_by_role_and_module(world, signed_in, monkeypatch):
    set_clock(monkeypatch, NOW)
    assign(world.school_a, due=NOW.date() - timedelta(days=1), role="teacher")
    assign(world.school_a, module_id=OTHER_MODULE, due=NOW.date() - timedelta(days=1))
    client = signed_in(world.user("A", "school_admin"))
    html = client.get("/oversight/?role=teacher&module=" + MODULE).get_data(as_text=True)
    assert "Overdue or expired (1)" in html
    html = client.get("/oversight/?module=" + OTHER_MODULE).get_data(as_text=True)
    assert "Overdue or expired (5)" in html
    assert client.get("/oversight/?role=wizard").status_code == 400


def test_expiring_and_expired_with_refresher_rule(world, signed_in, monkeypatch):
    set_clock(monkeypatch, NOW)
    assign(world.school_a, role="dpo", months=6)
    certify(world.user("A", "dpo"), issued=NOW - timedelta(days=170))
    client = signed_in(world.user("A", "dpo"))
    html = client.get("/oversight/").get_data(as_text=True)
    assert "Completions expiring in the next 30 days (1)" in html
    set_clock(monkeypatch, NOW + timedelta(days=20))
    html = client.get("/oversight/").get_data(as_text=True)
    assert "Overdue or expired (1)" in html and "Expired" in html


def test_csv_export_has_every_column_and_is_audited(world, signed_in, monkeypatch):
    set_clock(monkeypatch, NOW)
    assign(world.school_a, due=NOW.date() + timedelta(days=3))
    certificate = certify(world.user("A", "teacher"))
    client = signed_in(world.user("A", "dpo"))
    response = client.get("/oversight/export.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Name", "Email", "Roles", "Account", "Module", "Status", "Due date",
                       "Score (%)", "Completed", "Expires", "Certificate code"]  # fmt: skip
    teacher = next(r for r in rows if r[1] == world.user("A", "teacher").email)
    assert teacher[2:4] == ["Teacher or other staff", "Joined"]
    assert teacher[5] == "Complete" and teacher[7] == "90" and teacher[10] == certificate.code
    assert len(rows) == 1 + 5
    from app.models import AuditEvent

    assert db.session.query(AuditEvent).filter_by(action="compliance_exported").count() == 1


def test_csv_export_follows_the_dashboards_filters_in_its_words(world, signed_in, monkeypatch):
    from app.models import Invitation

    set_clock(monkeypatch, NOW)
    assign(world.school_a, due=NOW.date() - timedelta(days=1), role="teacher")
    assign(world.school_a, module_id=OTHER_MODULE, due=NOW.date() + timedelta(days=3))
    db.session.add(Invitation(school_id=world.school_a.id, email="new@a.example",
                              display_name="New Teacher", roles="dpo teacher",
                              token_hash="a" * 64, created_at=NOW,
                              expires_at=NOW + timedelta(days=3)))  # fmt: skip
    db.session.commit()
    client = signed_in(world.user("A", "dpo"))
    page = client.get(f"/oversight/?role=teacher&module={MODULE}").get_data(as_text=True)
    assert f'href="/oversight/export.csv?role=teacher&amp;module={MODULE}"' in page
    assert "Download these records (CSV)" in page
    response = client.get(f"/oversight/export.csv?role=teacher&module={MODULE}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))[1:]
    assert {row[0] for row in rows} == {"Teacher", "New Teacher"}
    assert {row[4] for row in rows} == {"Why data protection matters in school"}
    invited = next(row for row in rows if row[0] == "New Teacher")
    assert invited[2:4] == [
        "Data protection officer or lead, Teacher or other staff",
        "Invited, not joined yet",
    ]
    assert {row[5] for row in rows} == {"Overdue"}
    assert client.get("/oversight/export.csv?role=wizard").status_code == 400
    everyone = client.get("/oversight/export.csv").get_data(as_text=True).splitlines()
    assert len(everyone) == 1 + 2 + 6  # two teachers overdue, six people for the other module


def test_person_record_and_exemption(world, signed_in, csrf, monkeypatch):
    set_clock(monkeypatch, NOW)
    assign(world.school_a, due=NOW.date() - timedelta(days=2))
    teacher = world.user("A", "teacher")
    client = signed_in(world.user("A", "school_admin"))
    page = client.get(f"/oversight/people/{teacher.id}").get_data(as_text=True)
    assert "Overdue" in page
    token = csrf(client, f"/oversight/people/{teacher.id}")
    response = client.post(
        f"/oversight/people/{teacher.id}/exemptions",
        data={"csrf_token": token, "module_id": MODULE, "reason": "Did the LA course"},
    )
    assert response.status_code == 302
    page = client.get(f"/oversight/people/{teacher.id}").get_data(as_text=True)
    assert "Exempt" in page and "Did the LA course" in page


def test_trust_view_per_school_and_tenancy(world, signed_in, monkeypatch):
    set_clock(monkeypatch, NOW)
    assign(world.school_a, due=NOW.date() - timedelta(days=1))
    assign(world.school_b, due=NOW.date() - timedelta(days=1))
    admin_a = signed_in(world.user("A", "trust_admin"))
    html = admin_a.get("/oversight/trust").get_data(as_text=True)
    assert "School A2" in html and "School A" in html and "School B" not in html
    drill = admin_a.get(f"/oversight/?school={world.school_a2.id}").get_data(as_text=True)
    assert "School A2" in drill
    admin_b = signed_in(world.user("B", "trust_admin"))
    html = admin_b.get("/oversight/trust").get_data(as_text=True)
    assert "School A" not in html
    assert admin_b.get(f"/oversight/?school={world.school_a.id}").status_code == 404
    assert admin_b.get(f"/oversight/export.csv?school={world.school_a.id}").status_code == 404
    assert signed_in(world.user("A", "dpo")).get("/oversight/trust").status_code == 403
    assert signed_in(world.user("A", "teacher")).get("/oversight/").status_code == 403


def test_sql_statements_stay_constant_from_10_to_1000_staff(world, signed_in, monkeypatch):
    set_clock(monkeypatch, NOW)
    assign(world.school_a, due=NOW.date() + timedelta(days=5))
    assign(world.school_a2, role="teacher")
    dpo = signed_in(world.user("A", "dpo"))
    trust = signed_in(world.user("A", "trust_admin"))
    ids = bulk_staff(world.school_a, 10)
    for user_id in ids[:5]:
        certify(db.session.get(User, user_id))
    small = (count_statements(dpo, "/oversight/"), count_statements(trust, "/oversight/trust"))
    bulk_staff(world.school_a, 990, prefix="more")
    bulk_staff(world.school_a2, 500, prefix="a2-")
    large = (count_statements(dpo, "/oversight/"), count_statements(trust, "/oversight/trust"))
    assert small == large


def test_the_dashboard_reads_the_staff_once_for_training_and_policies(
    world, signed_in, monkeypatch, tmp_path
):
    from sqlalchemy import event

    from app.services.policies.publishing import publish_policy

    set_clock(monkeypatch, NOW)
    assign(world.school_a, due=NOW.date() + timedelta(days=30))
    publish_policy(
        db.session, school_id=world.school_a.id, kind="data_protection", title="Data protection",
        label=None, change_note=None, body="## Who it is for\n\nEveryone.", pdf=None,
        original_name=None, files_dir=tmp_path, max_pdf_bytes=1_000_000, now=NOW,
        actor_id=None, record=lambda *args, **kwargs: None,
    )  # fmt: skip
    db.session.commit()
    client = signed_in(world.user("A", "dpo"))
    staff_reads = []

    def watch(conn, cursor, statement, parameters, context, many):  # noqa: ARG001
        if "FROM user LEFT OUTER JOIN user_role" in statement.replace('"', ""):
            staff_reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", watch)
    try:
        html = client.get("/oversight/").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", watch)
    assert len(staff_reads) == 1
    # Both tables still count all five of school A's staff.
    assert "Who has acknowledged each policy" in html and ">0 of 5<" in html
