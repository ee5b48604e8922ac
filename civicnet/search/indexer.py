"""The search indexer: a process of its own (`flask search indexer`), never a server's work.

It reads the search outbox, rebuilds each changed document from the database as it is now, writes
them in one Whoosh commit, and then deletes the outbox rows it handled. Order does not matter: every
document is rebuilt from current rows, so indexing a change twice, or late, gives the same index.
Indexers and the `flask search` commands take turns through the writer lock, so a second indexer
(or a command run by hand) is harmless."""

import logging
import os
import threading
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import delete, func, select
from whoosh.query import Term

from civicnet.accounts.models import User
from civicnet.db_types import utcnow
from civicnet.extensions import db
from civicnet.register.models import Entry
from civicnet.rooms.models import Message, Room
from civicnet.search import documents
from civicnet.search.index import (
    IndexUnavailable,
    index_dir,
    index_files,
    new_index_dir,
    open_index,
    swap_in,
    take_rebuild_request,
    writer_lock,
)
from civicnet.search.models import MESSAGE, PERSON, ROOM, ROOM_MESSAGES, TAG, TECHNOLOGY, SearchChange

log = logging.getLogger(__name__)

BATCH = 2000
# Servers cannot wake the indexer in another process: it looks at the outbox this often. An idle look
# (the lock, a listing of the index directory and one indexed SELECT) costs about 1 ms of CPU, under
# half a percent of a core at four looks a second.
POLL_SECONDS = 0.25
RETRY_SECONDS = 2.0  # after a failed batch (the database away, say), before trying again
BUILDERS = {
    PERSON: documents.people,
    ROOM: documents.rooms,
    MESSAGE: documents.messages,
    TECHNOLOGY: documents.technologies,
}


def _clean(document: dict) -> dict:
    return {name: value for name, value in document.items() if value not in (None, "")}


def _expand(changes: list[tuple[str, int]]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = {kind: set() for kind in BUILDERS}
    for kind, object_id in changes:
        if kind == TAG:
            user_ids, room_ids, entry_ids = documents.holders_of_tag(object_id)
            wanted[PERSON].update(user_ids)
            wanted[ROOM].update(room_ids)
            wanted[TECHNOLOGY].update(entry_ids)
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
    return count


def process_pending() -> int:
    """Index what the outbox holds, if no other process is indexing; returns documents looked at."""
    with writer_lock(wait=False) as mine:
        if not mine:
            return 0
        path = str(index_dir())
        try:
            requested = take_rebuild_request()
            if not requested and _nothing_to_do(path):
                return 0
            try:
                ix = open_index()
            except IndexUnavailable as error:
                log.warning("%s: rebuilding the search index", error)
                total = _rebuild()
            else:
                if requested:
                    ix.close()
                    log.warning("a search could not read the index: rebuilding it")
                    total = _rebuild()
                else:
                    try:
                        total = _index_outbox(ix)
                    finally:
                        ix.close()
            _readable[path] = index_files()
            return total
        finally:
            db.session.remove()


# The index files as this process last found them readable, per index directory.
_readable: dict[str, tuple | None] = {}


def _nothing_to_do(path: str) -> bool:
    """Whether the outbox is empty and the index files are as this process last left them readable.

    Opening the index unpickles its table of contents and segments: it is most of the cost of an
    idle look, so an indexer that looks four times a second opens it only when something changed."""
    files = index_files()
    if files is None or files != _readable.get(path):
        return False
    return db.session.scalar(select(SearchChange.id).limit(1)) is None


def _index_outbox(ix) -> int:
    total = 0
    while True:
        rows = db.session.execute(
            select(SearchChange.id, SearchChange.kind, SearchChange.object_id).order_by(SearchChange.id).limit(BATCH)
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
        TECHNOLOGY: db.session.scalar(select(func.count(Entry.id))),
    }
    pending, oldest = db.session.execute(select(func.count(SearchChange.id), func.min(SearchChange.created_at))).one()
    counts, available = {kind: 0 for kind in BUILDERS}, True
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


def run(app: Flask, stopping: threading.Event, parent_pid: int | None = None) -> None:
    """Index changes as they come, and rebuild a missing or damaged index, until stopping is set.

    :param parent_pid: also stop once this process is no longer our parent (`python app.py` starts the
        indexer as its child; a child outliving a killed server would go on indexing unwatched).
    """
    while not stopping.is_set():
        try:
            with app.app_context():
                process_pending()
        except Exception:
            log.exception("search indexing failed; retrying")
            stopping.wait(RETRY_SECONDS)
        if parent_pid is not None and os.getppid() != parent_pid:
            log.warning("the server that started the search indexer has gone: stopping")
            return
        stopping.wait(POLL_SECONDS)
