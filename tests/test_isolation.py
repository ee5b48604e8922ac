"""The suite's own isolation: a test's commits are SAVEPOINTs inside one transaction that is rolled
back, on SQLite and PostgreSQL, while the code under test sees real commits (its after-commit work runs,
a rollback undoes only what came after the last commit)."""

import sqlalchemy as sa

from civicnet.accounts.models import User
from civicnet.accounts.services import find_user_by_username
from civicnet.config import TestConfig
from civicnet.extensions import db
from civicnet.factory import create_app
from civicnet.transactions import commit, on_commit
from tests.database import RolledBack
from tests.factories import make_user


def users_named(url: str, username: str) -> int:
    """Counted on a connection of its own, as another process would see it."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(sa.select(sa.func.count()).select_from(User).where(User.username == username))
    finally:
        engine.dispose()


def test_a_rolled_back_test_commits_for_the_code_and_leaves_nothing_behind(migrated):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=migrated)
    test = RolledBack(app)
    ran = []
    try:
        with app.app_context():
            kept = make_user(username="kept", display_name="Kept")
            kept.display_name = "Changed"
            on_commit(lambda: ran.append("after commit"))
            commit()
            kept.display_name = "Undone"
            on_commit(lambda: ran.append("never"))
            db.session.rollback()
        with app.app_context():  # a later request, in a new session
            assert find_user_by_username("kept").display_name == "Changed"
        assert ran == ["after commit"]
    finally:
        test.end()
    assert users_named(migrated, "kept") == 0
    with app.app_context():
        assert find_user_by_username("kept") is None
        db.engine.dispose()
