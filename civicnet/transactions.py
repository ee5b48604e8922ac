"""Work that must wait for the commit: callbacks queued during a transaction run only once it commits,
and are dropped if it rolls back (as Zulip's send_event_on_commit and Django's on_commit do).

A service that calls `commit()` runs its callbacks right after, in the same context, so they may use
the database (a fresh transaction). A plain `db.session.commit()` still runs them, in a background
task with its own app context, because SQLAlchemy forbids SQL inside its after_commit hook."""

import logging

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from civicnet.extensions import db, socketio

log = logging.getLogger(__name__)

PENDING = "civicnet.on_commit"
UNDO = "civicnet.on_rollback"
RUN_INLINE = "civicnet.run_inline"
WROTE = "civicnet.wrote"  # set by a flush, cleared when the transaction ends


def on_commit(callback) -> None:
    """Run callback after the current transaction commits; never if it rolls back."""
    db.session.info.setdefault(PENDING, []).append(callback)


def on_rollback(callback) -> None:
    """Run callback if the current transaction ends without committing (rolled back, or its session closed:
    undoing what it did outside the database, such as a file it stored); forgotten when it commits. It runs
    as the transaction ends: it must not use the database."""
    session = db.session()
    if not session.in_transaction():
        session.connection()  # begin it now: the callback belongs to this transaction, not a later one
    session.info.setdefault(UNDO, []).append(callback)


def wrote_uncommitted() -> bool:
    """Whether the current transaction has written something it has not committed yet."""
    return bool(db.session().info.get(WROTE))


def commit() -> None:
    """Commit the session, then run what waited for it."""
    session = db.session()
    session.info[RUN_INLINE] = []
    try:
        session.commit()
    finally:
        ready = session.info.pop(RUN_INLINE, [])
    _run(ready)


def _run(callbacks) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:
            log.exception("An after-commit callback failed")


@event.listens_for(Session, "after_flush")
def _wrote(session: Session, flush_context) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the work is not committed yet
        return
    session.info.pop(WROTE, None)
    session.info.pop(UNDO, None)
    callbacks = session.info.pop(PENDING, [])
    if not callbacks:
        return
    if RUN_INLINE in session.info:
        session.info[RUN_INLINE].extend(callbacks)
        return
    app = current_app._get_current_object()

    def later() -> None:
        with app.app_context():
            _run(callbacks)
            db.session.remove()

    socketio.start_background_task(later)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(PENDING, None)
        session.info.pop(WROTE, None)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction) -> None:
    # After a commit, _committed has already taken the undo list; what is left ended otherwise.
    if transaction.parent is None and UNDO in session.info:
        _run(session.info.pop(UNDO))
