"""Sign-in, invitations, password reset, session revocation and throttling (test client)."""

import re
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

import itsdangerous.timed
import pytest
from sqlalchemy import select

from app.models import AuditEvent, Invitation, OutboxEmail, User, db
from app.services.accounts.passwords import PasswordHashing
from tests.factories import TEST_PASSWORD

NEW_PASSWORD = "lantern-orchard-meadow-27"


@contextmanager
def move_clock(seconds: int):
    """Make signed links look `seconds` older than they are (itsdangerous reads time.time)."""
    real = itsdangerous.timed.time.time
    fake = SimpleNamespace(time=lambda: real() + seconds)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(itsdangerous.timed, "time", fake)
        yield


def _sign_in(client, email, password=TEST_PASSWORD, csrf=None):
    token = csrf(client, "/sign-in")
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})


def _last_link(path_prefix: str) -> str:
    email = db.session.execute(
        select(OutboxEmail).order_by(OutboxEmail.id.desc()).limit(1)
    ).scalar_one()
    match = re.search(rf"http://localhost({path_prefix}[^\s]+)", email.body)
    assert match, email.body
    return match.group(1)


def test_sign_in_and_out(client, world, csrf):
    teacher = world.user("A", "teacher")
    response = _sign_in(client, teacher.email.upper(), csrf=csrf)
    assert response.status_code == 302
    assert f"Hello, {teacher.display_name}" in client.get("/").get_data(as_text=True)
    client.post("/sign-out", data={"csrf_token": csrf(client, "/account")})
    assert client.get("/account").status_code == 302
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert {"sign_in", "sign_out"} <= set(actions)


def test_signing_in_upgrades_a_hash_made_at_another_cost(client, world, csrf):
    teacher = world.user("A", "teacher")
    teacher.password_hash = PasswordHashing(time_cost=2, memory_cost=2048).hash(TEST_PASSWORD)
    db.session.commit()
    assert _sign_in(client, teacher.email, csrf=csrf).status_code == 302
    db.session.refresh(teacher)
    assert teacher.password_hash.startswith("$argon2id$v=19$m=1024,t=1,")  # the testing cost
    assert teacher.last_sign_in_at is not None


def test_wrong_password_gives_one_message_and_is_audited(client, world, csrf):
    for email in [world.user("A", "teacher").email, "nobody@nowhere.example"]:
        response = _sign_in(client, email, "wrong-password-here", csrf=csrf)
        assert response.status_code == 200
        assert "Enter a correct email address and password" in response.get_data(as_text=True)
    failed = (
        db.session.execute(select(AuditEvent).where(AuditEvent.action == "sign_in_failed"))
        .scalars()
        .all()
    )
    assert len(failed) == 2


def test_next_parameter_only_redirects_within_the_site(client, world, csrf):
    token = csrf(client, "/sign-in")
    data = {
        "email": world.user("A", "teacher").email,
        "password": TEST_PASSWORD,
        "csrf_token": token,
    }
    response = client.post("/sign-in?next=//evil.example/x", data=data)
    assert response.headers["Location"] == "/"


def test_sign_in_is_throttled_per_account(app, world, csrf):
    teacher = world.user("A", "teacher")
    statuses = []
    for attempt in range(7):
        client = app.test_client()  # fresh session each time: the account key still counts
        statuses.append(
            _sign_in(client, teacher.email, f"wrong-{attempt}-password", csrf=csrf).status_code
        )
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429, 429]
    blocked = _sign_in(app.test_client(), teacher.email, TEST_PASSWORD, csrf=csrf)
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    # Another account from the same address is not locked by this one.
    other = _sign_in(app.test_client(), world.user("A", "dpo").email, csrf=csrf)
    assert other.status_code == 302


def test_sign_in_is_throttled_per_ip(app, world, csrf):
    app.config["SIGN_IN_LIMIT_PER_IP"] = "3 per 15 minutes"
    try:
        client = app.test_client()
        codes = [
            _sign_in(client, f"user{n}@nowhere.example", "wrong-password-x", csrf=csrf).status_code
            for n in range(4)
        ]
    finally:
        app.config["SIGN_IN_LIMIT_PER_IP"] = "30 per 15 minutes"
    assert codes == [200, 200, 200, 429]


def _invite(admin_client, csrf, email="new.teacher@a.example"):
    token = csrf(admin_client, "/admin/staff/invite")
    return admin_client.post(
        "/admin/staff/invite",
        data={
            "display_name": "New Teacher",
            "email": email,
            "roles": ["teacher"],
            "csrf_token": token,
        },
    )


def test_invitation_link_works_once(app, world, signed_in, csrf):
    admin = signed_in(world.user("A", "school_admin"))
    assert _invite(admin, csrf).status_code == 302
    link = _last_link("/join/")
    newcomer = app.test_client()
    page = newcomer.get(link)
    assert page.status_code == 200 and "Set up your account" in page.get_data(as_text=True)
    data = {
        "display_name": "New Teacher",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
        "csrf_token": csrf(newcomer, link),
    }
    assert newcomer.post(link, data=data).status_code == 302
    user = db.session.execute(
        select(User).where(User.email == "new.teacher@a.example")
    ).scalar_one()
    assert user.school_id == world.school_a.id and user.roles == {"teacher"}
    again = app.test_client().get(link)
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)


def test_invitation_link_expires(app, world, signed_in, csrf):
    admin = signed_in(world.user("A", "school_admin"))
    _invite(admin, csrf)
    link = _last_link("/join/")
    invitation = db.session.execute(select(Invitation)).scalar_one()
    invitation.expires_at = invitation.created_at - timedelta(seconds=1)
    db.session.commit()
    assert app.test_client().get(link).status_code == 410


