"""School policies: published by a DPO or school admin (Markdown or a checked PDF), read and
acknowledged by staff version by version, overseen on the dashboard and in a CSV, reminded
about once per version, and audited."""

import csv
import io
from datetime import timedelta
from io import BytesIO
from pathlib import Path

from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.models import AuditEvent, OutboxEmail, db
from app.models.policies import Policy, PolicyAcknowledgement, PolicyVersion
from tests.factories import NOW, bulk_staff, count_statements, set_clock

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEXT = "## Who this policy is for\n\nEveryone who works at the school.\n\n<script>alert(1)</script>"


def _publish(client, csrf, url="/policies/new", pdf=None, filename="policy.pdf", **fields):
    data = {"kind": "data_protection", "body": TEXT, **fields}
    data["csrf_token"] = csrf(client, "/account")
    if pdf is not None:
        data["pdf"] = FileStorage(BytesIO(pdf), filename=filename)
    # Encoded here: the test client spools a big body to a temporary file it never closes.
    boundary, body = encode_multipart(MultiDict(data))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _only_policy() -> Policy:
    return db.session.execute(select(Policy)).scalar_one()


def test_publish_read_acknowledge_new_version_dashboard_and_csv(
    world, signed_in, csrf, monkeypatch
):
    set_clock(monkeypatch, NOW)
    dpo = signed_in(world.user("A", "dpo"))
    response = _publish(dpo, csrf, label="2025-26")
    assert response.status_code == 302
    policy = _only_policy()
    assert policy.title == "Data protection policy" and policy.current.name == "Version 1 (2025-26)"

    teacher_user = world.user("A", "teacher")
    teacher = signed_in(teacher_user)
    home = teacher.get("/").get_data(as_text=True)
    assert "Policies to read" in home and f"/policies/{policy.id}" in home
    assert "Policies to read" in teacher.get("/training/").get_data(as_text=True)
    page = teacher.get(f"/policies/{policy.id}").get_data(as_text=True)
    assert '<h2 class="govuk-heading-m">Who this policy is for</h2>' in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page  # written text is escaped
    version_id = policy.current.id
    acknowledged = teacher.post(
        f"/policies/{policy.id}/acknowledge",
        data={"csrf_token": csrf(teacher, "/account"), "version_id": version_id},
    )
    assert acknowledged.status_code == 302
    record = db.session.execute(select(PolicyAcknowledgement)).scalar_one()
    assert (record.user_id, record.version_id, record.acknowledged_at) == (
        teacher_user.id, version_id, NOW,
    )  # fmt: skip
    assert "Policies to read" not in teacher.get("/").get_data(as_text=True)
    again = teacher.post(
        f"/policies/{policy.id}/acknowledge",
        data={"csrf_token": csrf(teacher, "/account"), "version_id": version_id},
    )
    assert again.status_code == 302
    assert len(db.session.execute(select(PolicyAcknowledgement)).all()) == 1

    set_clock(monkeypatch, NOW + timedelta(days=30))
    _publish(dpo, csrf, url=f"/policies/{policy.id}/versions/new",
             body="## Changed\n\nNew rules.", change_note="New retention periods")  # fmt: skip
    db.session.expire_all()
    assert policy.current.number == 2
    assert "Policies to read" in teacher.get("/").get_data(as_text=True)
    stale = teacher.post(
        f"/policies/{policy.id}/acknowledge",
        data={"csrf_token": csrf(teacher, "/account"), "version_id": version_id},
    )
    assert stale.status_code == 302
    follow = teacher.get(f"/policies/{policy.id}").get_data(as_text=True)
    assert "A newer version of this policy has been published" in follow
    assert "What has changed:</strong> New retention periods" in follow

    dashboard = dpo.get("/oversight/").get_data(as_text=True)
    assert "Who has acknowledged each policy" in dashboard and ">0 of 5<" in dashboard
    assert 'data-label="Acknowledged an earlier version">1<' in dashboard
    listing = dpo.get(f"/policies/{policy.id}/acknowledgements").get_data(as_text=True)
    assert (
        "Acknowledged an earlier version (1)" in listing and "Not acknowledged yet (4)" in listing
    )
    rows = _csv(dpo.get("/policies/acknowledgements.csv"))
    assert rows[0] == ["Name", "Email", "Roles", "Policy", "Current version", "Status",
                       "Version acknowledged", "Acknowledged on"]  # fmt: skip
    mine = next(row for row in rows if row[1] == teacher_user.email)
    assert mine[2:] == ["Teacher or other staff", "Data protection policy", "Version 2",
                        "Acknowledged an earlier version", "Version 1 (2025-26)",
                        "10 Mar 2025"]  # fmt: skip
    assert len(rows) == 1 + 5  # everyone with an account in school A
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert actions.count("policy_published") == 2 and actions.count("policy_acknowledged") == 1
    assert "policy_acknowledgements_exported" in actions


