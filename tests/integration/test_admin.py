"""Staff administration: school admins manage their school, trust admins their trust's schools."""

from sqlalchemy import select

from app.models import AuditEvent, Invitation, db


def test_school_admin_sees_only_their_school(world, signed_in):
    html = signed_in(world.user("A", "school_admin")).get("/admin/staff").get_data(as_text=True)
    assert world.user("A", "teacher").email in html
    assert world.user("A2", "teacher").email not in html
    assert world.user("B", "teacher").email not in html


def test_trust_admin_sees_and_manages_every_school_in_their_trust(world, signed_in, csrf):
    client = signed_in(world.user("A", "trust_admin"))
    html = client.get("/admin/staff").get_data(as_text=True)
    assert world.user("A2", "teacher").email in html
    assert world.user("B", "teacher").email not in html
    other_school_teacher = world.user("A2", "teacher")
    response = client.post(
        f"/admin/staff/{other_school_teacher.id}",
        data={"roles": ["teacher", "dpo"], "csrf_token": csrf(client, "/account")},
    )
    assert response.status_code == 302
    db.session.refresh(other_school_teacher)
    assert other_school_teacher.roles == {"teacher", "dpo"}
    assert client.get(f"/admin/staff/{world.user('B', 'teacher').id}").status_code == 404


def test_trust_admin_can_invite_into_a_trust_school_but_not_outside_it(world, signed_in, csrf):
    client = signed_in(world.user("A", "trust_admin"))
    form = {"display_name": "Pat New", "email": "pat@a2.example", "roles": ["teacher"]}
    ok = client.post(
        "/admin/staff/invite",
        data={**form, "school_id": world.school_a2.id, "csrf_token": csrf(client, "/account")},
    )
    assert ok.status_code == 302
    invitation = db.session.execute(select(Invitation)).scalar_one()
    assert invitation.school_id == world.school_a2.id
    refused = client.post(
        "/admin/staff/invite",
        data={
            **form,
            "email": "pat2@b.example",
            "school_id": world.school_b.id,
            "csrf_token": csrf(client, "/account"),
        },
    )
    assert refused.status_code == 200
    assert "Not a valid choice" in refused.get_data(as_text=True)


def test_teachers_cannot_use_admin_pages(world, signed_in):
    client = signed_in(world.user("A", "teacher"))
    assert client.get("/admin/staff").status_code == 403
    assert client.get("/admin/outbox").status_code == 403


def test_role_change_is_audited_and_last_admin_is_protected(world, signed_in, csrf):
    admin = world.user("A", "school_admin")
    client = signed_in(admin)
    response = client.post(
        f"/admin/staff/{admin.id}",
        data={"roles": ["teacher"], "csrf_token": csrf(client, "/account")},
    )
    assert "A school must keep at least one active school admin" in response.get_data(as_text=True)
    teacher = world.user("A", "teacher")
    client.post(
        f"/admin/staff/{teacher.id}",
        data={"roles": ["teacher", "business_manager"], "csrf_token": csrf(client, "/account")},
    )
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "roles_changed")
    ).scalar_one()
    assert event.detail["after"] == ["business_manager", "teacher"]
    assert event.actor_id == admin.id


def test_deactivate_and_reactivate(world, signed_in, csrf):
    admin_client = signed_in(world.user("A", "school_admin"))
    teacher = world.user("A", "teacher")
    teacher_client = signed_in(teacher)
    admin_client.post(
        f"/admin/staff/{teacher.id}/deactivate", data={"csrf_token": csrf(admin_client, "/account")}
    )
    db.session.refresh(teacher)
    assert not teacher.active
    assert teacher_client.get("/account").status_code == 302
    admin_client.post(
        f"/admin/staff/{teacher.id}/reactivate", data={"csrf_token": csrf(admin_client, "/account")}
    )
    db.session.refresh(teacher)
    assert teacher.active


def test_outbox_shows_only_this_schools_email(world, signed_in, csrf):
    from app.models import OutboxEmail

    db.session.add_all(
        [
            OutboxEmail(
                school_id=world.school_a.id, recipient="x@a.example", subject="For A", body="a"
            ),
            OutboxEmail(
                school_id=world.school_b.id, recipient="y@b.example", subject="For B", body="b"
            ),
        ]
    )
    db.session.commit()
    html = signed_in(world.user("A", "school_admin")).get("/admin/outbox").get_data(as_text=True)
    assert "For A" in html and "For B" not in html
