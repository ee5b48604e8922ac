"""Live facts about moderation decisions on messages (sent after the commit)."""

from civicnet import realtime, signals
from civicnet.rooms.payloads import message_payload


def message_hidden(message) -> None:
    """The message disappears for everyone in the room, replaced by "hidden pending review"."""
    realtime.emit_to_room(message.room, "message_hidden", message_payload(message))
    signals.message_hidden.send(message)


def message_restored(message) -> None:
    """A hidden message returns, or a held one appears, for everyone in the room."""
    realtime.emit_to_room(message.room, "message_restored", message_payload(message))
    signals.message_restored.send(message)
