"""transparency: families' page settings, product notices, families' requests, statutory returns

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-01 23:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def _school(table: str) -> list:
    return [
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f(f"fk_{table}_school_id_school")
        ),
    ]


def _user(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["user.id"], name=op.f(f"fk_{table}_{column}_user"), ondelete="SET NULL"
    )


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "family_page_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_slug", sa.String(length=60), nullable=False),
        sa.Column("privacy_contact", sa.String(length=200), nullable=False),
        sa.Column("privacy_email", sa.String(length=254), nullable=False),
        _text("privacy_postal"),
        sa.Column("delete_requests_after_months", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        *_school("family_page_settings"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_page_settings")),
        sa.UniqueConstraint("school_id", name=op.f("uq_family_page_settings_school_id")),
        sa.UniqueConstraint("public_slug", name=op.f("uq_family_page_settings_public_slug")),
    )
    op.create_index(
        op.f("ix_family_page_settings_school_id"), "family_page_settings", ["school_id"]
    )
    op.create_table(
        "product_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        _text("purpose"),
        sa.Column("lawful_basis", sa.String(length=20), nullable=True),
        sa.Column("storage", sa.String(length=20), nullable=True),
        sa.Column("storage_detail", sa.String(length=300), nullable=False),
        _text("retention"),
        _text("data_subjects"),
        _text("recipients"),
        _text("security"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        *_school("product_notice"),
        sa.ForeignKeyConstraint(
            ["vendor_id"],
            ["vendor.id"],
            name=op.f("fk_product_notice_vendor_id_vendor"),
            ondelete="CASCADE",
        ),
        _user("product_notice", "updated_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_notice")),
        sa.UniqueConstraint("vendor_id", name=op.f("uq_product_notice_vendor_id")),
    )
    op.create_index(op.f("ix_product_notice_school_id"), "product_notice", ["school_id"])
    op.create_table(
        "family_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=True),
        sa.Column("subject_label", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("pupil_reference", sa.String(length=60), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        _text("details"),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        _text("outcome_note"),
        _text("alternative"),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        *_school("family_request"),
        sa.ForeignKeyConstraint(
            ["vendor_id"],
            ["vendor.id"],
            name=op.f("fk_family_request_vendor_id_vendor"),
            ondelete="SET NULL",
        ),
        _user("family_request", "updated_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_request")),
    )
    op.create_index(op.f("ix_family_request_school_id"), "family_request", ["school_id"])
    op.create_index(op.f("ix_family_request_vendor_id"), "family_request", ["vendor_id"])
    op.create_table(
        "statutory_return",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_key", sa.String(length=60), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        _text("purpose"),
        _text("lawful_basis"),
        _text("data_subjects"),
        _text("data_categories"),
        _text("recipients"),
        _text("transfers"),
        _text("retention"),
        _text("security"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        *_school("statutory_return"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statutory_return")),
    )
    op.create_index(op.f("ix_statutory_return_school_id"), "statutory_return", ["school_id"])


def downgrade() -> None:
    for table, indexes in (
        ("statutory_return", ["school_id"]),
        ("family_request", ["vendor_id", "school_id"]),
        ("product_notice", ["school_id"]),
        ("family_page_settings", ["school_id"]),
    ):
        for column in indexes:
            op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
        op.drop_table(table)