def test_invitation_link_with_a_stale_signature_is_refused(app, world, signed_in, csrf):
    admin = signed_in(world.user("A", "school_admin"))
    _invite(admin, csrf)
    link = _last_link("/join/")
    app.config["INVITATION_MAX_AGE_HOURS"] = 0
    try:
        with move_clock(seconds=5):
            assert app.test_client().get(link).status_code == 410
    finally:
        app.config["INVITATION_MAX_AGE_HOURS"] = 72
    assert app.test_client().get(link[:-3] + "xyz").status_code == 410


def test_invitation_form_keeps_input_and_explains_a_weak_password(app, world, signed_in, csrf):
    admin = signed_in(world.user("A", "school_admin"))
    _invite(admin, csrf)
    link = _last_link("/join/")
    newcomer = app.test_client()
    data = {
        "display_name": "Nia Jones",
        "password": "short",
        "confirm": "short",
        "csrf_token": csrf(newcomer, link),
    }
    html = newcomer.post(link, data=data).get_data(as_text=True)
    assert "at least 12 characters" in html
    assert 'value="Nia Jones"' in html
    assert "govuk-error-summary" in html


def test_reset_gives_the_same_answer_for_unknown_emails(client, world, csrf):
    known = client.post(
        "/reset-password",
        data={
            "email": world.user("A", "teacher").email,
            "csrf_token": csrf(client, "/reset-password"),
        },
    ).get_data(as_text=True)
    unknown = client.post(
        "/reset-password",
        data={"email": "nobody@nowhere.example", "csrf_token": csrf(client, "/reset-password")},
    ).get_data(as_text=True)
    strip = lambda html: re.sub(r"<strong>[^<]+</strong>", "", html)  # noqa: E731
    assert strip(known) == strip(unknown)
    assert db.session.execute(select(OutboxEmail)).scalars().all().__len__() == 1


def test_reset_link_works_once_and_ends_other_sessions(app, world, signed_in, csrf):
    teacher = world.user("A", "teacher")
    elsewhere = signed_in(teacher)
    assert elsewhere.get("/account").status_code == 200
    client = app.test_client()
    client.post(
        "/reset-password",
        data={"email": teacher.email, "csrf_token": csrf(client, "/reset-password")},
    )
    link = _last_link("/reset-password/")
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": csrf(client, link)}
    assert client.post(link, data=data).status_code == 302
    assert client.get(link).status_code == 410
    assert elsewhere.get("/account").status_code == 302
    assert _sign_in(app.test_client(), teacher.email, NEW_PASSWORD, csrf=csrf).status_code == 302


def test_reset_link_expires(app, world, csrf):
    teacher = world.user("A", "teacher")
    client = app.test_client()
    client.post(
        "/reset-password",
        data={"email": teacher.email, "csrf_token": csrf(client, "/reset-password")},
    )
    link = _last_link("/reset-password/")
    app.config["PASSWORD_RESET_MAX_AGE_MINUTES"] = 0
    try:
        with move_clock(seconds=5):
            assert client.get(link).status_code == 410
    finally:
        app.config["PASSWORD_RESET_MAX_AGE_MINUTES"] = 60


def test_changing_password_ends_other_sessions_but_not_this_one(world, signed_in, csrf):
    teacher = world.user("A", "teacher")
    here, elsewhere = signed_in(teacher), signed_in(teacher)
    data = {
        "current_password": TEST_PASSWORD,
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
        "csrf_token": csrf(here, "/account"),
    }
    assert here.post("/account", data=data).status_code == 302
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302


def test_sign_out_everywhere(world, signed_in, csrf):
    teacher = world.user("A", "teacher")
    here, elsewhere = signed_in(teacher), signed_in(teacher)
    here.post("/account/sign-out-everywhere", data={"csrf_token": csrf(here, "/account")})
    assert here.get("/account").status_code == 302
    assert elsewhere.get("/account").status_code == 302


def test_deactivated_users_cannot_sign_in(client, world, csrf):
    teacher = world.user("A", "teacher")
    teacher.active = False
    db.session.commit()
    assert _sign_in(client, teacher.email, csrf=csrf).status_code == 200


def test_rate_limits_are_kept_in_redis_when_configured(app, tmp_path, csrf):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379 (CI has one)")
    from app import create_app
    from app.extensions import limiter

    redis_app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'redis.db'}",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15",
        SIGN_IN_LIMIT_PER_ACCOUNT="2 per 15 minutes",
    )
    try:
        with redis_app.app_context():
            db.create_all()
            limiter.reset()
            assert type(limiter.storage).__name__ == "RedisStorage"
            client = redis_app.test_client()
            codes = [
                _sign_in(
                    client, "someone@school.example", "wrong-password-1", csrf=csrf
                ).status_code
                for _ in range(3)
            ]
            limiter.reset()
            db.session.remove()
            db.engine.dispose()
    finally:
        limiter.init_app(app)  # the limiter is process-wide: give the suite its memory storage back
    assert type(limiter.storage).__name__ == "MemoryStorage"
    assert codes == [200, 200, 429]


def test_reset_link_ignores_a_forged_host_header(client, world, csrf):
    """The emailed link comes from PUBLIC_BASE_URL, whatever Host the request claims."""
    teacher = world.user("A", "teacher")
    evil = "http://evil.example"
    page = client.get("/reset-password", base_url=evil).get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    response = client.post(
        "/reset-password", data={"email": teacher.email, "csrf_token": token}, base_url=evil
    )
    assert response.status_code == 200
    body = db.session.execute(select(OutboxEmail.body)).scalar_one()
    assert "evil.example" not in body
    assert "http://localhost/reset-password/" in body
