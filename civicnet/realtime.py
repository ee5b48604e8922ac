"""Socket.IO plumbing shared by every capability: channel names, emit helpers, socket authentication."""

import json
import logging
from functools import wraps

from flask import current_app, request

from civicnet import connections
from civicnet.errors import Invalid, ServiceError
from civicnet.extensions import db, socketio
from civicnet.transactions import on_commit, wrote_uncommitted

log = logging.getLogger(__name__)


def room_channel(room) -> str:
    return f"room:{room.id}"


def user_channel(user) -> str:
    return f"user:{user.id}"


def send(event: str, payload: dict, to: str, skip_sid: str | None = None) -> None:
    """Every server-to-client event goes through here: sent at once, or, inside a transaction that has
    written and not yet committed, once it commits (and never if it rolls back)."""
    if wrote_uncommitted():
        on_commit(lambda: socketio.emit(event, payload, to=to, skip_sid=skip_sid))
    else:
        socketio.emit(event, payload, to=to, skip_sid=skip_sid)


def emit_to_room(room, event: str, payload: dict, skip_sid: str | None = None) -> None:
    """Send a fact to everyone following a room."""
    send(event, payload, room_channel(room), skip_sid=skip_sid)


def emit_to_user(user, event: str, payload: dict) -> None:
    """Send a fact to every connection of one member."""
    send(event, payload, user_channel(user))


def ok(**fields) -> dict:
    return {"ok": True, **fields}


def error_ack(code: str, message: str) -> dict:
    return {"ok": False, "error": {"code": code, "message": message}}


def emit_to_sid(sid: str, event: str, payload: dict) -> None:
    """Send a fact to one connection."""
    send(event, payload, sid)


def authenticated_socket(handler=None, *, attach: bool = True):
    """Run a handler for the member this connection speaks for, and turn every failure into an error ack.

    The member is the connection's snapshot, loaded at connect and loaded again only when a change of
    authority marks it (see civicnet.connections), so an event costs no query to find who sent it.
    With attach=False the handler gets the detached snapshot itself (its columns, no relationships):
    the hot room events, which hand the member to services that read only columns or attach it."""
    if handler is None:
        return lambda handler: authenticated_socket(handler, attach=attach)

    @wraps(handler)
    def wrapper(*args):
        app = current_app._get_current_object()
        member = connections.current_member(app, request.sid)
        if member is None:
            socketio.server.disconnect(request.sid, namespace="/")
            return error_ack("unauthorized", "Sign in again to continue")
        user = db.session.merge(member, load=False) if attach else member  # merge: into this session, no query
        try:
            return handler(user, *args)
        except ServiceError as error:
            return error_ack(error.code, error.message)
        except Exception:
            log.exception("Socket.IO handler %s failed", handler.__name__)
            db.session.rollback()
            return error_ack("server_error", "Something went wrong on our side. Try again")

    return wrapper


MAX_PAYLOAD_BYTES = 16 * 1024


# Ids and numbers are stored as 64-bit integers; anything beyond is refused rather than overflowing.
INTEGER_RANGE = range(-(2**63), 2**63)
_UNREADABLE = "That contains characters civicnet cannot read. Remove them and try again"


def event_fields(data, **spec) -> dict:
    """Check an event's payload: a dict whose fields have the given types (a tuple ending in None: optional)."""
    if not isinstance(data, dict):
        raise Invalid(None, "Send the event's fields as an object")
    values = {}
    for name, kind in spec.items():
        optional = isinstance(kind, tuple) and None in kind
        types = tuple(t for t in (kind if isinstance(kind, tuple) else (kind,)) if t is not None)
        value = data.get(name)
        if value is None and optional:
            values[name] = None
        elif not isinstance(value, types) or (isinstance(value, bool) and bool not in types):  # bool is an int
            raise Invalid(name, f"{name} is missing or has the wrong type")
        elif isinstance(value, int) and not isinstance(value, bool) and value not in INTEGER_RANGE:
            raise Invalid(name, f"{name} is out of range")
        elif isinstance(value, str) and "\x00" in value:  # PostgreSQL cannot store NUL in text
            raise Invalid(name, _UNREADABLE)
        else:
            values[name] = value
    # Measured as sent (UTF-8), after the type checks: a field holding bytes is `invalid`, not a crash.
    try:
        size = len(json.dumps(data, ensure_ascii=False).encode())
    except UnicodeEncodeError:  # a lone surrogate ("\ud800"), which no database stores as UTF-8
        raise Invalid(None, _UNREADABLE) from None
    except (TypeError, ValueError):  # bytes among fields the event does not use
        raise Invalid(None, "Send the event's fields as text, numbers and booleans") from None
    if size > MAX_PAYLOAD_BYTES:
        raise PayloadTooLarge()
    return values


class PayloadTooLarge(Invalid):
    code = "payload_too_large"

    def __init__(self):
        super().__init__(None, f"That is too large to send: the limit is {MAX_PAYLOAD_BYTES // 1024} KB")
