"""Socket.IO handlers for rooms: thin shells that check the payload and call the services.

The contract is documented in docs/realtime.md."""

from flask import current_app, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError

from civicnet import authority_feed, connections, memo, ratelimit, realtime
from civicnet.accounts import sessions
from civicnet.accounts.access_tokens import token_for
from civicnet.accounts.models import User
from civicnet.db_types import utcnow
from civicnet.extensions import db, socketio
from civicnet.realtime import authenticated_socket, error_ack, event_fields, ok
from civicnet.rooms import authority, history, messages, reactions, services, threads
from civicnet.rooms.models import Room
from civicnet.rooms.payloads import author_payload, iso, member_payload, message_payload, room_payload
from civicnet.rooms.permissions import can_post
from civicnet.rooms.presence import presence


def _limit(user: User, action: str) -> None:
    ratelimit.check(action, str(user.id), current_app.config[f"SOCKET_{action.upper()}_LIMIT"])


def _room(user: User, slug) -> Room:
    """The room at this slug if the member may read it; from memory when this connection already
    checked it and no change has touched the room or the member since (see civicnet.connections).

    The room is a detached copy with what its payload needs loaded, shared by the process's events:
    services read its columns, and the writer attaches a copy of its own."""
    connection = connections.registry(current_app).get(request.sid)
    room = memo.recall(("room", slug))
    if room is None or connection is None or room.id not in connection.readable:
        # The permission check, once per connection and change; it also finds a kept copy that no
        # longer is the room at this slug.
        found = services.get_readable_room(user, slug)
        if room is None or room.id != found.id:
            room = _detached_room(found.id)
            memo.remember(("room", slug), room, depends_on=(("room", room.id),))
    if connection is not None:
        connection.readable.add(room.id)
    return room


def _detached_room(room_id: int) -> Room:
    with db.session.session_factory() as session:
        room = session.get(Room, room_id)
        room.tags  # noqa: B018  (loaded now: the copy lives on after its session)
        session.expunge_all()
        return room


def _connection(auth) -> connections.Connection | None:
    """Who this handshake speaks for, and how: a browser's sign-in, or a token."""
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        return connections.Connection(
            sid=request.sid,
            user_id=user.id,
            session_key=sessions.digest(user.session_key),
            session_version=user.session_version,
        )
    token = token_for(auth.get("token")) if isinstance(auth, dict) else None
    if token is None:
        return None
    return connections.Connection(sid=request.sid, user_id=token.user_id, token_id=token.id)


@socketio.on("connect")
def connect(auth=None):
    """Accept a signed-in browser (session cookie) or a token client; refuse everyone else."""
    # Both ways in already refuse suspended members (the session loader and token_for).
    connection = _connection(auth)
    member = connection and authority.member_now(connection)
    if member is None:
        raise ConnectionRefusedError({"code": "unauthorized", "message": "Sign in or send a valid token"})
    app = current_app._get_current_object()
    connection.user = member
    connections.registry(app).add(connection)
    authority_feed.start_poller(app)
    socketio.server.enter_room(request.sid, realtime.user_channel(member), namespace="/")
    presence().connect(request.sid, member.id)
    db.session.remove()


@socketio.on("disconnect")
def disconnect(reason=None):
    """Leave every room's presence; tell each room if this was the member's last connection there."""
    connections.registry(current_app).remove(request.sid)
    store = presence()
    for room_id in store.rooms_of(request.sid):
        _left(store, room_id)
    store.disconnect(request.sid)
    db.session.remove()


def _left(store, room_id: int) -> None:
    user_id = store.leave(request.sid, room_id)
    if user_id is not None:
        room, user = db.session.get(Room, room_id), db.session.get(User, user_id)
        if room is not None and user is not None:
            realtime.emit_to_room(room, "member_left", member_payload(user, room))


@socketio.on("join_room")
@authenticated_socket(attach=False)
def on_join_room(user: User, data=None):
    """Follow a room live; answer with who is online and the messages after after_id (or the latest)."""
    fields = event_fields(data, room=str, after_id=(int, None), since=(str, None))
    since = history.parse_since(fields["since"])
    server_time = utcnow()  # taken before reading, so the next `since` overlaps rather than leaves a gap
    room = _room(user, fields["room"])
    # Subscribe before reading history: a message stored in between then arrives live as well as
    # in the ack (clients drop the duplicate by id), instead of in neither.
    socketio.server.enter_room(request.sid, realtime.room_channel(room), namespace="/")
    connections.registry(current_app).follow(request.sid, room.id)
    if presence().enter(request.sid, user.id, room.id):
        realtime.emit_to_room(room, "member_joined", member_payload(user, room), skip_sid=request.sid)
    page = history.page(user, room, after_id=fields["after_id"])
    edited, deleted = [], []
    if since is not None and fields["after_id"] is not None:
        # What changed, while the client was away, among the messages it already shows.
        edited, deleted = history.changes_since(user, room, fields["after_id"], since)
    online = db.session.scalars(db.select(User).where(User.id.in_(presence().online(room.id))))
    return ok(
        room=room_payload(room),
        members_online=[author_payload(member) for member in online],
        messages=[message_payload(message) for message in page.messages],
        has_more=page.has_more,
        can_post=can_post(user, room),
        edited=[message_payload(message) for message in edited],
        deleted=deleted,
        server_time=iso(server_time),
        reactions=reactions.for_ack(room, page.messages + edited, fields["after_id"], since),
    )


