"""reactions on messages: a member's emoji on a message, and when a message's reactions last changed

Revision ID: 4c7e9a2b1d35
Revises: c3d8e1f4a902
Create Date: 2026-12-08 10:00:00

"""

import sqlalchemy as sa
from alembic import op

import civicnet.db_types

revision = "4c7e9a2b1d35"
down_revision = "c3d8e1f4a902"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "message_reactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("emoji", sa.String(length=20), nullable=False),
        sa.Column("created_at", civicnet.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_message_reactions_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_message_reactions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_reactions")),
        sa.UniqueConstraint("message_id", "user_id", "emoji", name="uq_message_reactions_message_id_user_id_emoji"),
    )
    with op.batch_alter_table("message_reactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_reactions_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reactions_changed_at", civicnet.db_types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("reactions_changed_at")
    with op.batch_alter_table("message_reactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_reactions_user_id"))
    op.drop_table("message_reactions")
