"""rights requests: requests received outside civicnet, on their one-month clock

Revision ID: c3e8a1d5f602
Revises: b7d2f0c91e44
Create Date: 2026-12-06 23:50:00

"""

import sqlalchemy as sa
from alembic import op

import civicnet.db_types

revision = "c3e8a1d5f602"
down_revision = "b7d2f0c91e44"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rights_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", civicnet.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("requester", sa.String(length=200), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("due_at", civicnet.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("extended_to", civicnet.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=False),
        sa.Column("closed_at", civicnet.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", civicnet.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_rights_requests_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["users.id"], name=op.f("fk_rights_requests_member_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_requests")),
    )
    with op.batch_alter_table("rights_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rights_requests_due_at"), ["due_at"], unique=False)


def downgrade():
    with op.batch_alter_table("rights_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rights_requests_due_at"))
    op.drop_table("rights_requests")
