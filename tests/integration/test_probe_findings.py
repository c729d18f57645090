"""One test (or a few) per finding of the outside probe (issue 11); each failed on the code
before the fix. Finding 1 (reset-link poisoning) is in test_auth.py, finding 5 (concurrent saves
of one section) belongs to the procurement rewrite; MFA is in test_mfa.py."""

import io
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.exc import OperationalError

from app import create_app
from app.models import AuditEvent, Invitation, OutboxEmail, db
from app.models.oversight import Exemption
from app.models.training import LessonProgress
from tests.factories import MODULE, TEST_PASSWORD
from tests.walker.procurement import _assessment


def _sign_in(client, email, password=TEST_PASSWORD, csrf=None, query=""):
    token = csrf(client, "/sign-in")
    return client.post(
        f"/sign-in{query}", data={"email": email, "password": password, "csrf_token": token}
    )


# 2. A copied session cookie still worked after sign-out ------------------------------------


def test_a_copied_session_cookie_stops_working_at_sign_out(app, world, csrf):
    teacher = world.user("A", "teacher")
    mine = app.test_client()
    assert _sign_in(mine, teacher.email, csrf=csrf).status_code == 302
    copy = app.test_client()
    copy.set_cookie("session", mine.get_cookie("session").value)
    assert copy.get("/account").status_code == 200  # the copy works while the session lasts
    mine.post("/sign-out", data={"csrf_token": csrf(mine, "/account")})
    response = copy.get("/account")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_signing_out_here_leaves_other_devices_signed_in(app, world, csrf):
    teacher = world.user("A", "teacher")
    laptop, phone = app.test_client(), app.test_client()
    _sign_in(laptop, teacher.email, csrf=csrf)
    _sign_in(phone, teacher.email, csrf=csrf)
    laptop.post("/sign-out", data={"csrf_token": csrf(laptop, "/account")})
    assert phone.get("/account").status_code == 200


def test_a_session_older_than_its_lifetime_is_refused(app, world, csrf, monkeypatch):
    from datetime import timedelta

    import app.auth.session as sessions

    client = app.test_client()
    _sign_in(client, world.user("A", "teacher").email, csrf=csrf)
    assert client.get("/account").status_code == 200
    later = sessions.utcnow() + timedelta(seconds=app.config["PERMANENT_SESSION_LIFETIME"] + 1)
    monkeypatch.setattr(sessions, "utcnow", lambda: later)
    assert client.get("/account").status_code == 302


