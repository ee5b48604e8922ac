"""access log: every look at a member's data by someone acting in a role, append-only, with holds

Replaces mentoring's access_records (its rows move over as "handling a report" entries).

Revision ID: 9a1c4e7b2d30
Revises: 8c3d5a2f9e71
Create Date: 2026-12-06 22:40:00

"""
from alembic import op
import sqlalchemy as sa

import civicnet.db_types


revision = '9a1c4e7b2d30'
down_revision = '8c3d5a2f9e71'
branch_labels = None
depends_on = None

# Append-only for everyone, as the audit log is.
SQLITE_TRIGGERS = [
    """CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
       BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END""",
    """CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
       BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END""",
]
POSTGRESQL_TRIGGERS = [
    """CREATE FUNCTION access_log_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'access_log is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
       FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change()""",
    """CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
       FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change()""",
]


def upgrade():
    op.create_table('access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', civicnet.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('case_ref', sa.String(length=60), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('categories', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log'))
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index('ix_access_log_subject_id_id', ['subject_id', 'id'], unique=False)
    op.create_table('access_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('until', civicnet.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', civicnet.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('disclosed_at', civicnet.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', civicnet.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['access_log.id'], name=op.f('fk_access_holds_entry_id_access_log')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_holds')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_access_holds_entry_id'))
    )
    op.execute(
        """INSERT INTO access_log (created_at, subject_id, actor_id, role, purpose, case_ref, note, categories, action)
           SELECT created_at, subject_id, viewer_id, 'moderator', 'report', '', '', 'private_messages', 'view'
           FROM access_records ORDER BY id"""
    )
    with op.batch_alter_table('access_records', schema=None) as batch_op:
        batch_op.drop_index('ix_access_records_subject_id')
    op.drop_table('access_records')
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRESQL_TRIGGERS:
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER access_log_no_update")
        op.execute("DROP TRIGGER access_log_no_delete")
    else:
        op.execute("DROP TRIGGER access_log_append_only ON access_log")
        op.execute("DROP TRIGGER access_log_no_truncate ON access_log")
        op.execute("DROP FUNCTION access_log_refuse_change()")
    op.create_table('access_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('viewer_id', sa.Integer(), nullable=True),
    sa.Column('viewer_username', sa.String(length=30), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=200), nullable=False),
    sa.Column('why', sa.String(length=200), nullable=False),
    sa.Column('created_at', civicnet.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_records'))
    )
    with op.batch_alter_table('access_records', schema=None) as batch_op:
        batch_op.create_index('ix_access_records_subject_id', ['subject_id'], unique=False)
    op.drop_table('access_holds')
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index('ix_access_log_subject_id_id')
    op.drop_table('access_log')
