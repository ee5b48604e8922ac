"""Shared fixtures: a migrated database (SQLite, or PostgreSQL via TEST_DATABASE_URL), the app,
clients, captured mail, and a live server with headless Chromium for browser tests."""

import gc
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

os.environ.setdefault("CIVICNET_FAST_PASSWORD_HASHING", "1")  # before civicnet is imported

from flask import Flask
from flask_mail import Message
from flask_migrate import upgrade
from flask_socketio.test_client import SocketIOTestClient
from werkzeug.serving import make_server

from civicnet.config import TestConfig
from civicnet.db_types import utcnow
from civicnet.extensions import db, mail
from civicnet.factory import create_app
from tests.compiled import TEMPLATES, share_url_builders
from tests.database import RolledBack, share_engine
from tests.factories import DEFAULT_PASSWORD

IN_CI = bool(os.environ.get("CI"))
share_url_builders()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A fresh, empty database for this test run."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        # A file, not :memory:, so the live server's threads share it.
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'civicnet-test.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def migrated(database_url: str) -> str:
    """Build the schema the way production does: through the Alembic migrations."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def _empty_tables(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                if table.name in APPEND_ONLY:
                    _empty_append_only(connection, table.name)
                else:
                    connection.execute(table.delete())
            # The migration seeds the official domains; every test starts with them, as a new site does.
            from civicnet.verification.models import DEFAULT_DOMAINS, OfficialDomain

            connection.execute(
                OfficialDomain.__table__.insert(), [{"domain": d, "created_at": utcnow()} for d in DEFAULT_DOMAINS]
            )


APPEND_ONLY = ("audit_log", "access_log")


def _empty_append_only(connection, table: str) -> None:
    """The audit and access logs refuse DELETE (database triggers); between tests, lift them for a moment."""
    if connection.dialect.name == "sqlite":
        triggers = connection.exec_driver_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '{table}'"
        ).all()
        for name, _ in triggers:
            connection.exec_driver_sql(f"DROP TRIGGER {name}")
        connection.exec_driver_sql(f"DELETE FROM {table}")
        for _, sql in triggers:
            connection.exec_driver_sql(sql)
    else:
        connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        connection.exec_driver_sql(f"DELETE FROM {table}")
        connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")


# A test that serves civicnet to another thread or process must really commit: its tables are emptied
# afterwards. Every other test runs inside one transaction that is rolled back.
SERVING_FIXTURES = {"server", "start_server", "start_worker", "live_server", "page"}


@pytest.fixture
def make_app(migrated: str, tmp_path, request):
    """Make an app on the test database, with config overrides. Its changes are rolled back at the end,
    or, for a test that serves it to other threads or processes, every table is emptied."""
    serving = request.node.get_closest_marker("serving") is not None  # set at collection, below
    apps: list[Flask] = []
    rolled_back: list[RolledBack] = []

    def factory(**overrides) -> Flask:
        overrides.setdefault("SEARCH_INDEX_DIR", str(tmp_path / "search-index"))
        overrides.setdefault("EXPORT_DIR", str(tmp_path / "exports"))
        overrides.setdefault("UPLOADS_DIR", str(tmp_path / "uploads"))
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=migrated, **overrides)
        app.jinja_env.bytecode_cache = TEMPLATES
        if serving:
            share_engine(app)
        elif not rolled_back:
            rolled_back.append(RolledBack(app))
        apps.append(app)
        return app

    yield factory
    for transaction in rolled_back:
        transaction.end()
    # Flask-SocketIO's test clients stay in a class-level registry after they disconnect, and each one
    # holds its app: over a run, hundreds of apps kept alive made every full garbage collection slower.
    for sid, client in list(SocketIOTestClient.clients.items()):
        if client.app in apps:
            del SocketIOTestClient.clients[sid]
    for app in apps:
        if serving:
            _empty_tables(app)  # the shared engine stays open for the next test
        else:
            with app.app_context():
                db.engine.dispose()


@pytest.fixture
def app(make_app) -> Flask:
    return make_app()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An application context, for tests that call services directly."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app: Flask) -> Iterator[list[Message]]:
    """Every email civicnet sends during the test."""
    with mail.record_messages() as messages:
        yield messages


@pytest.fixture
def logged_errors(caplog):
    """What the app logged at ERROR or worse so far in the test (a handler's exception, with its
    traceback): the in-process counterpart of a real server's log."""
    return lambda: [record for record in caplog.records if record.levelno >= logging.ERROR]


