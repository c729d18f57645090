"""school.tally_generation: bumped by changes that move training counts (the tally cache key)

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-01 23:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("school") as batch:
        batch.add_column(
            sa.Column("tally_generation", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("school") as batch:
        batch.drop_column("tally_generation")
