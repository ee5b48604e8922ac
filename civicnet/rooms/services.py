"""Room rules: creating, editing, archiving, membership and listings (how much of a room a member
hears, and what they have not read, is in civicnet.rooms.levels)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from civicnet import signals
from civicnet.accounts.models import User
from civicnet.accounts.permissions import is_signed_in
from civicnet.accounts.services import find_user_by_username, is_suspended
from civicnet.connections import authority_changed
from civicnet.db_types import utcnow
from civicnet.errors import Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.rooms.levels import notify_levels, unread_counts
from civicnet.rooms.models import DIRECT, PRIVATE, PUBLIC, ROOM_KINDS, Membership, Message, Room
from civicnet.rooms.notifications import notify_tag_followers
from civicnet.rooms.permissions import can_create_room, can_manage, can_read, is_member
from civicnet.tags.models import Tag
from civicnet.tags.names import tag_slug
from civicnet.tags.services import check_tag_names, get_or_create_tag
from civicnet.transactions import commit

MAX_NAME = 80
MAX_DESCRIPTION = 500


@dataclass
class RoomDetails:
    name: str
    description: str = ""
    kind: str = PUBLIC
    open_to_public: bool = False
    tags: str = ""


@dataclass
class RoomListing:
    room: Room
    members: int
    last_activity: datetime | None
    unread: int | None
    level: str | None = None  # the viewer's notification level, if a member


def get_readable_room(viewer, slug: str) -> Room:
    """The room at this slug if the viewer may read it; a private room is 'not found' to outsiders."""
    room = db.session.scalar(select(Room).where(Room.slug == slug))
    if room is None or not can_read(viewer, room):
        raise NotFound("There is no room at this address, or you are not a member of it")
    return room


def _check_details(details: RoomDetails) -> tuple[str, list[str]]:
    name = " ".join(details.name.split())
    if not name:
        raise Invalid("name", "Enter a room name")
    if len(name) > MAX_NAME:
        raise Invalid("name", f"Room name must be {MAX_NAME} characters or fewer")
    if not tag_slug(name):
        raise Invalid("name", "Room name must contain letters or numbers")
    if len(details.description) > MAX_DESCRIPTION:
        raise Invalid("description", f"Description must be {MAX_DESCRIPTION} characters or fewer")
    if details.kind not in ROOM_KINDS:
        raise Invalid("kind", "Choose whether the room is public or private")
    return name, check_tag_names("tags", details.tags)


def _tags(names: list[str]) -> list:
    """Tag objects in the order the relationship loads them (objects stay loaded after commit)."""
    return sorted((get_or_create_tag(name) for name in names), key=lambda tag: tag.name)


def unique_slug(name: str) -> str:
    base = tag_slug(name)[:50]
    slug, number = base, 2
    while db.session.scalar(select(Room.id).where(Room.slug == slug)) is not None:
        slug, number = f"{base}-{number}", number + 1
    return slug


def create_room(actor: User, details: RoomDetails) -> Room:
    """Create a room; its creator is its first member."""
    if not can_create_room(actor):
        raise Forbidden("Confirm your email address before creating a room")
    name, tags = _check_details(details)
    room = Room(
        slug=unique_slug(name),
        name=name,
        description=details.description.strip(),
        kind=details.kind,
        open_to_public=details.open_to_public and details.kind == PUBLIC,
        created_by_id=actor.id,
    )
    room.tags = _tags(tags)
    db.session.add(room)
    db.session.flush()
    db.session.add(Membership(room_id=room.id, user_id=actor.id))
    notify_tag_followers(room, actor)
    try:
        commit()
    except IntegrityError:
        db.session.rollback()
        raise Invalid("name", "A room with that name was just created. Choose another name") from None
    return room


def update_room(actor: User, room: Room, details: RoomDetails) -> Room:
    """Change a room's name, description, tags and public visibility (its kind stays as created)."""
    if not can_manage(actor, room):
        raise Forbidden("Only the room's creator and moderators can edit it")
    name, tags = _check_details(RoomDetails(**{**details.__dict__, "kind": room.kind}))
    room.name = name
    room.description = details.description.strip()
    room.open_to_public = details.open_to_public and room.kind == PUBLIC
    room.tags = _tags(tags)
    commit()
    return room


def set_archived(actor: User, room: Room, archived: bool) -> Room:
    """Archive a room (read-only) or bring it back."""
    if not can_manage(actor, room):
        raise Forbidden("Only the room's creator and moderators can archive it")
    room.archived_at = utcnow() if archived else None
    commit()
    return room


def join_room(actor: User, room: Room) -> Membership:
    """Become a member of a public room (private rooms are joined by invitation)."""
    if room.is_private and not is_member(actor, room):
        raise Forbidden("This room is private. Ask its creator to add you")
    if not can_read(actor, room):
        raise NotFound("There is no room at this address")
    membership = db.session.get(Membership, (room.id, actor.id))
    if membership is None:
        membership = Membership(room_id=room.id, user_id=actor.id, last_read_id=latest_message_id(room))
        db.session.add(membership)
        try:
            db.session.commit()
        except IntegrityError:  # joined twice at once: the other request did it
            db.session.rollback()
            membership = db.session.get(Membership, (room.id, actor.id))
        else:
            signals.membership_changed.send(room, user_id=actor.id, change="joined")
    return membership


