"""members' photos: the stored files' keys, at two sizes

Revision ID: a7c3e9f1b2d4
Revises: 4c7e9a2b1d35
Create Date: 2026-12-08 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c3e9f1b2d4"
down_revision = "4c7e9a2b1d35"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("photo_key", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("photo_small_key", sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("photo_small_key")
        batch.drop_column("photo_key")
