"""training on merit: the school on each certificate, the lessons its CPD minutes count,
reassignments after a major module change, and the wait between knowledge-check tries

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("certificate") as batch:
        batch.add_column(sa.Column("school_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("lessons_read", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("lesson_count", sa.Integer(), nullable=True))
    # Certificates already issued name the school they were issued in (its name today: the
    # nearest record there is of the name on the day).
    op.execute(
        "UPDATE certificate SET school_name = "
        "(SELECT school.name FROM school WHERE school.id = certificate.school_id)"
    )
    with op.batch_alter_table("assignment") as batch:
        batch.add_column(
            sa.Column("requires_completion_after", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("school_settings") as batch:
        batch.add_column(sa.Column("retake_wait_minutes", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("school_settings") as batch:
        batch.drop_column("retake_wait_minutes")
    with op.batch_alter_table("assignment") as batch:
        batch.drop_column("requires_completion_after")
    with op.batch_alter_table("certificate") as batch:
        batch.drop_column("lesson_count")
        batch.drop_column("lessons_read")
        batch.drop_column("school_name")
