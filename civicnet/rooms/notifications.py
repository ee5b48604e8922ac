"""Members are told when someone mentions them, replies to them, posts in a room they follow, writes to
them directly, or opens a room on a tag they follow: who is told, and how it reads. A muted room tells
its member nothing, and nobody is told about the messages of someone they blocked."""

from sqlalchemy import select

from civicnet.accounts.blocks import blockers_among
from civicnet.accounts.models import User
from civicnet.extensions import db
from civicnet.notifications import kinds, preferences
from civicnet.notifications.kinds import Shown
from civicnet.notifications.services import mark_read_in, notify
from civicnet.rooms.links import message_url
from civicnet.rooms.models import Membership, Message, Room
from civicnet.rooms.payloads import message_payload
from civicnet.rooms.permissions import can_read, is_member
from civicnet.rooms.titles import title_for
from civicnet.tags.follows import followers
from civicnet.text import plain_excerpt
from civicnet.urls import external_url

MENTION = "mention"
REPLY = "reply"
ROOM_MESSAGE = "room_message"  # a new message in a room the member follows
TAG_ROOM = "tag_room"  # a new public room on a tag the member follows
DIRECT_MESSAGE = "direct_message"  # a new message in a direct conversation the member is in
FOLLOW, NORMAL, MUTE = "follow", "normal", "mute"
LEVELS = {
    FOLLOW: "Follow: every new message notifies you",
    NORMAL: "Normal: only mentions of you and replies to you",
    MUTE: "Mute: nothing, not even the unread count",
}
# In a direct conversation every message is for its people: there is nothing to follow.
DIRECT_LEVELS = {
    NORMAL: "Normal: every new message notifies you",
    MUTE: "Mute: nothing, not even the unread count",
}

preferences.register_event(
    "mention", "Someone mentions me", "With @ and your username.", preferences.EMAIL, order=10, waits=True
)
preferences.register_event(
    "reply", "Someone replies to my message", "In any room you can read.", preferences.EMAIL, order=20, waits=True
)
preferences.register_event(
    "direct_message",
    "Someone sends me a direct message",
    "In a conversation with you, alone or in a small group.",
    preferences.EMAIL,
    order=25,
    waits=True,
)
preferences.register_event(
    "followed_room",
    "A new message in a room I follow",
    "Follow a room from its page.",
    preferences.DIGEST,
    order=30,
    waits=True,
)
preferences.register_event(
    "followed_tag",
    "Activity on a skill tag I follow",
    "New rooms and mentors on it. Follow a tag from its page or your profile.",
    preferences.DIGEST,
    order=40,
)


def notify_about(message: Message, room: Room, actor: User, mentioned: list[User], parent: Message | None) -> None:
    """Create the notifications a new message causes (committed with it, sent after)."""
    if room.is_direct:
        # Every message is for the conversation's other people: a mention or reply tells them nothing more.
        levels = _everyone(room)
        recipients = {user_id: DIRECT_MESSAGE for user_id in levels if user_id != actor.id}
    else:
        levels = _levels(room)
        recipients = {
            user_id: ROOM_MESSAGE for user_id, level in levels.items() if level == FOLLOW and user_id != actor.id
        }
        if parent is not None and parent.author_id != actor.id:
            recipients[parent.author_id] = REPLY
        for user in mentioned:
            if user.id != actor.id and can_read(user, room) and _may_mention(user, room):
                recipients[user.id] = MENTION
    # Asked only when someone would be told: most messages notify nobody, and cost no query here.
    blocked = blockers_among(actor.id, recipients)
    for user_id, kind in recipients.items():
        if levels.get(user_id) != MUTE and user_id not in blocked:
            notify(user_id, kind, message.id, conversation=conversation_of(message, room))


READ_IN_PLACE = (MENTION, REPLY, ROOM_MESSAGE, DIRECT_MESSAGE)


def conversation_of(message: Message, room: Room) -> str:
    """What a message's notifications are grouped by (on the page, in one email): its thread, for a
    reply, so that reading the room does not read them; the room for any other."""
    return f"thread:{message.thread_root_id}" if message.thread_root_id else f"room:{room.id}"


