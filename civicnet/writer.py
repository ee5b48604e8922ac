"""One writer per server process: group commit for the hot write path (messages).

SQLite's busy wait does not yield to gevent, so two greenlets writing at once can stall the whole
process for up to the busy timeout. Instead, handlers hand their write to this process's writer and
wait. The writer takes every write queued meanwhile, runs them in one transaction (a write that fails
is rolled back alone and its caller gets the error), commits once, runs the after-commit callbacks
(the broadcasts), and only then releases each caller to ack. At low rates a
batch is one write; at the ceiling it is dozens, and the commit's cost is shared.

Nothing is acked that is not committed: a caller is released only after the commit returned. Outside
a gevent server (tests, CLI commands, the threading test server) writes run inline, with the same
savepoint-and-commit shape."""

import logging
from collections.abc import Callable, Generator
from dataclasses import dataclass, field

from flask import Flask, current_app
from gevent.event import Event
from gevent.queue import Empty, Queue

from civicnet.extensions import db, socketio
from civicnet.transactions import PENDING, commit

log = logging.getLogger(__name__)

MAX_BATCH = 200
ATTACHED = "civicnet.attached"


@dataclass
class Job:
    work: Callable
    args: tuple
    order: int
    done: Event = field(default_factory=Event)
    result: object = None
    error: BaseException | None = None


class Writer:
    def __init__(self, app: Flask):
        self.app = app
        self.queue: Queue = Queue()
        socketio.start_background_task(self._run)

    def submit(self, job: Job):
        self.queue.put(job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.result

    def _run(self) -> None:
        # One app context and session for the writer's whole life: a batch then costs no context,
        # session or pooled-connection set-up, which at low rates (a batch per message) is most of it.
        with self.app.app_context():
            while True:
                batch = [self.queue.get()]
                while len(batch) < MAX_BATCH:
                    try:
                        batch.append(self.queue.get_nowait())
                    except Empty:
                        break
                try:
                    write_batch(batch)
                except Exception as error:  # the commit itself failed: nothing in the batch is stored
                    log.exception("A batch of %d writes could not be committed", len(batch))
                    db.session.rollback()
                    for job in batch:
                        job.result, job.error = None, job.error or error
                finally:
                    _forget_batch()
                    for job in batch:
                        job.done.set()


def _forget_batch() -> None:
    """Detach the batch's objects (their loaded state stays: callers read their results), keep the session."""
    session = db.session()
    session.expunge_all()
    session.info.pop(ATTACHED, None)
    # End the reads the broadcasts made after the commit: on SQLite an open read snapshot would make
    # the next batch's first write fail at once (SQLITE_BUSY) when another process wrote meanwhile.
    session.rollback()


def write_batch(batch: list[Job]) -> None:
    """Run every job in one transaction, commit once, then run the callbacks (the broadcasts).

    Jobs are ordered by their `order` key (a room id), stably, so row locks are always taken in the
    same order and two processes' writers cannot deadlock; order within a room is kept. The rules were
    checked before a job was queued, so a job rarely fails (a resent client_id racing its first send):
    the batch then starts again with a SAVEPOINT per job, so only the failing job is rolled back."""
    jobs = sorted(batch, key=lambda job: job.order)
    try:
        _begin_writing()
        run_together(jobs)
        commit()
        return
    except Exception as error:
        db.session.rollback()
        if len(jobs) == 1:
            jobs[0].result, jobs[0].error = None, error
            return
    _begin_writing()
    for job in jobs:
        _run_in_savepoint(job)
    commit()


def _begin_writing() -> None:
    """On SQLite, take the write lock before the batch's first statement (BEGIN IMMEDIATE).

    A deferred transaction reads first and asks for the lock at its first write; if another process
    committed in between, SQLite answers SQLITE_BUSY at once instead of waiting its busy timeout, and
    two server processes on one database file would refuse each other's batches."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def run_together(jobs: list[Job]) -> None:
    """Run the jobs, with one flush for all the rows they stage.

    A job may be a generator: it stages its rows and yields, the writer flushes every job's rows at
    once (one multi-row INSERT for a batch of messages), then resumes each job, which can use the new
    ids, and takes what it returns as its result."""
    staged = []
    for job in jobs:
        result = job.work(*job.args)
        if isinstance(result, Generator):
            next(result, None)
            staged.append((job, result))
        else:
            job.result = result
    if staged:
        db.session.flush()
    for job, steps in staged:
        try:
            next(steps)
        except StopIteration as done:
            job.result = done.value
        else:
            raise RuntimeError(f"{job.work.__name__} yielded more than once")


def _run_in_savepoint(job: Job) -> None:
    callbacks = db.session.info.setdefault(PENDING, [])
    mark = len(callbacks)
    savepoint = db.session.begin_nested()
    try:
        run_together([job])
        db.session.flush()
        savepoint.commit()
    except Exception as error:
        savepoint.rollback()
        del db.session.info.setdefault(PENDING, [])[mark:]  # its broadcasts die with it
        job.result, job.error = None, error


def write(work: Callable, *args, order: int = 0):
    """Run `work(*args)` in this process's writer and return its result once it is committed.

    `work` stages its changes without committing and queues its broadcasts with on_commit; objects it
    is given from the caller's session must be merged into the writer's (see `attach`)."""
    app = current_app._get_current_object()
    # current_user and friends mean nothing in the writer's greenlet: pass on what they stand for.
    args = tuple(arg._get_current_object() if hasattr(arg, "_get_current_object") else arg for arg in args)
    if socketio.async_mode != "gevent":
        job = Job(work, args, order)
        write_batch_inline(job)
        return job.result
    writer = app.extensions.get("civicnet.writer")
    if writer is None:
        writer = app.extensions["civicnet.writer"] = Writer(app)
    # Give back this handler's pooled connection while it waits: with more sends in flight than the
    # pool holds, the writer itself could otherwise wait for one (nothing is pending here to commit).
    if db.session().in_transaction():
        db.session.commit()
    # The result comes back detached, with what its payload reads loaded.
    return writer.submit(Job(work, args, order))


def write_batch_inline(job: Job) -> None:
    """The same shape in the caller's own session: stage, commit, run the callbacks; raise its error."""
    try:
        run_together([job])
    except Exception:
        db.session.rollback()
        raise
    commit()


def attach(obj):
    """This object in the current session, without a query (it must be unchanged in its own).

    Once per object and session: a batch of one member's messages into one room merges each once."""
    attached = db.session().info.setdefault(ATTACHED, {})
    key = (type(obj), id(obj))
    found = attached.get(key)
    if found is None or found[0] is not obj:
        found = attached[key] = (obj, db.session.merge(obj, load=False))
    return found[1]
