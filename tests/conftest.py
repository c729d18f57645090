"""Shared fixtures: the app (SQLite, or PostgreSQL via TEST_DATABASE_URL), clean tables per test,
two trusts with a school each (plus a second school in trust A), a user of each role per school,
and helpers for signed-in clients and CSRF tokens."""

import os
import re
from dataclasses import dataclass, field

import pytest
from flask import g
from sqlalchemy import delete

from app import create_app
from app.extensions import limiter
from app.models import Role, School, Trust, User, db

TEST_PASSWORD = "correct-battery-staple-horse-42"
ALL_ROLES = [role.value for role in Role]


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    database_url = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    )
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        PDF_CACHE_DIR=tmp_path_factory.mktemp("pdf-cache"),
    )

    @app.teardown_request
    def _forget_request_state(exc):  # noqa: ARG001
        # Tests keep one app context pushed, and Flask reuses it for test-client requests, so
        # per-request state kept on `g` (the signed-in user) would leak between clients.
        for key in list(vars(g)):
            g.pop(key, None)

    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request, app):
    """Every test starts with empty tables and fresh rate-limit counters."""
    ctx = app.app_context()
    ctx.push()
    yield
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(delete(table))
    db.session.commit()
    db.session.remove()
    limiter.reset()
    ctx.pop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@dataclass
class World:
    """Two tenants: school A (trust A, which also has school A2) and school B (trust B)."""

    trust_a: Trust
    trust_b: Trust
    school_a: School
    school_a2: School
    school_b: School
    users: dict[tuple[str, str], User] = field(default_factory=dict)

    def user(self, school: str, role: str) -> User:
        return self.users[(school, role)]


def make_user(school: School, email: str, roles: list[str], name: str | None = None) -> User:
    from app.auth.session import hashing

    user = User(
        school_id=school.id,
        email=email,
        display_name=name or email.split("@")[0].replace(".", " ").title(),
        password_hash=hashing().hash(TEST_PASSWORD),
    )
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    return user


@pytest.fixture
def world(app) -> World:
    trust_a, trust_b = Trust(name="Trust A"), Trust(name="Trust B")
    school_a = School(name="School A", trust=trust_a)
    school_a2 = School(name="School A2", trust=trust_a)
    school_b = School(name="School B", trust=trust_b)
    db.session.add_all([trust_a, trust_b, school_a, school_a2, school_b])
    db.session.flush()
    world = World(trust_a, trust_b, school_a, school_a2, school_b)
    for key, school in (("A", school_a), ("A2", school_a2), ("B", school_b)):
        for role in ALL_ROLES:
            email = f"{role.replace('_', '-')}@{key.lower()}.example"
            world.users[(key, role)] = make_user(school, email, [role])
    db.session.commit()
    return world


def sign_in_client(app, user: User):
    """A test client whose session belongs to `user` (no password round trip)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


@pytest.fixture
def signed_in(app):
    return lambda user: sign_in_client(app, user)


CSRF_PATTERN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client, path: str = "/sign-in") -> str:
    """A valid CSRF token for this client's session, read from a page's form."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_PATTERN.search(html) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def csrf():
    return csrf_token
