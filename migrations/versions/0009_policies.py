"""policies: school policies, their published versions and staff acknowledgements

Revision ID: 0009
Revises: 0011
Create Date: 2026-12-01 23:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0011"
branch_labels = None
depends_on = None


def _school(table: str) -> list:
    return [
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f(f"fk_{table}_school_id_school")
        ),
    ]


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        *_school("policy"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy")),
        sa.UniqueConstraint("school_id", "title", name=op.f("uq_policy_school_id")),
    )
    op.create_index(op.f("ix_policy_school_id"), "policy", ["school_id"], unique=False)

    op.create_table(
        "policy_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("change_note", sa.String(length=500), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("file_name", sa.String(length=80), nullable=True),
        sa.Column("file_original_name", sa.String(length=200), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        *_school("policy_version"),
        _fk("policy_version", "policy_id", "policy", "CASCADE"),
        _fk("policy_version", "published_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_version")),
        sa.UniqueConstraint("policy_id", "number", name=op.f("uq_policy_version_policy_id")),
    )
    op.create_index(
        op.f("ix_policy_version_policy_id"), "policy_version", ["policy_id"], unique=False
    )
    op.create_index(
        op.f("ix_policy_version_school_id"), "policy_version", ["school_id"], unique=False
    )

    op.create_table(
        "policy_acknowledgement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
        *_school("policy_acknowledgement"),
        _fk("policy_acknowledgement", "version_id", "policy_version", "CASCADE"),
        _fk("policy_acknowledgement", "policy_id", "policy", "CASCADE"),
        _fk("policy_acknowledgement", "user_id", "user", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_acknowledgement")),
        sa.UniqueConstraint(
            "version_id", "user_id", name=op.f("uq_policy_acknowledgement_version_id")
        ),
    )
    for column in ("policy_id", "school_id", "user_id"):
        op.create_index(
            op.f(f"ix_policy_acknowledgement_{column}"),
            "policy_acknowledgement",
            [column],
            unique=False,
        )


def downgrade() -> None:
    for column in ("user_id", "school_id", "policy_id"):
        op.drop_index(
            op.f(f"ix_policy_acknowledgement_{column}"), table_name="policy_acknowledgement"
        )
    op.drop_table("policy_acknowledgement")
    op.drop_index(op.f("ix_policy_version_school_id"), table_name="policy_version")
    op.drop_index(op.f("ix_policy_version_policy_id"), table_name="policy_version")
    op.drop_table("policy_version")
    op.drop_index(op.f("ix_policy_school_id"), table_name="policy")
    op.drop_table("policy")
