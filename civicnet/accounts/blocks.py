"""Blocking: a member stops another from messaging them directly and from notifying them.

A block is between two people, so it lives with the accounts: direct messages refuse the blocked
member's messages, and rooms leave out the notifications their messages would give the blocker.
A block is never announced to the blocked member; what they are told when they try to write is the
same as for someone who takes no messages from them at all."""

from datetime import datetime

from sqlalchemy import ForeignKey, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from civicnet.accounts.models import User
from civicnet.db_types import UTCDateTime, utcnow
from civicnet.errors import Invalid
from civicnet.extensions import db
from civicnet.transactions import commit


class Block(db.Model):
    __tablename__ = "blocks"

    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # Indexed: "who blocked this sender?" is asked for each message that would notify someone.
    blocked_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def has_blocked(blocker_id: int, blocked_id: int) -> bool:
    """Whether one member blocked the other (by primary key: a repeat in a request is free)."""
    return db.session.get(Block, (blocker_id, blocked_id)) is not None


def blockers_among(sender_id: int, user_ids) -> set[int]:
    """Which of these members blocked the sender (one query, for a message's recipients)."""
    user_ids = set(user_ids)
    if not user_ids:
        return set()
    query = select(Block.blocker_id).where(Block.blocked_id == sender_id, Block.blocker_id.in_(user_ids))
    return set(db.session.scalars(query))


def blocked_by(user: User) -> list[tuple[User, datetime]]:
    """The members this member blocked, with when, by name."""
    query = (
        select(User, Block.created_at)
        .join(Block, Block.blocked_id == User.id)
        .where(Block.blocker_id == user.id)
        .order_by(User.display_name)
    )
    return [(blocked, at) for blocked, at in db.session.execute(query)]


def block(actor: User, user: User) -> None:
    """Block a member (again: nothing changes). They are not told."""
    if actor.id == user.id:
        raise Invalid("username", "You cannot block yourself")
    if not has_blocked(actor.id, user.id):
        db.session.add(Block(blocker_id=actor.id, blocked_id=user.id))
        try:
            commit()
        except IntegrityError:  # the same block from another tab at the same moment: already done
            db.session.rollback()


def unblock(actor: User, user: User) -> None:
    """Lift a block (one that does not exist: nothing changes)."""
    found = db.session.get(Block, (actor.id, user.id))
    if found is not None:
        db.session.delete(found)
        commit()