def test_a_pdf_is_checked_stored_privately_and_served_only_to_the_school(
    app, world, signed_in, csrf
):
    dpo = signed_in(world.user("A", "dpo"))
    not_pdf = _publish(dpo, csrf, body="", pdf=b"<html>hello</html>", filename="fake.pdf")
    assert not_pdf.status_code == 400
    assert "The selected file must be a PDF" in not_pdf.get_data(as_text=True)
    both = _publish(dpo, csrf, pdf=PDF)
    assert "Write the policy or upload a PDF, not both" in both.get_data(as_text=True)
    neither = _publish(dpo, csrf, body="  ")
    assert "Write the policy or upload it as a PDF" in neither.get_data(as_text=True)
    assert db.session.execute(select(Policy)).first() is None

    big = PDF + b"0" * (3 * 1024 * 1024)  # bigger than MAX_CONTENT_LENGTH, within the limit
    assert _publish(dpo, csrf, body="", pdf=big, filename="../../etc/dp.pdf").status_code == 302
    version = db.session.execute(select(PolicyVersion)).scalar_one()
    stored = Path(app.config["POLICY_FILES_DIR"]) / str(world.school_a.id) / version.file_name
    assert stored.read_bytes() == big and version.file_name != "dp.pdf"
    assert "static" not in str(
        stored.resolve().relative_to(Path(app.config["POLICY_FILES_DIR"]).resolve())
    )
    assert version.file_original_name == "dp.pdf"  # werkzeug strips the path

    url = f"/policies/{version.policy_id}/versions/{version.id}.pdf"
    response = signed_in(world.user("A", "teacher")).get(url)
    assert response.status_code == 200 and response.data == big
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert signed_in(world.user("B", "dpo")).get(url).status_code == 404
    assert signed_in(world.user("A2", "teacher")).get(url).status_code == 404


def test_the_size_limit_has_a_clear_message(app, world, signed_in, csrf, monkeypatch):
    monkeypatch.setitem(app.config, "POLICY_PDF_MAX_MB", 1)
    dpo = signed_in(world.user("A", "dpo"))
    response = _publish(dpo, csrf, body="", pdf=PDF + b"0" * (1024 * 1024))
    assert response.status_code == 400
    assert "The PDF must be smaller than 1 MB" in response.get_data(as_text=True)
    way_too_big = _publish(dpo, csrf, body="", pdf=PDF + b"0" * (2 * 1024 * 1024))
    assert way_too_big.status_code == 413


def test_only_the_dpo_and_school_admins_publish(world, signed_in, csrf):
    for role in ("teacher", "business_manager", "trust_admin"):
        client = signed_in(world.user("A", role))
        assert client.get("/policies/new").status_code == 403
        assert _publish(client, csrf).status_code == 403
    assert _publish(signed_in(world.user("A", "school_admin")), csrf).status_code == 302
    taken = _publish(signed_in(world.user("A", "dpo")), csrf)
    assert "already has a policy called “Data protection policy”" in taken.get_data(True)
    other = _publish(signed_in(world.user("A", "dpo")), csrf, kind="other", title="")
    assert "Enter the policy&#39;s title" in other.get_data(as_text=True)


def test_withdrawn_policies_are_no_longer_asked_for(world, signed_in, csrf):
    dpo = signed_in(world.user("A", "dpo"))
    _publish(dpo, csrf)
    policy = _only_policy()
    dpo.post(f"/policies/{policy.id}/withdraw", data={"csrf_token": csrf(dpo, "/account")})
    teacher = signed_in(world.user("A", "teacher"))
    assert "Policies to read" not in teacher.get("/").get_data(as_text=True)
    assert teacher.get(f"/policies/{policy.id}").status_code == 404
    assert "withdrawn on" in dpo.get("/policies/").get_data(as_text=True)


def test_reminders_ask_once_per_version(world, runner, signed_in, csrf, monkeypatch):
    set_clock(monkeypatch, NOW)
    dpo = signed_in(world.user("A", "dpo"))
    _publish(dpo, csrf)
    teacher = world.user("A", "teacher")
    assert runner.invoke(args=["reminders", "send"]).exit_code == 0
    emails = (
        db.session.execute(select(OutboxEmail).where(OutboxEmail.recipient == teacher.email))
        .scalars()
        .all()
    )
    assert len(emails) == 1 and emails[0].subject == "School policies to read"
    assert "- Data protection policy, Version 1" in emails[0].body
    assert "Read your school's policies: http://localhost/policies/" in emails[0].body
    runner.invoke(args=["reminders", "send"])
    assert len(db.session.execute(
        select(OutboxEmail).where(OutboxEmail.recipient == teacher.email)
    ).all()) == 1  # fmt: skip
    _publish(dpo, csrf, url=f"/policies/{_only_policy().id}/versions/new", body="Version two.")
    runner.invoke(args=["reminders", "send"])
    bodies = (
        db.session.execute(select(OutboxEmail.body).where(OutboxEmail.recipient == teacher.email))
        .scalars()
        .all()
    )
    assert len(bodies) == 2 and "- Data protection policy, Version 2" in bodies[-1]


def test_policy_pages_cost_the_same_statements_for_10_or_1000_staff(world, signed_in, csrf):
    dpo = signed_in(world.user("A", "dpo"))
    _publish(dpo, csrf)
    _publish(dpo, csrf, kind="acceptable_use")
    policy_id = db.session.execute(select(Policy.id).order_by(Policy.id)).scalars().first()
    urls = ["/oversight/", "/policies/", f"/policies/{policy_id}/acknowledgements"]
    bulk_staff(world.school_a, 5)
    small = [count_statements(dpo, url) for url in urls]
    bulk_staff(world.school_a, 995, prefix="more")
    large = [count_statements(dpo, url) for url in urls]
    assert small == large


def test_own_data_download_lists_acknowledgements(world, signed_in, csrf):
    import json

    _publish(signed_in(world.user("A", "dpo")), csrf)
    policy = _only_policy()
    teacher = signed_in(world.user("A", "teacher"))
    teacher.post(
        f"/policies/{policy.id}/acknowledge",
        data={"csrf_token": csrf(teacher, "/account"), "version_id": policy.current.id},
    )
    data = json.loads(teacher.get("/oversight/my-data.json").get_data(as_text=True))
    assert data["policies_acknowledged"][0]["policy"] == "Data protection policy"
    assert data["policies_acknowledged"][0]["version"] == "Version 1"
