"""privacy settings: listed in the directory and search, suggested as a mentor, who may mention

Revision ID: e5a0c3f7b824
Revises: d4f9b2e6a713
Create Date: 2026-12-07 00:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e5a0c3f7b824"
down_revision = "d4f9b2e6a713"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("listed", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column("suggest_as_mentor", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column("mentions_from", sa.String(length=10), server_default="everyone", nullable=False))


def downgrade():
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.drop_column("mentions_from")
        batch_op.drop_column("suggest_as_mentor")
        batch_op.drop_column("listed")
