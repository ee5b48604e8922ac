"""The connection registry: which member each live Socket.IO connection speaks for, how it signed in,
and which rooms it follows; and the one way a change of authority reaches those connections.

Every change that can take authority away (a membership removed, a room made private, a token revoked,
a suspension, a lowered role, a sign-out, a password or email change) calls `authority_changed` inside
its transaction. That writes an `AuthorityChange` row, so the change outlives the process that made it
(a CLI command, a job, another server), and queues a callback for after the commit. After the commit
this process applies it at once; every other server process finds the row within
AUTHORITY_POLL_INTERVAL (nudged through Redis when REDIS_URL is set). Applying a change means asking
each affected connection again, from the database as it is now: is its sign-in still good, and may it
still read each room it follows? A connection that lost a room leaves that room's channel; one whose
sign-in ended leaves every channel and is closed.

The checks themselves live with the capabilities that own the rules (accounts, rooms) and are
registered here, so this base module imports none of them."""

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from civicnet.db_types import UTCDateTime, utcnow
from civicnet.extensions import db, socketio
from civicnet.socket_queue import AUTHORITY_CHANNEL
from civicnet.transactions import on_commit

log = logging.getLogger(__name__)

# How long a row is kept for other processes to find, and how far back a poll looks: PostgreSQL can
# commit a smaller id after a larger one, so polls read a window of recent rows, not "id > last".
KEEP_FOR = timedelta(hours=1)
LOOK_BACK = timedelta(seconds=60)


class AuthorityChange(db.Model):
    """One change of authority, for every server process to apply to its connections."""

    __tablename__ = "authority_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    room_id: Mapped[int | None] = mapped_column(Integer)
    token_id: Mapped[int | None] = mapped_column(Integer)
    session_key: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


@dataclass
class Connection:
    """What one socket holds: its member (a detached snapshot), how it signed in, and its rooms."""

    sid: str
    user_id: int
    session_key: str | None = None  # a browser's sign-in (see accounts.sessions)
    session_version: int | None = None  # the member's session version when the browser signed in
    token_id: int | None = None  # a token client's personal access token
    user: object = None
    rooms: set[int] = field(default_factory=set)  # followed: in the room's channel
    readable: set[int] = field(default_factory=set)  # checked readable since the last change
    loaded_at: float = field(default_factory=time.monotonic)
    stale: bool = False


# The rules, registered by the capabilities that own them.
# identity_check(connection) -> the member as they are now, or None if the connection's sign-in ended.
# room_check(member, room_id) -> may this member still read the room?
# room_lost(connection, room_id, closing) -> tell the room and the connection (presence, member_left).
_hooks: dict[str, Callable] = {}


def register(identity_check: Callable, room_check: Callable, room_lost: Callable) -> None:
    """Install the checks that decide what a connection may still hold."""
    _hooks.update(identity_check=identity_check, room_check=room_check, room_lost=room_lost)


class Registry:
    """This process's live connections, indexed by member, room, token and sign-in."""

    def __init__(self):
        self._lock = threading.RLock()
        self.by_sid: dict[str, Connection] = {}
        self._by_user: dict[int, set[str]] = defaultdict(set)
        self._by_room: dict[int, set[str]] = defaultdict(set)
        self._by_token: dict[int, set[str]] = defaultdict(set)
        self._by_session: dict[str, set[str]] = defaultdict(set)
        # The changes this process has applied, by (id, time): ids alone can come back on SQLite
        # once every row is gone (as between tests).
        self.applied: dict[tuple[int, datetime], datetime] = {}
        self.poller_started = False
        # Values read often and changed rarely (a member's mutes, the word list, a room by its slug),
        # kept until a change names what they depend on, or for AUTHORITY_MAX_AGE at most.
        self.memo: dict[tuple, tuple[object, float]] = {}
        self._memo_keys: dict[tuple, set[tuple]] = defaultdict(set)  # ("user", 7) -> memo keys

    def add(self, connection: Connection) -> None:
        with self._lock:
            self.by_sid[connection.sid] = connection
            self._by_user[connection.user_id].add(connection.sid)
            if connection.token_id is not None:
                self._by_token[connection.token_id].add(connection.sid)
            if connection.session_key is not None:
                self._by_session[connection.session_key].add(connection.sid)

    def remove(self, sid: str) -> Connection | None:
        with self._lock:
            connection = self.by_sid.pop(sid, None)
            if connection is None:
                return None
            _discard(self._by_user, connection.user_id, sid)
            _discard(self._by_token, connection.token_id, sid)
            _discard(self._by_session, connection.session_key, sid)
            for room_id in connection.rooms:
                _discard(self._by_room, room_id, sid)
            return connection

    def get(self, sid: str) -> Connection | None:
        return self.by_sid.get(sid)

    def follow(self, sid: str, room_id: int) -> None:
        with self._lock:
            if (connection := self.by_sid.get(sid)) is not None:
                connection.rooms.add(room_id)
                self._by_room[room_id].add(sid)

    def unfollow(self, sid: str, room_id: int) -> None:
        with self._lock:
            if (connection := self.by_sid.get(sid)) is not None:
                connection.rooms.discard(room_id)
            _discard(self._by_room, room_id, sid)

    def affected(self, change: AuthorityChange) -> list[Connection]:
        with self._lock:
            sids = set()
            for index, key in (
                (self._by_user, change.user_id),
                (self._by_room, change.room_id),
                (self._by_token, change.token_id),
                (self._by_session, change.session_key),
            ):
                if key is not None:
                    sids |= index.get(key, set())
            return [self.by_sid[sid] for sid in sids if sid in self.by_sid]

    def of_user(self, user_id: int) -> list[Connection]:
        with self._lock:
            return [self.by_sid[sid] for sid in self._by_user.get(user_id, ()) if sid in self.by_sid]