# 3. Open redirect after sign-in (and 7: a newline in `next` gave a 500) --------------------


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",
        "/%0a/x",
        "/%0d%0a/evil.example",
        "//evil.example/x",
        "/%5Cevil.example",
        "/%2F%2Fevil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/no-such-page",
    ],
)
def test_sign_in_never_redirects_off_the_site(client, world, csrf, target):
    response = _sign_in(
        client, world.user("A", "teacher").email, csrf=csrf, query=f"?next={target}"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_in_keeps_a_real_page_to_go_back_to(client, world, csrf):
    response = _sign_in(
        client, world.user("A", "dpo").email, csrf=csrf, query="?next=/oversight/audit%3Fpage%3D2"
    )
    assert response.headers["Location"] == "/oversight/audit?page=2"


# 4. A school admin could strip and deactivate the trust admin ------------------------------


def test_school_admins_cannot_change_a_trust_admin(world, signed_in, csrf):
    trust_admin = world.user("A", "trust_admin")
    admin = signed_in(world.user("A", "school_admin"))
    token = csrf(admin, "/admin/staff")
    page = admin.get(f"/admin/staff/{trust_admin.id}").get_data(as_text=True)
    assert "only a trust admin can change" in page
    response = admin.post(
        f"/admin/staff/{trust_admin.id}", data={"csrf_token": token, "roles": ["teacher"]}
    )
    assert "Only a trust admin can change a trust admin" in response.get_data(as_text=True)
    admin.post(f"/admin/staff/{trust_admin.id}/deactivate", data={"csrf_token": token})
    admin.post(f"/admin/staff/{trust_admin.id}/erase", data={"csrf_token": token})
    db.session.refresh(trust_admin)
    assert trust_admin.roles == {"trust_admin"} and trust_admin.active
    assert trust_admin.email == "trust-admin@a.example"


def test_trust_admins_change_trust_admins_but_keep_the_last_one(world, signed_in, csrf):
    first, second = world.user("A", "trust_admin"), world.user("A2", "trust_admin")
    client = signed_in(first)
    token = csrf(client, "/admin/staff")
    response = client.post(
        f"/admin/staff/{second.id}", data={"csrf_token": token, "roles": ["dpo"]}
    )
    assert response.status_code == 302
    db.session.refresh(second)
    assert second.roles == {"dpo"}
    response = client.post(f"/admin/staff/{first.id}", data={"csrf_token": token, "roles": ["dpo"]})
    assert "A trust must keep at least one active trust admin" in response.get_data(as_text=True)
    client.post(f"/admin/staff/{first.id}/deactivate", data={"csrf_token": token})
    db.session.refresh(first)
    assert first.active and first.roles == {"trust_admin"}


# 6. Sign-in throttling was per process ------------------------------------------------------


def test_failed_sign_ins_are_counted_across_workers(tmp_path, csrf):
    """Two apps on one database stand for two gunicorn workers (each with its own connection
    pool and, with memory://, its own counters): the limit holds across both."""
    from app.extensions import limiter

    url = f"sqlite:///{tmp_path / 'workers.db'}"
    options = {
        "RATELIMIT_STORAGE_URI": "app-database://",
        "SIGN_IN_LIMIT_PER_ACCOUNT": "5 per 15 minutes",
    }
    workers = [create_app("testing", SQLALCHEMY_DATABASE_URI=url, **options) for _ in range(2)]
    try:
        with workers[0].app_context():
            db.create_all()
            from tests.factories import build_world

            email = build_world().user("A", "teacher").email
        codes = []
        for attempt in range(6):
            worker = workers[attempt % 2]
            with worker.app_context():
                client = worker.test_client()
                codes.append(_sign_in(client, email, "wrong-password-x", csrf=csrf).status_code)
        with workers[1].app_context():
            right = _sign_in(workers[1].test_client(), email, csrf=csrf).status_code
            assert type(limiter.storage).__name__ == "DatabaseStorage"
    finally:
        for worker in workers:
            with worker.app_context():
                db.session.remove()
                db.engine.dispose()
        from flask import current_app

        limiter.init_app(current_app._get_current_object())  # back to the suite's memory://
    assert codes == [200] * 5 + [429]
    assert right == 429


def test_production_refuses_per_process_rate_limit_counters(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test-only")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://privacy.trust.example")
    with pytest.raises(RuntimeError, match="process memory"):
        create_app(
            "production",
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}",
            RATELIMIT_STORAGE_URI="memory://",
        )
    app = create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}")
    assert not app.config["RATELIMIT_STORAGE_URI"].startswith("memory://")


# 7. Input that gave a 500 ------------------------------------------------------------------


@pytest.mark.parametrize("vendor_id", [2**31, 2**63, 2**70])
def test_ids_beyond_the_integer_column_are_not_found(world, signed_in, vendor_id):
    client = signed_in(world.user("A", "business_manager"))
    assert client.get(f"/procurement/vendors/{vendor_id}").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "/oversight/audit.csv?person=abc",
        f"/oversight/audit?page={2**70}",
        "/oversight/audit?page=0",
        "/oversight/audit?date_to=9999-12-31",
        "/oversight/audit.csv?date_from=0001-01-01",
    ],
)
def test_audit_filters_out_of_range_are_a_400(world, signed_in, query):
    response = signed_in(world.user("A", "dpo")).get(query)
    assert response.status_code == 400, query


def test_a_decision_with_a_version_that_is_not_a_number_is_a_400(world, signed_in, csrf):
    assessment = _assessment(world)
    assessment.profile_done = True
    db.session.commit()
    client = signed_in(world.user("A", "dpo"))
    response = client.post(
        f"/procurement/assessments/{assessment.id}/decision",
        data={
            "csrf_token": csrf(client, "/account"),
            "version": "abc",
            "outcome": "reject",
            "reason": "Not suitable",
            "signed_off_by": "D P O",
        },
    )
    assert response.status_code == 400


def test_a_json_import_nested_too_deep_is_explained(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    for body, message in [
        (b"[" * 100_000, "nests data more than 32 levels deep"),
        (b'{"vendor": {"name": "a\\u0000b"}}', "control character"),
        (b"\xff\xfe{}", "not UTF-8"),
    ]:
        response = client.post(
            "/procurement/import",
            data={
                "csrf_token": csrf(client, "/procurement/import"),
                "document": (io.BytesIO(body), "a.json"),
            },
        )
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)


