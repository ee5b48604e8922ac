"""A member's direct messages in their export: who may message them, whom they blocked, and the
conversations they are in with the people in them. The messages they wrote there are in the rooms
section's messages, as for any private room; other people's are not (as for private rooms)."""

from sqlalchemy import select

from civicnet.accounts.blocks import blocked_by
from civicnet.direct.models import ALLOW_FROM
from civicnet.direct.rules import allow_from, others_in
from civicnet.extensions import db
from civicnet.personal_data import Table, register
from civicnet.rooms.models import DIRECT, Membership, Room


@register("direct_messages", "Direct messages", order=35)
def direct_messages(user) -> list[Table]:
    rooms = db.session.scalars(
        select(Room).join(Membership).where(Membership.user_id == user.id, Room.kind == DIRECT).order_by(Room.id)
    ).all()
    choice = allow_from(user.id)
    return [
        Table(
            "direct_message_setting",
            "Who may send you direct messages.",
            {"allow_from": "everyone, rooms (members you share a room with) or nobody", "means": "In words"},
            [{"allow_from": choice, "means": ALLOW_FROM[choice]}],
        ),
        Table(
            "blocked_members",
            "The members you blocked: they cannot message you, and you are not notified about them.",
            {"username": "Their username", "blocked_at": "When you blocked them"},
            [{"username": blocked.username, "blocked_at": at} for blocked, at in blocked_by(user)],
        ),
        Table(
            "direct_conversations",
            "The direct conversations you are in (your messages in them are in rooms/messages).",
            {"room": "The conversation's address", "with": "The other people in it (usernames)"},
            [
                {"room": room.slug, "with": ", ".join(other.username for other in others_in(room, user.id))}
                for room in rooms
            ],
        ),
    ]
