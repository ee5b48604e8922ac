"""How much of each room a member hears (follow, normal or mute, kept on their membership), and how
many messages in each they have not read."""

from sqlalchemy import and_, func, select

from civicnet.accounts.models import User
from civicnet.accounts.permissions import is_signed_in
from civicnet.errors import Forbidden, Invalid
from civicnet.extensions import db
from civicnet.rooms.models import Membership, Message, Room
from civicnet.rooms.notifications import LEVELS, MUTE
from civicnet.transactions import commit


def notify_levels(user: User) -> dict[int, str]:
    query = select(Membership.room_id, Membership.notify_level).where(Membership.user_id == user.id)
    return dict(db.session.execute(query).all())


def notify_level(user, room: Room) -> str | None:
    """The member's level for this room, or None if they are not a member."""
    if not is_signed_in(user):
        return None
    membership = db.session.get(Membership, (room.id, user.id))
    return membership.notify_level if membership is not None else None


def set_notify_level(actor: User, room: Room, level: str) -> Membership:
    """Follow, normal or mute: how much of a room the member hears about."""
    if level not in LEVELS:
        raise Invalid("level", "Choose follow, normal or mute")
    membership = db.session.get(Membership, (room.id, actor.id))
    if membership is None:
        raise Forbidden("Join the room first")
    membership.notify_level = level
    commit()
    return membership


def unread_counts(user: User) -> dict[int, int]:
    """For each room the member belongs to and has not muted: messages by others, newer than what they
    last read (a muted room counts nothing)."""
    query = (
        select(Membership.room_id, func.count(Message.id))
        .join(
            Message,
            and_(
                Message.room_id == Membership.room_id,
                Message.id > Membership.last_read_id,
                Message.author_id != user.id,
                Message.deleted_at.is_(None),
            ),
        )
        .where(Membership.user_id == user.id, Membership.notify_level != MUTE)
        .group_by(Membership.room_id)
    )
    return dict(db.session.execute(query).all())
