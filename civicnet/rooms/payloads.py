"""The dicts civicnet sends to clients about rooms and messages: one builder each, fixed keys."""

from civicnet.accounts.models import User
from civicnet.accounts.payloads import author_payload
from civicnet.db_types import iso
from civicnet.rooms.attachments import summary
from civicnet.rooms.models import Attachment, Message, Room
from civicnet.text import excerpt_of_html
from civicnet.urls import path_for

EXCERPT_LENGTH = 140


def reply_payload(parent: Message | None) -> dict | None:
    if parent is None:
        return None
    excerpt = "" if parent.is_deleted or parent.moderation else excerpt_of_html(parent.body_html, EXCERPT_LENGTH)
    return {"id": parent.id, "author": parent.author.username, "excerpt": excerpt}


def attachment_payload(attachment: Attachment) -> dict:
    """A file on a message; the addresses answer only those who may read the message."""
    thumbnail = attachment.thumbnail_key is not None
    return {
        "id": attachment.id,
        "name": attachment.name,
        "size": attachment.size,
        "kind": attachment.kind,
        "summary": summary(attachment),
        "url": path_for("rooms.attachment", attachment_id=attachment.id),
        "thumbnail_url": path_for("rooms.attachment_thumbnail", attachment_id=attachment.id) if thumbnail else None,
        "thumbnail_width": attachment.thumbnail_width,
        "thumbnail_height": attachment.thumbnail_height,
    }


def message_payload(message: Message) -> dict:
    """A message as clients see it; a hidden one keeps its place but not its text."""
    return {
        "id": message.id,
        "room": message.room.slug,
        "author": author_payload(message.author),
        "body_html": "" if message.is_deleted or message.is_hidden else message.body_html,
        # Hidden with the text: a moderator's hiding hides the files too.
        "attachments": []
        if message.is_deleted or message.is_hidden
        else [attachment_payload(attachment) for attachment in message.attachments],
        "created_at": iso(message.created_at),
        "edited_at": iso(message.edited_at),
        "client_id": message.client_id,
        "reply_to": reply_payload(message.reply_to),
        "thread_root": message.thread_root_id,
        "speaking_for": message.speaking_for,
        "hidden": message.is_hidden,
        "removed": message.is_removed,
        # Only its author ever receives a held message.
        "held": message.is_held,
    }


def room_payload(room: Room) -> dict:
    return {
        "slug": room.slug,
        "name": room.name,
        "description": room.description,
        "kind": room.kind,
        "open_to_public": room.open_to_public,
        "archived": room.is_archived,
        "tags": [tag.slug for tag in room.tags],
    }


def member_payload(user: User, room: Room) -> dict:
    return {"room": room.slug, "user": author_payload(user)}
