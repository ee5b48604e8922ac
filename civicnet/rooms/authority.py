"""The rules the connection registry asks when authority changes: is a connection's sign-in still in
force, and may its member still read a room? Registered with civicnet.connections at import."""

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from civicnet import connections, realtime
from civicnet.accounts.access_tokens import ApiToken
from civicnet.accounts.models import User, UserSession
from civicnet.accounts.services import is_suspended
from civicnet.extensions import db
from civicnet.rooms.models import Room
from civicnet.rooms.payloads import member_payload
from civicnet.rooms.permissions import can_read
from civicnet.rooms.presence import presence


def _sign_in_in_force(session, connection: connections.Connection, user: User) -> bool:
    if connection.token_id is not None:
        token = session.get(ApiToken, connection.token_id)
        return token is not None and token.user_id == user.id and token.revoked_at is None
    if connection.session_key is None or user.session_version != connection.session_version:
        return False
    query = select(UserSession.id).where(
        UserSession.key_hash == connection.session_key,
        UserSession.user_id == user.id,
        UserSession.ended_at.is_(None),
    )
    return session.scalar(query) is not None


def member_now(connection: connections.Connection) -> User | None:
    """The member as the database has them now, detached for the connection to keep; None if the
    connection's sign-in ended (signed out, token revoked, password changed, suspended)."""
    # A session of its own: the caller's session may hold this very member (the request that changed
    # them), and the snapshot must not be tied to, or taken from, anyone's transaction.
    with db.session.session_factory() as session:
        user = session.get(User, connection.user_id)
        if user is None or is_suspended(user) or not _sign_in_in_force(session, connection, user):
            return None
        session.expunge(user)
        return user


def may_read(user: User, room_id: int) -> bool:
    room = db.session.get(Room, room_id)
    return room is not None and can_read(user, room)


def room_lost(connection: connections.Connection, room_id: int, closing: bool) -> None:
    """A connection stopped following a room: update presence, tell the room, tell the connection."""
    user_id = presence().leave(connection.sid, room_id)
    room = db.session.get(Room, room_id)
    if room is None:
        return
    if user_id is not None:
        user = db.session.get(User, user_id)
        if user is not None:
            realtime.emit_to_room(room, "member_left", member_payload(user, room))
    if not closing:
        realtime.emit_to_sid(connection.sid, "room_access_ended", {"room": room.slug})


@event.listens_for(Session, "before_flush")
def _room_changed(session: Session, flush_context, instances) -> None:
    """Any change to a room (archived, edited, made open or closed, by any path) is a change of
    authority: its followers are checked again and every process forgets its copy of the room."""
    for obj in list(session.dirty):
        if isinstance(obj, Room) and session.is_modified(obj, include_collections=False):
            connections.authority_changed("room_changed", room_id=obj.id)


connections.register(identity_check=member_now, room_check=may_read, room_lost=room_lost)
