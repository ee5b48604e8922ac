"""Who may read, post in and manage a room."""

from civicnet.accounts.permissions import is_moderator, is_signed_in
from civicnet.extensions import db
from civicnet.rooms.models import Membership, Room


def is_member(user, room: Room) -> bool:
    if not is_signed_in(user):
        return False
    # By primary key, so a second check in the same request comes from the identity map, not the database.
    return db.session.get(Membership, (room.id, user.id)) is not None


def can_read(user, room: Room) -> bool:
    """Private rooms: members only. Public rooms: signed-in members, and visitors if open to the public."""
    if room.is_private:
        return is_member(user, room)
    return is_signed_in(user) or room.open_to_public


def can_post(user, room: Room) -> bool:
    """Members with a confirmed email address may post in rooms they can read, unless archived."""
    return is_signed_in(user) and user.is_verified_email and not room.is_archived and can_read(user, room)


def can_manage(user, room: Room) -> bool:
    """The room's creator and moderators edit, archive and manage private membership (not a mentoring
    room's: its mentor and mentee are fixed, and it is archived when the mentoring ends; nor a direct
    conversation's: its participants are the conversation)."""
    if room.is_mentoring or room.is_direct:
        return False
    return is_signed_in(user) and (room.created_by_id == user.id or is_moderator(user))


def can_create_room(user) -> bool:
    return is_signed_in(user) and user.is_verified_email
