"""Two-step sign-in: enrolling, signing in with a code or a recovery code, what cannot bypass
it (password reset, a replayed code, an expired first step), throttling, the school setting
that requires it, turning it off and an admin's reset. All audited."""

import re

import pyotp
from sqlalchemy import select

from app.models import AuditEvent, OutboxEmail, db
from app.models.oversight import SchoolSettings
from app.models.security import RecoveryCode
from app.services.accounts import mfa
from tests.factories import TEST_PASSWORD

NEW_PASSWORD = "lantern-orchard-meadow-27"
SECRET = re.compile(r'id="secret-key">([A-Z2-7 ]+)<')
CODE = re.compile(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>")


def _actions() -> list[str]:
    return list(db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def _enrol(client, csrf) -> tuple[str, list[str]]:
    """Set up two-step sign-in from the account page; returns (secret, recovery codes)."""
    page = client.get("/account/two-step").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code, drawn on the server
    secret = SECRET.search(page).group(1).replace(" ", "")
    wrong = client.post(
        "/account/two-step", data={"csrf_token": csrf(client, "/account"), "code": "000000"}
    )
    assert wrong.status_code == 400 and "The code is not right" in wrong.get_data(as_text=True)
    done = client.post(
        "/account/two-step",
        data={"csrf_token": csrf(client, "/account"), "code": pyotp.TOTP(secret).now()},
    )
    codes = CODE.findall(done.get_data(as_text=True))
    assert "Two-step sign-in is on" in done.get_data(as_text=True)
    return secret, codes


def _password_step(client, email, csrf, password=TEST_PASSWORD):
    token = csrf(client, "/sign-in")
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})


def _code_step(client, code, csrf, path="/sign-in/two-step"):
    return client.post(path, data={"csrf_token": csrf(client, path), "code": code})


def _use_next_time_step(user) -> str:
    """A valid code that has not been used yet (the step after the last one accepted)."""
    db.session.refresh(user)
    return pyotp.TOTP(user.totp_secret).generate_otp(user.totp_last_step + 1)


def test_enrol_then_sign_in_with_a_code(app, world, signed_in, csrf):
    teacher = world.user("A", "teacher")
    secret, codes = _enrol(signed_in(teacher), csrf)
    db.session.refresh(teacher)
    assert teacher.mfa_enabled and len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.execute(select(RecoveryCode.code_hash)).scalars().all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept

    client = app.test_client()
    response = _password_step(client, teacher.email, csrf)
    assert response.headers["Location"] == "/sign-in/two-step"
    assert client.get("/account").status_code == 302  # not signed in after the password alone
    refused = _code_step(client, "123456", csrf)
    assert "The code is not right" in refused.get_data(as_text=True)
    response = _code_step(client, _use_next_time_step(teacher), csrf)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    actions = _actions()
    assert "mfa_enabled" in actions and "mfa_code_refused" in actions
    assert actions[-1] == "sign_in" and "sign_in_password_accepted" in actions
    event = db.session.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
    assert event.detail == {"second_step": "authenticator app"}


def test_a_code_works_once(app, world, signed_in, csrf):
    teacher = world.user("A", "teacher")
    _enrol(signed_in(teacher), csrf)
    code = _use_next_time_step(teacher)
    first, second = app.test_client(), app.test_client()
    _password_step(first, teacher.email, csrf)
    _password_step(second, teacher.email, csrf)
    assert _code_step(first, code, csrf).status_code == 302
    replay = _code_step(second, code, csrf)
    assert replay.status_code == 200 and "The code is not right" in replay.get_data(as_text=True)


def test_a_recovery_code_signs_in_once(app, world, signed_in, csrf):
    teacher = world.user("A", "teacher")
    _, codes = _enrol(signed_in(teacher), csrf)
    client = app.test_client()
    _password_step(client, teacher.email, csrf)
    response = _code_step(client, codes[3].upper(), csrf, "/sign-in/recovery-code")
    assert response.status_code == 302
    assert "You used a recovery code: 9 left" in client.get("/").get_data(as_text=True)
    again = app.test_client()
    _password_step(again, teacher.email, csrf)
    reused = _code_step(again, codes[3], csrf, "/sign-in/recovery-code")
    assert "has been used" in reused.get_data(as_text=True)
    assert "mfa_recovery_code_refused" in _actions()


