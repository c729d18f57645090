"""CSV staff import: preview with rejected rows before anything is created, then all or nothing;
imported people are counted on the dashboard as invited staff."""

from datetime import timedelta
from io import BytesIO

from sqlalchemy import func, select

from app.models import Invitation, OutboxEmail, db
from tests.factories import NOW, assign, set_clock

CSV = (
    "name,email,roles\n"
    "Ana Lee,ana.lee@a.example,Teacher\n"
    "Bad Row,not-an-email,Teacher\n"
    "Sam Patel,sam.patel@a.example,Teacher; DPO\n"
)


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _upload(client, csrf, text: str):
    token = csrf(client, "/admin/staff/import")
    return client.post(
        "/admin/staff/import",
        data={"csrf_token": token, "csv_file": (BytesIO(text.encode()), "staff.csv")},
        content_type="multipart/form-data",
    )


def test_preview_then_import_the_good_rows(world, signed_in, csrf, monkeypatch):
    set_clock(monkeypatch, NOW)
    client = signed_in(world.user("A", "school_admin"))
    preview = _upload(client, csrf, CSV)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Row 3: “not-an-email” is not an email address" in html
    assert "Invite 2 people" in html
    assert _count(Invitation) == 0  # nothing yet
    token = csrf(client, "/admin/staff/import")
    response = client.post(
        "/admin/staff/import/confirm", data={"csrf_token": token, "csv_text": CSV}
    )
    assert response.status_code == 302
    emails = set(db.session.execute(select(Invitation.email)).scalars())
    assert emails == {"ana.lee@a.example", "sam.patel@a.example"}
    assert _count(OutboxEmail) == 2
    # Standing assignments apply to the invited people at once.
    assign(world.school_a, due=NOW.date() + timedelta(days=10))
    html = signed_in(world.user("A", "dpo")).get("/oversight/").get_data(as_text=True)
    assert "including 2 invited but not joined yet" in html
    assert "Ana Lee" in html and "Due in the next 14 days (7)" in html


def test_file_level_problems_keep_the_upload_page(world, signed_in, csrf):
    client = signed_in(world.user("A", "school_admin"))
    response = _upload(client, csrf, "name,email\nA,a@a.example\n")
    assert response.status_code == 400
    assert "missing: roles" in response.get_data(as_text=True)
    token = csrf(client, "/admin/staff/import")
    response = client.post("/admin/staff/import", data={"csrf_token": token})
    assert "Choose a CSV file to upload" in response.get_data(as_text=True)


def test_duplicates_of_existing_staff_are_rejected_and_nothing_is_half_imported(
    world, signed_in, csrf, monkeypatch
):
    set_clock(monkeypatch, NOW)
    client = signed_in(world.user("A", "school_admin"))
    existing = world.user("A", "teacher").email
    text = f"name,email,roles\nX,{existing},teacher\nNew,new@a.example,teacher\n"
    html = _upload(client, csrf, text).get_data(as_text=True)
    assert "already has an account" in html and "Invite 1 person" in html

    # Someone joins between preview and confirm: the confirm step checks again.
    from app.services.accounts import staff_import

    def refuse(*args, **kwargs):
        from app.services.accounts.staff import AccountError

        raise AccountError("Someone with this email address already has an account")

    monkeypatch.setattr(staff_import, "create_invitation", refuse)
    token = csrf(client, "/admin/staff/import")
    response = client.post(
        "/admin/staff/import/confirm", data={"csrf_token": token, "csv_text": text},
        follow_redirects=True,
    )  # fmt: skip
    assert "Nothing was imported" in response.get_data(as_text=True)
    assert _count(Invitation) == 0 and _count(OutboxEmail) == 0


def test_a_trust_admin_imports_into_any_school_of_the_trust(world, signed_in, csrf):
    client = signed_in(world.user("A", "trust_admin"))
    page = client.get("/admin/staff/import").get_data(as_text=True)
    assert "School to invite them to" in page and "School A2" in page and "School B" not in page
    token = csrf(client, "/admin/staff/import")
    preview = client.post(
        "/admin/staff/import",
        data={"csrf_token": token, "school_id": world.school_a2.id,
              "csv_file": (BytesIO(CSV.encode()), "staff.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    html = preview.get_data(as_text=True)
    assert "2 of 3 row(s) can be invited to School A2" in html
    assert f'name="school_id" type="hidden" value="{world.school_a2.id}"' in html
    refused = client.post(
        "/admin/staff/import/confirm",
        data={"csrf_token": token, "csv_text": CSV, "school_id": world.school_b.id},
    )
    assert refused.status_code == 404 and _count(Invitation) == 0
    client.post(
        "/admin/staff/import/confirm",
        data={"csrf_token": token, "csv_text": CSV, "school_id": world.school_a2.id},
    )
    schools = set(db.session.execute(select(Invitation.school_id)).scalars())
    assert schools == {world.school_a2.id}


def test_a_school_admin_is_offered_no_other_school(world, signed_in, csrf):
    client = signed_in(world.user("A", "school_admin"))
    assert "School to invite them to" not in client.get("/admin/staff/import").get_data(True)
    token = csrf(client, "/admin/staff/import")
    refused = client.post(
        "/admin/staff/import/confirm",
        data={"csrf_token": token, "csv_text": CSV, "school_id": world.school_a2.id},
    )
    assert refused.status_code == 404