@socketio.on("leave_room")
@authenticated_socket(attach=False)
def on_leave_room(user: User, data=None):
    """Stop following a room live."""
    room = _room(user, event_fields(data, room=str)["room"])
    socketio.server.leave_room(request.sid, realtime.room_channel(room), namespace="/")
    connections.registry(current_app).unfollow(request.sid, room.id)
    _left(presence(), room.id)
    return ok()


@socketio.on("send_message")
@authenticated_socket(attach=False)
def on_send_message(user: User, data=None):
    """Post a message; the ack carries the stored message (the first one, for a resent client_id).
    `attachments`: ids the sender's uploads were given (POST /rooms/<slug>/attachments)."""
    fields = event_fields(
        data,
        room=str,
        body=str,
        client_id=str,
        reply_to=(int, None),
        speaking_for=(str, None),
        attachments=(list, None),
    )
    _limit(user, "send_message")
    room = _room(user, fields["room"])
    message = messages.post_message(
        room,
        user,
        fields["body"],
        fields["client_id"],
        fields["reply_to"],
        fields["speaking_for"],
        fields["attachments"],
    )
    return ok(message=message_payload(message))


@socketio.on("edit_message")
@authenticated_socket(attach=False)
def on_edit_message(user: User, data=None):
    """Change one's own message."""
    fields = event_fields(data, id=int, body=str)
    _limit(user, "send_message")
    return ok(message=message_payload(messages.edit_message(user, fields["id"], fields["body"])))


@socketio.on("message_source")
@authenticated_socket(attach=False)
def on_message_source(user: User, data=None):
    """One's own message as written (its Markdown), for editing it in place."""
    message = messages.get_own_message(user, event_fields(data, id=int)["id"])
    return ok(id=message.id, body=message.body)


@socketio.on("delete_message")
@authenticated_socket(attach=False)
def on_delete_message(user: User, data=None):
    """Delete one's own message."""
    message = messages.delete_message(user, event_fields(data, id=int)["id"])
    return ok(id=message.id)


@socketio.on("open_thread")
@authenticated_socket(attach=False)
def on_open_thread(user: User, data=None):
    """A thread's replies, for opening it under its first message."""
    fields = event_fields(data, room=str, id=int)
    room = _room(user, fields["room"])
    root = threads.get_thread(user, room, fields["id"])
    replies = threads.replies(user, room, root)
    threads.read(user, root, replies)
    return ok(root=root.id, messages=[message_payload(message) for message in replies])


@socketio.on("typing")
@authenticated_socket(attach=False)
def on_typing(user: User, data=None):
    """Tell the others in a room that this member is typing."""
    room = _room(user, event_fields(data, room=str)["room"])
    _limit(user, "typing")
    messages.check_may_type(user, room)
    realtime.emit_to_room(room, "user_typing", member_payload(user, room), skip_sid=request.sid)
    return ok()


@socketio.on("mark_read")
@authenticated_socket(attach=False)
def on_mark_read(user: User, data=None):
    """Record how far the member has read."""
    fields = event_fields(data, room=str, message_id=int)
    room = _room(user, fields["room"])
    return ok(last_read_id=messages.mark_read(user, room, fields["message_id"]))


@socketio.on("fetch_history")
@authenticated_socket(attach=False)
def on_fetch_history(user: User, data=None):
    """Older messages, for scrolling back."""
    fields = event_fields(data, room=str, before_id=(int, None), limit=(int, None))
    room = _room(user, fields["room"])
    page = history.page(user, room, before_id=fields["before_id"], limit=fields["limit"])
    return ok(
        messages=[message_payload(message) for message in page.messages],
        has_more=page.has_more,
        reactions=reactions.for_ack(room, page.messages),
    )


@socketio.on("react")
@authenticated_socket
def on_react(user: User, data=None):
    """Add or take away a reaction on a message (toggle it without `on`); the ack has its reactions now."""
    fields = event_fields(data, message_id=int, emoji=str, on=(bool, None))
    _limit(user, "react")
    return ok(**reactions.react(user, fields["message_id"], fields["emoji"], fields["on"]))


@socketio.on_error_default
def on_unexpected_error(error):
    """Last resort: an exception outside authenticated_socket still becomes an error ack, not a crash."""
    current_app.logger.exception("Socket.IO event failed")
    return error_ack("server_error", "Something went wrong on our side. Try again")
