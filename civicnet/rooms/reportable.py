"""Messages and rooms as moderation sees them (registered in civicnet.reportables)."""

from flask import url_for
from sqlalchemy import select

from civicnet import reportables
from civicnet.extensions import db
from civicnet.rooms.attachments import summary
from civicnet.rooms.links import message_url
from civicnet.rooms.models import Message, Room
from civicnet.rooms.permissions import can_read

CONTEXT = 3  # messages shown either side of a reported one


def _message(message_id: int) -> Message | None:
    message = db.session.get(Message, message_id)
    return None if message is None or message.is_deleted else message


def context_messages(message: Message) -> list[Message]:
    """The reported message with the messages around it, oldest first."""
    around = select(Message).where(Message.room_id == message.room_id, Message.deleted_at.is_(None))
    before = db.session.scalars(around.where(Message.id < message.id).order_by(Message.id.desc()).limit(CONTEXT))
    after = db.session.scalars(around.where(Message.id > message.id).order_by(Message.id).limit(CONTEXT))
    return [*reversed(list(before)), message, *after]


def _label(message: Message) -> str:
    # A direct conversation has no name of its own: its people's names are on the moderator's page.
    return "Message in a direct conversation" if message.room.is_direct else f"Message in {message.room.name}"


def _room(room_id: int) -> Room | None:
    """A room as a reportable item; a direct conversation is not one (its messages are)."""
    room = db.session.get(Room, room_id)
    return None if room is None or room.is_direct else room


def _files(message: Message) -> list[reportables.ItemFile]:
    return [
        reportables.ItemFile(found.id, found.name, summary(found), found.key, inline=found.is_image)
        for found in message.attachments
    ]


def _may_see_message(member, message: Message) -> bool:
    # A held message is only its author's until a moderator approves it.
    return can_read(member, message.room) and (not message.is_held or message.author_id == member.id)


reportables.register(
    reportables.ItemType(
        name="message",
        load=_message,
        author=lambda message: message.author,
        label=_label,
        text=lambda message: message.body,
        url=message_url,
        visible_to=_may_see_message,
        context=context_messages,
        data=lambda message: ("private_messages",) if message.room.is_private else (),
        files=_files,
    )
)
reportables.register(
    reportables.ItemType(
        name="room",
        load=_room,
        author=lambda room: room.created_by,
        label=lambda room: f"Room {room.name}",
        text=lambda room: room.description,
        url=lambda room: url_for("rooms.show", slug=room.slug),
        visible_to=can_read,
    )
)
