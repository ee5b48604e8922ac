"""What the index holds for each person, room and message, read from the database.

Only what someone may find is indexed: deleted, hidden and held messages are removed. Who may find
the rest is stored as `access` and checked in every query (see civicnet.search.services)."""

from collections.abc import Iterator
from datetime import UTC, datetime

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from civicnet.accounts.models import User
from civicnet.extensions import db
from civicnet.profiles.models import PUBLIC as PUBLIC_PROFILE
from civicnet.register.models import Entry, EntryTag
from civicnet.rooms.models import Message, Room, RoomTag
from civicnet.search.models import MESSAGE, PERSON, ROOM, TECHNOLOGY
from civicnet.tags.models import UserTag

OPEN, MEMBERS, PRIVATE = "open", "members", "private"
# Whoosh dates must be naive; an indefinite suspension is stored as the far future.
FOREVER = datetime(9999, 12, 31)


def key(kind: str, object_id: int) -> str:
    return f"{kind}:{object_id}"


def plain_text(html: str) -> str:
    """The words of stored, already-sanitised HTML, as a reader sees them."""
    return Markup(html or "").striptags()


def _naive(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def room_access(room: Room) -> str:
    if room.is_private:
        return PRIVATE
    return OPEN if room.open_to_public else MEMBERS


def profile_parts(profile) -> list[str]:
    """A profile's organisation, job title and bio as text: indexed, and shown as a person's snippet."""
    parts = [profile.organisation or "", profile.job_title or "", plain_text(profile.bio_html)]
    return [part for part in parts if part]


def person_document(user: User, tags: list) -> dict:
    profile = user.profile
    suspended_until = None
    if user.suspended_at is not None:
        suspended_until = _naive(user.suspended_until) or FOREVER
    # The region is a word people search for ("Wales"), as well as a facet.
    parts = [*profile_parts(profile), profile.region or ""]
    return {
        "key": key(PERSON, user.id),
        "type": PERSON,
        "title": f"{user.display_name} {user.username}",
        "tagtext": ", ".join(tag.name for tag in tags),
        "text": "\n".join(part for part in parts if part),
        "tags": ",".join(sorted({tag.slug for tag in tags})),
        "access": OPEN if profile.visibility == PUBLIC_PROFILE else MEMBERS,
        "role": user.role,
        "region": profile.region or "",
        "verified_until": _naive(user.verified_until),
        "suspended_until": suspended_until,
        "created": _naive(user.created_at),
        "name": user.display_name.casefold(),
    }


def room_document(room: Room) -> dict:
    return {
        "key": key(ROOM, room.id),
        "type": ROOM,
        "title": room.name,
        "tagtext": ", ".join(tag.name for tag in room.tags),
        "text": room.description or "",
        "tags": ",".join(tag.slug for tag in room.tags),
        "access": room_access(room),
        "room": str(room.id),
        "created": _naive(room.created_at),
        "name": room.name.casefold(),
    }


def is_findable(message: Message) -> bool:
    return message.deleted_at is None and message.moderation is None


def message_document(message: Message, room: Room) -> dict:
    return {
        "key": key(MESSAGE, message.id),
        "type": MESSAGE,
        "text": plain_text(message.body_html),
        "access": room_access(room),
        "room": str(room.id),
        "author": str(message.author_id),
        "created": _naive(message.created_at),
    }


def technology_document(entry: Entry) -> dict:
    """A register entry: published ones for everyone, drafts for signed-in members (who review them)."""
    return {
        "key": key(TECHNOLOGY, entry.id),
        "type": TECHNOLOGY,
        "title": f"{entry.name} {entry.supplier}".strip(),
        "tagtext": ", ".join(tag.name for tag in entry.tags),
        "text": "\n".join(part for part in (entry.summary, entry.reasoning, entry.dissent) if part),
        "tags": ",".join(tag.slug for tag in entry.tags),
        "access": OPEN if entry.is_published else MEMBERS,
        "verdict": entry.verdict,
        "tkind": entry.kind,
        "created": _naive(entry.created_at),
        "name": entry.name.casefold(),
    }


def _tags_by_user(user_ids: list[int]) -> dict[int, list]:
    rows = db.session.scalars(select(UserTag).where(UserTag.user_id.in_(user_ids)).order_by(UserTag.position))
    found: dict[int, list] = {user_id: [] for user_id in user_ids}
    for row in rows:
        if row.tag is not None and row.tag not in found[row.user_id]:
            found[row.user_id].append(row.tag)
    return found


def people(user_ids: list[int]) -> dict[int, dict]:
    users = db.session.scalars(select(User).where(User.id.in_(user_ids)).options(selectinload(User.profile)))
    tags = _tags_by_user(user_ids)
    return {user.id: person_document(user, tags[user.id]) for user in users if user.profile is not None}


def rooms(room_ids: list[int]) -> dict[int, dict]:
    found = db.session.scalars(select(Room).where(Room.id.in_(room_ids)).options(selectinload(Room.tags)))
    # A direct conversation is no room to find (its name is its people's); its messages are indexed.
    return {room.id: room_document(room) for room in found if not room.is_direct}


def messages(message_ids: list[int]) -> dict[int, dict]:
    found = db.session.scalars(select(Message).where(Message.id.in_(message_ids)).options(selectinload(Message.room)))
    # A room deleted between the two reads (its messages go with it) leaves no room: nothing to index.
    return {
        message.id: message_document(message, message.room)
        for message in found
        if message.room is not None and is_findable(message)
    }


def technologies(entry_ids: list[int]) -> dict[int, dict]:
    found = db.session.scalars(select(Entry).where(Entry.id.in_(entry_ids)).options(selectinload(Entry.tags)))
    return {entry.id: technology_document(entry) for entry in found}


def holders_of_tag(tag_id: int) -> tuple[list[int], list[int], list[int]]:
    """The members, rooms and register entries whose documents show a tag."""
    user_ids = db.session.scalars(select(UserTag.user_id).where(UserTag.tag_id == tag_id).distinct())
    room_ids = db.session.scalars(select(RoomTag.room_id).where(RoomTag.tag_id == tag_id))
    entry_ids = db.session.scalars(select(EntryTag.entry_id).where(EntryTag.tag_id == tag_id))
    return list(user_ids), list(room_ids), list(entry_ids)


def message_ids_in_room(room_id: int) -> list[int]:
    return list(db.session.scalars(select(Message.id).where(Message.room_id == room_id)))


def everything(chunk: int = 2000) -> Iterator[dict]:
    """Every document, for a rebuild, read in chunks so memory stays flat."""
    for model, build in ((User, people), (Room, rooms), (Message, messages), (Entry, technologies)):
        last = 0
        while True:
            ids = list(db.session.scalars(select(model.id).where(model.id > last).order_by(model.id).limit(chunk)))
            if not ids:
                break
            yield from build(ids).values()
            last = ids[-1]
            db.session.expunge_all()
