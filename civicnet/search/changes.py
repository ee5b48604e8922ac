"""Record every change that search must follow, inside the transaction that makes it.

A flush listener notices changed people, profiles, tags, rooms and messages and writes a row to
the search outbox on the same connection, so the row commits (or rolls back) with the change. That is
all a server does for search: the indexer, a process of its own, finds the rows when it polls."""

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from civicnet import signals
from civicnet.accounts.models import User
from civicnet.db_types import utcnow
from civicnet.extensions import db
from civicnet.profiles.models import Profile
from civicnet.register.models import Entry, EntryTag
from civicnet.rooms.models import Message, Room, RoomTag
from civicnet.search.models import MESSAGE, PERSON, ROOM, ROOM_MESSAGES, TAG, TECHNOLOGY, SearchChange
from civicnet.tags.models import Tag, UserTag


def _keys_for(obj, deleted: bool) -> set[tuple[str, int]]:
    """Which index entries depend on this object."""
    if isinstance(obj, Message):
        return {(MESSAGE, obj.id)}
    if isinstance(obj, User):
        return {(PERSON, obj.id)}
    if isinstance(obj, Profile | UserTag):
        return {(PERSON, obj.user_id)}
    if isinstance(obj, RoomTag):
        return {(ROOM, obj.room_id)}
    if isinstance(obj, Entry):
        return {(TECHNOLOGY, obj.id)}
    if isinstance(obj, EntryTag):
        return {(TECHNOLOGY, obj.entry_id)}
    if isinstance(obj, Room):
        keys = {(ROOM, obj.id)}
        state = inspect(obj)
        # Who may find a room's messages follows the room: re-index them all when that changes.
        if not deleted and any(state.attrs[name].history.has_changes() for name in ("kind", "open_to_public")):
            keys.add((ROOM_MESSAGES, obj.id))
        return keys
    if isinstance(obj, Tag) and not deleted:
        return {(TAG, obj.id)}
    return set()


@event.listens_for(Session, "after_flush")
def _record_changes(session: Session, flush_context) -> None:
    keys: set[tuple[str, int]] = set()
    for obj in session.new:
        keys |= _keys_for(obj, deleted=False)
    for obj in session.dirty:
        if session.is_modified(obj):
            keys |= _keys_for(obj, deleted=False)
    for obj in session.deleted:
        keys |= _keys_for(obj, deleted=True)
    if keys:
        _write(session, keys)


def _write(session: Session, keys: set[tuple[str, int]]) -> None:
    now = utcnow()
    session.connection().execute(
        insert(SearchChange.__table__),
        [{"kind": kind, "object_id": object_id, "created_at": now} for kind, object_id in sorted(keys)],
    )


@signals.tags_merged.connect
def _tag_merged(tag, **_) -> None:
    mark(TAG, tag.id)  # re-index everyone and every room that now holds the merged tag


def mark(kind: str, object_id: int) -> None:
    """Record a change the flush listener cannot see (a bulk UPDATE or DELETE), in the current transaction."""
    _write(db.session(), {(kind, object_id)})
