"""Configuration read from the environment (and an untracked .env file) when the app is made.

Each setting that comes from the environment is a `setting`, read when `create_app` copies the class
into the app's config rather than when civicnet is imported: importing civicnet reads nothing, so a
process that imported it once (the test suite's fork server) can make apps for other environments."""

import os
import secrets
from pathlib import Path

from dotenv import load_dotenv
from sqlalchemy.engine import make_url

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = BASE_DIR / "instance"


def load_environment() -> None:
    """Add the untracked .env file's variables to the environment (never overriding one already set)."""
    load_dotenv(BASE_DIR / ".env")


class _Setting:
    def __init__(self, read):
        self.read = read

    def __get__(self, instance, owner):
        return self.read()


def setting(read) -> _Setting:
    """A class attribute computed each time it is read: `create_app` reads it once, into the app's config."""
    return _Setting(read)


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(url: str | None) -> str:
    """Turn DATABASE_URL into an SQLAlchemy URL, defaulting to SQLite in instance/."""
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'civicnet.db'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def served_address() -> str:
    """Where `python app.py` serves (HOST and PORT), as a browser on this machine reaches it: BASE_URL's
    default, so that emailed links follow the port."""
    host = os.environ.get("HOST") or "127.0.0.1"
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"  # listening everywhere; this machine's own address reaches it
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{os.environ.get('PORT') or '5000'}"


# A gevent server has dozens of handlers in flight; on SQLite each keeps its connection, since a new
# one costs a file open and the PRAGMAs of the connect listener. A PostgreSQL connection is a server
# process: keep fewer, so that several server processes stay within max_connections (100 by default).
SQLITE_POOL_SIZE = 64
POSTGRESQL_POOL_SIZE = 10