def test_the_second_step_is_throttled_and_expires(app, world, signed_in, csrf, monkeypatch):
    teacher = world.user("A", "teacher")
    _enrol(signed_in(teacher), csrf)
    client = app.test_client()
    _password_step(client, teacher.email, csrf)
    codes = [_code_step(client, "000000", csrf).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    # A first step left too long must be done again.
    import app.auth.two_step as two_step

    fresh = app.test_client()
    _password_step(fresh, world.user("A", "teacher").email, csrf)
    real = two_step.time.time
    monkeypatch.setattr(two_step.time, "time", lambda: real() + two_step.PENDING_SECONDS + 1)
    response = fresh.get("/sign-in/two-step")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"


def test_password_reset_does_not_skip_the_second_step(app, world, signed_in, csrf):
    teacher = world.user("A", "teacher")
    _enrol(signed_in(teacher), csrf)
    client = app.test_client()
    client.post(
        "/reset-password",
        data={"email": teacher.email, "csrf_token": csrf(client, "/reset-password")},
    )
    body = db.session.execute(select(OutboxEmail.body)).scalars().all()[-1]
    link = re.search(r"http://localhost(/reset-password/\S+)", body).group(1)
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": csrf(client, link)}
    assert client.post(link, data=data).status_code == 302
    assert client.get("/account").status_code == 302  # the reset signed nobody in
    response = _password_step(client, teacher.email, csrf, NEW_PASSWORD)
    assert response.headers["Location"] == "/sign-in/two-step"


def test_a_school_that_requires_it_sends_privileged_staff_to_enrol(app, world, signed_in, csrf):
    dpo = world.user("A", "dpo")
    _enrol(signed_in(dpo), csrf)  # the DPO sets it up for themselves, then requires it
    dpo_client = signed_in(dpo)
    page = dpo_client.get("/oversight/settings").get_data(as_text=True)
    assert "Two-step sign-in" in page
    response = dpo_client.post(
        "/oversight/settings",
        data={
            "csrf_token": csrf(dpo_client, "/oversight/settings"),
            "reminders_enabled": "on",
            "require_mfa": "on",
        },
    )
    assert response.status_code == 302
    assert db.session.execute(select(SchoolSettings.require_mfa)).scalar_one() is True

    manager = world.user("A", "business_manager")
    client = app.test_client()
    assert _password_step(client, manager.email, csrf).status_code == 302
    for page in ("/", "/procurement/", "/account"):
        response = client.get(page)
        assert response.status_code == 302 and response.headers["Location"] == "/account/two-step"
    setup = client.get("/account/two-step").get_data(as_text=True)
    assert "Your school requires two-step sign-in" in setup
    secret = SECRET.search(setup).group(1).replace(" ", "")
    client.post(
        "/account/two-step",
        data={"csrf_token": csrf(client, "/account/two-step"), "code": pyotp.TOTP(secret).now()},
    )
    assert client.get("/procurement/").status_code == 200
    # Teachers are not asked; the trust admin of a school in the same trust is.
    teacher = app.test_client()
    _password_step(teacher, world.user("A", "teacher").email, csrf)
    assert teacher.get("/").status_code == 200
    assert mfa.mfa_required(db.session, world.user("A2", "trust_admin"))
    assert not mfa.mfa_required(db.session, world.user("A2", "school_admin"))
    assert not mfa.mfa_required(db.session, world.user("B", "trust_admin"))


def test_requiring_it_asks_you_to_set_it_up_first(world, signed_in, csrf):
    client = signed_in(world.user("A", "school_admin"))
    response = client.post(
        "/oversight/settings",
        data={
            "csrf_token": csrf(client, "/oversight/settings"),
            "reminders_enabled": "on",
            "require_mfa": "on",
        },
    )
    assert response.status_code == 400
    assert "Set up two-step sign-in for your own account first" in response.get_data(as_text=True)


def test_turning_it_off_needs_the_password_and_is_a_new_phone_when_required(world, signed_in, csrf):
    teacher = world.user("A", "teacher")
    client = signed_in(teacher)
    _enrol(client, csrf)
    token = csrf(client, "/account/two-step")
    wrong = client.post(
        "/account/two-step/turn-off", data={"csrf_token": token, "password": "not-my-password"}
    )
    assert "Your password is not correct" in wrong.get_data(as_text=True)
    client.post("/account/two-step/turn-off", data={"csrf_token": token, "password": TEST_PASSWORD})
    db.session.refresh(teacher)
    assert not teacher.mfa_enabled and teacher.totp_secret is None
    assert "mfa_disabled" in _actions()

    dpo = world.user("A", "dpo")
    dpo_client = signed_in(dpo)
    _enrol(dpo_client, csrf)
    db.session.add(SchoolSettings(school_id=world.school_a.id, require_mfa=True))
    db.session.commit()
    token = csrf(dpo_client, "/account/two-step")
    response = dpo_client.post(
        "/account/two-step/turn-off", data={"csrf_token": token, "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == "/account/two-step"
    assert dpo_client.get("/oversight/").headers["Location"] == "/account/two-step"


def test_new_recovery_codes_replace_the_old_ones(world, signed_in, csrf):
    teacher = world.user("A", "teacher")
    client = signed_in(teacher)
    _, old = _enrol(client, csrf)
    response = client.post(
        "/account/two-step/recovery-codes",
        data={"csrf_token": csrf(client, "/account/two-step"), "password": TEST_PASSWORD},
    )
    new = CODE.findall(response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert not mfa.use_recovery_code(db.session, teacher, old[0], teacher.mfa_enabled_at)
    assert mfa.use_recovery_code(db.session, teacher, new[0], teacher.mfa_enabled_at)


def test_an_admin_resets_it_for_someone_who_lost_their_phone(app, world, signed_in, csrf):
    teacher = world.user("A", "teacher")
    teacher_client = signed_in(teacher)
    _enrol(teacher_client, csrf)
    admin = signed_in(world.user("A", "school_admin"))
    token = csrf(admin, "/admin/staff")
    response = admin.post(f"/admin/staff/{teacher.id}/two-step/reset", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(teacher)
    assert not teacher.mfa_enabled
    assert teacher_client.get("/account").status_code == 302  # the lost phone's session ended
    assert "mfa_reset_by_admin" in _actions()
    assert _password_step(app.test_client(), teacher.email, csrf).headers["Location"] == "/"
    # A school admin cannot do this to a trust admin.
    trust_admin = world.user("A", "trust_admin")
    _enrol(signed_in(trust_admin), csrf)
    admin.post(f"/admin/staff/{trust_admin.id}/two-step/reset", data={"csrf_token": token})
    db.session.refresh(trust_admin)
    assert trust_admin.mfa_enabled
