"""Background jobs on Huey: work that may wait, fail and be retried (email today; exports, digests and
reminders next), and the periodic housekeeping that needs no cron.

Jobs are queued in SQLite in instance/ by default, or in Redis when REDIS_URL is set, and run by
`flask jobs worker` (started beside the server by `python app.py`). In tests they run at once, in
the caller's thread (Huey's immediate mode). A job that fails on its last attempt leaves a FailedJob
row, the dead-letter list an operator reads with `flask jobs failed` and requeues with
`flask jobs retry`."""

import json
import logging
from datetime import datetime
from functools import wraps
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import MemoryHuey
from huey.signals import SIGNAL_ERROR
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from civicnet.db_types import UTCDateTime, utcnow
from civicnet.extensions import db

log = logging.getLogger(__name__)

NAME = "civicnet"
# One queue for the process, in memory until init_app points it at the configured storage (so that
# importing civicnet touches no file).
huey = MemoryHuey(NAME)
_apps: list[Flask] = []


class FailedJob(db.Model):
    """A job that used up its attempts: what it was, with what, and the last error."""

    __tablename__ = "failed_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(100))
    arguments: Mapped[str] = mapped_column(Text)  # JSON: [args, kwargs]
    error: Mapped[str] = mapped_column(Text)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    requeued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def init_app(app: Flask) -> None:
    """Point the queue at this app's storage: memory (run at once) in tests, Redis, or SQLite."""
    _apps[:] = [app]
    if app.config["JOBS_IMMEDIATE"]:
        huey.immediate = True
        return
    huey.immediate = False
    if app.config["REDIS_URL"]:
        huey.storage = RedisStorage(NAME, url=app.config["REDIS_URL"])
    else:
        Path(app.config["JOBS_DATABASE"]).parent.mkdir(parents=True, exist_ok=True)
        # A command (`flask users suspend`) opening the queue while a busy server writes to it waits for
        # the lock rather than failing: 5 s (Huey's default) was once not enough under the test suite's load.
        huey.storage = SqliteStorage(NAME, filename=app.config["JOBS_DATABASE"], timeout=30)


def job(**options):
    """Declare a job: a function run by the worker inside an app context, with Huey's options
    (retries, retry_delay, retry_backoff). Jobs must be idempotent: a retry may follow a partial run."""

    def decorator(function):
        @wraps(function)
        def run(*args, **kwargs):
            if has_app_context():  # immediate mode, inside the caller's request or command
                return function(*args, **kwargs)
            return _in_app(function, *args, **kwargs)

        return huey.task(**options)(run)  # named by the function's module and name

    return decorator


def periodic(schedule, **options):
    """Declare a periodic job (a huey.crontab schedule), run by the worker with the consumer's clock."""

    def decorator(function):
        @wraps(function)
        def run():
            return _in_app(function)

        return huey.periodic_task(schedule, **options)(run)

    return decorator


@huey.signal(SIGNAL_ERROR)
def _record_failure(signal, task, exc=None) -> None:
    """The last attempt failed: keep it where an operator will see it."""
    if task.retries:
        return  # it will be tried again
    name = huey._registry.task_to_string(type(task))
    log.error("job %s failed for good: %r", name, exc)
    arguments = json.dumps([list(task.args), task.kwargs], default=str)
    _in_app(_store_failure, name, arguments, repr(exc)[:2000])


def _store_failure(name: str, arguments: str, error: str) -> None:
    db.session.add(FailedJob(job=name, arguments=arguments, error=error))
    db.session.commit()


def _in_app(function, *args, **kwargs):
    """Run function in an app context and session of its own (a worker thread has neither)."""
    app = current_app._get_current_object() if has_app_context() else _apps[0]
    with app.app_context():
        try:
            return function(*args, **kwargs)
        finally:
            db.session.remove()


def failed_jobs(limit: int = 100) -> list[FailedJob]:
    query = select(FailedJob).where(FailedJob.requeued_at.is_(None)).order_by(FailedJob.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def requeue(failed: FailedJob) -> None:
    """Queue a failed job again with its arguments (an operator fixed what made it fail)."""
    registered = huey._registry.string_to_task(failed.job)
    args, kwargs = json.loads(failed.arguments)
    huey.enqueue(registered(tuple(args), kwargs))
    failed.requeued_at = utcnow()
    db.session.commit()


def worker(workers: int = 2) -> None:
    """Run the consumer in this process until it is stopped (SIGINT or SIGTERM)."""
    # An idle worker looks at the queue at most two seconds apart (Huey's default backs off to ten), so
    # an email leaves within a couple of seconds of being queued.
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True, max_delay=2.0).run()
