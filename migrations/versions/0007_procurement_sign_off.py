"""procurement: two-person sign-off, conditions tracked to done, archived products, export ids

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 10:00:00

- assessment: the proposal awaiting sign-off (who, when, what); `decided_by_id` is now the DPO
  who signed off, and the typed `decided_by_name` goes (frozen snapshots keep what they said).
- decision_condition: the owner as a user or a supplier contact; met on, note, evidence, by whom.
- vendor: a stable export id (filled in for existing products), the export id it was imported
  from, the add-product form's one-time token, and archiving.
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["user.id"], name=op.f(f"fk_{table}_{column}_user"), ondelete="SET NULL"
    )


def upgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("proposal", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("proposed_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            op.f("fk_assessment_proposed_by_id_user"),
            "user",
            ["proposed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.drop_column("decided_by_name")

    with op.batch_alter_table("decision_condition") as batch:
        batch.add_column(
            sa.Column(
                "owner_kind", sa.String(length=20), nullable=False, server_default="supplier"
            )
        )
        batch.add_column(sa.Column("owner_user_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("met_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("met_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("met_evidence", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("met_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("met_by_name", sa.String(length=200), nullable=True))
        batch.create_foreign_key(
            op.f("fk_decision_condition_owner_user_id_user"),
            "user",
            ["owner_user_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_foreign_key(
            op.f("fk_decision_condition_met_by_id_user"),
            "user",
            ["met_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("decision_condition") as batch:
        batch.alter_column("owner_kind", server_default=None)

    with op.batch_alter_table("vendor") as batch:
        batch.add_column(sa.Column("export_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("imported_from", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("submission_token", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("archived_by_id", sa.Integer(), nullable=True))
    vendor = sa.table("vendor", sa.column("id", sa.Integer), sa.column("export_id", sa.String))
    connection = op.get_bind()
    for (vendor_id,) in connection.execute(sa.select(vendor.c.id)).all():
        connection.execute(
            vendor.update().where(vendor.c.id == vendor_id).values(export_id=str(uuid.uuid4()))
        )
    with op.batch_alter_table("vendor") as batch:
        batch.alter_column("export_id", existing_type=sa.String(length=36), nullable=False)
        batch.create_unique_constraint(op.f("uq_vendor_export_id"), ["export_id"])
        batch.create_unique_constraint(
            op.f("uq_vendor_school_id"), ["school_id", "submission_token"]
        )
        batch.create_index(op.f("ix_vendor_imported_from"), ["imported_from"], unique=False)
        batch.create_foreign_key(
            op.f("fk_vendor_archived_by_id_user"),
            "user",
            ["archived_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("vendor") as batch:
        batch.drop_constraint(op.f("fk_vendor_archived_by_id_user"), type_="foreignkey")
        batch.drop_index(op.f("ix_vendor_imported_from"))
        batch.drop_constraint(op.f("uq_vendor_school_id"), type_="unique")
        batch.drop_constraint(op.f("uq_vendor_export_id"), type_="unique")
        for column in ("archived_by_id", "archived_at", "submission_token", "imported_from",
                       "export_id"):  # fmt: skip
            batch.drop_column(column)
    with op.batch_alter_table("decision_condition") as batch:
        batch.drop_constraint(op.f("fk_decision_condition_met_by_id_user"), type_="foreignkey")
        batch.drop_constraint(
            op.f("fk_decision_condition_owner_user_id_user"), type_="foreignkey"
        )
        for column in ("met_by_name", "met_by_id", "met_evidence", "met_note", "met_on",
                       "owner_user_id", "owner_kind"):  # fmt: skip
            batch.drop_column(column)
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("decided_by_name", sa.String(length=200), nullable=True))
        batch.drop_constraint(op.f("fk_assessment_proposed_by_id_user"), type_="foreignkey")
        for column in ("proposed_at", "proposed_by_id", "proposal"):
            batch.drop_column(column)
