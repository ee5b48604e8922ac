"""Who may do what, as small predicates every capability shares."""

from civicnet.accounts.models import ADMIN, MODERATOR, User
from civicnet.errors import Forbidden


def is_signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_moderator(user) -> bool:
    """Moderators and admins both moderate."""
    return is_signed_in(user) and user.role in (MODERATOR, ADMIN)


def is_admin(user) -> bool:
    return is_signed_in(user) and user.role == ADMIN


def check_moderator(actor) -> None:
    if not is_moderator(actor):
        raise Forbidden("Only moderators and admins can do that")


def check_admin(actor) -> None:
    """For pages only administrators may open. The usual 403 advice ("contact a moderator") would send a
    moderator in a circle, so this one names who can help."""
    if not is_admin(actor):
        raise Forbidden(
            "This page is for administrators.",
            advice="If you need something from it, ask one of civicnet's administrators.",
        )


def check_may_act_on(actor, subject: User | None) -> None:
    """Moderators act on members; nobody acts on themselves, and only admins act on admins."""
    check_moderator(actor)
    if subject is None:
        return
    if subject.id == actor.id:
        raise Forbidden("You cannot moderate yourself or your own content: ask another moderator")
    if subject.role == ADMIN and actor.role != ADMIN:
        raise Forbidden("Moderators cannot act on admins")
