"""Reactions on messages, as in Slack and Zulip: a small fixed set of emoji that a member who may post
in a room toggles on a message there. Everyone who can read the room sees each emoji's count and who
reacted, and hears of every change live (`reactions_changed`); a reconnecting client catches up
through join_room. Hidden, held, removed and deleted messages take no reactions and show none."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from civicnet import realtime, signals
from civicnet.accounts.models import User
from civicnet.db_types import utcnow
from civicnet.errors import Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.ids import is_id
from civicnet.rooms.messages import Muted, write_refusal
from civicnet.rooms.models import Message, Reaction, Room
from civicnet.rooms.permissions import can_post, can_read
from civicnet.transactions import on_commit
from civicnet.writer import attach, write


@dataclass(frozen=True)
class Emoji:
    key: str  # what is stored and sent: "thumbs_up"
    char: str
    name: str  # what a screen reader says: "thumbs up"


# The whole set, in the order it is shown. A key is stored in the database: rename none of them.
EMOJI = (
    Emoji("thumbs_up", "👍", "thumbs up"),
    Emoji("heart", "❤️", "heart"),
    Emoji("smile", "😄", "smile"),
    Emoji("tada", "🎉", "party popper"),
    Emoji("thinking", "🤔", "thinking face"),
    Emoji("eyes", "👀", "eyes"),
)
BY_KEY = {emoji.key: emoji for emoji in EMOJI}
# Names in a label beyond these are counted ("and 4 others"), so that a label stays readable.
MAX_NAMED = 10


class Person(NamedTuple):
    username: str
    display_name: str


# message id -> emoji key -> who reacted, oldest first
People = dict[int, dict[str, list[Person]]]


def label(emoji: Emoji, people: list[Person], me: str | None) -> str:
    """What a reaction says to a screen reader and in its tooltip, for the member `me`:
    "thumbs up: 3 reactions from Ada Lovelace, Grace Hopper and you". static/js/room-reactions.mjs
    says the same for live changes."""
    if not people:
        return f"{emoji.name}: no reactions"
    others = [person.display_name for person in people if person.username != me]
    named = others[:MAX_NAMED]
    if len(others) > MAX_NAMED:
        rest = len(others) - MAX_NAMED
        named.append(f"{rest} other{'' if rest == 1 else 's'}")
    if len(others) < len(people):
        named.append("you")
    who = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return f"{emoji.name}: {len(people)} reaction{'' if len(people) == 1 else 's'} from {who}"


def people_of(message_ids: Iterable[int]) -> People:
    """Who reacted with what on these messages, in one query."""
    ids = set(message_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Reaction.message_id, Reaction.emoji, User.username, User.display_name)
        .join(User, User.id == Reaction.user_id)
        .where(Reaction.message_id.in_(ids))
        .order_by(Reaction.id)
    )
    people: People = {}
    for message_id, key, username, display_name in rows:
        people.setdefault(message_id, {}).setdefault(key, []).append(Person(username, display_name))
    return people


def reactions_payload(message_id: int, room: Room, people: dict[str, list[Person]]) -> dict:
    """A message's reactions as clients get them: every emoji someone chose, in the set's order."""
    return {
        "id": message_id,
        "room": room.slug,
        "reactions": [
            {
                "emoji": emoji.key,
                "count": len(people[emoji.key]),
                "people": [{"username": p.username, "display_name": p.display_name} for p in people[emoji.key]],
            }
            for emoji in EMOJI
            if people.get(emoji.key)
        ],
    }


def _payload_now(message: Message) -> dict:
    return reactions_payload(message.id, message.room, people_of([message.id]).get(message.id, {}))


# --- the room page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One emoji under one message, as one member sees it."""

    emoji: Emoji
    count: int
    mine: bool
    label: str


class PageReactions:
    """The reactions of every message on a room page, loaded at once (templates/rooms/_message.html)."""

    emoji = EMOJI

    def __init__(self, viewer, people: People):
        self.me = viewer.username if viewer.is_authenticated else None
        self.people = people

    def shown(self, message_id: int, every: bool = False) -> list[Shown]:
        """The emoji someone chose on this message; with every=True all of them (the page's template)."""
        chosen = self.people.get(message_id, {})
        return [
            Shown(emoji, len(people), any(p.username == self.me for p in people), label(emoji, people, self.me))
            for emoji in EMOJI
            for people in [chosen.get(emoji.key, [])]
            if people or every
        ]

    def mine(self, message_id: int) -> set[str]:
        """The emoji keys this member chose on the message."""
        chosen = self.people.get(message_id, {})
        return {key for key, people in chosen.items() if any(p.username == self.me for p in people)}


def on_page(viewer, messages: list[Message]) -> PageReactions:
    """Everything a room page shows about reactions, in one query for all its messages."""
    return PageReactions(viewer, people_of(m.id for m in messages if not m.moderation))


# --- catching up --------------------------------------------------------------------------------


