"""security: server-side sessions, rate-limit counters, two-step sign-in

Revision ID: 0006
Revises: 0009
Create Date: 2026-12-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_user_session_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_user_session_key_hash")),
    )
    op.create_index(op.f("ix_user_session_user_id"), "user_session", ["user_id"], unique=False)
    op.create_table(
        "rate_limit_counter",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_rate_limit_counter")),
    )
    op.create_index(
        op.f("ix_rate_limit_counter_expires_at"), "rate_limit_counter", ["expires_at"],
        unique=False,
    )
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_recovery_code_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    op.create_index(op.f("ix_recovery_code_user_id"), "recovery_code", ["user_id"], unique=False)
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("mfa_enabled_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    with op.batch_alter_table("school_settings") as batch_op:
        # Existing schools start with the requirement off; the model sets it on new rows.
        batch_op.add_column(
            sa.Column("require_mfa", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("school_settings") as batch_op:
        batch_op.drop_column("require_mfa")
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("mfa_enabled_at")
        batch_op.drop_column("totp_secret")
    op.drop_index(op.f("ix_recovery_code_user_id"), table_name="recovery_code")
    op.drop_table("recovery_code")
    op.drop_index(op.f("ix_rate_limit_counter_expires_at"), table_name="rate_limit_counter")
    op.drop_table("rate_limit_counter")
    op.drop_index(op.f("ix_user_session_user_id"), table_name="user_session")
    op.drop_table("user_session")
