"""leaving: a member's request to delete their account, its grace period and their choice for messages

Revision ID: d4f9b2e6a713
Revises: c3e8a1d5f602
Create Date: 2026-12-07 00:00:00

"""

import sqlalchemy as sa
from alembic import op

import civicnet.db_types

revision = "d4f9b2e6a713"
down_revision = "c3e8a1d5f602"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erase_at", civicnet.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("messages_on_leaving", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("erased_at", civicnet.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_erase_at"), ["erase_at"], unique=False)


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_erase_at"))
        batch_op.drop_column("erased_at")
        batch_op.drop_column("messages_on_leaving")
        batch_op.drop_column("erase_at")
