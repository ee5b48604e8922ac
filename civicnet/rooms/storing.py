"""The writer's side of messages: store a checked post, edit or deletion in the writer's transaction,
and queue its broadcasts for after the commit. civicnet.rooms.messages checks the rules first."""

from collections.abc import Generator
from dataclasses import dataclass, field

from sqlalchemy import bindparam, delete, select, update

from civicnet import realtime, signals
from civicnet.accounts.models import User
from civicnet.db_types import utcnow
from civicnet.errors import Invalid
from civicnet.extensions import db
from civicnet.rooms import attachments, moderation_events, notifications
from civicnet.rooms.models import HELD, PUBLIC, Membership, Message, MessageRevision, Reaction, Room
from civicnet.rooms.payloads import message_payload
from civicnet.transactions import on_commit
from civicnet.writer import attach


@dataclass
class Draft:
    """A post that passed every rule, ready to store."""

    room: Room
    actor: User
    body: str
    html: str
    client_id: str | None
    parent: Message | None
    speaking_for: str | None
    matched: object  # the word filter's match, if any
    mentioned: list[User]
    attachment_ids: list[int] = field(default_factory=list)

    @property
    def held(self) -> bool:
        return self.matched is not None and self.matched.action == "hold"


def find_by_client_id(author: User, client_id: str) -> Message | None:
    return db.session.scalar(select(Message).where(Message.author_id == author.id, Message.client_id == client_id))


def resent(actor: User, room: Room, client_id: str | None) -> Message | None:
    """The message this client_id already stored, if any (it must be in the same room)."""
    earlier = find_by_client_id(actor, client_id) if client_id else None
    if earlier is not None and earlier.room_id != room.id:
        raise Invalid("client_id", "That client_id was already used for a message in another room")
    return earlier


def _lock_room(room: Room) -> None:
    """Make posts to one room commit one at a time, so message ids within a room follow commit order
    and a client catching up with after_id can never skip one. SQLite already lets one writer in at
    a time (and has no FOR UPDATE); PostgreSQL needs the row lock, held until the batch commits."""
    if db.session.get_bind().dialect.name != "sqlite":
        db.session.execute(select(Room.id).where(Room.id == room.id).with_for_update())


# Built once: a Core UPDATE on the session's connection (the ORM form would look for memberships
# loaded in the session to keep in step, and building the statement each time costs as much again).
_membership = Membership.__table__
_MARK_READ = (
    update(_membership)
    .where(_membership.c.room_id == bindparam("in_room"), _membership.c.user_id == bindparam("of_user"))
    .values(last_read_id=bindparam("up_to"))
)


def _record_read(actor: User, room: Room, message_id: int) -> None:
    """Authors have read their own messages; posting in a public room makes the author a member."""
    marked = db.session.connection().execute(_MARK_READ, {"in_room": room.id, "of_user": actor.id, "up_to": message_id})
    if marked.rowcount == 0 and room.kind == PUBLIC:
        db.session.add(Membership(room_id=room.id, user_id=actor.id, last_read_id=message_id))


def store_message(draft: Draft) -> Generator[None, None, Message]:
    """Insert the message with its read mark, notifications and word-filter report; announce after commit.

    The common path costs one INSERT and one UPDATE: a resent client_id is caught by the unique
    constraint rather than looked up before every post (see messages.post_message)."""
    room, actor = attach(draft.room), attach(draft.actor)
    parent = db.session.get(Message, draft.parent.id) if draft.parent is not None else None
    _lock_room(room)
    # Every column given, so none is expired after the INSERT: the broadcast and the ack then read
    # the message without a SELECT.
    message = Message(
        room=room,
        author=actor,
        body=draft.body,
        body_html=draft.html,
        client_id=draft.client_id,
        reply_to=parent,
        reply_to_id=parent.id if parent is not None else None,
        thread_root_id=(parent.thread_root_id or parent.id) if parent is not None else None,
        moderation=HELD if draft.held else None,
        speaking_for=draft.speaking_for,
        edited_at=None,
        deleted_at=None,
        moderated_at=None,
        attachments=[],  # set, so that the payload reads no attachments without a SELECT
    )
    db.session.add(message)
    # The writer flushes the whole batch's messages at once here (a client_id stored meanwhile fails
    # then, and the caller returns the first message); what follows needs the new id.
    yield
    _record_read(actor, room, message.id)
    if draft.attachment_ids:
        attachments.attach_to(message, actor.id, draft.attachment_ids)
    mentioned = [attach(user) for user in draft.mentioned]
    if draft.matched is not None:
        signals.message_flagged.send(message, phrase=draft.matched.phrase, action=draft.matched.action)
    on_commit(lambda: _announce_post(message, room, actor, draft))
    if not draft.held:  # a held message tells nobody until a moderator approves it
        notifications.notify_about(message, room, actor, mentioned, parent)
    return message


def _announce_post(message: Message, room: Room, actor: User, draft: Draft) -> None:
    payload = message_payload(message)
    if draft.held:
        realtime.emit_to_user(actor, "message_posted", payload)
    else:
        realtime.emit_to_room(room, "message_posted", payload)
        signals.message_posted.send(message)


def store_edit(actor: User, message: Message, body: str, html: str, matched) -> Message:
    """Keep the old text in the message's history and store the new; announce after commit."""
    actor, message = attach(actor), attach(message)
    db.session.add(MessageRevision(message_id=message.id, body=message.body))
    message.body, message.body_html, message.edited_at = body, html, utcnow()
    held = matched is not None and matched.action == "hold"
    if matched is not None:
        if held:
            message.hold()
        signals.message_flagged.send(message, phrase=matched.phrase, action=matched.action)
    on_commit(lambda: _announce_edit(actor, message, matched))
    return message


def _announce_edit(actor: User, message: Message, matched) -> None:
    if matched is not None and matched.action == "hold":
        # It disappears for the others until a moderator approves it; the author sees the edit.
        moderation_events.message_hidden(message)
        realtime.emit_to_user(actor, "message_edited", message_payload(message))
    else:
        realtime.emit_to_room(message.room, "message_edited", message_payload(message))


def store_deletion(message: Message) -> Message:
    """Mark the message deleted, with its attachments gone; it disappears for everyone after the commit."""
    message = attach(message)
    message.deleted_at = utcnow()
    db.session.execute(delete(Reaction).where(Reaction.message_id == message.id))  # its reactions go with it
    attachments.delete_attachments(list(message.attachments))
    on_commit(
        lambda: realtime.emit_to_room(
            message.room,
            "message_deleted",
            {"id": message.id, "room": message.room.slug, "thread_root": message.thread_root_id},
        )
    )
    return message


def store_read_mark(room_id: int, user_id: int, message_id: int) -> None:
    """Move a member's read mark forward (never back)."""
    db.session.execute(
        update(Membership)
        .where(Membership.room_id == room_id, Membership.user_id == user_id, Membership.last_read_id < message_id)
        .values(last_read_id=message_id)
    )
    notifications.read_up_to(user_id, room_id, message_id)
