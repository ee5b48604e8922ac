"""Socket.IO plumbing shared by every capability: channel names, emit helpers, socket authentication."""

import json
import logging
from functools import wraps

from flask import request

from civicnet.errors import Invalid, ServiceError
from civicnet.extensions import db, socketio

log = logging.getLogger(__name__)


def room_channel(room) -> str:
    return f"room:{room.id}"


def user_channel(user) -> str:
    return f"user:{user.id}"


def emit_to_moderators(event: str, payload: dict) -> None:
    """Send to every connection of today's moderators and admins (looked up now, so a role change
    applies at once, in every process)."""
    from civicnet.accounts.models import ADMIN, MODERATOR, User

    for user_id in db.session.scalars(db.select(User.id).where(User.role.in_((MODERATOR, ADMIN)))):
        socketio.emit(event, payload, to=f"user:{user_id}")


def emit_to_room(room, event: str, payload: dict, skip_sid: str | None = None) -> None:
    """Send a fact to everyone following a room (called after the commit)."""
    socketio.emit(event, payload, to=room_channel(room), skip_sid=skip_sid)


def emit_to_user(user, event: str, payload: dict) -> None:
    """Send a fact to every connection of one member."""
    socketio.emit(event, payload, to=user_channel(user))


def ok(**fields) -> dict:
    return {"ok": True, **fields}


def error_ack(code: str, message: str) -> dict:
    return {"ok": False, "error": {"code": code, "message": message}}


def socket_session() -> dict:
    return socketio.server.get_session(request.sid, namespace="/")


def authenticated_socket(handler):
    """Run a handler for a signed-in, unsuspended member, and turn every failure into an error ack.

    The member is loaded afresh for each event, so a suspension or password change applies at once."""
    # Imported here: accounts.services imports this module, so a top-level import would be a cycle.
    from civicnet.accounts.loader import load_user

    @wraps(handler)
    def wrapper(*args):
        session = socket_session()
        user = load_user(session.get("session_id", ""))
        if user is None:
            socketio.server.disconnect(request.sid, namespace="/")
            return error_ack("unauthorized", "Sign in again to continue")
        try:
            return handler(user, *args)
        except ServiceError as error:
            return error_ack(error.code, error.message)
        except Exception:
            log.exception("Socket.IO handler %s failed", handler.__name__)
            db.session.rollback()
            return error_ack("server_error", "Something went wrong on our side. Try again")

    return wrapper


def disconnect_user(user_id: int) -> None:
    """Close every live connection a member has, in every server process (via the message queue)."""
    from civicnet.rooms.presence import presence

    sids = presence().sids_of(user_id)

    def close() -> None:
        for sid in sids:
            socketio.server.disconnect(sid, namespace="/")

    # In a task of its own: the disconnect handlers run inline otherwise, inside the caller's app
    # context, and end the caller's database session while it still has work to do.
    socketio.start_background_task(close)


MAX_PAYLOAD_BYTES = 16 * 1024


def event_fields(data, **spec) -> dict:
    """Check an event's payload: a dict whose fields have the given types (a tuple ending in None: optional)."""
    if not isinstance(data, dict):
        raise Invalid(None, "Send the event's fields as an object")
    if len(json.dumps(data)) > MAX_PAYLOAD_BYTES:
        raise PayloadTooLarge()
    values = {}
    for name, kind in spec.items():
        optional = isinstance(kind, tuple) and None in kind
        types = tuple(t for t in (kind if isinstance(kind, tuple) else (kind,)) if t is not None)
        value = data.get(name)
        if value is None and optional:
            values[name] = None
        elif not isinstance(value, types) or (isinstance(value, bool) and bool not in types):  # bool is an int
            raise Invalid(name, f"{name} is missing or has the wrong type")
        else:
            values[name] = value
    return values


class PayloadTooLarge(Invalid):
    code = "payload_too_large"

    def __init__(self):
        super().__init__(None, f"That is too large to send: the limit is {MAX_PAYLOAD_BYTES // 1024} KB")
