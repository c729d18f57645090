"""Waiting invitations: sent again with a new link (the old one stops working), revoked, and a
second invitation to the same address asks before it changes the name, roles or school."""

import re

from sqlalchemy import select

from app.models import AuditEvent, Invitation, OutboxEmail, db

LINK = re.compile(r"http://localhost/join/(\S+)")


def _invite(client, csrf, **fields):
    data = {"display_name": "Ana Lee", "email": "ana@a.example", "roles": ["teacher"]}
    data.update(fields)
    return client.post("/admin/staff/invite", data={**data, "csrf_token": csrf(client, "/account")})


def _links_to(email: str) -> list[str]:
    bodies = db.session.execute(
        select(OutboxEmail.body).where(OutboxEmail.recipient == email).order_by(OutboxEmail.id)
    ).scalars()
    return [LINK.search(body).group(1) for body in bodies]


def _open(email: str) -> list[Invitation]:
    stmt = select(Invitation).where(Invitation.email == email, Invitation.revoked_at.is_(None))
    return list(db.session.execute(stmt).scalars())


def test_resend_sends_a_new_link_and_the_old_one_stops_working(world, signed_in, csrf, client):
    admin = signed_in(world.user("A", "school_admin"))
    _invite(admin, csrf)
    (first,) = _open("ana@a.example")
    page = admin.get(f"/admin/staff/invitations/{first.id}").get_data(as_text=True)
    assert "Waiting to be accepted" in page and "Send the invitation again" in page
    response = admin.post(
        f"/admin/staff/invitations/{first.id}/resend", data={"csrf_token": csrf(admin, "/account")}
    )
    assert response.status_code == 302
    (renewed,) = _open("ana@a.example")
    assert renewed.id != first.id and renewed.display_name == "Ana Lee"
    old_link, new_link = _links_to("ana@a.example")
    assert client.get(f"/join/{old_link}").status_code == 410
    assert client.get(f"/join/{new_link}").status_code == 200
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "invitation_resent")
    ).scalar_one()
    assert event.object_id == str(renewed.id) and event.detail == {"replaces": first.id}


def test_revoke_stops_the_link_and_takes_them_off_the_list(world, signed_in, csrf, client):
    admin = signed_in(world.user("A", "school_admin"))
    _invite(admin, csrf)
    (invitation,) = _open("ana@a.example")
    token = csrf(admin, "/account")
    admin.post(f"/admin/staff/invitations/{invitation.id}/revoke", data={"csrf_token": token})
    assert not _open("ana@a.example")
    (link,) = _links_to("ana@a.example")
    assert client.get(f"/join/{link}").status_code == 410
    assert "Ana Lee" not in admin.get("/admin/staff").get_data(as_text=True)
    again = admin.post(
        f"/admin/staff/invitations/{invitation.id}/revoke", data={"csrf_token": token}
    )
    assert again.status_code == 302
    page = admin.get(f"/admin/staff/invitations/{invitation.id}").get_data(as_text=True)
    assert "This invitation has already been revoked" in page and "Revoked on" in page
    assert "Send the invitation again" not in page
    assert db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "invitation_revoked")
    ).scalar_one()


def test_re_inviting_asks_before_changing_name_or_roles(world, signed_in, csrf):
    admin = signed_in(world.user("A", "school_admin"))
    _invite(admin, csrf)
    asked = _invite(admin, csrf, display_name="Ana Lee-Smith", roles=["teacher", "dpo"])
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "ana@a.example has already been invited" in html
    assert "Name: Ana Lee → Ana Lee-Smith" in html
    assert (
        "Roles: Teacher or other staff → Data protection officer or lead, Teacher or other staff"
        in html
    )
    (unchanged,) = _open("ana@a.example")
    assert unchanged.display_name == "Ana Lee" and len(_links_to("ana@a.example")) == 1

    confirmed = _invite(
        admin, csrf, display_name="Ana Lee-Smith", roles=["teacher", "dpo"], replace_existing="yes"
    )
    assert confirmed.status_code == 302
    (replaced,) = _open("ana@a.example")
    assert replaced.display_name == "Ana Lee-Smith" and replaced.role_list == ["dpo", "teacher"]


def test_re_inviting_with_the_same_details_sends_a_new_link_without_asking(world, signed_in, csrf):
    admin = signed_in(world.user("A", "school_admin"))
    _invite(admin, csrf)
    response = _invite(admin, csrf)
    assert response.status_code == 302
    assert len(_open("ana@a.example")) == 1 and len(_links_to("ana@a.example")) == 2
    follow = admin.get("/admin/staff").get_data(as_text=True)
    assert "The earlier invitation&#39;s link no longer works." in follow


def test_another_schools_invitation_is_not_found(world, signed_in, csrf):
    _invite(signed_in(world.user("B", "school_admin")), csrf, email="bo@b.example")
    (theirs,) = _open("bo@b.example")
    outsider = signed_in(world.user("A", "school_admin"))
    assert outsider.get(f"/admin/staff/invitations/{theirs.id}").status_code == 404
    token = csrf(outsider, "/account")
    for action in ("resend", "revoke"):
        url = f"/admin/staff/invitations/{theirs.id}/{action}"
        assert outsider.post(url, data={"csrf_token": token}).status_code == 404
