"""The application factory: the one place that knows every capability, and so the top of the layers."""

import re
import sqlite3

from flask import Flask, abort, request
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix

import civicnet.access_log
import civicnet.accounts.loader
import civicnet.accounts.personal_data
import civicnet.api.data_routes
import civicnet.api.reaction_routes
import civicnet.api.register_routes
import civicnet.audit
import civicnet.datarights.export_routes
import civicnet.datarights.import_routes
import civicnet.datarights.leaving_routes
import civicnet.datarights.notices
import civicnet.datarights.request_routes
import civicnet.direct.erasure
import civicnet.direct.personal_data
import civicnet.direct.rules
import civicnet.mentoring.erasure
import civicnet.mentoring.events
import civicnet.mentoring.expiry
import civicnet.mentoring.models
import civicnet.mentoring.notices
import civicnet.mentoring.personal_data
import civicnet.mentoring.reportable
import civicnet.moderation.appeal_routes
import civicnet.moderation.events
import civicnet.moderation.models
import civicnet.moderation.personal_data
import civicnet.moderation.queue_notices
import civicnet.moderation.statements
import civicnet.moderation.vocabulary_routes
import civicnet.notifications.digest
import civicnet.notifications.erasure
import civicnet.notifications.personal_data
import civicnet.notifications.settings_routes
import civicnet.profiles.erasure
import civicnet.profiles.personal_data
import civicnet.profiles.photo_routes
import civicnet.profiles.privacy_routes
import civicnet.profiles.reportable
import civicnet.register.notices
import civicnet.register.personal_data
import civicnet.register.review_routes
import civicnet.rooms.attachment_routes
import civicnet.rooms.citations
import civicnet.rooms.compose_routes
import civicnet.rooms.erasure
import civicnet.rooms.events
import civicnet.rooms.notifications
import civicnet.rooms.personal_data
import civicnet.rooms.reportable
import civicnet.search.changes
import civicnet.tags.follows
import civicnet.verification.erasure
import civicnet.verification.models
import civicnet.verification.notices
import civicnet.verification.personal_data  # noqa: F401  (models, signal receivers, handlers, registries)
from civicnet import cli, errors, jobs, socket_guard, templating
from civicnet.accounts import routes as accounts_routes
from civicnet.api import routes as api_routes
from civicnet.application import Civicnet
from civicnet.config import BASE_DIR, INSTANCE_DIR, Config, engine_options, load_environment
from civicnet.cookies import CookieSessionInterface
from civicnet.datarights import routes as datarights_routes
from civicnet.direct import routes as direct_routes
from civicnet.extensions import csrf, db, limiter, login_manager, mail, migrate, socketio, talisman
from civicnet.ids import IdConverter
from civicnet.mentoring import routes as mentoring_routes
from civicnet.moderation import routes as moderation_routes
from civicnet.notifications import routes as notifications_routes
from civicnet.pages import routes as pages_routes
from civicnet.profiles import routes as profiles_routes
from civicnet.redis_outage import FAIL_FAST
from civicnet.register import routes as register_routes
from civicnet.rooms import routes as rooms_routes
from civicnet.search import routes as search_routes
from civicnet.socket_queue import RedisQueue
from civicnet.verification import routes as verification_routes

