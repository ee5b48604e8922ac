"""What a room is called for the person looking at it: its name, or, for a direct conversation, the
names of the other people in it ("Ada Lovelace, Grace Hopper"), as they are now."""

from sqlalchemy import select

from civicnet.accounts.models import User
from civicnet.accounts.permissions import is_signed_in
from civicnet.extensions import db
from civicnet.rooms.models import Membership, Room

# What a conversation is called once everyone else in it has left civicnet (erasure ends memberships).
NOBODY_ELSE = "Former member"


def titles_for(viewer, rooms) -> dict[int, str]:
    """Each room's title for this viewer, with one query for all the direct conversations among them."""
    direct = [room.id for room in rooms if room.is_direct]
    names: dict[int, list[tuple[int, str]]] = {room_id: [] for room_id in direct}
    if direct:
        query = (
            select(Membership.room_id, User.id, User.display_name)
            .join(User, User.id == Membership.user_id)
            .where(Membership.room_id.in_(direct))
        )
        for room_id, user_id, name in db.session.execute(query):
            names[room_id].append((user_id, name))
    viewer_id = viewer.id if is_signed_in(viewer) else None
    titles = {}
    for room in rooms:
        if not room.is_direct:
            titles[room.id] = room.name
            continue
        # A participant sees the others; anyone else (a moderator reading a report) sees everyone.
        others = [name for user_id, name in names[room.id] if user_id != viewer_id]
        titles[room.id] = ", ".join(sorted(others, key=str.casefold)) or NOBODY_ELSE
    return titles


def title_for(viewer, room: Room) -> str:
    return titles_for(viewer, [room])[room.id]
