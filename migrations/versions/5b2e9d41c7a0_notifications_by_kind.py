"""notifications by kind: one subject id instead of a foreign key per capability

Revision ID: 5b2e9d41c7a0
Revises: 133a7268f9fa
Create Date: 2026-12-01 23:10:00

A notification's kind says what its subject_id points at (a message, a moderation action, a mentoring
request, and whatever later capabilities register), so a new capability adds no column. Existing rows
keep their subject: the one of the three old columns that was set.
"""
from alembic import op
import sqlalchemy as sa


revision = '5b2e9d41c7a0'
down_revision = '133a7268f9fa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        batch_op.alter_column('kind', existing_type=sa.String(length=20), type_=sa.String(length=30))
    op.execute("UPDATE notifications SET subject_id = COALESCE(message_id, action_id, request_id)")
    op.execute("DELETE FROM notifications WHERE subject_id IS NULL")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.alter_column('subject_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint('fk_notifications_message_id_messages', type_='foreignkey')
        batch_op.drop_constraint('fk_notifications_action_id_moderation_actions', type_='foreignkey')
        batch_op.drop_constraint('fk_notifications_request_id_mentoring_requests', type_='foreignkey')
        batch_op.drop_column('message_id')
        batch_op.drop_column('action_id')
        batch_op.drop_column('request_id')


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('action_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('request_id', sa.Integer(), nullable=True))
    op.execute("UPDATE notifications SET message_id = subject_id WHERE kind IN ('mention', 'reply')")
    op.execute("UPDATE notifications SET action_id = subject_id WHERE kind IN ('moderation', 'appeal_decided')")
    op.execute("UPDATE notifications SET request_id = subject_id WHERE kind LIKE 'mentoring_%'")
    op.execute("DELETE FROM notifications WHERE message_id IS NULL AND action_id IS NULL AND request_id IS NULL")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_notifications_message_id_messages', 'messages', ['message_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key('fk_notifications_action_id_moderation_actions', 'moderation_actions', ['action_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key('fk_notifications_request_id_mentoring_requests', 'mentoring_requests', ['request_id'], ['id'], ondelete='CASCADE')
        batch_op.alter_column('kind', existing_type=sa.String(length=30), type_=sa.String(length=20))
        batch_op.drop_column('subject_id')
