import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from civicnet.config import TestConfig
from civicnet.extensions import db
from civicnet.factory import create_app


def test_migrations_build_exactly_the_schema_the_models_describe(ctx):
    """The test database was built by `flask db upgrade`; the models must not differ from it."""
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_the_threads_migration_keeps_reply_chains_and_edit_history_on_sqlite(tmp_path):
    """On SQLite, adding a column with a foreign key rebuilds the table: with foreign keys enforced,
    dropping the old copy would fire its ON DELETE rules (edit history deleted, reply links emptied).
    A database with data in it, migrated from the release before threads, keeps all of it."""
    url = f"sqlite:///{tmp_path / 'before-threads.db'}"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, SEARCH_INDEX_DIR=str(tmp_path / "index"))
    with app.app_context():
        upgrade(revision="9b1e2c7d4f60")
        with db.engine.begin() as connection:
            for statement in BEFORE_THREADS:
                connection.execute(sa.text(statement))
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT id, reply_to_id, thread_root_id FROM messages ORDER BY id"))
            assert [tuple(row) for row in rows] == [(1, None, None), (2, 1, 1), (3, 2, 1), (4, None, None)]
            assert connection.execute(sa.text("SELECT count(*) FROM message_revisions")).scalar() == 1
            assert connection.execute(sa.text("PRAGMA foreign_key_check")).all() == []
        db.engine.dispose()


# Two members, a room, a question with a reply and a reply to that, another message, and an edit.
BEFORE_THREADS = [
    "INSERT INTO users (id, username, email, display_name, password_hash, role, session_version, created_at) "
    "VALUES (1, 'ada', 'ada@example.org', 'Ada', 'x', 'citizen', 1, '2026-01-01'), "
    "(2, 'bob', 'bob@example.org', 'Bob', 'x', 'citizen', 1, '2026-01-01')",
    "INSERT INTO rooms (id, slug, name, description, kind, open_to_public, is_mentoring, created_by_id, created_at) "
    "VALUES (1, 'open-data', 'Open data', '', 'public', 0, 0, 1, '2026-01-01')",
    "INSERT INTO messages (id, room_id, author_id, body, body_html, reply_to_id, created_at) VALUES "
    "(1, 1, 1, 'Question', '<p>Question</p>', NULL, '2026-01-01'), "
    "(2, 1, 2, 'Answer', '<p>Answer</p>', 1, '2026-01-01'), "
    "(3, 1, 1, 'Thanks', '<p>Thanks</p>', 2, '2026-01-01'), "
    "(4, 1, 2, 'Other', '<p>Other</p>', NULL, '2026-01-01')",
    "INSERT INTO message_revisions (id, message_id, body, replaced_at) VALUES (1, 2, 'Answr', '2026-01-01')",
]
