"""Threads: a message's replies, gathered under it. The room lists the messages that start a thread
(or stand alone), each with how many replies it has; a thread's page lists one message and its replies."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from civicnet.accounts.permissions import is_signed_in
from civicnet.errors import NotFound
from civicnet.extensions import db
from civicnet.ids import is_id
from civicnet.rooms import notifications
from civicnet.rooms.history import visible_to
from civicnet.rooms.models import Message, Room
from civicnet.rooms.permissions import can_read
from civicnet.transactions import commit

MAX_REPLIES = 500


@dataclass(frozen=True)
class Summary:
    replies: int
    last_reply_at: datetime


def summaries(viewer, room: Room, messages: list[Message]) -> dict[int, Summary]:
    """How many replies each of these messages has that the viewer can see, in one query."""
    ids = [m.id for m in messages if m.thread_root_id is None]
    if not ids:
        return {}
    query = (
        select(Message.thread_root_id, func.count(), func.max(Message.created_at))
        .where(Message.thread_root_id.in_(ids), Message.room_id == room.id, Message.deleted_at.is_(None))
        .where(Message.moderation.is_(None))
        .group_by(Message.thread_root_id)
    )
    return {root: Summary(count, last) for root, count, last in db.session.execute(query)}


def _shown_to(viewer, message: Message) -> bool:
    """A held message is only its author's until a moderator approves it."""
    return not message.is_held or (is_signed_in(viewer) and message.author_id == viewer.id)


def get_thread(viewer, room: Room, message_id) -> Message:
    """A thread's first message, for a viewer who can read the room; a reply leads to its thread's.
    A deleted first message still leads to its thread while replies to it remain."""
    message = db.session.get(Message, message_id) if is_id(message_id) else None
    if message is None or message.room_id != room.id or not can_read(viewer, room) or not _shown_to(viewer, message):
        raise NotFound("That message does not exist")
    root = message if message.thread_root_id is None else db.session.get(Message, message.thread_root_id)
    gone = root is None or (message is not root and message.is_deleted)
    if gone or not _shown_to(viewer, root) or (root.is_deleted and not _has_live_replies(root)):
        raise NotFound("That message does not exist")
    return root


def read(viewer, root: Message, shown: list[Message]) -> None:
    """The member has seen a thread's replies (its page, or opened in place): the notifications they
    gave are read. (The room's read mark, for unread counts, moves on the room's page.)"""
    if is_signed_in(viewer) and shown:
        notifications.read_thread(viewer.id, root.id, shown[-1].id)
        commit()


def _has_live_replies(root: Message) -> bool:
    query = select(Message.id).where(Message.thread_root_id == root.id, Message.deleted_at.is_(None)).limit(1)
    return db.session.scalar(query) is not None


def replies(viewer, room: Room, root: Message) -> list[Message]:
    """A thread's replies the viewer can see, oldest first (a held one only by its author)."""
    query = (
        select(Message)
        .where(Message.thread_root_id == root.id, Message.room_id == room.id, Message.deleted_at.is_(None))
        .where(visible_to(viewer))
        .options(joinedload(Message.reply_to).joinedload(Message.author))
        .order_by(Message.id)
        .limit(MAX_REPLIES)
    )
    return list(db.session.scalars(query))