def test_a_staff_csv_with_an_over_long_cell_is_explained(world, signed_in, csrf):
    client = signed_in(world.user("A", "school_admin"))
    text = "name,email,roles\n" + "x" * 140_000 + ",a@a.example,teacher\n"
    response = client.post(
        "/admin/staff/import",
        data={
            "csrf_token": csrf(client, "/admin/staff/import"),
            "csv_file": (io.BytesIO(text.encode()), "staff.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "could not be read as CSV" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("POST", "/sign-in", {"email": "a\x00b@a.example", "password": "x"}),
        ("GET", "/procurement/?q=%00", None),
        ("GET", "/procurement/?q=%FF", None),
        ("POST", "/procurement/vendors/new", {"product": "P\x00", "name": "Acme"}),
        ("GET", "/training/modules/%00", None),
    ],
)
def test_nul_bytes_and_invalid_utf8_are_a_400(world, signed_in, csrf, method, path, data):
    client = signed_in(world.user("A", "business_manager"))
    if data is not None:
        data = {"csrf_token": csrf(client, "/account"), **data}
    response = client.open(path, method=method, data=data)
    assert response.status_code == 400
    assert "control character" in response.get_data(as_text=True) or "UTF-8" in (
        response.get_data(as_text=True)
    )


def test_an_over_long_query_string_is_a_400(client):
    response = client.get("/verify?code=" + "x" * 5000)
    assert response.status_code == 400


@contextmanager
def another_request_inserts_first(table: str, row: dict):
    """Just before this request's INSERT into `table`, another connection inserts `row` and
    commits: what a second, simultaneous submit of the same form does."""
    target = db.metadata.tables[table]
    done = []

    def race(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        if done or not statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()}"):
            return
        done.append(True)
        with db.engine.connect() as other:
            other.execute(insert(target).values(**row))
            other.commit()

    event.listen(db.engine, "before_cursor_execute", race)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", race)
    assert done, f"no INSERT into {table} was made"


def test_a_lesson_marked_read_twice_at_once_is_read_once(world, signed_in, csrf):
    from app.content.registry import content
    from app.models.base import utcnow

    teacher = world.user("A", "teacher")
    module = content().modules[MODULE]
    lesson = module.lessons[0]
    client = signed_in(teacher)
    token = csrf(client, "/account")
    row = dict(
        school_id=teacher.school_id,
        user_id=teacher.id,
        module_id=module.id,
        module_version=module.version,
        lesson_slug=lesson.slug,
        completed_at=utcnow(),
    )
    with another_request_inserts_first("lesson_progress", row):
        response = client.post(
            f"/training/modules/{module.id}/lessons/{lesson.slug}", data={"csrf_token": token}
        )
    assert response.status_code == 302
    count = select(func.count()).select_from(LessonProgress)
    assert db.session.execute(count).scalar_one() == 1


def test_an_exemption_added_twice_at_once_is_added_once(world, signed_in, csrf):
    from app.models.base import utcnow

    teacher, dpo = world.user("A", "teacher"), world.user("A", "dpo")
    client = signed_in(dpo)
    token = csrf(client, "/account")
    row = dict(
        school_id=teacher.school_id,
        user_id=teacher.id,
        module_id=MODULE,
        reason="First",
        created_by_id=dpo.id,
        created_at=utcnow(),
    )
    with another_request_inserts_first("exemption", row):
        response = client.post(
            f"/oversight/people/{teacher.id}/exemptions",
            data={"csrf_token": token, "module_id": MODULE, "reason": "Second"},
        )
    assert response.status_code == 302
    exemption = db.session.execute(select(Exemption)).scalar_one()
    assert exemption.reason == "First"


# 8. Database down for a signed-in user: the error page needed the database ------------------


def test_the_503_page_needs_no_database_even_for_a_signed_in_user(tmp_path):
    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/nothing"
    )
    app.testing = False
    client = app.test_client()
    with client.session_transaction() as session:
        session.update({"_user_id": "1:0", "_fresh": True, "sid": "a-session-key"})
    response = client.get("/account")
    assert response.status_code == 503
    assert "cannot reach its database" in response.get_data(as_text=True)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_error_page_that_cannot_render_still_answers_with_headers(tmp_path, monkeypatch):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'e.db'}")
    app.testing = False

    @app.get("/_test/down")
    def down():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    def broken(*args, **kwargs):
        raise RuntimeError("template broke")

    monkeypatch.setattr("app.errors.render_template", broken)
    response = app.test_client().get("/_test/down")
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers


# 9. Cross-school email enumeration ---------------------------------------------------------