def leave_room(actor: User, room: Room) -> None:
    """Stop being a member; leaving a private room means needing a new invitation."""
    if room.is_mentoring:
        raise Forbidden("A mentoring room keeps its two members: complete or cancel the mentoring instead")
    if room.is_direct:
        # As in Slack and Zulip: a conversation keeps its people. Muting or blocking quietens it.
        raise Forbidden("You cannot leave a direct conversation: mute it, or block someone, instead")
    membership = db.session.get(Membership, (room.id, actor.id))
    if membership is not None:
        db.session.delete(membership)
        authority_changed("left_room", user_id=actor.id)
        commit()
        signals.membership_changed.send(room, user_id=actor.id, change="left")


def add_member(actor: User, room: Room, username: str) -> User:
    """Invite a member into a private room."""
    if not can_manage(actor, room):
        raise Forbidden("Only the room's creator and moderators can add members")
    user = find_user_by_username(username)
    if user is None or is_suspended(user):
        raise Invalid("username", "There is no member with that username")
    if db.session.get(Membership, (room.id, user.id)) is not None:
        raise Invalid("username", f"{user.display_name} is already a member")
    db.session.add(Membership(room_id=room.id, user_id=user.id, last_read_id=0))
    db.session.commit()
    signals.membership_changed.send(room, user_id=user.id, change="added")
    return user


def remove_member(actor: User, room: Room, user: User) -> None:
    """Take a member out of a room."""
    if not can_manage(actor, room):
        raise Forbidden("Only the room's creator and moderators can remove members")
    membership = db.session.get(Membership, (room.id, user.id))
    if membership is None:
        raise NotFound("That person is not a member of this room")
    db.session.delete(membership)
    authority_changed("removed_from_room", user_id=user.id)
    commit()
    signals.membership_changed.send(room, user_id=user.id, change="removed")


def members(room: Room) -> list[User]:
    query = select(User).join(Membership, Membership.user_id == User.id).where(Membership.room_id == room.id)
    return list(db.session.scalars(query.order_by(User.display_name)))


def latest_message_id(room: Room) -> int:
    return db.session.scalar(select(func.max(Message.id)).where(Message.room_id == room.id)) or 0


def _last_activity():
    return select(func.max(Message.created_at)).where(Message.room_id == Room.id).scalar_subquery()


def list_rooms(viewer, tag_slug_filter: str = "", *, joined_only: bool = False) -> list[RoomListing]:
    """Rooms the viewer may read (or only those they joined), with member counts, last activity and
    their unread counts: the same few queries however many rooms there are. Direct conversations
    have a list of their own (civicnet.direct)."""
    member_count = select(func.count()).where(Membership.room_id == Room.id).scalar_subquery()
    last_activity = _last_activity()
    query = select(Room, member_count, last_activity).where(Room.kind != DIRECT)
    if is_signed_in(viewer):
        mine = select(Membership.room_id).where(Membership.user_id == viewer.id)
        query = query.where(Room.id.in_(mine) if joined_only else or_(Room.kind == PUBLIC, Room.id.in_(mine)))
    else:
        query = query.where(and_(Room.kind == PUBLIC, Room.open_to_public.is_(True)))
    if tag_slug_filter:
        query = query.where(Room.tags.any(slug=tag_slug(tag_slug_filter)))
    query = query.order_by(Room.archived_at.is_not(None), last_activity.desc().nulls_last(), Room.name)
    unread = unread_counts(viewer) if is_signed_in(viewer) else {}
    levels = notify_levels(viewer) if is_signed_in(viewer) else {}
    return [
        RoomListing(room, count, activity, unread.get(room.id) if is_signed_in(viewer) else None, levels.get(room.id))
        for room, count, activity in db.session.execute(query)
    ]


def rooms_on_tags(viewer: User, tag_ids: list[int], limit: int = 3) -> list[Room]:
    """Public rooms on any of these tags that the member has not joined, the most recently active
    first (archived ones left out): suggestions. Private rooms are never suggested."""
    if not tag_ids or not is_signed_in(viewer):
        return []
    mine = select(Membership.room_id).where(Membership.user_id == viewer.id)
    query = (
        select(Room)
        .where(Room.kind == PUBLIC, Room.archived_at.is_(None), Room.id.not_in(mine))
        .where(Room.tags.any(Tag.id.in_(tag_ids)))
        .options(selectinload(Room.tags))
        .order_by(_last_activity().desc().nulls_last(), Room.name)
        .limit(limit)
    )
    return list(db.session.scalars(query))


@signals.open_private_room.connect
def open_private_room(
    sender, *, name: str, description: str, slug_words: str, member_ids, created_by_id: int, mentoring=False, **_
) -> int:
    """A private room with exactly these members, in the caller's transaction (mentoring asks for one)."""
    room = Room(
        slug=unique_slug(slug_words),
        name=name,
        description=description,
        kind=PRIVATE,
        is_mentoring=mentoring,
        created_by_id=created_by_id,
    )
    db.session.add(room)
    db.session.flush()
    for user_id in member_ids:
        db.session.add(Membership(room_id=room.id, user_id=user_id, last_read_id=0))
    return room.id


@signals.last_posted_at.connect
def last_posted_at(user_id: int, **_):
    """When a member last posted in any room (mentoring suggests active mentors first)."""
    return db.session.scalar(select(func.max(Message.created_at)).where(Message.author_id == user_id))
