"""@username mentions: found in a message's Markdown and turned into profile links, and the people the
compose box suggests after "@"."""

import re

from sqlalchemy import case, func, or_, select

from civicnet.accounts.models import User
from civicnet.accounts.permissions import is_signed_in
from civicnet.db_types import utcnow
from civicnet.errors import Invalid, NotFound
from civicnet.extensions import db
from civicnet.rooms.models import Membership, Room
from civicnet.rooms.permissions import can_read

MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z0-9][A-Za-z0-9_-]{2,29})\b")
# Fenced blocks and inline code spans: mentions inside them are code, not people.
CODE = re.compile(r"(^```.*?^```|^~~~.*?^~~~|(`+).+?\2)", re.DOTALL | re.MULTILINE)


def _outside_code(body: str):
    """Yield (text, is_code) pieces of a message."""
    position = 0
    for match in CODE.finditer(body):
        yield body[position : match.start()], False
        yield match.group(0), True
        position = match.end()
    yield body[position:], False


def mentioned_usernames(body: str) -> set[str]:
    return {name.lower() for text, is_code in _outside_code(body) if not is_code for name in MENTION.findall(text)}


def link_mentions(body: str, usernames: set[str]) -> str:
    """Rewrite mentions of real members as Markdown links to their profiles (usernames are URL-safe)."""

    def replace(match: re.Match) -> str:
        name = match.group(1).lower()
        return f"[@{name}](/people/{name})" if name in usernames else match.group(0)

    return "".join(text if is_code else MENTION.sub(replace, text) for text, is_code in _outside_code(body))


# --- Who the compose box suggests after "@" --------------------------------------------------

MAX_SUGGESTIONS = 8
PREFIX = re.compile(r"[A-Za-z0-9_-]{1,30}")


def _like(prefix: str) -> str:
    """A LIKE pattern for text starting with prefix ("_" is a wildcard there; nothing else in PREFIX is)."""
    return prefix.lower().replace("_", "\\_") + "%"


def _people(viewer: User, prefix: str, limit: int):
    """SQL: people other than the viewer, neither suspended nor erased, whose username or a word of whose
    display name starts with prefix (case-insensitively); usernames that match first, then by name."""
    name = func.lower(User.display_name)
    username_matches = User.username.like(_like(prefix), escape="\\")
    matches = or_(username_matches, name.like(_like(prefix), escape="\\"), name.like("% " + _like(prefix), escape="\\"))
    return (
        select(User)
        .where(matches, User.id != viewer.id, User.erased_at.is_(None))
        .where(or_(User.suspended_at.is_(None), User.suspended_until <= utcnow()))  # as accounts.is_suspended
        .order_by(case((username_matches, 0), else_=1), name, User.username)
        .limit(limit)
    )


def suggest_mentions(viewer: User, room: Room, prefix) -> list[User]:
    """Up to 8 people the viewer might mention in this room, whose username or a word of whose name
    starts with prefix: the room's members first; in a public room, then other members who can read it,
    as long as they are in the people directory and take mentions from anyone (a suggestion must not
    find someone the directory hides, nor offer a mention that would not reach them)."""
    if not is_signed_in(viewer) or not can_read(viewer, room):
        raise NotFound("There is no room at this address, or you are not a member of it")
    if not isinstance(prefix, str) or not PREFIX.fullmatch(prefix):
        raise Invalid("q", "q must be 1 to 30 letters, digits, hyphens or underscores (the start of a username)")
    members = select(Membership.user_id).where(Membership.room_id == room.id)
    found = list(db.session.scalars(_people(viewer, prefix, MAX_SUGGESTIONS).where(User.id.in_(members))))
    if not room.is_private and len(found) < MAX_SUGGESTIONS:
        others = _people(viewer, prefix, MAX_SUGGESTIONS - len(found)).where(
            User.id.not_in(members), User.profile.has(listed=True, mentions_from="everyone")
        )
        found += db.session.scalars(others)
    return found