def test_inviting_someone_from_another_school_says_nothing_about_them(world, signed_in, csrf):
    elsewhere = world.user("A", "teacher")
    admin = signed_in(world.user("B", "school_admin"))
    response = admin.post(
        "/admin/staff/invite",
        data={
            "csrf_token": csrf(admin, "/admin/staff/invite"),
            "display_name": "Someone",
            "email": elsewhere.email,
            "roles": ["teacher"],
        },
    )
    assert response.status_code == 302  # "Invitation sent", as for anyone new
    assert elsewhere.email in admin.get("/admin/staff").get_data(as_text=True)  # listed pending
    email = db.session.execute(select(OutboxEmail)).scalar_one()
    assert email.recipient == elsewhere.email
    assert "already has an account" in email.body and "/join/" not in email.body
    # Their own school's pending invitation (if any) is not revoked by another school's.
    assert db.session.execute(select(func.count()).select_from(Invitation)).scalar_one() == 1


def test_inviting_someone_from_your_own_school_explains(world, signed_in, csrf):
    admin = signed_in(world.user("A", "school_admin"))
    response = admin.post(
        "/admin/staff/invite",
        data={
            "csrf_token": csrf(admin, "/admin/staff/invite"),
            "display_name": "Someone",
            "email": world.user("A", "dpo").email,
            "roles": ["teacher"],
        },
    )
    assert "already has an account" in response.get_data(as_text=True)


def test_the_staff_csv_preview_says_nothing_about_other_schools(world, signed_in, csrf):
    admin = signed_in(world.user("B", "school_admin"))
    text = (
        "name,email,roles\n"
        f"Other School,{world.user('A', 'teacher').email},teacher\n"
        f"Own School,{world.user('B', 'teacher').email},teacher\n"
    )
    response = admin.post(
        "/admin/staff/import",
        data={
            "csrf_token": csrf(admin, "/admin/staff/import"),
            "csv_file": (io.BytesIO(text.encode()), "staff.csv"),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert "Row 3: Someone with this email address already has an account" in html
    assert "Row 2:" not in html  # the other school's teacher is accepted like anyone new


def test_reset_requests_take_as_long_for_unknown_addresses(app, client, world, csrf):
    import statistics
    import time

    app.config["PASSWORD_RESET_MIN_SECONDS"] = 0.05
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    try:
        for attempt in range(8):
            for kind, email in (
                ("known", world.user("A", "teacher").email),
                ("unknown", f"nobody{attempt}@nowhere.example"),
            ):
                token = csrf(client, "/reset-password")
                environ = {"REMOTE_ADDR": f"10.0.{attempt}.{len(kind)}"}  # own rate-limit bucket
                started = time.perf_counter()
                client.post(
                    "/reset-password",
                    data={"email": email, "csrf_token": token},
                    environ_base=environ,
                )
                timings[kind].append(time.perf_counter() - started)
    finally:
        app.config["PASSWORD_RESET_MIN_SECONDS"] = 0.0
    known, unknown = (statistics.median(timings[k]) for k in ("known", "unknown"))
    assert min(timings["unknown"]) >= 0.05 and min(timings["known"]) >= 0.05
    assert abs(known - unknown) < 0.01, (known, unknown)


# 10. The CSRF token issued before sign-in still worked after it ------------------------------


def test_the_csrf_token_from_before_sign_in_is_refused_after_it(client, world, csrf):
    before = csrf(client, "/sign-in")
    client.post(
        "/sign-in",
        data={
            "email": world.user("A", "teacher").email,
            "password": TEST_PASSWORD,
            "csrf_token": before,
        },
    )
    refused = client.post("/account/sign-out-everywhere", data={"csrf_token": before})
    assert refused.status_code == 400
    assert client.get("/account").status_code == 200  # still signed in
    after = csrf(client, "/account")
    assert after != before
    assert (
        client.post("/account/sign-out-everywhere", data={"csrf_token": after}).status_code == 302
    )


def test_sign_in_and_out_are_audited_with_the_session_rows(app, world, csrf):
    from app.models.security import UserSession

    client = app.test_client()
    _sign_in(client, world.user("A", "teacher").email, csrf=csrf)
    assert db.session.execute(select(func.count()).select_from(UserSession)).scalar_one() == 1
    client.post("/sign-out", data={"csrf_token": csrf(client, "/account")})
    assert db.session.execute(select(func.count()).select_from(UserSession)).scalar_one() == 0
    actions = set(db.session.execute(select(AuditEvent.action)).scalars())
    assert {"sign_in", "sign_out"} <= actions
