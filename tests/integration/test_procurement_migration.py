"""Migration 0007 keeps every existing record: products get an export id, conditions become
supplier-owned, and nothing is lost when SQLite rebuilds the tables (batch mode with foreign keys
enforced used to cascade-delete every assessment, answer and condition)."""

import json
import os

from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from app import create_app
from app.models import db

ROWS = [
    "INSERT INTO trust (id, name, created_at) VALUES (1, 'T', '2026-01-01 00:00:00')",
    "INSERT INTO school (id, name, trust_id, created_at) VALUES (1, 'S', 1, '2026-01-01')",
    "INSERT INTO vendor (id, school_id, name, product, data_categories, created_at, updated_at) "
    "VALUES (1, 1, 'Acme', 'Reader', '[]', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    "INSERT INTO assessment (id, school_id, vendor_id, checklist_id, checklist_version, "
    "checklist_definition, status, profile, profile_done, version, created_at, updated_at, "
    "decision, decided_by_name, decided_on, valid_until, snapshot, snapshot_hash) VALUES "
    "(1, 1, 1, 'quick-edtech-check', '1.0.0', '{}', 'decided', '{}', true, 3, "
    "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 'conditional', 'Dina DPO', '2026-01-02', "
    "'2026-02-01', :snapshot, '0')",
    "INSERT INTO answer (id, school_id, assessment_id, question_id, value, note, evidence, "
    "changed_in_version, updated_at) VALUES (1, 1, 1, 'Q01', '\"yes\"', '', '[]', 1, "
    "'2026-01-01 00:00:00')",
    "INSERT INTO decision_condition (id, school_id, assessment_id, text, owner, due_on) "
    "VALUES (1, 1, 1, 'Sign the DPA', 'Bursar', '2026-02-01')",
]
SNAPSHOT = {"decision": {"signed_off_by": "Dina DPO", "recorded_by": "Bilal"}}


def _database_url(tmp_path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'upgraded.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS migration_0007 CASCADE"))
        connection.execute(text("CREATE SCHEMA migration_0007"))
    engine.dispose()
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3Dmigration_0007"


def _count(table: str) -> int:
    with db.engine.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608


def test_upgrading_a_database_with_decisions_keeps_every_row(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=_database_url(tmp_path))
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as connection:
            for statement in ROWS:
                connection.execute(text(statement), {"snapshot": json.dumps(SNAPSHOT)})
        upgrade()
        assert [_count(t) for t in ("vendor", "assessment", "answer", "decision_condition")] == [
            1, 1, 1, 1,
        ]  # fmt: skip
        with db.engine.connect() as connection:
            export_id = connection.execute(text("SELECT export_id FROM vendor")).scalar_one()
            owner = connection.execute(text("SELECT owner_kind FROM decision_condition"))
            assert len(export_id) == 36 and owner.scalar_one() == "supplier"
        downgrade(revision="0004")
        assert _count("decision_condition") == 1 and _count("answer") == 1
        upgrade()
        assert _count("assessment") == 1
        db.engine.dispose()
