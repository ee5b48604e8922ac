"""A member's photo as pages and payloads show it: its address at either size, or, without one, their
initials (drawn in the brand colour by the `avatar` macro)."""

from civicnet.accounts.models import User
from civicnet.accounts.services import is_suspended
from civicnet.urls import path_for

SMALL, LARGE = "small", "large"  # 96 and 256 pixels square (civicnet.profiles.photos makes them)


def photo_key(user: User, size: str = SMALL) -> str | None:
    """The stored file of the member's photo at this size (civicnet.storage), if they have one."""
    return user.photo_key if size == LARGE else user.photo_small_key


def photo_url(user: User, size: str = SMALL) -> str | None:
    """Where the member's photo is served, or None: they have none, or are suspended (their profile is
    hidden then, and so is its photo). Whether a viewer may see the profile is the route's to check."""
    key = photo_key(user, size)
    if key is None or is_suspended(user):
        return None
    return path_for("profiles.photo", username=user.username, name=key.rsplit("/", 1)[-1])


def initials(user: User) -> str:
    """Up to two letters from the display name: the first word's and the last word's ("Ada King
    Lovelace": "AL"); the username's first letter if the name has no letters or digits."""
    words = ["".join(c for c in word if c.isalnum()) for word in user.display_name.split()]
    words = [word for word in words if word]
    chosen = words[:1] + words[1:][-1:]
    return "".join(word[0] for word in chosen).upper() or user.username[:1].upper()
