"""single sign-on: school connections to an OpenID Connect provider, linked identities,
sign-ins under way

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sso_connection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("provider_name", sa.String(length=60), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=True),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("client_id", sa.String(length=300), nullable=False),
        sa.Column("client_secret_encrypted", sa.Text(), nullable=True),
        sa.Column("allowed_domains", sa.String(length=1000), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("password_sign_in", sa.Boolean(), nullable=False),
        sa.Column("create_accounts", sa.Boolean(), nullable=False),
        sa.Column("default_role", sa.String(length=32), nullable=False),
        sa.Column("idp_enforces_mfa", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_sso_connection_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_connection")),
        sa.UniqueConstraint("school_id", name=op.f("uq_sso_connection_school_id")),
        sa.UniqueConstraint("slug", name=op.f("uq_sso_connection_slug")),
    )
    op.create_index(op.f("ix_sso_connection_school_id"), "sso_connection", ["school_id"])
    op.create_table(
        "sso_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_sso_identity_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_identity")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_sso_identity_issuer")),
    )
    op.create_index(op.f("ix_sso_identity_user_id"), "sso_identity", ["user_id"])
    op.create_table(
        "sso_sign_in_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("code_verifier", sa.String(length=128), nullable=False),
        sa.Column("next_target", sa.String(length=2000), nullable=False),
        sa.Column("tested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["connection_id"], ["sso_connection.id"],
            name=op.f("fk_sso_sign_in_attempt_connection_id_sso_connection"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tested_by_id"], ["user.id"], name=op.f("fk_sso_sign_in_attempt_tested_by_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_sign_in_attempt")),
        sa.UniqueConstraint("state_hash", name=op.f("uq_sso_sign_in_attempt_state_hash")),
    )
    op.create_index(
        op.f("ix_sso_sign_in_attempt_connection_id"), "sso_sign_in_attempt", ["connection_id"]
    )
    op.create_index(
        op.f("ix_sso_sign_in_attempt_created_at"), "sso_sign_in_attempt", ["created_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_sso_sign_in_attempt_created_at"), table_name="sso_sign_in_attempt")
    op.drop_index(op.f("ix_sso_sign_in_attempt_connection_id"), table_name="sso_sign_in_attempt")
    op.drop_table("sso_sign_in_attempt")
    op.drop_index(op.f("ix_sso_identity_user_id"), table_name="sso_identity")
    op.drop_table("sso_identity")
    op.drop_index(op.f("ix_sso_connection_school_id"), table_name="sso_connection")
    op.drop_table("sso_connection")
