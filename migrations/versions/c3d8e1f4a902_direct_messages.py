"""direct messages: blocks, who may message a member, and each direct conversation's participants

Revision ID: c3d8e1f4a902
Revises: c7e2a9d14b58
Create Date: 2026-12-08 09:00:00

"""

import sqlalchemy as sa
from alembic import op

import civicnet.db_types

revision = "c3d8e1f4a902"
down_revision = "c7e2a9d14b58"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "blocks",
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column("blocked_id", sa.Integer(), nullable=False),
        sa.Column("created_at", civicnet.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["blocker_id"], ["users.id"], name=op.f("fk_blocks_blocker_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["blocked_id"], ["users.id"], name=op.f("fk_blocks_blocked_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("blocker_id", "blocked_id", name=op.f("pk_blocks")),
    )
    with op.batch_alter_table("blocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_blocks_blocked_id"), ["blocked_id"], unique=False)

    op.create_table(
        "direct_message_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("allow_from", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_direct_message_settings_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_direct_message_settings")),
    )
    op.create_table(
        "direct_conversations",
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("participants", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_direct_conversations_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("room_id", name=op.f("pk_direct_conversations")),
        sa.UniqueConstraint("participants", name=op.f("uq_direct_conversations_participants")),
    )


def downgrade():
    op.drop_table("direct_conversations")
    op.drop_table("direct_message_settings")
    with op.batch_alter_table("blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blocks_blocked_id"))
    op.drop_table("blocks")
