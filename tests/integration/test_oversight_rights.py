"""Staff data rights: download your own data; erasure leaves no trace of the name in any
text or JSON column while completion counts stay; retention purge with --dry-run."""

import csv
import io
import json
import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import JSON, String, Text, cast, func, select

from app.models import AuditEvent, Invitation, OutboxEmail, User, db
from app.models.oversight import SchoolSettings
from app.models.training import Certificate
from app.services.oversight import compliance
from tests.factories import MODULE, NOW, assign, certify, set_clock


def test_user_downloads_their_own_data_as_json_and_csv(world, signed_in, monkeypatch):
    set_clock(monkeypatch, NOW)
    teacher = world.user("A", "teacher")
    assign(world.school_a, due=NOW.date())
    certificate = certify(teacher)
    client = signed_in(teacher)
    assert "Download your data (JSON)" in client.get("/account").get_data(as_text=True)
    data = json.loads(client.get("/oversight/my-data.json").get_data(as_text=True))
    assert data["profile"]["email"] == teacher.email
    assert data["certificates"][0]["code"] == certificate.code
    assert data["assigned_training"][0]["status"] == "complete"
    response = client.get("/oversight/my-data.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert ["profile", "1", "email", teacher.email] in rows
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert actions.count("own_data_exported") == 2
    # The JSON download lists the audit events about them (the first export).
    data = json.loads(client.get("/oversight/my-data.json").get_data(as_text=True))
    assert any(e["event"] == "own_data_exported" for e in data["audit_events"])


def _every_text_value_containing(needle: str) -> list[str]:
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text | JSON):
                as_text = cast(column, Text) if isinstance(column.type, JSON) else column
                stmt = select(column).where(func.lower(as_text).contains(needle.lower()))
                found += [f"{table.name}.{column.name}" for _ in db.session.execute(stmt)]
    return found


def test_erased_leaver_appears_nowhere_and_counts_stay(
    app, world, signed_in, csrf, monkeypatch, client
):
    set_clock(monkeypatch, NOW)
    leaver = world.user("A", "teacher")
    leaver.display_name = "Zebedee Quill"
    db.session.commit()
    assign(world.school_a, due=NOW.date())
    certificate = certify(leaver)
    # Traces elsewhere: a failed sign-in with their email, an invitation, an email in the outbox.
    db.session.add_all(
        [
            AuditEvent(action="sign_in_failed", school_id=None, detail={"email": leaver.email}),
            AuditEvent(
                action="note", school_id=world.school_a.id, detail={"who": ["Zebedee Quill"]}
            ),  # fmt: skip
            Invitation(
                school_id=world.school_a.id,
                email=leaver.email,
                display_name="Zebedee Quill",
                roles="teacher",
                token_hash="x" * 64,
                expires_at=NOW,
                accepted_at=NOW,
            ),  # fmt: skip
            OutboxEmail(
                recipient=leaver.email,
                subject="Hi",
                body="Hello Zebedee Quill",
                school_id=world.school_a.id,
            ),  # fmt: skip
            OutboxEmail(
                recipient="head@a.example",
                subject="Fyi",
                body="Zebedee Quill left",
                school_id=world.school_a.id,
            ),  # fmt: skip
        ]
    )
    db.session.commit()
    titles = {MODULE: "Module"}
    before = compliance.overall(
        compliance.compliance_items(db.session, [world.school_a.id], titles, NOW)[1]
    )
    email = leaver.email
    assert _every_text_value_containing("Zebedee")
    # Their certificate PDF, downloaded once, sits in the PDF cache with their name on it.
    pdf = signed_in(leaver).get(f"/training/certificates/{certificate.id}/certificate.pdf")
    assert pdf.status_code == 200
    cache_dir = Path(app.config["PDF_CACHE_DIR"])
    assert list(cache_dir.glob("*.pdf"))
    admin = signed_in(world.user("A", "school_admin"))
    token = csrf(admin, f"/admin/staff/{leaver.id}/erase")
    response = admin.post(f"/admin/staff/{leaver.id}/erase", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert _every_text_value_containing("Zebedee") == []
    assert _every_text_value_containing(email) == []
    assert list(cache_dir.glob("*.pdf")) == []  # no cached PDF keeps the old name
    erased = db.session.get(User, leaver.id)
    assert erased.display_name == "Former member of staff" and not erased.active
    assert erased.password_hash is None and erased.roles == set()
    # Completion statistics are unchanged (the erased person's completion still counts).
    after_items = compliance.compliance_items(db.session, [world.school_a.id], titles, NOW)[1]
    assert db.session.query(Certificate).filter_by(user_id=leaver.id).count() == 1
    assert compliance.overall(after_items).completed + 1 == before.completed  # left the staff list
    done = db.session.execute(
        select(func.count()).select_from(Certificate).where(Certificate.module_id == MODULE)
    ).scalar_one()
    assert done == 1
    # The public check still verifies, as a former member of staff.
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Issued to a former member of staff" in page


def test_cannot_erase_yourself(world, signed_in, csrf):
    admin = world.user("A", "school_admin")
    client = signed_in(admin)
    token = csrf(client, f"/admin/staff/{admin.id}/erase")
    response = client.post(f"/admin/staff/{admin.id}/erase", data={"csrf_token": token})
    assert response.status_code == 400
    assert "You cannot erase your own account" in response.get_data(as_text=True)


def test_purge_applies_retention_settings_with_dry_run(world, runner, monkeypatch):
    set_clock(monkeypatch, NOW)
    leaver = world.user("A", "teacher")
    leaver.active = False
    leaver.deactivated_at = NOW - timedelta(days=400)
    recent = world.user("A", "business_manager")
    recent.active = False
    recent.deactivated_at = NOW - timedelta(days=20)
    db.session.add(SchoolSettings(school_id=world.school_a.id, reminders_enabled=True,
                                  erase_deactivated_after_months=12,
                                  delete_audit_after_months=24))  # fmt: skip
    db.session.add(AuditEvent(action="sign_in", school_id=world.school_a.id,
                              created_at=NOW - timedelta(days=800)))  # fmt: skip
    db.session.add(AuditEvent(action="sign_in", school_id=world.school_a.id, created_at=NOW))
    db.session.commit()
    result = runner.invoke(args=["purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "School A: would erase 1 account(s) and delete 1 audit event(s)" in result.output
    assert "a real run would erase 1 account(s) and delete 1 audit event(s)" in result.output
    assert "Nothing has been changed." in result.output
    assert not re.search(r"\b(erased|deleted|was changed)\b", result.output), result.output
    db.session.expire_all()
    assert db.session.get(User, leaver.id).display_name == "Teacher"
    result = runner.invoke(args=["purge"])
    assert "Erased 1 account(s) and deleted 1 audit event(s)." in result.output
    db.session.expire_all()
    assert db.session.get(User, leaver.id).display_name == "Former member of staff"
    assert db.session.get(User, recent.id).display_name != "Former member of staff"
    result = runner.invoke(args=["purge"])
    assert "Erased 0 account(s) and deleted 0 audit event(s)." in result.output
