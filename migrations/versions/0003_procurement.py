"""procurement: vendors, assessments, answers, decision conditions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _school_id():
    return sa.Column("school_id", sa.Integer(), nullable=False)


def _school_fk(table):
    return sa.ForeignKeyConstraint(
        ["school_id"], ["school.id"], name=op.f(f"fk_{table}_school_id_school")
    )


def _user_fk(table, column):
    return sa.ForeignKeyConstraint(
        [column], ["user.id"], name=op.f(f"fk_{table}_{column}_user"), ondelete="SET NULL"
    )


def upgrade():
    op.create_table(
        "vendor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=False),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("data_categories", sa.JSON(), nullable=False),
        sa.Column("pupils_covered", sa.Integer(), nullable=True),
        sa.Column("contract_start", sa.Date(), nullable=True),
        sa.Column("contract_end", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _school_id(),
        _school_fk("vendor"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendor")),
    )
    op.create_index(op.f("ix_vendor_school_id"), "vendor", ["school_id"], unique=False)

    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("checklist_id", sa.String(length=100), nullable=False),
        sa.Column("checklist_version", sa.String(length=20), nullable=False),
        sa.Column("checklist_definition", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("profile_done", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_name", sa.String(length=200), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.Column("snapshot_hash", sa.String(length=64), nullable=True),
        _school_id(),
        sa.ForeignKeyConstraint(
            ["vendor_id"],
            ["vendor.id"],
            name=op.f("fk_assessment_vendor_id_vendor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["previous_id"],
            ["assessment.id"],
            name=op.f("fk_assessment_previous_id_assessment"),
            ondelete="SET NULL",
        ),
        _user_fk("assessment", "created_by_id"),
        _user_fk("assessment", "updated_by_id"),
        _user_fk("assessment", "decided_by_id"),
        _school_fk("assessment"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
    )
    op.create_index(op.f("ix_assessment_vendor_id"), "assessment", ["vendor_id"], unique=False)
    op.create_index(op.f("ix_assessment_school_id"), "assessment", ["school_id"], unique=False)

    op.create_table(
        "answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=50), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("changed_in_version", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_name", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _school_id(),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_answer_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        _user_fk("answer", "updated_by_id"),
        _school_fk("answer"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer")),
        sa.UniqueConstraint("assessment_id", "question_id", name=op.f("uq_answer_assessment_id")),
    )
    op.create_index(op.f("ix_answer_assessment_id"), "answer", ["assessment_id"], unique=False)
    op.create_index(op.f("ix_answer_school_id"), "answer", ["school_id"], unique=False)

    op.create_table(
        "decision_condition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        _school_id(),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_decision_condition_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        _school_fk("decision_condition"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_condition")),
    )
    op.create_index(
        op.f("ix_decision_condition_assessment_id"),
        "decision_condition",
        ["assessment_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_decision_condition_school_id"),
        "decision_condition",
        ["school_id"],
        unique=False,
    )


def downgrade():
    op.drop_table("decision_condition")
    op.drop_table("answer")
    op.drop_table("assessment")
    op.drop_table("vendor")
