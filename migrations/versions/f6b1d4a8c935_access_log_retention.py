"""access log retention: entries older than five years may be deleted (by the retention job); no others

Revision ID: f6b1d4a8c935
Revises: e5a0c3f7b824
Create Date: 2026-12-07 00:20:00

"""

from alembic import op

revision = "f6b1d4a8c935"
down_revision = "e5a0c3f7b824"
branch_labels = None
depends_on = None

REFUSE = "'access_log is append-only'"


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER access_log_no_delete")
        op.execute(
            f"""CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
                WHEN old.created_at > datetime('now', '-5 years')
                BEGIN SELECT RAISE(ABORT, {REFUSE}); END"""
        )
    else:
        op.execute(
            f"""CREATE OR REPLACE FUNCTION access_log_refuse_change() RETURNS trigger AS $$
                BEGIN
                  IF TG_OP = 'DELETE' THEN
                    IF OLD.created_at < now() - interval '5 years' THEN RETURN OLD; END IF;
                  END IF;
                  RAISE EXCEPTION {REFUSE};
                END; $$ LANGUAGE plpgsql"""
        )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER access_log_no_delete")
        op.execute(
            f"""CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
                BEGIN SELECT RAISE(ABORT, {REFUSE}); END"""
        )
    else:
        op.execute(
            f"""CREATE OR REPLACE FUNCTION access_log_refuse_change() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION {REFUSE}; END; $$ LANGUAGE plpgsql"""
        )
