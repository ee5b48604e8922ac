"""Plain builders for test data; each commits and returns the object."""

import itertools

from civicnet.accounts import services as accounts
from civicnet.accounts.models import User
from civicnet.profiles import services as profiles

DEFAULT_PASSWORD = "a long test passphrase"
_numbers = itertools.count(1)


def make_user(*, username: str | None = None, role: str = "citizen", verified: bool = True, **profile) -> User:
    """A member with a confirmed email (unless verified=False) and optional profile fields."""
    number = next(_numbers)
    username = username or f"member{number}"
    user = accounts.register_user(
        username=username,
        email=profile.pop("email", f"{username}@example.org"),
        display_name=profile.pop("display_name", f"Member {number}"),
        password=profile.pop("password", DEFAULT_PASSWORD),
        role=role,
        verified=verified,
    )
    if profile:
        changes = profiles.ProfileChanges(display_name=user.display_name, **profile)
        profiles.update_profile(user, user, changes)
    return user


def make_moderator(**kwargs) -> User:
    return make_user(role="moderator", **kwargs)


def make_room(creator: User, name: str = "Data and the council", kind: str = "public", members=(), **details):
    """A room created by `creator`, with extra members added."""
    from civicnet.rooms import services as rooms

    room = rooms.create_room(creator, rooms.RoomDetails(name=name, kind=kind, **details))
    for member in members:
        rooms.add_member(creator, room, member.username) if kind == "private" else rooms.join_room(member, room)
    return room


def make_verified(organisation: str = "Camden Council", **kwargs) -> User:
    """A public servant whose verification a moderator approved (as civicnet.verification leaves it)."""
    from datetime import timedelta

    from civicnet.db_types import utcnow
    from civicnet.extensions import db

    user = make_user(role="public_servant", **kwargs)
    user.verified_until, user.verified_organisation = utcnow() + timedelta(days=365), organisation
    user.profile.organisation = organisation
    db.session.commit()
    return user