def read_up_to(user_id: int, room_id: int, message_id: int) -> None:
    """A member read the room up to a message: its mentions, replies and followed messages are read too
    (not those in threads, which the room's list does not show: reading a thread reads them)."""
    mark_read_in(user_id, f"room:{room_id}", READ_IN_PLACE, message_id)


def read_thread(user_id: int, root_id: int, message_id: int) -> None:
    """A member read a thread up to a reply: its notifications are read."""
    mark_read_in(user_id, f"thread:{root_id}", READ_IN_PLACE, message_id)


def _levels(room: Room) -> dict[int, str]:
    """The members of the room who follow or muted it (everyone else is normal): one indexed query per
    message, whatever the room's size."""
    query = select(Membership.user_id, Membership.notify_level).where(
        Membership.room_id == room.id, Membership.notify_level != NORMAL
    )
    return dict(db.session.execute(query).all())


def _everyone(room: Room) -> dict[int, str]:
    """Every member of a direct conversation (at most a handful) with their level."""
    query = select(Membership.user_id, Membership.notify_level).where(Membership.room_id == room.id)
    return dict(db.session.execute(query).all())


def _may_mention(user, room: Room) -> bool:
    """A member who takes mentions only from people in rooms they joined is told only in those rooms."""
    return user.profile is None or user.profile.mentions_from != "rooms" or is_member(user, room)


def notify_tag_followers(room: Room, actor: User) -> None:
    """A new public room: the members who follow any of its tags hear of it (in the room's transaction)."""
    if room.is_private or not room.tags:
        return
    for user_id in followers([tag.id for tag in room.tags]):
        if user_id != actor.id:
            notify(user_id, TAG_ROOM, room.id, conversation=f"tag-room:{room.id}", actor_id=actor.id)


@kinds.register(MENTION, REPLY, ROOM_MESSAGE, event={MENTION: "mention", REPLY: "reply", ROOM_MESSAGE: "followed_room"})
def _shown(notification) -> Shown | None:
    message = db.session.get(Message, notification.subject_id)
    # Only while the member may still read the room: a notification never outlives access to its room.
    if message is None or not can_read(notification.user, message.room):
        return None
    room, author = message.room, message.author
    verb = {MENTION: "mentioned you in", REPLY: "replied to you in", ROOM_MESSAGE: "posted in"}[notification.kind]
    visible = not message.is_deleted and not message.moderation
    return Shown(
        lead=f"{author.display_name} {verb}",
        link_text=room.name,
        url=message_url(message, external=True),
        excerpt=plain_excerpt(message.body) if visible else "",
        fields={
            "room": room.slug,
            "room_name": room.name,
            "message_id": message.id,
            "actor": {"username": author.username, "display_name": author.display_name},
            "created_at": message_payload(message)["created_at"],
        },
        private=room.is_private,
        person=author,
    )


@kinds.register(DIRECT_MESSAGE, event="direct_message")
def _direct(notification) -> Shown | None:
    message = db.session.get(Message, notification.subject_id)
    if message is None or not can_read(notification.user, message.room):
        return None
    room, author = message.room, message.author
    title = title_for(notification.user, room)
    visible = not message.is_deleted and not message.moderation
    one_to_one = len(_everyone(room)) <= 2
    return Shown(
        lead="Direct message from" if one_to_one else f"{author.display_name} wrote in your conversation with",
        link_text=title,
        url=message_url(message, external=True),  # a reply's is its thread's page
        excerpt=plain_excerpt(message.body) if visible else "",
        fields={
            "room": room.slug,
            "room_name": title,
            "message_id": message.id,
            "actor": {"username": author.username, "display_name": author.display_name},
            "created_at": message_payload(message)["created_at"],
        },
        private=True,
        group="Direct messages",
    )


@kinds.register(TAG_ROOM, event="followed_tag")
def _tag_room(notification) -> Shown | None:
    room = db.session.get(Room, notification.subject_id)
    if room is None or not can_read(notification.user, room):
        return None
    return Shown(
        lead="A new room on a tag you follow:",
        link_text=room.name,
        url=external_url("rooms.show", slug=room.slug),
        excerpt=plain_excerpt(room.description) if room.description else "",
        fields={"room": room.slug, "room_name": room.name},
        group=", ".join(tag.name for tag in room.tags) or room.name,
    )
