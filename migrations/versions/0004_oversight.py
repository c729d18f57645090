"""oversight: school settings, sent reminders, exemptions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 14:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _school(table: str) -> list:
    return [
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f(f"fk_{table}_school_id_school")
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "school_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reminders_enabled", sa.Boolean(), nullable=False),
        sa.Column("erase_deactivated_after_months", sa.Integer(), nullable=True),
        sa.Column("delete_audit_after_months", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        *_school("school_settings"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_settings")),
        sa.UniqueConstraint("school_id", name=op.f("uq_school_settings_school_id")),
    )
    op.create_index(
        op.f("ix_school_settings_school_id"), "school_settings", ["school_id"], unique=False
    )
    op.create_table(
        "sent_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_key", sa.String(length=40), nullable=False),
        sa.Column("topic", sa.String(length=140), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("cycle", sa.String(length=20), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        *_school("sent_reminder"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_reminder")),
        sa.UniqueConstraint(
            "recipient_key", "topic", "stage", "cycle", name=op.f("uq_sent_reminder_recipient_key")
        ),
    )
    op.create_index(
        op.f("ix_sent_reminder_school_id"), "sent_reminder", ["school_id"], unique=False
    )
    op.create_table(
        "exemption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_school("exemption"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_exemption_user_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_exemption_created_by_id_user"),
            ondelete="SET NULL",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exemption")),
        sa.UniqueConstraint("user_id", "module_id", name=op.f("uq_exemption_user_id")),
    )
    op.create_index(op.f("ix_exemption_school_id"), "exemption", ["school_id"], unique=False)
    op.create_index(op.f("ix_exemption_user_id"), "exemption", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_exemption_user_id"), table_name="exemption")
    op.drop_index(op.f("ix_exemption_school_id"), table_name="exemption")
    op.drop_table("exemption")
    op.drop_index(op.f("ix_sent_reminder_school_id"), table_name="sent_reminder")
    op.drop_table("sent_reminder")
    op.drop_index(op.f("ix_school_settings_school_id"), table_name="school_settings")
    op.drop_table("school_settings")
