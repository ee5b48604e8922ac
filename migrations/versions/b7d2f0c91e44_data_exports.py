"""data exports: a member's archive, built by a job and downloaded within 7 days

Revision ID: b7d2f0c91e44
Revises: 9a1c4e7b2d30
Create Date: 2026-12-06 23:10:00

"""

import sqlalchemy as sa
from alembic import op

import civicnet.db_types

revision = "b7d2f0c91e44"
down_revision = "9a1c4e7b2d30"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=80), nullable=True),
        sa.Column("created_at", civicnet.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", civicnet.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", civicnet.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("downloaded_at", civicnet.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_data_exports_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_exports")),
    )
    with op.batch_alter_table("data_exports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_exports_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("data_exports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_exports_user_id"))
    op.drop_table("data_exports")
