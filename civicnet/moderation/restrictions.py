"""What stops a member posting: a mute, and the tighter limits on new members."""

import re
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select

from civicnet import ratelimit, signals
from civicnet.accounts.models import ADMIN, MODERATOR, PUBLIC_SERVANT, User
from civicnet.db_types import utcnow
from civicnet.errors import Forbidden, Invalid
from civicnet.extensions import db
from civicnet.memo import recall, remember, remembered
from civicnet.moderation.models import Mute
from civicnet.rooms.models import Message, Room
from civicnet.templating import format_date

EXEMPT_ROLES = (PUBLIC_SERVANT, MODERATOR, ADMIN)
# Links civicnet renders to other sites (mentions are links to /people/..., which do not count).
OUTSIDE_LINK = re.compile(r'<a href="(?!/)')


class Muted(Forbidden):
    code = "muted"


def active_mutes(user: User, room: Room | None = None) -> list[Mute]:
    """Mutes in force for this member: everywhere, plus in `room` if one is given (all rooms if None)."""
    now = utcnow()
    query = select(Mute).where(
        Mute.user_id == user.id, Mute.lifted_at.is_(None), or_(Mute.until.is_(None), Mute.until > now)
    )
    if room is not None:
        query = query.where(or_(Mute.room_id.is_(None), Mute.room_id == room.id))
    return list(db.session.scalars(query.order_by(Mute.id)))


def mute_message(mute: Mute) -> str:
    where = f"in {mute.room.name}" if mute.room_id else "everywhere on civicnet"
    until = f"until {format_date(mute.until, 'datetime')}" if mute.until else "until a moderator lifts it"
    return f"You are muted {where} {until}, so you cannot post. Your notifications say why and how to appeal"


def is_new_member(user: User) -> bool:
    if user.role in EXEMPT_ROLES:
        return False
    config = current_app.config
    if utcnow() - user.created_at < timedelta(hours=config["NEW_MEMBER_HOURS"]):
        return True
    posted = db.session.scalars(
        select(Message.id).where(Message.author_id == user.id).limit(config["NEW_MEMBER_MESSAGES"])
    ).all()
    return len(posted) < config["NEW_MEMBER_MESSAGES"]


def _mutes_of(user_id: int) -> list[tuple[int, int | None, object]]:
    """(mute id, room id, until) of the member's unlifted mutes, kept until a change to the member
    (every post asks; mutes are rare, and one ends by the clock, which is checked on each use)."""

    def load():
        query = select(Mute.id, Mute.room_id, Mute.until).where(Mute.user_id == user_id, Mute.lifted_at.is_(None))
        return [tuple(row) for row in db.session.execute(query.order_by(Mute.id))]

    return remembered(("mutes", user_id), load, depends_on=(("user", user_id),))


def _is_new(user: User) -> bool:
    """is_new_member, remembering only "established": a member never becomes new again."""
    if recall(("established", user.id)):
        return False
    if is_new_member(user):
        return True
    remember(("established", user.id), True)
    return False


@signals.posting_check.connect
def check_may_post(user: User, room: Room, **_) -> None:
    """Refuse a muted member, with the end of the mute; count a new member's harder rate limit."""
    now = utcnow()
    for mute_id, room_id, until in _mutes_of(user.id):
        if (room_id is None or room_id == room.id) and (until is None or until > now):
            raise Muted(mute_message(db.session.get(Mute, mute_id)))
    if _is_new(user):
        ratelimit.check("new_member_post", str(user.id), current_app.config["NEW_MEMBER_SEND_LIMIT"])


@signals.links_check.connect
def check_links(user: User, html: str, **_) -> None:
    most = current_app.config["NEW_MEMBER_MAX_LINKS"]
    if len(OUTSIDE_LINK.findall(html)) > most and _is_new(user):
        raise Invalid(
            "body",
            f"New members can include at most {most} link{'s' if most != 1 else ''} in a message. "
            "Remove a link and send again",
        )


@signals.mute_notice.connect
def mute_notice(user: User, room: Room, **_) -> str | None:
    """Why this member may not post in this room now, if a mute says so."""
    mutes = active_mutes(user, room)
    return mute_message(mutes[0]) if mutes else None
