"""One background indexer per process, taking turns through the writer lock.

It reads the search outbox, rebuilds each changed document from the database as it is now, writes
them in one Whoosh commit, and then deletes the outbox rows it handled. Order does not matter: every
document is rebuilt from current rows, so indexing a change twice, or late, gives the same index."""

import logging
import threading
import time
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import delete, func, select
from whoosh.query import Term

from civicnet.accounts.models import User
from civicnet.db_types import utcnow
from civicnet.extensions import db, socketio
from civicnet.rooms.models import Message, Room
from civicnet.search import documents
from civicnet.search.changes import rebuild_requested, wake
from civicnet.search.index import IndexUnavailable, new_index_dir, open_index, swap_in, writer_lock
from civicnet.search.models import MESSAGE, PERSON, ROOM, ROOM_MESSAGES, TAG, SearchChange

log = logging.getLogger(__name__)

BATCH = 2000
POLL_SECONDS = 1.0  # how often other processes' changes are looked for
GATHER_SECONDS = 0.2  # after a wake-up, let a burst gather into one commit
YIELD_EVERY = 100  # documents between pauses that let a gevent server answer requests meanwhile
BUILDERS = {PERSON: documents.people, ROOM: documents.rooms, MESSAGE: documents.messages}


def _clean(document: dict) -> dict:
    return {name: value for name, value in document.items() if value not in (None, "")}


def _expand(changes: list[tuple[str, int]]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = {PERSON: set(), ROOM: set(), MESSAGE: set()}
    for kind, object_id in changes:
        if kind == TAG:
            user_ids, room_ids = documents.holders_of_tag(object_id)
            wanted[PERSON].update(user_ids)
            wanted[ROOM].update(room_ids)
        elif kind == ROOM_MESSAGES:
            wanted[MESSAGE].update(documents.message_ids_in_room(object_id))
        elif kind in wanted:
            wanted[kind].add(object_id)
    return wanted


def write_changes(writer, changes: list[tuple[str, int]]) -> int:
    """Bring each changed document up to date in an open writer; returns how many were looked at."""
    count = 0
    for kind, ids in _expand(changes).items():
        ordered = sorted(ids)
        for start in range(0, len(ordered), BATCH):
            chunk = ordered[start : start + BATCH]
            found = BUILDERS[kind](chunk)
            for object_id in chunk:
                if object_id in found:
                    writer.update_document(**_clean(found[object_id]))
                else:
                    writer.delete_by_term("key", documents.key(kind, object_id))
                count += 1
                if count % YIELD_EVERY == 0:
                    socketio.sleep(0)
    return count


def process_pending() -> int:
    """Index what the outbox holds, if no other process is indexing; returns documents looked at."""
    with writer_lock(wait=False) as mine:
        if not mine:
            return 0
        try:
            ix = open_index()
        except IndexUnavailable as error:
            log.warning("%s: rebuilding the search index", error)
            return _rebuild()
        if rebuild_requested.is_set():
            rebuild_requested.clear()
            ix.close()
            log.warning("a search could not read the index: rebuilding it")
            return _rebuild()
        total = 0
        try:
            while True:
                rows = db.session.execute(
                    select(SearchChange.id, SearchChange.kind, SearchChange.object_id)
                    .order_by(SearchChange.id)
                    .limit(BATCH)
                ).all()
                if not rows:
                    return total
                writer = ix.writer()
                try:
                    total += write_changes(writer, [(row.kind, row.object_id) for row in rows])
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit()
                _forget([row.id for row in rows])
                if len(rows) < BATCH:
                    return total
        finally:
            db.session.remove()
            ix.close()


def _forget(row_ids: list[int]) -> None:
    for start in range(0, len(row_ids), 500):
        db.session.execute(delete(SearchChange).where(SearchChange.id.in_(row_ids[start : start + 500])))
    db.session.commit()


def _rebuild(progress=None) -> int:
    """Build a complete index from the database beside the live one, then swap it in (lock held)."""
    handled = list(db.session.scalars(select(SearchChange.id)))
    building = new_index_dir()
    ix = open_index(building)
    writer = ix.writer(limitmb=128)
    count = 0
    try:
        for document in documents.everything():
            writer.add_document(**_clean(document))
            count += 1
            if progress:
                progress(1)
            if count % YIELD_EVERY == 0:
                socketio.sleep(0)
    except BaseException:
        writer.cancel()
        ix.close()
        raise
    writer.commit()
    ix.close()
    swap_in(building)
    # Changes recorded before the rebuild read the database are in it; later ones stay queued.
    _forget(handled)
    db.session.remove()
    return count


def rebuild(progress=None) -> int:
    """Rebuild the whole index from the database, waiting for any batch in progress to finish."""
    with writer_lock(wait=True):
        return _rebuild(progress)


@dataclass
class Status:
    documents: dict[str, int]
    database: dict[str, int]
    pending: int
    oldest_pending_seconds: float | None
    available: bool


def status() -> Status:
    """Documents per type in the index and in the database, and how far the index lags."""
    database = {
        PERSON: db.session.scalar(select(func.count(User.id))),
        ROOM: db.session.scalar(select(func.count(Room.id))),
        MESSAGE: db.session.scalar(
            select(func.count(Message.id)).where(Message.deleted_at.is_(None), Message.moderation.is_(None))
        ),
    }
    pending, oldest = db.session.execute(select(func.count(SearchChange.id), func.min(SearchChange.created_at))).one()
    counts, available = {PERSON: 0, ROOM: 0, MESSAGE: 0}, True
    try:
        ix = open_index()
    except IndexUnavailable:
        available = False
    else:
        with ix.searcher() as searcher:
            for kind in counts:
                # Not doc_frequency: it still counts documents deleted or replaced since the last merge.
                counts[kind] = len(searcher.search(Term("type", kind), limit=None, scored=False))
        ix.close()
    lag = (utcnow() - oldest).total_seconds() if oldest else None
    return Status(counts, database, pending, lag, available)


_running: dict[str, tuple[threading.Event, object]] = {}


def start(app: Flask) -> None:
    """Run this process's indexer in the background (once per index directory)."""
    path = app.config["SEARCH_INDEX_DIR"]  # not index_dir(): this runs before every request
    if path in _running:
        return
    stopping = threading.Event()
    _running[path] = (stopping, socketio.start_background_task(_run, app, stopping))


def stop(app: Flask) -> None:
    """Stop this process's indexer for the app's index (tests start and stop servers in one process)."""
    running = _running.pop(app.config["SEARCH_INDEX_DIR"], None)
    if running is not None:
        stopping, task = running
        stopping.set()
        wake.set()
        task.join(timeout=10)  # let a batch in progress finish before the test empties the database


def _run(app: Flask, stopping: threading.Event) -> None:
    while not stopping.is_set():
        woken = wake.wait(POLL_SECONDS)
        if woken:
            wake.clear()
            time.sleep(GATHER_SECONDS)
        if stopping.is_set():
            return
        try:
            with app.app_context():
                process_pending()
        except Exception:
            log.exception("search indexing failed; retrying")
            time.sleep(POLL_SECONDS)
