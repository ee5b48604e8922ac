"""Members are told when someone mentions them or replies to them: who is told, and how it reads."""

from civicnet.accounts.models import User
from civicnet.extensions import db
from civicnet.notifications import kinds
from civicnet.notifications.kinds import Shown
from civicnet.notifications.services import notify
from civicnet.rooms.models import Message, Room
from civicnet.rooms.payloads import message_payload
from civicnet.rooms.permissions import can_read, is_member
from civicnet.text import plain_excerpt
from civicnet.urls import external_url

MENTION = "mention"
REPLY = "reply"


def notify_about(message: Message, room: Room, actor: User, mentioned: list[User], parent: Message | None) -> None:
    """Create the notifications a new message causes (committed with it, sent after)."""
    recipients: dict[int, str] = {}
    if parent is not None and parent.author_id != actor.id:
        recipients[parent.author_id] = REPLY
    for user in mentioned:
        if user.id != actor.id and can_read(user, room) and _may_mention(user, room):
            recipients[user.id] = MENTION
    for user_id, kind in recipients.items():
        notify(user_id, kind, message.id)


def _may_mention(user, room: Room) -> bool:
    """A member who takes mentions only from people in rooms they joined is told only in those rooms."""
    return user.profile is None or user.profile.mentions_from != "rooms" or is_member(user, room)


@kinds.register(MENTION, REPLY)
def _shown(notification) -> Shown | None:
    message = db.session.get(Message, notification.subject_id)
    # Only while the member may still read the room: a notification never outlives access to its room.
    if message is None or not can_read(notification.user, message.room):
        return None
    room, author = message.room, message.author
    verb = "mentioned you in" if notification.kind == MENTION else "replied to you in"
    visible = not message.is_deleted and not message.moderation
    return Shown(
        lead=f"{author.display_name} {verb}",
        link_text=room.name,
        url=external_url("rooms.show", slug=room.slug) + f"#message-{message.id}",
        excerpt=plain_excerpt(message.body) if visible else "",
        fields={
            "room": room.slug,
            "room_name": room.name,
            "message_id": message.id,
            "actor": {"username": author.username, "display_name": author.display_name},
            "created_at": message_payload(message)["created_at"],
        },
    )
