"""Who may message whom directly: each member's setting, blocks, and the check on every message.

The setting is checked when a conversation starts and again for every message sent in it. For a
message in an existing conversation the conversation itself counts as a room the two share (Zulip's
rule: whoever could start a conversation can go on replying in it), so "Members I share a room with"
does not cut off a conversation when someone leaves a room; "Nobody" and a block do stop new
messages in existing conversations, for everyone else in them. Moderators follow the same rules: they
reach members through moderation's own notices, not through direct messages."""

from sqlalchemy import select
from sqlalchemy.orm import aliased

from civicnet import signals
from civicnet.accounts.blocks import has_blocked
from civicnet.accounts.models import User
from civicnet.accounts.permissions import is_signed_in
from civicnet.direct.models import ALLOW_FROM, DEFAULT_ALLOW_FROM, NOBODY, SHARED_ROOM, MessagingSetting
from civicnet.errors import Forbidden, Invalid
from civicnet.extensions import db
from civicnet.rooms.models import DIRECT, Membership, Room
from civicnet.transactions import commit


class NotAccepted(Forbidden):
    """A member does not take direct messages from the sender (a block is not told apart)."""

    code = "not_accepted"
    field = "to"  # on the form that starts a conversation


def allow_from(user_id: int) -> str:
    setting = db.session.get(MessagingSetting, user_id)
    return setting.allow_from if setting is not None else DEFAULT_ALLOW_FROM


def set_allow_from(actor: User, choice: str) -> None:
    """Choose who may message the member directly."""
    if choice not in ALLOW_FROM:
        raise Invalid("allow_from", "Choose who can send you direct messages")
    setting = db.session.get(MessagingSetting, actor.id)
    if setting is None:
        db.session.add(MessagingSetting(user_id=actor.id, allow_from=choice))
    else:
        setting.allow_from = choice
    commit()


def shares_room(first_id: int, second_id: int) -> bool:
    """Whether two members are both in some room other than a direct conversation."""
    mine, theirs = aliased(Membership), aliased(Membership)
    query = (
        select(mine.room_id)
        .join(theirs, theirs.room_id == mine.room_id)
        .join(Room, Room.id == mine.room_id)
        .where(mine.user_id == first_id, theirs.user_id == second_id, Room.kind != DIRECT)
        .limit(1)
    )
    return db.session.scalar(query) is not None


def refusal(sender: User, recipient: User, *, in_conversation: bool = False) -> str | None:
    """Why the sender may not message the recipient directly, in words for the sender; None if they may.

    in_conversation: the two are already in a conversation, which counts as a room they share."""
    if has_blocked(sender.id, recipient.id):
        return f"You blocked {recipient.display_name}. Unblock them to send them a message"
    # The same words for a block as for the setting: a block is never announced.
    not_accepted = f"{recipient.display_name} does not accept direct messages from you"
    if has_blocked(recipient.id, sender.id):
        return not_accepted
    choice = allow_from(recipient.id)
    if choice == NOBODY:
        return not_accepted
    if choice == SHARED_ROOM and not in_conversation and not shares_room(sender.id, recipient.id):
        return not_accepted
    return None


def others_in(room: Room, user_id: int | None) -> list[User]:
    """The people in a direct conversation other than this member, by name."""
    query = select(User).join(Membership, Membership.user_id == User.id).where(Membership.room_id == room.id)
    return [user for user in db.session.scalars(query.order_by(User.display_name)) if user.id != user_id]


def conversation_refusal(sender, room: Room) -> str | None:
    """Why the sender may not write in this direct conversation now, or None (None too for a room that
    is not a direct conversation, or someone not signed in)."""
    if not room.is_direct or not is_signed_in(sender):
        return None
    for other in others_in(room, sender.id):
        why = refusal(sender, other, in_conversation=True)
        if why is not None:
            return why
    return None


@signals.write_refusal.connect
def write_refusal(actor: User, room: Room = None, **_) -> str | None:
    """Why the member cannot write in this direct conversation now (its page says so instead of the box;
    reactions and typing are refused with it too)."""
    return conversation_refusal(actor, room) if room is not None and room.is_direct else None


@signals.posting_check.connect
def check_may_write(actor: User, room: Room = None, **_) -> None:
    """Every message in a direct conversation (posted or edited, by any path) follows the rules above."""
    if room is not None and room.is_direct and (why := conversation_refusal(actor, room)) is not None:
        raise NotAccepted(why)
