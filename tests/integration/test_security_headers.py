"""Headers on every response, cookie flags, error pages and the production settings."""

import pytest
from flask import abort
from sqlalchemy.exc import OperationalError

from app import create_app
from tests.factories import TEST_PASSWORD


def _every_response(client, world, signed_in):
    yield client.get("/")
    yield client.get("/sign-in")
    yield client.get("/static/dist/app.css")
    yield client.get("/no-such-page")
    yield signed_in(world.user("A", "school_admin")).get("/admin/staff")
    yield client.post("/sign-in", data={})


def test_security_headers_on_every_response(client, world, signed_in):
    for response in _every_response(client, world, signed_in):
        csp = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert "default-src 'self'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "camera=()" in response.headers["Permissions-Policy"]
        response.close()


def test_pages_are_not_cached_but_static_files_may_be(client):
    assert client.get("/sign-in").headers["Cache-Control"] == "no-store"
    with client.get("/static/dist/app.css") as static:
        assert "no-store" not in static.headers.get("Cache-Control", "")


def test_session_cookie_is_httponly_and_samesite(client, world, csrf):
    token = csrf(client, "/sign-in")
    response = client.post(
        "/sign-in",
        data={
            "email": world.user("A", "teacher").email,
            "password": TEST_PASSWORD,
            "csrf_token": token,
        },
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in tests


@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test-only")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://privacy.trust.example")


def test_production_cookies_are_secure(production_env, tmp_path):
    app = create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SHOW_OUTBOX"] is False


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app("production")


def test_production_refuses_to_start_without_its_public_address(
    production_env, monkeypatch, tmp_path
):
    monkeypatch.delenv("PUBLIC_BASE_URL")
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL must be set"):
        create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}")


def test_production_refuses_the_default_database_unless_told(production_env, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("ALLOW_SQLITE_IN_PRODUCTION", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL is not set"):
        create_app("production")
    monkeypatch.setenv("ALLOW_SQLITE_IN_PRODUCTION", "1")
    assert create_app("production").config["ENV_NAME"] == "production"


def test_max_content_length_is_set_and_413_is_friendly(app, client):
    assert app.config["MAX_CONTENT_LENGTH"] <= 10 * 1024 * 1024
    response = client.post("/sign-in", data={"email": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


@pytest.fixture
def error_app(tmp_path):
    """A separate app with routes that fail on purpose, run as in production (no propagation)."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'errors.db'}")
    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_test/abort/<int:code>")
    def abort_with(code):
        abort(code)

    @app.get("/_test/boom")
    def boom():
        raise RuntimeError("unexpected")

    @app.get("/_test/database-down")
    def database_down():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    return app


@pytest.mark.parametrize(
    ("code", "text"),
    [
        (400, "There was a problem with your request"),
        (403, "You do not have permission"),
        (404, "Page not found"),
        (429, "Too many attempts"),
        (500, "Sorry, there is a problem with the service"),
    ],
)
def test_error_pages_are_friendly(error_app, code, text):
    response = error_app.test_client().get(f"/_test/abort/{code}")
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert text in html and "Traceback" not in html


def test_unexpected_errors_and_database_outages_never_show_a_traceback(error_app):
    client = error_app.test_client()
    boom = client.get("/_test/boom")
    down = client.get("/_test/database-down")
    assert boom.status_code == 500 and "Traceback" not in boom.get_data(as_text=True)
    assert down.status_code == 503
    assert "cannot reach its database" in down.get_data(as_text=True)


def test_unreachable_database_gives_503(tmp_path):
    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/nothing"
    )
    app.testing = False
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert "cannot reach its database" in response.get_data(as_text=True)


def test_pages_reference_no_other_origin(client, world, signed_in):
    pages = [client.get("/"), client.get("/sign-in"), signed_in(world.user("A", "dpo")).get("/")]
    for response in pages:
        html = response.get_data(as_text=True)
        for attribute in ("src=", "href="):
            for value in html.split(attribute)[1:]:
                target = value[1:].split(value[0])[0]
                assert not target.startswith(("http:", "https:", "//")), target
