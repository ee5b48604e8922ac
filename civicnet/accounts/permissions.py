"""Who may do what, as small predicates every capability shares."""

from civicnet.accounts.models import ADMIN, MODERATOR


def is_signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_moderator(user) -> bool:
    """Moderators and admins both moderate."""
    return is_signed_in(user) and user.role in (MODERATOR, ADMIN)


def is_admin(user) -> bool:
    return is_signed_in(user) and user.role == ADMIN
