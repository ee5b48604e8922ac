"""How a member appears in what civicnet sends to clients."""

from civicnet.accounts.models import User
from civicnet.accounts.photos import SMALL, initials, photo_url


def author_payload(user: User) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        # A public servant whose work address was confirmed and attested by a moderator (civicnet.verification).
        "verified": user.is_verified_public_servant,
        "organisation": user.verified_organisation if user.is_verified_public_servant else None,
        # The photo at 96 pixels (None without one), or the initials to draw instead. Live pages are for
        # signed-in members, who may see every profile but a suspended member's (photo_url hides those).
        "avatar_url": photo_url(user, SMALL),
        "initials": initials(user),
    }
