"""A member's rooms and messages in their export: the rooms they are in, everything they wrote (with
earlier versions of edited messages and the text of ones they deleted), their reactions, and both
sides of their mentoring rooms' conversations, which they could already read."""

from pathlib import PurePosixPath

from sqlalchemy import select

from civicnet.extensions import db
from civicnet.personal_data import StoredFile, Table, register
from civicnet.rooms.models import Attachment, Membership, Message, MessageRevision, Reaction, Room
from civicnet.rooms.reactions import BY_KEY

MESSAGE_FIELDS = {
    "id": "The message's number",
    "room": "The room's address",
    "author": "Who wrote it (username)",
    "body": "What was written, in Markdown",
    "reply_to": "The number of the message it replies to",
    "created_at": "When it was posted",
    "edited_at": "When it was last edited",
    "deleted_at": "When it was deleted",
    "moderation": "hidden or held, if a moderator or the word filter did that",
}


def message_row(message: Message) -> dict:
    return {
        "id": message.id,
        "room": message.room.slug,
        "author": message.author.username,
        "body": message.body,
        "reply_to": message.reply_to_id,
        "created_at": message.created_at,
        "edited_at": message.edited_at,
        "deleted_at": message.deleted_at,
        "moderation": message.moderation,
    }


def archive_path(attachment: Attachment) -> str:
    # The number first: two attachments may share a name. Images are as stored (re-encoded, no metadata).
    name = PurePosixPath(attachment.name).name or "file"
    return f"files/attachments/{attachment.id}-{name}"


def attachment_row(attachment: Attachment) -> dict:
    return {
        "id": attachment.id,
        "message_id": attachment.message_id,
        "name": attachment.name,
        "kind": attachment.kind,
        "size": attachment.size,
        "uploaded_at": attachment.created_at,
        "file": archive_path(attachment),
    }


@register("rooms", "Rooms and messages", order=30)
def rooms(user) -> list[Table]:
    joined = db.session.execute(
        select(Room, Membership.joined_at, Membership.notify_level)
        .join(Membership)
        .where(Membership.user_id == user.id)
        .order_by(Room.id)
    ).all()
    mine = db.session.scalars(select(Message).where(Message.author_id == user.id).order_by(Message.id)).all()
    revisions = db.session.scalars(
        select(MessageRevision)
        .join(Message, Message.id == MessageRevision.message_id)
        .where(Message.author_id == user.id)
        .order_by(MessageRevision.id)
    )
    reactions = db.session.execute(
        select(Reaction, Room.slug)
        .join(Message, Message.id == Reaction.message_id)
        .join(Room, Room.id == Message.room_id)
        .where(Reaction.user_id == user.id)
        .order_by(Reaction.id)
    ).all()
    attached = db.session.scalars(
        select(Attachment).where(Attachment.uploader_id == user.id).order_by(Attachment.id)
    ).all()
    mentoring = [room.id for room, _, _ in joined if room.is_mentoring]
    both_sides = select(Message).where(
        Message.room_id.in_(mentoring), Message.deleted_at.is_(None), Message.moderation.is_(None)
    )
    return [
        Table(
            "rooms",
            "The rooms you are in.",
            {
                "room": "The room's address",
                "name": "Its name",
                "kind": "public or private",
                "joined_at": "When you joined",
                "notifications": "follow, normal or mute",
            },
            [
                {"room": r.slug, "name": r.name, "kind": r.kind, "joined_at": at, "notifications": level}
                for r, at, level in joined
            ],
        ),
        Table(
            "messages",
            "Every message you wrote, deleted ones included.",
            MESSAGE_FIELDS,
            [message_row(m) for m in mine],
        ),
        Table(
            "message_edits",
            "The earlier versions of messages you edited.",
            {"message_id": "The message's number", "body": "What it said before", "replaced_at": "When you changed it"},
            [{"message_id": r.message_id, "body": r.body, "replaced_at": r.replaced_at} for r in revisions],
        ),
        Table(
            "reactions",
            "The reactions you put on messages.",
            {
                "message_id": "The message's number",
                "room": "The room's address",
                "emoji": f"The reaction: one of {', '.join(BY_KEY)}",
                "created_at": "When you reacted",
            },
            [
                {"message_id": r.message_id, "room": slug, "emoji": r.emoji, "created_at": r.created_at}
                for r, slug in reactions
            ],
        ),
        Table(
            "attachments",
            "The files you attached to messages (or uploaded and not yet sent), each copied into this archive.",
            {
                "id": "The attachment's number",
                "message_id": "The message it is attached to (empty if not sent)",
                "name": "Its name",
                "kind": "image or file",
                "size": "Its size in bytes, as stored",
                "uploaded_at": "When you uploaded it",
                "file": "Its copy in this archive",
            },
            [attachment_row(a) for a in attached],
            files=[StoredFile(archive_path(a), a.key) for a in attached],
        ),
        Table(
            "mentoring_room_messages",
            "The conversations in your mentoring rooms, both sides, as you could read them.",
            MESSAGE_FIELDS,
            [message_row(m) for m in db.session.scalars(both_sides.order_by(Message.id))],
        ),
    ]
