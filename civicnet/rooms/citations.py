"""Room messages cited elsewhere (the technology register's evidence): what a citation shows, for
someone who may read the message now."""

from civicnet import signals
from civicnet.extensions import db
from civicnet.ids import is_id
from civicnet.rooms.links import message_url
from civicnet.rooms.models import Message
from civicnet.rooms.permissions import can_read
from civicnet.text import plain_excerpt


@signals.cite_message.connect
def cite(_sender, message_id=None, reader=None, **_) -> dict | None:
    """The message as a citation, or None if it is gone, hidden, or the reader may not read its room
    (reader None: whoever may read it, for a consent already given)."""
    message = db.session.get(Message, message_id) if is_id(message_id) else None
    if message is None or message.is_deleted or message.moderation:
        return None
    if reader is not None and not can_read(reader, message.room):
        return None
    room, author = message.room, message.author
    return {
        "id": message.id,
        "room": room.slug,
        "room_id": room.id,
        "room_name": room.name,
        "private": room.is_private,
        # Whether only members can read it (a private room, or a public room not open to visitors):
        # quoting it to the world then needs its author's consent. Read now, not when it was cited.
        "restricted": not can_read(None, room),
        "author_id": author.id,
        "author": author.display_name,
        "excerpt": plain_excerpt(message.body, 280),
        "url": message_url(message, external=True),
        "created_at": message.created_at,
    }
