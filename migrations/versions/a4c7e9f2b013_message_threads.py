"""threads: each reply names the first message of its thread, so a room lists only those and a
thread's replies come in one query; existing replies get theirs from their reply chain

Revision ID: a4c7e9f2b013
Revises: 9b1e2c7d4f60
Create Date: 2026-12-07 06:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a4c7e9f2b013"
down_revision = "9b1e2c7d4f60"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("thread_root_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_messages_thread_root_id_messages", "messages", ["thread_root_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_messages_thread_root_id", ["thread_root_id"])
    # A parent always has a smaller id than its replies, so one pass in id order finds every root.
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, reply_to_id FROM messages WHERE reply_to_id IS NOT NULL ORDER BY id"))
    roots: dict[int, int] = {}
    for message_id, parent_id in rows.fetchall():
        roots[message_id] = roots.get(parent_id, parent_id)
    for message_id, root_id in roots.items():
        connection.execute(
            sa.text("UPDATE messages SET thread_root_id = :root WHERE id = :id"), {"root": root_id, "id": message_id}
        )


def downgrade():
    with op.batch_alter_table("messages") as batch:
        batch.drop_index("ix_messages_thread_root_id")
        batch.drop_constraint("fk_messages_thread_root_id_messages", type_="foreignkey")
        batch.drop_column("thread_root_id")
