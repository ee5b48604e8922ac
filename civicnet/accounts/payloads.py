"""How a member appears in what civicnet sends to clients."""

from civicnet.accounts.models import User


def author_payload(user: User) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        # A public servant whose work address was confirmed and attested by a moderator (civicnet.verification).
        "verified": user.is_verified_public_servant,
        "organisation": user.verified_organisation if user.is_verified_public_servant else None,
    }