def _discard(index: dict, key, sid: str) -> None:
    if key is not None and key in index:
        index[key].discard(sid)
        if not index[key]:
            del index[key]


def registry(app: Flask | None = None) -> Registry:
    """This app's connection registry (one per app, so test apps never share connections)."""
    app = app or current_app._get_current_object()
    found = app.extensions.get("civicnet.connections")
    if found is None:
        found = app.extensions["civicnet.connections"] = Registry()
    return found


def authority_changed(
    reason: str,
    *,
    user_id: int | None = None,
    room_id: int | None = None,
    token_id: int | None = None,
    session_key: str | None = None,
) -> None:
    """Record, in the caller's transaction, that some connections may hold less authority now.

    Nothing happens unless the transaction commits; then this process applies it at once and the
    others within the poll interval."""
    change = AuthorityChange(
        reason=reason, user_id=user_id, room_id=room_id, token_id=token_id, session_key=session_key
    )
    db.session.add(change)
    app = current_app._get_current_object()
    on_commit(lambda: _announce(app, change))


def _announce(app: Flask, change: AuthorityChange) -> None:
    """Apply a committed change here, and tell the other processes through the Socket.IO queue."""
    apply_change(app, change)
    if app.config["REDIS_URL"]:
        # Through the queue that carries the events, so no process delivers an event published after
        # this change before applying it. Without Redis (or while it is away) the poll still finds it.
        socketio.emit("authority_changed", {"id": change.id}, to=AUTHORITY_CHANNEL)


def change_key(change: AuthorityChange) -> tuple[int, datetime]:
    return change.id, change.created_at


def apply_change(app: Flask, change: AuthorityChange) -> None:
    """Forget what the change makes stale, and re-check every connection of this process it may touch."""
    found = registry(app)
    with found._lock:
        if change_key(change) in found.applied:
            return
        found.applied[change_key(change)] = change.created_at
        for depends_on in (("user", change.user_id), ("room", change.room_id), ("reason", change.reason)):
            for key in found._memo_keys.pop(depends_on, ()):
                found.memo.pop(key, None)
    for connection in found.affected(change):
        revalidate(app, connection)


def revalidate(app: Flask, connection: Connection) -> bool:
    """Ask again what this connection may hold; take away what it may not. False if it was closed."""
    member = _hooks["identity_check"](connection)
    if member is None:
        close(app, connection)
        return False
    connection.user, connection.loaded_at, connection.stale = member, time.monotonic(), False
    connection.readable.clear()
    for room_id in list(connection.rooms):
        if not _hooks["room_check"](member, room_id):
            drop_room(app, connection, room_id)
    return True


def drop_room(app: Flask, connection: Connection, room_id: int) -> None:
    """Take the connection out of a room's channel it may no longer read, then tell whoever needs it."""
    socketio.server.leave_room(connection.sid, f"room:{room_id}", namespace="/")
    connection.readable.discard(room_id)
    registry(app).unfollow(connection.sid, room_id)
    _hooks["room_lost"](connection, room_id, False)


def close(app: Flask, connection: Connection) -> None:
    """Stop all delivery to a connection now, then close it."""
    # Leaving every channel is immediate, so nothing more is delivered even before the close itself,
    # which runs in a task of its own: disconnect handlers run inline otherwise, inside the caller's
    # app context, and would end the caller's database session while it still has work to do.
    for channel in list(socketio.server.rooms(connection.sid, namespace="/") or ()):
        if channel != connection.sid:
            socketio.server.leave_room(connection.sid, channel, namespace="/")
    registry(app).remove(connection.sid)
    for room_id in connection.rooms:
        _hooks["room_lost"](connection, room_id, True)
    sid = connection.sid
    socketio.start_background_task(lambda: socketio.server.disconnect(sid, namespace="/"))


def current_member(app: Flask, sid: str):
    """The member a connection speaks for, re-checked if a change marked it or it is older than
    AUTHORITY_MAX_AGE seconds (so a change that never arrived still applies soon); None if closed."""
    connection = registry(app).get(sid)
    if connection is None:
        return None
    age = time.monotonic() - connection.loaded_at
    if (connection.stale or age > app.config["AUTHORITY_MAX_AGE"]) and not revalidate(app, connection):
        return None
    return connection.user
