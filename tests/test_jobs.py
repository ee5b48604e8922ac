"""Email through the jobs queue, against a real SMTP server and a real `flask jobs worker` process.

The SMTP server (aiosmtpd) is the one thing outside civicnet; it can refuse a delivery for a while, or
hang in the middle of one so that the worker can be killed halfway."""

import os
import signal
import subprocess
import threading
import time
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from civicnet import jobs
from civicnet.emails import Email, queue_stranded_emails, send_email
from civicnet.extensions import db
from tests.launcher import flask_command
from tests.servers import free_port

WAIT = 30  # seconds: a bound on waits that normally end in well under one


class Mailbox:
    """aiosmtpd handler: refuses the next `refusals` deliveries with a temporary error, and can hang."""

    def __init__(self) -> None:
        self.accepted: list = []
        self.refusals = 0
        self.hang = threading.Event()  # while set, a delivery waits (never answered) until it is cleared
        self.started = threading.Event()  # a delivery reached DATA

    async def handle_DATA(self, server, session, envelope):
        self.started.set()
        while self.hang.is_set():
            await _sleep(0.05)
        if self.refusals:
            self.refusals -= 1
            return "451 4.3.0 Try again later"
        self.accepted.append(message_from_bytes(envelope.content))
        return "250 OK"

    def subjects(self) -> list[str]:
        return [message["Subject"] for message in self.accepted]


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield box, controller.port
    box.hang.clear()
    controller.stop()


@pytest.fixture(params=["sqlite", "redis"])
def queue(request, tmp_path, migrated, mailbox):
    """The settings of a deployment whose jobs go through a real queue: SQLite in a file, or Redis."""
    _, port = mailbox
    settings = {
        "DATABASE_URL": migrated,
        "SECRET_KEY": "jobs-test-secret",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(port),
        "MAIL_USE_TLS": "0",
        "JOBS_DATABASE": str(tmp_path / "jobs.sqlite3"),
        "JOBS_RETRY_DELAY": "1",
        "EMAIL_ATTEMPTS": "3",
        "SEARCH_INDEXER": "0",
        "REDIS_URL": "",
    }
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        import redis

        redis.Redis.from_url(url).flushdb()
        settings["REDIS_URL"] = url
    return settings


@pytest.fixture
def queued_app(make_app, queue):
    """This test process's app, queueing into the same place as the worker (not running jobs itself)."""
    app = make_app(
        JOBS_IMMEDIATE=False,
        JOBS_DATABASE=queue["JOBS_DATABASE"],
        REDIS_URL=queue["REDIS_URL"] or None,
        JOBS_RETRY_DELAY=1,
        EMAIL_ATTEMPTS=3,
    )
    yield app
    jobs.init_app(make_app())  # later tests run their jobs at once again


class Worker:
    def __init__(self, settings: dict, log: Path) -> None:
        log.write_text("")
        self.process = flask_command("jobs", "worker", "--workers", "1", env={**os.environ, **settings}, log=log)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def start_worker(queue, tmp_path):
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(queue, tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_until(condition, what: str, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def email_row(app, email_id: int) -> Email:
    with app.app_context():
        row = db.session.get(Email, email_id)
        db.session.expunge_all()
        return row


def queue_email(app, subject: str) -> int:
    with app.app_context(), app.test_request_context():
        return send_email("ada@example.org", subject, "accounts/email/password_changed", user=None).id


def test_an_email_whose_first_delivery_fails_is_retried_and_arrives_once(queued_app, mailbox, start_worker):
    box, _ = mailbox
    box.refusals = 1
    first = queue_email(queued_app, "first")
    assert email_row(queued_app, first).sent_at is None  # queued, not sent by the request
    start_worker()
    wait_until(lambda: email_row(queued_app, first).sent_at, "the retried email to be sent")
    # A second email behind it: once it has arrived, any repeat of the first would have arrived too.
    second = queue_email(queued_app, "second")
    wait_until(lambda: email_row(queued_app, second).sent_at, "the marker email")
    assert box.subjects() == ["civicnet: first", "civicnet: second"]
    row = email_row(queued_app, first)
    assert row.attempts == 2 and row.last_error is None
    assert box.accepted[0]["Message-ID"].startswith(f"<email-{first}@")


def test_an_email_that_keeps_failing_is_listed_for_an_operator_and_can_be_retried(queued_app, mailbox, start_worker):
    box, _ = mailbox
    box.refusals = 3  # every one of its three attempts
    doomed = queue_email(queued_app, "doomed")
    start_worker()
    with queued_app.app_context():
        failed = wait_until(lambda: jobs.failed_jobs(), "the email to join the failed jobs")
        assert [entry.job for entry in failed] == ["civicnet.emails.deliver_email"]
        assert "451" in failed[0].error
    row = email_row(queued_app, doomed)
    assert row.sent_at is None and row.attempts == 3 and "451" in row.last_error
    listing = queued_app.test_cli_runner().invoke(args=["jobs", "failed"])
    assert "civicnet.emails.deliver_email" in listing.output and f"[[{doomed}]" in listing.output
    # The mail server is fixed; the operator retries it, and it arrives once.
    retried = queued_app.test_cli_runner().invoke(args=["jobs", "retry", str(failed[0].id)])
    assert retried.exit_code == 0, retried.output
    wait_until(lambda: email_row(queued_app, doomed).sent_at, "the retried email")
    assert box.subjects() == ["civicnet: doomed"]
    with queued_app.app_context():
        assert jobs.failed_jobs() == []
    again = queued_app.test_cli_runner().invoke(args=["jobs", "retry", str(failed[0].id)])
    assert again.exit_code != 0 and "no failed job" in again.output


def test_an_email_whose_worker_is_killed_halfway_is_sent_once_by_the_next(queued_app, mailbox, start_worker):
    box, _ = mailbox
    box.hang.set()
    stranded = queue_email(queued_app, "stranded")
    first = start_worker()
    assert box.started.wait(WAIT), "the worker never reached the mail server"
    first.kill()  # in the middle of the SMTP conversation: nothing was accepted
    box.hang.clear()
    row = email_row(queued_app, stranded)
    assert row.sent_at is None and row.attempts == 0  # its attempt never committed
    start_worker()
    with queued_app.app_context():
        queued_app.config["EMAIL_STRANDED_SECONDS"] = 0
        queue_stranded_emails.call_local()  # the periodic check, run now rather than in five minutes
    wait_until(lambda: email_row(queued_app, stranded).sent_at, "the stranded email")
    marker = queue_email(queued_app, "marker")
    wait_until(lambda: email_row(queued_app, marker).sent_at, "the marker email")
    assert box.subjects() == ["civicnet: stranded", "civicnet: marker"]
    # Sent ones are never queued again.
    with queued_app.app_context():
        queue_stranded_emails.call_local()
        assert db.session.scalars(select(Email.id).where(Email.sent_at.is_(None))).all() == []


def test_in_tests_and_immediate_mode_an_email_is_sent_by_the_request_itself(app, outbox):
    with app.test_request_context():
        email = send_email("bob@example.org", "now", "accounts/email/password_changed", user=None)
        assert email.sent_at is not None and email.attempts == 1
    assert [message.subject for message in outbox] == ["civicnet: now"]
