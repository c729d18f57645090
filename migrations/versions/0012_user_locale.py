"""user locale: the interface language a member of staff chose (en or cy)

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-02 00:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: no choice yet means the session's language, else English.
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("locale")