def engine_options(url: str, pool_size: int | None = None) -> dict:
    """SQLAlchemy engine options for the database at url: a pool sized to the server's concurrency.

    Pre-ping (a round trip before each checkout) only where connections can go stale under us: a
    database server restarts or drops idle connections; a local SQLite file does neither."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            return {}  # Flask-SQLAlchemy gives in-memory SQLite one shared connection (StaticPool)
        size = pool_size or SQLITE_POOL_SIZE
        return {"pool_size": size, "max_overflow": size, "pool_pre_ping": False}
    size = pool_size or POSTGRESQL_POOL_SIZE
    return {"pool_size": size, "max_overflow": size // 2, "pool_pre_ping": True}


class Config:
    SECRET_KEY = setting(lambda: os.environ.get("SECRET_KEY"))
    SQLALCHEMY_DATABASE_URI = setting(lambda: database_url(os.environ.get("DATABASE_URL")))
    # Connections kept per process; the default depends on the database (see engine_options).
    DATABASE_POOL_SIZE = setting(lambda: int(os.environ.get("DATABASE_POOL_SIZE") or 0) or None)
    REDIS_URL = setting(lambda: os.environ.get("REDIS_URL") or None)
    # The Redis Pub/Sub channel the server processes share events on. Pub/Sub ignores Redis's
    # database numbers, so two deployments (or two test runs) on one Redis need channels of their own.
    SOCKETIO_CHANNEL = setting(lambda: os.environ.get("SOCKETIO_CHANNEL") or "flask-socketio")
    # Where members reach civicnet; used for links in emails.
    BASE_URL = setting(lambda: (os.environ.get("BASE_URL") or served_address()).rstrip("/"))
    SEARCH_INDEX_DIR = setting(lambda: os.environ.get("SEARCH_INDEX_DIR") or str(INSTANCE_DIR / "search-index"))
    # `python app.py` (and so `make run`) starts `flask search indexer` beside the server. Servers run
    # any other way (gunicorn) never index: run that command as a service of its own.
    SEARCH_INDEXER = setting(lambda: env_bool("SEARCH_INDEXER", True))

    # Background jobs (civicnet.jobs): queued in this SQLite file, or in Redis when REDIS_URL is set.
    # `python app.py` starts a worker beside the server unless JOBS_WORKER is off (then run
    # `flask jobs worker` yourself, one per machine).
    JOBS_DATABASE = setting(lambda: os.environ.get("JOBS_DATABASE") or str(INSTANCE_DIR / "jobs.sqlite3"))
    # The privacy notice (/privacy): the operator completes who they are. The defaults are written for
    # a UK council running civicnet as part of its public task; a charity would say legitimate interests.
    PRIVACY_CONTROLLER = setting(
        lambda: os.environ.get("PRIVACY_CONTROLLER", "The organisation that runs this civicnet")
    )
    PRIVACY_CONTACT = setting(
        lambda: os.environ.get("PRIVACY_CONTACT", "")
    )  # where to write: an email or postal address
    PRIVACY_DPO = setting(lambda: os.environ.get("PRIVACY_DPO", ""))  # the data protection officer, if there is one
    PRIVACY_LAWFUL_BASIS = setting(
        lambda: os.environ.get(
            "PRIVACY_LAWFUL_BASIS",
            "Public task (UK GDPR Article 6(1)(e)): helping residents and public servants learn about technology "
            "is part of our public function. For verification of public servants, and for moderation, the same.",
        )
    )
    PRIVACY_RECIPIENTS = setting(
        lambda: os.environ.get(
            "PRIVACY_RECIPIENTS",
            "Our hosting provider and our email provider, who process data only on our instructions.",
        )
    )
    PRIVACY_SUPERVISOR = setting(
        lambda: os.environ.get(
            "PRIVACY_SUPERVISOR",
            "the Information Commissioner's Office (ICO): ico.org.uk/make-a-complaint, 0303 123 1113",
        )
    )
    # Members' data exports (zip files), kept until their download link runs out.
    EXPORT_DIR = setting(lambda: os.environ.get("EXPORT_DIR") or str(INSTANCE_DIR / "exports"))
    # Uploaded files (photos; attachments): in UPLOADS_DIR, or in an S3-compatible bucket when
    # UPLOADS_S3_BUCKET is set (credentials from the usual AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,
    # or the machine's role). UPLOADS_S3_ENDPOINT_URL names a service other than Amazon's.
    UPLOADS_DIR = setting(lambda: os.environ.get("UPLOADS_DIR") or str(INSTANCE_DIR / "uploads"))
    UPLOADS_S3_BUCKET = setting(lambda: os.environ.get("UPLOADS_S3_BUCKET") or None)
    UPLOADS_S3_ENDPOINT_URL = setting(lambda: os.environ.get("UPLOADS_S3_ENDPOINT_URL") or None)
    UPLOADS_S3_REGION = setting(lambda: os.environ.get("UPLOADS_S3_REGION") or None)
    # The largest profile photo accepted (bytes); the form's hint says it.
    PHOTO_MAX_BYTES = setting(lambda: int(os.environ.get("PHOTO_MAX_BYTES", str(5 * 1024 * 1024))))
    # Attachments on room messages: the largest file (bytes) and how many one message may carry.
    ATTACHMENT_MAX_BYTES = setting(lambda: int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))))
    ATTACHMENTS_PER_MESSAGE = setting(lambda: int(os.environ.get("ATTACHMENTS_PER_MESSAGE", "5")))
    JOBS_WORKER = setting(lambda: env_bool("JOBS_WORKER", True))
    JOBS_IMMEDIATE = setting(lambda: env_bool("JOBS_IMMEDIATE", False))  # run each job at once, in the caller (tests)
    JOBS_RETRY_DELAY = setting(lambda: int(os.environ.get("JOBS_RETRY_DELAY", "60")))  # seconds before the first retry
    EMAIL_ATTEMPTS = setting(lambda: int(os.environ.get("EMAIL_ATTEMPTS", "6")))  # then it joins the failed jobs
    # An email still unsent this long after it was queued lost its job (a worker killed mid-send):
    # a periodic job queues it again.
    EMAIL_STRANDED_SECONDS = setting(lambda: int(os.environ.get("EMAIL_STRANDED_SECONDS", "900")))
    # Notification emails: a mention, reply or followed room's message is emailed this many seconds
    # later, only if still unread; beyond the daily cap (per member, 24 hours) the rest wait for the
    # digest. Unsubscribe links work for a year.
    # The technology register: how long a draft is open for comment, when an entry is next reviewed by
    # default, and the licence its open data is published under.
    REGISTER_COMMENT_DAYS = setting(lambda: int(os.environ.get("REGISTER_COMMENT_DAYS", "7")))
    REGISTER_REVIEW_DAYS = setting(lambda: int(os.environ.get("REGISTER_REVIEW_DAYS", "365")))
    REGISTER_LICENCE = setting(lambda: os.environ.get("REGISTER_LICENCE", "Open Government Licence v3.0"))
    REGISTER_LICENCE_URL = setting(
        lambda: os.environ.get(
            "REGISTER_LICENCE_URL", "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
        )
    )
    NOTIFY_EMAIL_DELAY = setting(lambda: int(os.environ.get("NOTIFY_EMAIL_DELAY", "120")))
    EMAIL_DAILY_CAP = setting(lambda: int(os.environ.get("EMAIL_DAILY_CAP", "20")))
    UNSUBSCRIBE_LINK_MAX_AGE = setting(lambda: int(os.environ.get("UNSUBSCRIBE_LINK_MAX_AGE", str(365 * 24 * 3600))))

    # Cookies: HttpOnly and SameSite=Lax always; Secure when served over HTTPS.
    HTTPS = setting(lambda: env_bool("HTTPS"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = HTTPS  # the same setting as HTTPS, not a copy of it
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = HTTPS
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    PROXY_HOPS = setting(lambda: int(os.environ.get("PROXY_HOPS", "0")))
    MAX_CONTENT_LENGTH = 1024 * 1024

    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so long forms never expire mid-edit

    # Mail: without MAIL_SERVER, messages are written to the log instead of sent.
    MAIL_SERVER = setting(lambda: os.environ.get("MAIL_SERVER") or None)
    MAIL_PORT = setting(lambda: int(os.environ.get("MAIL_PORT", "587")))
    MAIL_USE_TLS = setting(lambda: env_bool("MAIL_USE_TLS", True))
    MAIL_USERNAME = setting(lambda: os.environ.get("MAIL_USERNAME") or None)
    MAIL_PASSWORD = setting(lambda: os.environ.get("MAIL_PASSWORD") or None)
    MAIL_DEFAULT_SENDER = setting(lambda: os.environ.get("MAIL_DEFAULT_SENDER", "civicnet <no-reply@civicnet.invalid>"))
    MAIL_SUPPRESS_SEND = setting(lambda: not os.environ.get("MAIL_SERVER"))

    # Sign-in throttling (Flask-Limiter syntax). Memory store unless REDIS_URL is set.
    RATELIMIT_STORAGE_URI = setting(lambda: os.environ.get("REDIS_URL") or "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    SIGN_IN_LIMIT_PER_IP = setting(lambda: os.environ.get("SIGN_IN_LIMIT_PER_IP", "20 per 5 minutes"))
    SIGN_IN_LIMIT_PER_ACCOUNT = setting(lambda: os.environ.get("SIGN_IN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"))
    EMAIL_LIMIT_PER_IP = setting(lambda: os.environ.get("EMAIL_LIMIT_PER_IP", "10 per hour"))
    # Searching (the page and the API count together) and the JSON API, per member and per address.
    SEARCH_LIMIT_PER_MEMBER = setting(lambda: os.environ.get("SEARCH_LIMIT_PER_MEMBER", "30 per minute"))
    SEARCH_LIMIT_PER_IP = setting(lambda: os.environ.get("SEARCH_LIMIT_PER_IP", "60 per minute"))
    API_READ_LIMIT_PER_MEMBER = setting(lambda: os.environ.get("API_READ_LIMIT_PER_MEMBER", "300 per minute"))
    API_READ_LIMIT_PER_IP = setting(lambda: os.environ.get("API_READ_LIMIT_PER_IP", "600 per minute"))
    API_WRITE_LIMIT_PER_MEMBER = setting(lambda: os.environ.get("API_WRITE_LIMIT_PER_MEMBER", "60 per minute"))
    API_WRITE_LIMIT_PER_IP = setting(lambda: os.environ.get("API_WRITE_LIMIT_PER_IP", "120 per minute"))
    # The message box: people suggested after "@" (a lookup a few keystrokes apart), and Preview.
    MENTION_LOOKUP_LIMIT = setting(lambda: os.environ.get("MENTION_LOOKUP_LIMIT", "60 per minute"))
    PREVIEW_LIMIT = setting(lambda: os.environ.get("PREVIEW_LIMIT", "30 per minute"))
    # Files a member may upload (attachments and photos): each is decoded and re-encoded, which costs
    # far more than its size suggests, so the count is limited before any of that is done.
    UPLOAD_LIMIT = setting(lambda: os.environ.get("UPLOAD_LIMIT", "60 per hour"))

    SOCKET_SEND_MESSAGE_LIMIT = setting(lambda: os.environ.get("SOCKET_SEND_MESSAGE_LIMIT", "10 per 10 seconds"))
    SOCKET_TYPING_LIMIT = setting(lambda: os.environ.get("SOCKET_TYPING_LIMIT", "10 per 10 seconds"))
    SOCKET_REACT_LIMIT = setting(lambda: os.environ.get("SOCKET_REACT_LIMIT", "10 per 10 seconds"))
    # How often a server process looks for changes of authority made by other processes (seconds), and
    # how long a connection trusts its member snapshot if no change reaches it (see civicnet.connections).
    AUTHORITY_POLL_INTERVAL = setting(lambda: float(os.environ.get("AUTHORITY_POLL_INTERVAL", "0.25")))
    AUTHORITY_MAX_AGE = setting(lambda: float(os.environ.get("AUTHORITY_MAX_AGE", "30")))

    # Moderation: a message this many members report is hidden pending review.
    MODERATION_AUTO_HIDE_REPORTS = setting(lambda: int(os.environ.get("MODERATION_AUTO_HIDE_REPORTS", "3")))
    # New members (younger than NEW_MEMBER_HOURS, or with fewer than NEW_MEMBER_MESSAGES messages) post
    # at most NEW_MEMBER_MAX_LINKS links per message and at most NEW_MEMBER_SEND_LIMIT, everywhere.
    NEW_MEMBER_HOURS = setting(lambda: int(os.environ.get("NEW_MEMBER_HOURS", "24")))
    NEW_MEMBER_MESSAGES = setting(lambda: int(os.environ.get("NEW_MEMBER_MESSAGES", "5")))
    NEW_MEMBER_MAX_LINKS = setting(lambda: int(os.environ.get("NEW_MEMBER_MAX_LINKS", "1")))
    NEW_MEMBER_SEND_LIMIT = setting(lambda: os.environ.get("NEW_MEMBER_SEND_LIMIT", "3 per 10 seconds"))
    # New direct conversations a member may start (writing in existing ones is not counted): cold
    # messages are where spam comes from.
    DIRECT_START_LIMIT = setting(lambda: os.environ.get("DIRECT_START_LIMIT", "20 per hour"))
    DECISION_LINK_MAX_AGE = 60 * 60 * 24 * 30  # emailed statement-of-reasons links, beyond the 14-day appeal window

    VERIFY_TOKEN_MAX_AGE = 60 * 60 * 48
    RESET_TOKEN_MAX_AGE = 60 * 60

    SOCKETIO_ASYNC_MODE = setting(lambda: os.environ.get("SOCKETIO_ASYNC_MODE") or None)
    # Engine.IO pings each connection every SOCKETIO_PING_INTERVAL seconds; one silent for that plus
    # SOCKETIO_PING_TIMEOUT is dropped. One with SOCKETIO_MAX_QUEUED_PACKETS events waiting unsent (it
    # stopped reading) is disconnected. A client frame over SOCKETIO_MAX_FRAME_BYTES closes the connection.
    SOCKETIO_PING_INTERVAL = setting(lambda: int(os.environ.get("SOCKETIO_PING_INTERVAL", "25")))
    SOCKETIO_PING_TIMEOUT = setting(lambda: int(os.environ.get("SOCKETIO_PING_TIMEOUT", "20")))
    SOCKETIO_MAX_QUEUED_PACKETS = setting(lambda: int(os.environ.get("SOCKETIO_MAX_QUEUED_PACKETS", "500")))
    SOCKETIO_MAX_FRAME_BYTES = setting(lambda: int(os.environ.get("SOCKETIO_MAX_FRAME_BYTES", str(64 * 1024))))
    # While Redis is unreachable, Flask-Limiter counts HTTP limits in memory instead of failing requests.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    SERVER_HOST = setting(lambda: os.environ.get("HOST", "127.0.0.1"))
    SERVER_PORT = setting(lambda: int(os.environ.get("PORT", "5000")))


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-" + secrets.token_hex(8)
    SQLALCHEMY_DATABASE_URI = setting(lambda: os.environ.get("TEST_DATABASE_URL") or "sqlite://")
    WTF_CSRF_ENABLED = False
    MAIL_SUPPRESS_SEND = True
    MAIL_SERVER = None
    RATELIMIT_STORAGE_URI = "memory://"
    SIGN_IN_LIMIT_PER_IP = "1000 per minute"
    SIGN_IN_LIMIT_PER_ACCOUNT = "1000 per minute"
    EMAIL_LIMIT_PER_IP = "1000 per minute"
    SEARCH_LIMIT_PER_MEMBER = SEARCH_LIMIT_PER_IP = "1000 per minute"
    API_READ_LIMIT_PER_MEMBER = API_READ_LIMIT_PER_IP = "1000 per minute"
    API_WRITE_LIMIT_PER_MEMBER = API_WRITE_LIMIT_PER_IP = "1000 per minute"
    MENTION_LOOKUP_LIMIT = PREVIEW_LIMIT = UPLOAD_LIMIT = "1000 per minute"
    SOCKETIO_ASYNC_MODE = "threading"
    SERVER_NAME = None
    SEARCH_INDEXER = False
    JOBS_IMMEDIATE = True
    JOBS_WORKER = False
    # The Socket.IO test client runs in this process, which applies its own changes at once.
    AUTHORITY_POLL_INTERVAL = 0
    # Test members are seconds old: nobody counts as new unless a test says so.
    NEW_MEMBER_HOURS = 0
    NEW_MEMBER_MESSAGES = 0
