"""Reading a room's messages: pages of history (newest, older, or after a point, for catching up), what
changed among those a client already has, and which messages a viewer may see at all."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased, joinedload

from civicnet.accounts.permissions import is_signed_in
from civicnet.errors import Invalid, NotFound
from civicnet.extensions import db
from civicnet.ids import MAX_ID, is_whole_number
from civicnet.rooms.models import HELD, Message, Room
from civicnet.rooms.permissions import can_read

DEFAULT_PAGE = 50
MAX_PAGE = 200


@dataclass
class Page:
    messages: list[Message]
    has_more: bool


def visible_to(viewer):
    """SQL: messages this viewer may see; a held message only by its author (hidden ones keep their place)."""
    if is_signed_in(viewer):
        return or_(Message.moderation.is_(None), Message.moderation != HELD, Message.author_id == viewer.id)
    return or_(Message.moderation.is_(None), Message.moderation != HELD)


def _page_size(limit) -> int:
    if limit is None:
        return DEFAULT_PAGE
    if not is_whole_number(limit) or not 1 <= limit <= MAX_PAGE:
        raise Invalid("limit", f"limit must be a whole number from 1 to {MAX_PAGE}")
    return limit


def message_id_field(value, field: str) -> int | None:
    if value is None:
        return None
    if not is_whole_number(value) or not 0 <= value <= MAX_ID:
        raise Invalid(field, f"{field} must be a message id (a whole number from 0 to {MAX_ID})")
    return value


def has_live_replies():
    """SQL: the message has replies that are not deleted. A deleted message that starts a thread stays
    in the room's list as "This message was deleted.", so its replies can still be found."""
    reply = aliased(Message)
    return exists().where(reply.thread_root_id == Message.id, reply.deleted_at.is_(None))


def page(viewer, room: Room, *, after_id=None, before_id=None, limit=None, threads_only=False) -> Page:
    """Messages newer than after_id (oldest first), older than before_id, between the two, or the latest ones;
    with threads_only, only the messages that start a thread or stand alone (the room page's list)."""
    if not can_read(viewer, room):
        raise NotFound("There is no room at this address, or you are not a member of it")
    size = _page_size(limit)
    after_id, before_id = message_id_field(after_id, "after_id"), message_id_field(before_id, "before_id")
    query = (
        select(Message)
        .where(Message.room_id == room.id, visible_to(viewer))
        .options(joinedload(Message.reply_to).joinedload(Message.author))
    )
    if threads_only:
        query = query.where(Message.thread_root_id.is_(None), or_(Message.deleted_at.is_(None), has_live_replies()))
    else:
        query = query.where(Message.deleted_at.is_(None))
    if before_id is not None:
        query = query.where(Message.id < before_id)
    if after_id is not None:
        rows = list(db.session.scalars(query.where(Message.id > after_id).order_by(Message.id).limit(size + 1)))
        return Page(rows[:size], len(rows) > size)
    rows = list(db.session.scalars(query.order_by(Message.id.desc()).limit(size + 1)))
    return Page(list(reversed(rows[:size])), len(rows) > size)


def parse_since(value) -> datetime | None:
    """A client's `since`: an ISO 8601 time that civicnet sent it earlier (`server_time`)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise Invalid("since", "since must be a time civicnet sent you (server_time), such as 2026-11-25T10:00:00Z")
    return moment


def changes_since(
    viewer, room: Room, up_to_id: int, since: datetime, limit: int = 500
) -> tuple[list[Message], list[int]]:
    """Messages the client already has (id <= up_to_id) that were edited or deleted after `since`."""
    if not can_read(viewer, room):
        raise NotFound("There is no room at this address, or you are not a member of it")
    query = (
        select(Message)
        .where(Message.room_id == room.id, Message.id <= up_to_id, visible_to(viewer))
        .where(or_(Message.edited_at > since, Message.deleted_at > since, Message.moderated_at > since))
        .order_by(Message.id)
        .limit(limit)
    )
    changed = list(db.session.scalars(query))
    return [m for m in changed if not m.is_deleted], [m.id for m in changed if m.is_deleted]
