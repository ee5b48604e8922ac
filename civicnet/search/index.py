"""The Whoosh index: its schema, where it lives, and who may write it.

Whoosh allows one writer at a time. civicnet adds its own lock file beside the index directory, held
by whichever process is indexing a batch or rebuilding, so that indexers and the `flask search`
commands take turns instead of failing on Whoosh's lock. A second file beside it carries a server's
request for a rebuild to the indexer's process."""

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from whoosh import index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema

# English stemming, stop words dropped; the same analyzer reads documents and queries.
ANALYZER = StemmingAnalyzer()

SCHEMA = Schema(
    key=ID(unique=True, stored=True),  # "message:42"
    type=ID(stored=True, sortable=True),  # person, room or message
    title=TEXT(analyzer=ANALYZER, field_boost=3.0),  # a member's names, a room's name
    tagtext=TEXT(analyzer=ANALYZER, field_boost=2.0),  # tag names, searched as words
    text=TEXT(analyzer=ANALYZER),  # a bio, organisation and job title; a description; a message
    tags=KEYWORD(commas=True, lowercase=True),  # tag slugs, for tag: and the tag facet
    # Who may find it: "open" (anyone), "members" (signed in) or "private" (the room's members).
    access=ID,
    room=ID(sortable=True),  # a room's id, on the room and on its messages
    author=ID,  # a message's author id
    role=ID(sortable=True),
    region=ID(sortable=True),
    verified_until=DATETIME,
    suspended_until=DATETIME,
    created=DATETIME(sortable=True),
    name=ID(sortable=True),  # a member's display name, lower-cased, for A to Z order
    verdict=ID(sortable=True),  # a technology register entry's verdict and kind, for their facets
    tkind=ID(sortable=True),
)


class IndexUnavailable(Exception):
    """The index is missing or unreadable; the indexer rebuilds it."""


def index_dir() -> Path:
    return Path(current_app.config["SEARCH_INDEX_DIR"])


def open_index(path: Path | None = None) -> index.Index:
    """Open the index, or raise IndexUnavailable if it is missing or damaged."""
    path = path or index_dir()
    try:
        if not index.exists_in(str(path)):
            raise IndexUnavailable(f"no search index in {path}")
        ix = index.open_dir(str(path))
        ix.doc_count()  # reads the table of contents and segments: fails here if they are damaged
        if set(ix.schema.names()) != set(SCHEMA.names()):
            # Built by an older civicnet: the indexer rebuilds it with today's fields.
            raise IndexUnavailable(f"search index in {path} was built with other fields")
        return ix
    except IndexUnavailable:
        raise
    except Exception as error:  # Whoosh raises many kinds for a damaged index
        raise IndexUnavailable(f"search index in {path} cannot be read: {error!r}") from error


def index_files(path: Path | None = None) -> tuple | None:
    """What the index directory holds (names, inodes, sizes, times): changes whenever the index does,
    or is damaged, or replaced by a rebuild; None if there is no directory."""
    path = path or index_dir()
    try:
        with os.scandir(path) as entries:
            files = [(entry.name, entry.stat()) for entry in entries]
        return (os.stat(path).st_ino, *sorted((name, st.st_ino, st.st_size, st.st_mtime_ns) for name, st in files))
    except FileNotFoundError:
        return None


def is_healthy(path: Path | None = None) -> bool:
    try:
        open_index(path).close()
    except IndexUnavailable:
        return False
    return True


@contextmanager
def writer_lock(wait: bool) -> Iterator[bool]:
    """Take civicnet's indexing lock; yields False at once if another process holds it and wait is False."""
    path = index_dir()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _rebuild_marker() -> Path:
    path = index_dir()
    return path.with_name(path.name + ".rebuild")


def request_rebuild() -> None:
    """Ask the indexer (another process) to rebuild the index: a search found it damaged."""
    marker = _rebuild_marker()
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()


def take_rebuild_request() -> bool:
    """Whether a rebuild was asked for since the last call (the caller holds the writer lock)."""
    try:
        _rebuild_marker().unlink()
    except FileNotFoundError:
        return False
    return True


def new_index_dir() -> Path:
    """An empty index beside the live one, to build into before swapping it in."""
    path = index_dir()
    building = path.with_name(path.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    index.create_in(str(building), SCHEMA)
    return building


def swap_in(building: Path) -> None:
    """Replace the live index with a finished one (the caller holds the writer lock)."""
    path = index_dir()
    old = path.with_name(path.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if path.exists():
        os.rename(path, old)
    os.rename(building, path)
    shutil.rmtree(old, ignore_errors=True)
