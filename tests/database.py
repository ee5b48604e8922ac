"""How tests share one database: each test's work rolled back at its end, on one engine per database."""

import flask_sqlalchemy.session
import sqlalchemy as sa
from flask import Flask

from civicnet.extensions import db

_ENGINES: dict[str, sa.Engine] = {}


def shared_engine(app: Flask) -> sa.Engine:
    """One engine per database for every rolled-back test: SQLAlchemy caches each statement's compiled
    SQL per engine, and an engine per test compiled every query again (measured: a fifth of the time
    of in-process tests). Built with the app's own engine options."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url not in _ENGINES:
        _ENGINES[url] = sa.create_engine(url, **app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    return _ENGINES[url]


def share_engine(app: Flask) -> None:
    """Serve `app` from the shared engine too: a test that serves its app to other threads commits for
    real, and with an engine of its own it compiled every query afresh (in the browser tests, a third
    of the test process's CPU went to seeding three members through cold caches)."""
    engine = db._app_engines[app][None]
    db._app_engines[app][None] = shared_engine(app)
    engine.dispose()


class JoinedSession(flask_sqlalchemy.session.Session):
    """Flask-SQLAlchemy's session picks its app's engine; this one always uses the test's connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


class RolledBack:
    """db.session inside one outer transaction on one connection, rolled back when the test ends. The
    session's own commits become SAVEPOINT releases (join_transaction_mode="create_savepoint"), so the
    code under test commits, rolls back and runs its after-commit work exactly as it does in production."""

    def __init__(self, app: Flask):
        self.app = app
        self.connection = shared_engine(app).connect()
        self.transaction = self.connection.begin()
        if self.connection.dialect.name == "sqlite":
            # pysqlite opens a transaction only before a write; SAVEPOINT first would make the
            # session's commit a real one.
            self.connection.exec_driver_sql("BEGIN")
        self.original = db.session
        # Flask-SQLAlchemy's own constructor of db.session (scoped to the app context as usual), with
        # civicnet's session options.
        options = {key: value for key, value in self.original.session_factory.kw.items() if key != "db"}
        options.update(class_=JoinedSession, bind=self.connection, join_transaction_mode="create_savepoint")
        db.session = db._make_scoped_session(options)

    def end(self) -> None:
        with self.app.app_context():
            db.session.remove()
        db.session = self.original
        self.transaction.rollback()
        self.connection.close()
