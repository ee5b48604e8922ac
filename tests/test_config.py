"""How the app is configured for speed: a database pool sized per kind of database, and the session
cookie's serializer built once."""

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import event, text

from civicnet.config import POSTGRESQL_POOL_SIZE, SQLITE_POOL_SIZE, TestConfig
from civicnet.extensions import db
from civicnet.factory import create_app
from tests.factories import make_user


def engine_of(app):
    with app.app_context():
        return db.engine


def test_sqlite_keeps_a_large_pool_without_pre_ping(tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'pool.db'}")
    pool = engine_of(app).pool
    assert isinstance(pool, sa.pool.QueuePool)
    assert pool.size() == SQLITE_POOL_SIZE == 64 and pool._max_overflow == SQLITE_POOL_SIZE
    assert pool._pre_ping is False


def test_the_pool_size_is_configurable(tmp_path, monkeypatch):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'pool.db'}", DATABASE_POOL_SIZE=7)
    assert engine_of(app).pool.size() == 7
    postgresql = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://127.0.0.1:1/x", DATABASE_POOL_SIZE=7
    )
    assert engine_of(postgresql).pool.size() == 7


@pytest.mark.parametrize("url", ["postgresql+psycopg://127.0.0.1:1/civicnet", "postgresql://127.0.0.1:1/civicnet"])
def test_postgresql_keeps_pre_ping_and_a_moderate_pool(url):
    # Building the engine does not connect: nothing needs to listen on port 1.
    pool = engine_of(create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)).pool
    assert isinstance(pool, sa.pool.QueuePool)
    assert pool._pre_ping is True
    assert pool.size() == POSTGRESQL_POOL_SIZE == 10 and pool._max_overflow == 5


def test_in_memory_sqlite_keeps_its_single_shared_connection():
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert isinstance(engine_of(app).pool, sa.pool.StaticPool)
    with app.app_context():
        assert db.session.scalar(text("SELECT 1")) == 1


def test_engine_options_given_by_the_deployment_win(tmp_path):
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'pool.db'}",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 3, "pool_pre_ping": True},
    )
    pool = engine_of(app).pool
    assert pool.size() == 3 and pool._pre_ping is True


def handle(app, barrier: threading.Barrier, answers: list) -> None:
    with app.app_context():
        db.session.scalar(text("SELECT 1"))
        barrier.wait(timeout=30)  # every handler holds its connection at the same moment
        answers.append(db.session.scalar(text("SELECT 1")))
        db.session.remove()


@pytest.mark.commits  # its threads each use their own connection
def test_many_handlers_at_once_reuse_their_connections(make_app):
    """Handlers in flight as many as the pool holds, three times over: connections are opened (with the
    SQLite PRAGMAs, or the PostgreSQL handshake) for the first round only, and every handler is answered."""
    app = make_app()
    engine = engine_of(app)
    engine.dispose()
    opened = []
    event.listen(engine, "connect", lambda *args: opened.append(1))
    in_flight = SQLITE_POOL_SIZE if engine.dialect.name == "sqlite" else POSTGRESQL_POOL_SIZE
    for _ in range(3):
        barrier, answers = threading.Barrier(in_flight), []
        threads = [threading.Thread(target=handle, args=(app, barrier, answers)) for _ in range(in_flight)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert answers == [1] * in_flight
    assert len(opened) == in_flight
    engine.dispose()


def test_the_test_database_is_pinged_only_if_it_is_a_server(app):
    engine = engine_of(app)
    assert engine.pool._pre_ping is (engine.dialect.name != "sqlite")


# The session cookie


def test_the_session_serializer_is_built_once_per_app_and_secret(app):
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://", SECRET_KEY="another secret")
    assert other.session_interface.get_signing_serializer(other) is not first
    app.config["SECRET_KEY"] = "a new secret"
    assert interface.get_signing_serializer(app) is not first


def test_a_changed_secret_key_ends_sessions_unless_kept_as_a_fallback(app, client, auth):
    with app.app_context():
        make_user(username="ada")
    auth.sign_in("ada")
    client.delete_cookie("remember_token")  # the session cookie alone signs ada in
    signed_with_old_key = client.get_cookie("session").value
    assert client.get("/account").status_code == 200
    old = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "rotated secret"
    assert client.get("/account").status_code == 302  # the cached serializer followed the new key
    client.set_cookie("session", signed_with_old_key)
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert client.get("/account").status_code == 200  # and the fallback keys


def test_settings_are_read_from_the_environment_when_an_app_is_made(monkeypatch, tmp_path):
    """Importing civicnet reads no setting (the test fork server imports it once for every server it
    starts): each app gets the environment of the moment it is made, derived settings included."""
    monkeypatch.setenv("REGISTER_COMMENT_DAYS", "3")
    monkeypatch.setenv("HTTPS", "yes")
    monkeypatch.setenv("PROXY_HOPS", "1")
    first = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'a.db'}")
    monkeypatch.setenv("REGISTER_COMMENT_DAYS", "5")
    monkeypatch.delenv("HTTPS")
    second = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'b.db'}")
    assert (first.config["REGISTER_COMMENT_DAYS"], second.config["REGISTER_COMMENT_DAYS"]) == (3, 5)
    assert first.config["SESSION_COOKIE_SECURE"] is True and first.config["REMEMBER_COOKIE_SECURE"] is True
    assert second.config["SESSION_COOKIE_SECURE"] is False and second.config["PROXY_HOPS"] == 1


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"PORT": "8080"}, "http://127.0.0.1:8080"),
        ({"HOST": "0.0.0.0", "PORT": "8000"}, "http://127.0.0.1:8000"),
        ({"HOST": "::1"}, "http://[::1]:5000"),
        ({"PORT": "8080", "BASE_URL": "https://civicnet.example.gov.uk/"}, "https://civicnet.example.gov.uk"),
    ],
)
def test_emailed_links_follow_the_port_unless_base_url_says_otherwise(environment, expected, monkeypatch, tmp_path):
    for name in ("HOST", "PORT", "BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'a.db'}")
    assert app.config["BASE_URL"] == expected
