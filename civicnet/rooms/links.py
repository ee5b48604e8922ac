"""Where a message is read: a reply on its thread's page, any other message in its room."""

from flask import url_for

from civicnet.rooms.models import Message
from civicnet.urls import external_url


def message_url(message: Message, *, external: bool = False, in_place: bool = False) -> str:
    """A link to the message; in_place: the room page that ends with it (search results), not the newest."""
    if message.thread_root_id is not None:
        endpoint, values = "rooms.thread", {"slug": message.room.slug, "message_id": message.thread_root_id}
    else:
        endpoint, values = "rooms.show", {"slug": message.room.slug}
        if in_place:
            values["before"] = message.id + 1
    url = external_url(endpoint, **values) if external else url_for(endpoint, **values)
    return f"{url}#message-{message.id}"
