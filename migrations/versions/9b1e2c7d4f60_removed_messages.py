"""messages a moderator's decision hid are 'removed', no longer 'hidden' (pending review)

Revision ID: 9b1e2c7d4f60
Revises: 321dd4989379
Create Date: 2026-12-07 04:20:00

"""

from alembic import op

revision = "9b1e2c7d4f60"
down_revision = "321dd4989379"
branch_labels = None
depends_on = None


def upgrade():
    # A hidden message with no open report left has been decided on (hidden by a moderator, or its
    # reports resolved by a warning or suspension): the room now says it was removed.
    op.execute(
        "UPDATE messages SET moderation = 'removed' WHERE moderation = 'hidden' AND NOT EXISTS ("
        "SELECT 1 FROM reports WHERE reports.status = 'open' AND reports.item_type = 'message' "
        "AND reports.item_id = messages.id)"
    )


def downgrade():
    op.execute("UPDATE messages SET moderation = 'hidden' WHERE moderation = 'removed'")
