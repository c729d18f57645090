"""Shared fixtures: the app (SQLite, or PostgreSQL via TEST_DATABASE_URL), the two-trust world,
signed-in clients and CSRF tokens. The builders themselves are in tests/factories.py.

Only integration and browser tests get clean tables per test (their conftest files ask for
`clean_database`), so unit tests never build the app.
"""

import importlib.util
import os
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import delete

from app import create_app
from app.extensions import limiter
from app.models import db
from tests.factories import TEST_PASSWORD, World, build_world, csrf_token, sign_in_client

__all__ = ["TEST_PASSWORD"]


def _compile_translations() -> None:
    """The Welsh catalogue's .mo, as `make install` builds it, so a plain `pytest` run has it."""
    script = Path(__file__).resolve().parents[1] / "scripts" / "translations.py"
    spec = importlib.util.spec_from_file_location("translations_script", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.compile_catalogues()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    _compile_translations()
    database_url = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    )
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        PDF_CACHE_DIR=tmp_path_factory.mktemp("pdf-cache"),
        POLICY_FILES_DIR=tmp_path_factory.mktemp("policy-files"),
        EVIDENCE_DIR=tmp_path_factory.mktemp("evidence"),
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


@pytest.fixture
def clean_database(app):
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


@pytest.fixture
def world(app, clean_database) -> World:  # noqa: ARG001
    return build_world()


@pytest.fixture
def signed_in(app):
    return lambda user: sign_in_client(app, user)


@pytest.fixture
def csrf():
    return csrf_token
