"""supplier responses: invitation links for a supplier contact, provenance and review of each
answer, evidence files, sharing an assessment with the trust

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 03:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

SOURCE = sa.Enum("supplier", name="answersource", native_enum=False, length=20)
REVIEW = sa.Enum(
    "pending", "queried", "accepted", "overridden",
    name="supplierreview", native_enum=False, length=20,
)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "supplier_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessment.id"],
            name=op.f("fk_supplier_invitation_assessment_id_assessment"), ondelete="CASCADE",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"],
            name=op.f("fk_supplier_invitation_created_by_id_user"), ondelete="SET NULL",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["user.id"],
            name=op.f("fk_supplier_invitation_revoked_by_id_user"), ondelete="SET NULL",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_supplier_invitation_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_supplier_invitation_token_hash")),
    )
    op.create_index(
        op.f("ix_supplier_invitation_assessment_id"), "supplier_invitation", ["assessment_id"]
    )
    op.create_index(op.f("ix_supplier_invitation_school_id"), "supplier_invitation", ["school_id"])
    op.create_table(
        "evidence_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=50), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("source", SOURCE, nullable=True),
        sa.Column("uploaded_by_name", sa.String(length=200), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessment.id"],
            name=op.f("fk_evidence_file_assessment_id_assessment"), ondelete="CASCADE",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_evidence_file_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_file")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_evidence_file_stored_name")),
    )
    op.create_index(op.f("ix_evidence_file_assessment_id"), "evidence_file", ["assessment_id"])
    op.create_index(op.f("ix_evidence_file_school_id"), "evidence_file", ["school_id"])
    with op.batch_alter_table("answer") as batch:
        batch.add_column(sa.Column("source", SOURCE, nullable=True))
        batch.add_column(sa.Column("review", REVIEW, nullable=True))
        batch.add_column(sa.Column("review_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("supplier_value", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("supplier_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("copied_from", sa.String(length=300), nullable=True))
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("shared_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("shared_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_assessment_shared_by_id_user"), "user", ["shared_by_id"], ["id"],
            ondelete="SET NULL",
        )  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.drop_constraint(op.f("fk_assessment_shared_by_id_user"), type_="foreignkey")
        batch.drop_column("shared_by_id")
        batch.drop_column("shared_at")
    with op.batch_alter_table("answer") as batch:
        for column in (
            "copied_from", "supplier_note", "supplier_value", "review_note", "review", "source"
        ):  # fmt: skip
            batch.drop_column(column)
    op.drop_index(op.f("ix_evidence_file_school_id"), table_name="evidence_file")
    op.drop_index(op.f("ix_evidence_file_assessment_id"), table_name="evidence_file")
    op.drop_table("evidence_file")
    op.drop_index(op.f("ix_supplier_invitation_school_id"), table_name="supplier_invitation")
    op.drop_index(op.f("ix_supplier_invitation_assessment_id"), table_name="supplier_invitation")
    op.drop_table("supplier_invitation")