class AuthActions:
    def __init__(self, client):
        self.client = client

    def sign_in(self, identifier: str, password: str = DEFAULT_PASSWORD, **extra):
        return self.client.post("/sign-in", data={"identifier": identifier, "password": password, **extra})

    def sign_out(self):
        return self.client.post("/sign-out")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def redis_url() -> str:
    """A Redis database for tests that need one (CI always has it)."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if IN_CI:
            pytest.fail(f"CI needs Redis at {url}")
        pytest.skip(f"needs Redis at {url}")
    return url


# --- S3-compatible storage ----------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """An S3-compatible server (moto's, on a free port in this process), for the uploads' S3 backend."""
    from moto.server import ThreadedMotoServer

    from tests.servers import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_settings(s3_endpoint, monkeypatch) -> dict:
    """Settings that put uploads in a new, empty bucket on the test server; its credentials come from
    the AWS environment variables, as in production."""
    import uuid

    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "civicnet-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "civicnet-test-secret")
    bucket = f"civicnet-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    return {"UPLOADS_S3_BUCKET": bucket, "UPLOADS_S3_ENDPOINT_URL": s3_endpoint, "UPLOADS_S3_REGION": "us-east-1"}


# --- Browser tests -------------------------------------------------------------------------

# Debian's Chromium, as its headless shell where installed: the same engine without the browser's
# own windowing layer, and what Playwright itself runs for headless tests. It used 40% less CPU than
# `chromium --headless` over the accessibility tests (measured, every process counted), the browser
# run being the longest of scripts/test-all. TEST_CHROMIUM picks another.
CHROMIUM = os.environ.get("TEST_CHROMIUM") or next(
    (path for path in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium") if os.path.exists(path)),
    "/usr/bin/chromium",
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    # One renderer process for the test's pages, not one per site: a little less CPU (about 6% for
    # test_accessibility.py); the tests never rely on site isolation.
    "--disable-features=site-per-process,IsolateOrigins",
    "--disable-site-isolation-trials",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium (see CHROMIUM) driven by Playwright."""
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail("CI must run browser tests: apt-get install chromium-headless-shell")
        pytest.skip("browser tests need Chromium: apt-get install chromium-headless-shell (or chromium)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield instance
    instance.close()
    playwright.stop()


@dataclass
class LiveServer:
    url: str
    app: Flask


@pytest.fixture
def live_server(make_app, request) -> Iterator[LiveServer]:
    """civicnet served on 127.0.0.1 from a thread, with CSRF on as in production; for tests marked
    `live_indexer`, the search indexer's loop (what `flask search indexer` runs) in another thread."""
    from civicnet.search import indexer

    app = make_app(WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    stopping = threading.Event()
    indexing = threading.Thread(target=indexer.run, args=(app, stopping), daemon=True)
    if request.node.get_closest_marker("live_indexer"):
        indexing.start()
    yield LiveServer(url=url, app=app)
    server.shutdown()
    thread.join(timeout=5)
    stopping.set()
    if indexing.is_alive():
        indexing.join(timeout=10)  # let a batch in progress finish before the test empties the database


VIEWPORT = {"width": 1100, "height": 900}


class Tab:
    """One browser tab that the tests of a run take turns in.

    A new tab starts a new Chromium renderer process, which then compiles every script afresh: with
    axe-core that is about 1.2 s of CPU a test, against 0.35 s in a tab that is already open (measured,
    all processes counted). Between tests the tab is emptied of what a test may leave: its page, the
    cookies (they are kept per host, not per port, so the next test's server would get them), routes,
    offline mode, permissions, headers, viewport, emulated media and colour scheme, and timeout. Each
    test's server has a port of its own, so storage (kept per origin) starts empty; civicnet's scripts
    use none anyway."""

    def __init__(self, browser):
        self.browser = browser
        self.page = None

    def take(self):
        if self.page is None or self.page.is_closed():
            self.page = self.browser.new_context(viewport=VIEWPORT).new_page()
        self.page.set_default_timeout(10_000)
        return self.page

    def give_back(self) -> None:
        context = self.page.context
        try:
            self.page.set_default_timeout(10_000)
            self.page.goto("about:blank")  # closes the test's connections before its server stops
            self.page.unroute_all()
            context.unroute_all()
            context.set_offline(False)
            context.clear_cookies()
            context.clear_permissions()
            context.set_extra_http_headers({})
            self.page.set_viewport_size(VIEWPORT)
            self.page.emulate_media(media="null", color_scheme="light")
        except Exception:  # closed by the test, or stuck: the next test gets a new tab
            context.close()
            self.page = None


@pytest.fixture(scope="session")
def browser_tab(browser):
    shared = Tab(browser)
    yield shared
    if shared.page is not None:
        shared.page.context.close()


@pytest.fixture
def page(browser_tab):
    """A browser tab for this test, without anything an earlier test left in it (see Tab)."""
    yield browser_tab.take()
    browser_tab.give_back()


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items):
    """Mark the tests that serve the app to another thread or process (`serving`): make_app commits
    for real in them (and `-m serving` selects them)."""
    serving_modules = set()
    for item in items:
        if item.get_closest_marker("commits") or SERVING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.serving)
            serving_modules.add(item.module.__name__)
    if os.environ.get("TEST_SERVING_FIRST"):
        # scripts/test-all: the modules that wait on servers, workers and timeouts run first, while the
        # other runs keep the machine busy, and the run ends on tests that use all the CPU they get.
        items.sort(key=lambda item: item.module.__name__ not in serving_modules)


def pytest_collection_finish(session):
    """Move everything imported so far (civicnet, its libraries, the collected tests) out of the garbage
    collector's sight: full collections then scan only what the tests make (half their time in the
    browser run)."""
    gc.collect()
    gc.freeze()


def pytest_sessionfinish(session, exitstatus):
    """In CI, a skipped test is a failure: nothing may be skipped for lack of a service."""
    if IN_CI and exitstatus == 0:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        skipped = reporter.stats.get("skipped", [])
        if skipped:
            reporter.write_line(f"CI: {len(skipped)} test(s) skipped; in CI every service must be present.", red=True)
            session.exitstatus = 1


# --- Real servers --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def server_logs(tmp_path_factory):
    return tmp_path_factory.mktemp("server-logs")


@pytest.fixture(scope="module")
def server(migrated, server_logs):
    """One civicnet server process (gevent, as in production) shared by a test module. Without the
    search indexer beside it: the modules that test search start servers with one (start_server)."""
    from tests.servers import ServerProcess

    process = ServerProcess(migrated, server_logs, indexer=False).start()
    yield process
    process.stop()


@pytest.fixture
def start_server(migrated, server_logs):
    """Start extra server processes with their own settings; all are stopped after the test. Like
    `server`, without the search indexer unless asked (indexer=True): only search's tests need it."""
    from tests.servers import ServerProcess

    started = []

    def start(indexer: bool = False, **settings):
        process = ServerProcess(migrated, server_logs, indexer=indexer, **settings).start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def members(make_app):
    """Socket.IO members made during a test, disconnected afterwards: of a real server (given it or its
    URL) or of an app in this process (given the app; Flask-SocketIO's test client). It depends on
    make_app so that its members leave before the test's transaction is rolled back."""
    from tests.servers import Member
    from tests.sockets import LocalMember

    made = []

    def make(where, username: str | None = None, **kwargs):
        if isinstance(where, Flask):
            member = LocalMember(where, username, **kwargs)
        else:
            member = Member(getattr(where, "url", where), username, **kwargs)
        made.append(member)
        return member

    yield make
    for member in made:
        member.disconnect()