# script-src carries a per-request nonce for GOV.UK's one-line "js-enabled" script; no unsafe-inline.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """WAL lets readers carry on while one writer commits; the busy timeout waits out short locks."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL cannot corrupt the database; a power cut may lose the last commits.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def create_app(config_class: type = Config, **overrides) -> Flask:
    """Build the civicnet Flask application."""
    load_environment()
    app = Civicnet(
        "civicnet",
        instance_path=str(INSTANCE_DIR),
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    app.url_map.converters["int"] = IdConverter  # before any route is added
    app.session_interface = CookieSessionInterface()
    app.config.from_object(config_class)
    app.config.update(overrides)
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS",
        engine_options(app.config["SQLALCHEMY_DATABASE_URI"], app.config["DATABASE_POOL_SIZE"]),
    )
    if not app.config.get("SECRET_KEY"):
        if not (app.debug or app.testing):
            raise RuntimeError("SECRET_KEY is not set. Set it in the environment or in .env (see .env.example).")
        app.config["SECRET_KEY"] = "development-only"
    INSTANCE_DIR.mkdir(exist_ok=True)
    if app.config["PROXY_HOPS"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_HOPS"], x_proto=app.config["PROXY_HOPS"])

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(BASE_DIR / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    configure_extensions(app)
    configure_blueprints(app)
    configure_requests(app)
    errors.register_error_handlers(app)
    templating.register(app)
    cli.register(app)
    return app


def configure_extensions(app: Flask) -> None:
    """Bind each extension to this app."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    mail.init_app(app)
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", dict(FAIL_FAST))
    limiter.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        strict_transport_security=app.config["HTTPS"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=["script-src"],
        referrer_policy="same-origin",
        frame_options="DENY",
    )
    # Named even when absent: Flask-SocketIO keeps the options of earlier init_app calls (tests make
    # many apps), and a queue left over from an app with Redis would otherwise stay.
    queue = {"message_queue": None, "client_manager": None}
    if app.config["REDIS_URL"]:
        check_redis(app.config["REDIS_URL"])
        manager = RedisQueue(app.config["REDIS_URL"], channel=app.config["SOCKETIO_CHANNEL"])
        queue = {"message_queue": app.config["REDIS_URL"], "client_manager": manager}
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        cors_allowed_origins=None,
        **queue,
        **socket_guard.server_options(app),
    )
    socket_guard.install(app)
    jobs.init_app(app)


def check_redis(url: str) -> None:
    """Refuse to start on a configured but unusable Redis: the Socket.IO library would otherwise
    fall back, without a word, to delivering messages only to this process's own clients."""
    try:
        import redis  # optional: only a deployment with REDIS_URL needs it (named in .importlinter)
    except ImportError:
        raise RuntimeError("REDIS_URL is set but the 'redis' package is not installed (pip install redis)") from None
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.exceptions.RedisError as error:
        raise RuntimeError(f"REDIS_URL is set but Redis cannot be reached at {url}: {error}") from None


def configure_blueprints(app: Flask) -> None:
    """Register each capability's blueprint, in one explicit list."""
    for views in (
        pages_routes,
        accounts_routes,
        profiles_routes,
        rooms_routes,
        direct_routes,
        moderation_routes,
        verification_routes,
        mentoring_routes,
        register_routes,
        search_routes,
        notifications_routes,
        datarights_routes,
        api_routes,
    ):
        app.register_blueprint(views.bp)
    # No indexer here: servers only write the search outbox; `flask search indexer` indexes it.


def configure_requests(app: Flask) -> None:
    """Refuse input no part of civicnet can store."""

    @app.before_request
    def refuse_unreadable_input():
        # PostgreSQL cannot store NUL in text, and no honest client sends one: refuse it up front,
        # so no view ever reaches the database with it.
        values = list((request.view_args or {}).values()) + list(request.args.values())
        if request.method == "POST" and request.mimetype in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            values += list(request.form.values())
        if any(isinstance(value, str) and "\x00" in value for value in values):
            abort(400, UNREADABLE)
        if request.is_json and request.get_data(cache=True):
            check_json_body()


UNREADABLE = "What you sent contains characters civicnet cannot read. Remove them and try again."
# No civicnet request nests deeper than 3; a generous cap keeps every later walk over the data cheap.
MAX_JSON_DEPTH = 32
TOO_DEEP = f"The request body is nested too deeply: send JSON at most {MAX_JSON_DEPTH} levels deep."
# json.loads turns "\ud800" into a lone surrogate, which no database can store as UTF-8.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def check_json_body() -> None:
    """Parse a JSON body once (views reuse the cached result) and refuse what civicnet cannot store."""
    try:
        data = request.get_json()
    except BadRequest:
        abort(400, "The request body is not valid JSON. Send one JSON object encoded as UTF-8.")
    except RecursionError:  # nested deeper than Python's parser goes
        abort(400, TOO_DEEP)
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            abort(400, TOO_DEEP)
        if isinstance(value, dict):
            stack.extend((key, depth) for key in value)
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and _UNSTORABLE.search(value):
            abort(400, UNREADABLE)
