"""Starting a direct conversation (or finding the one these people already have), a member's list of
conversations, and the people a member may write to."""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from civicnet import ratelimit
from civicnet.accounts.models import User
from civicnet.accounts.services import find_user_by_username, is_suspended
from civicnet.direct.models import DirectConversation
from civicnet.direct.rules import NotAccepted, refusal
from civicnet.errors import Forbidden, Invalid
from civicnet.extensions import db
from civicnet.profiles.services import can_view_profile, is_listed
from civicnet.rooms.levels import unread_counts
from civicnet.rooms.models import DIRECT, Membership, Message, Room
from civicnet.rooms.notifications import MUTE
from civicnet.rooms.titles import titles_for
from civicnet.transactions import commit

MAX_PEOPLE = 8  # in one conversation, the person starting it included
# Stored, never shown: each viewer sees the other people's names (civicnet.rooms.titles).
STORED_NAME = "Direct conversation"
MAX_SUGGESTIONS = 8
_SEPARATORS = re.compile(r"[\s,;]+")


def _key(user_ids) -> str:
    return ",".join(str(user_id) for user_id in sorted(set(user_ids)))


def find_conversation(user_ids) -> Room | None:
    """The conversation between exactly these members, if they have one."""
    query = select(Room).join(DirectConversation).where(DirectConversation.participants == _key(user_ids))
    return db.session.scalar(query)


def _people(actor: User, usernames) -> list[User]:
    """The members named (with or without @, separated by commas or spaces), other than the actor."""
    names = [name.lstrip("@").lower() for name in _SEPARATORS.split(usernames or "") if name.lstrip("@")]
    if not names:
        raise Invalid("to", "Enter the username of the person you want to write to")
    people: dict[int, User] = {}
    for name in names:
        user = find_user_by_username(name) if len(name) <= 30 else None
        if user is None or is_suspended(user):
            raise Invalid("to", f"There is no member with the username {name[:30]}")
        if user.id != actor.id:
            people[user.id] = user
    if not people:
        raise Invalid("to", "Enter someone else's username: a conversation needs another person")
    if len(people) >= MAX_PEOPLE:
        raise Invalid("to", f"A conversation can have up to {MAX_PEOPLE} people, you included: choose fewer")
    return list(people.values())


def existing_with(actor: User, usernames) -> Room | None:
    """The conversation the actor already has with exactly these members, if the names are right."""
    try:
        people = _people(actor, usernames)
    except Invalid:
        return None
    return find_conversation([actor.id, *(user.id for user in people)])


def start_conversation(actor: User, usernames) -> Room:
    """The conversation between the actor and these members: the one they already have, or a new one.

    Each of them must accept direct messages from the actor (for an existing conversation, as for any
    message in it); otherwise NotAccepted names the first who does not."""
    if not actor.is_verified_email:
        raise Forbidden("Confirm your email address before sending direct messages")
    people = _people(actor, usernames)
    ids = [actor.id, *(user.id for user in people)]
    existing = find_conversation(ids)
    for user in people:
        why = refusal(actor, user, in_conversation=existing is not None)
        if why is not None:
            raise NotAccepted(why)
    if existing is not None:
        return existing
    ratelimit.check("start_conversation", str(actor.id), current_app.config["DIRECT_START_LIMIT"])
    room = Room(slug=f"dm-{secrets.token_hex(8)}", name=STORED_NAME, kind=DIRECT, created_by_id=actor.id)
    db.session.add(room)
    db.session.flush()
    db.session.add(DirectConversation(room_id=room.id, participants=_key(ids)))
    for user_id in ids:
        db.session.add(Membership(room_id=room.id, user_id=user_id, last_read_id=0))
    try:
        commit()
    except IntegrityError:  # the same people, started at the same moment elsewhere: use that one
        db.session.rollback()
        return find_conversation(ids)
    return room


@dataclass
class Listing:
    room: Room
    title: str
    last_activity: datetime
    unread: int
    muted: bool
    last: Message | None  # the newest message shown to everyone in it


def conversations_of(viewer: User) -> list[Listing]:
    """The member's conversations, newest activity first, with their unread counts. One started by
    someone else appears once it has a message."""
    last_at = (
        select(func.max(Message.created_at))
        .where(Message.room_id == Room.id, Message.deleted_at.is_(None))
        .scalar_subquery()
    )
    last_id = (
        select(func.max(Message.id))
        .where(Message.room_id == Room.id, Message.deleted_at.is_(None), Message.moderation.is_(None))
        .scalar_subquery()
    )
    query = (
        select(Room, Membership.notify_level, last_at, last_id)
        .join(Membership, Membership.room_id == Room.id)
        .where(Membership.user_id == viewer.id, Room.kind == DIRECT)
        .where(or_(last_at.is_not(None), Room.created_by_id == viewer.id))
        .order_by(func.coalesce(last_at, Room.created_at).desc(), Room.id.desc())
    )
    rows = db.session.execute(query).all()
    titles = titles_for(viewer, [room for room, *_ in rows])
    unread = unread_counts(viewer)
    newest_ids = [message_id for *_, message_id in rows if message_id is not None]
    newest = {m.id: m for m in db.session.scalars(select(Message).where(Message.id.in_(newest_ids)))}
    return [
        Listing(room, titles[room.id], at or room.created_at, unread.get(room.id, 0), level == MUTE, newest.get(last))
        for room, level, at, last in rows
    ]


def suggest_people(viewer: User, text: str) -> list[User]:
    """Members whose username or name starts with the text, and who accept messages from the viewer,
    as the directory would show them."""
    text = (text or "").strip().lstrip("@").casefold()
    if not text:
        return []
    pattern = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    query = (
        select(User)
        .where(User.id != viewer.id, User.erased_at.is_(None))
        .where(or_(User.username.like(pattern, escape="\\"), func.lower(User.display_name).like(pattern, escape="\\")))
        .order_by(User.display_name)
        .limit(MAX_SUGGESTIONS * 3)
    )
    found = []
    for user in db.session.scalars(query):
        if is_suspended(user) or not can_view_profile(viewer, user) or not is_listed(viewer, user):
            continue
        if refusal(viewer, user, in_conversation=find_conversation([viewer.id, user.id]) is not None) is None:
            found.append(user)
        if len(found) == MAX_SUGGESTIONS:
            break
    return found
