"""emails and failed jobs: every email stored and sent by a background job; the dead-letter list

Revision ID: 8c3d5a2f9e71
Revises: 5b2e9d41c7a0
Create Date: 2026-12-01 23:30:00

"""
from alembic import op
import sqlalchemy as sa

import civicnet.db_types


revision = '8c3d5a2f9e71'
down_revision = '5b2e9d41c7a0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('emails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', civicnet.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', civicnet.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emails'))
    )
    with op.batch_alter_table('emails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_emails_created_at'), ['created_at'], unique=False)

    op.create_table('failed_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=100), nullable=False),
    sa.Column('arguments', sa.Text(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('failed_at', civicnet.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('requeued_at', civicnet.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_failed_jobs'))
    )


def downgrade():
    op.drop_table('failed_jobs')
    with op.batch_alter_table('emails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_emails_created_at'))
    op.drop_table('emails')
