"""a member may hide the first-steps checklist on their home page

Revision ID: c7e2a9d14b58
Revises: a4c7e9f2b013
Create Date: 2026-12-08 09:00:00

"""

import sqlalchemy as sa
from alembic import op

from civicnet.db_types import UTCDateTime

revision = "c7e2a9d14b58"
down_revision = "a4c7e9f2b013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_steps_hidden_at", UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.drop_column("first_steps_hidden_at")