def for_ack(room: Room, messages: list[Message], up_to_id: int | None = None, since: datetime | None = None) -> list:
    """The reactions a join_room or fetch_history ack carries: those of its messages, and, for a client
    coming back (`up_to_id`, `since`), those that changed since among the messages it already shows
    (an empty list where the last reaction was taken away)."""
    changed: set[int] = set()
    if up_to_id is not None and since is not None:
        changed = set(
            db.session.scalars(
                select(Message.id).where(
                    Message.room_id == room.id,
                    Message.id <= up_to_id,
                    Message.reactions_changed_at > since,
                    Message.deleted_at.is_(None),
                    Message.moderation.is_(None),
                )
            )
        )
    ids = {m.id for m in messages if not m.moderation and not m.is_deleted} | changed
    people = people_of(ids)
    return [reactions_payload(i, room, people.get(i, {})) for i in sorted(ids) if i in people or i in changed]


# --- reacting -----------------------------------------------------------------------------------


def _emoji(value) -> Emoji:
    if not isinstance(value, str) or value not in BY_KEY:
        raise Invalid("emoji", f"Choose one of these reactions: {', '.join(BY_KEY)}")
    return BY_KEY[value]


def _reactable(actor: User, message_id) -> Message:
    """The message, if this member may react to it now."""
    message = db.session.get(Message, message_id) if is_id(message_id) else None
    if (
        message is None
        or message.is_deleted
        or not can_read(actor, message.room)
        or (message.is_held and message.author_id != actor.id)
    ):
        raise NotFound("That message does not exist, or you cannot see it")
    room = message.room
    if not can_post(actor, room):
        if room.is_archived:
            raise Forbidden("This room is archived: its messages can be read but not reacted to")
        raise Forbidden("Confirm your email address before reacting to messages")
    if message.moderation:
        raise Forbidden("This message is hidden or held for review, so it cannot take reactions")
    # A mute silences reactions too: they are a way of speaking in the room.
    if notice := signals.answer(signals.mute_notice, actor, room=room):
        raise Muted(notice)
    if why := write_refusal(actor, room):  # a direct conversation's rules
        raise Forbidden(why)
    return message


def react(actor: User, message_id, emoji, on=None) -> dict:
    """Add (on=True) or take away (on=False) the member's reaction on a message, or toggle it (on=None);
    everyone who can read the room hears of the change. Returns the message's reactions.

    A client that sends `on` can safely send again after a reconnect: the second time changes nothing."""
    choice = _emoji(emoji)
    if on is not None and not isinstance(on, bool):
        raise Invalid("on", "on must be true, false or left out")
    message = _reactable(actor, message_id)
    try:
        return write(store_reaction, actor.id, message, choice.key, on, order=message.room_id)
    except IntegrityError:
        # Added meanwhile from another server process (a second tab): it is on, as asked.
        return _payload_now(message)


def store_reaction(actor_id: int, message: Message, key: str, on: bool | None) -> dict:
    """The writer's side: change the row, mark the message changed, and announce after the commit."""
    message = attach(message)
    existing = db.session.scalar(
        select(Reaction).where(Reaction.message_id == message.id, Reaction.user_id == actor_id, Reaction.emoji == key)
    )
    wanted = existing is None if on is None else on
    if wanted == (existing is not None):
        return _payload_now(message)  # already so: nothing to tell anyone
    if wanted:
        db.session.add(Reaction(message_id=message.id, user_id=actor_id, emoji=key))
    else:
        db.session.delete(existing)
    message.reactions_changed_at = utcnow()
    db.session.flush()
    payload, room = _payload_now(message), message.room
    on_commit(lambda: realtime.emit_to_room(room, "reactions_changed", payload))
    return payload


# --- other capabilities' changes ----------------------------------------------------------------


def announce(message_ids: Iterable[int]) -> None:
    """Tell each message's room its reactions now (after a change made outside react())."""
    ids = list(message_ids)
    people = people_of(ids)
    for message in db.session.scalars(select(Message).where(Message.id.in_(ids))):
        if not message.moderation and not message.is_deleted:
            realtime.emit_to_room(
                message.room,
                "reactions_changed",
                reactions_payload(message.id, message.room, people.get(message.id, {})),
            )


@signals.message_restored.connect
def _restored(message: Message, **_) -> None:
    """A message shown again brings its reactions back (the restored message itself carries none)."""
    if people_of([message.id]):
        announce([message.id])


@signals.member_erased.connect
def _erase(user: User, keep_messages: bool, **_) -> None:
    """An erased member's reactions go, and so do those on their messages if those lose their text."""
    theirs = Reaction.user_id == user.id
    if not keep_messages:
        theirs = or_(theirs, Reaction.message_id.in_(select(Message.id).where(Message.author_id == user.id)))
    touched = list(db.session.scalars(select(Reaction.message_id).where(theirs).distinct()))
    if not touched:
        return
    db.session.execute(delete(Reaction).where(theirs))
    db.session.execute(update(Message).where(Message.id.in_(touched)).values(reactions_changed_at=utcnow()))
    on_commit(lambda: announce(touched))
