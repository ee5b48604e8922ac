"""Leaving civicnet: a member deletes their account after re-entering their password, choosing what
happens to their messages. For 14 days it is suspended (signed out everywhere, sockets closed, profile
hidden, out of search) and they may sign in to cancel; then a job erases it.

Erasing tells every capability through `member_erased` (each removes what it holds: profile, tags,
mentoring offer, verification details, notifications, messages if the member chose so), then removes
the account's own data here: tokens, sessions, exports, the email address and the name. The row
stays, under a pseudonymous username, so that the audit and access logs keep only an id and the
conversations the member took part in stay readable under the rule they chose."""

import secrets
from datetime import timedelta

from huey import crontab
from sqlalchemy import delete, select

from civicnet import audit, signals
from civicnet.accounts.access_tokens import ApiToken
from civicnet.accounts.models import User, UserSession
from civicnet.accounts.passwords import verify_password
from civicnet.accounts.services import apply_suspension, end_suspension
from civicnet.datarights.exports import discard
from civicnet.datarights.models import DataExport
from civicnet.db_types import utcnow
from civicnet.emails import send_email
from civicnet.errors import Conflict, Invalid
from civicnet.extensions import db
from civicnet.jobs import periodic
from civicnet.transactions import commit

GRACE = timedelta(days=14)
KEEP, REMOVE = "keep", "remove"
LEAVING_NOTE = "Leaving civicnet: the member asked for their account to be deleted"


def start_leaving(user: User, password: str, messages: str) -> User:
    """Suspend the account now and erase it after GRACE, unless the member cancels."""
    if not verify_password(user.password_hash, password or ""):
        raise Invalid("password", "Your password is not right")
    if messages not in (KEEP, REMOVE):
        raise Invalid("messages", "Choose what happens to your messages")
    if user.erase_at is not None:
        raise Conflict("Your account is already being deleted")
    user.erase_at, user.messages_on_leaving = utcnow() + GRACE, messages
    user.session_version += 1  # every sign-in ends
    apply_suspension(user, LEAVING_NOTE, user.erase_at)
    audit.record(user, "leaving", subject=user, note=f"messages: {messages}")
    commit()
    send_email(user.email, "Your account will be deleted", "datarights/email/leaving", user=user)
    return user


def cancel_leaving(user: User) -> User:
    """The member signed in during the grace period and keeps their account."""
    if user.erase_at is None or user.erased_at is not None:
        raise Conflict("This account is not being deleted")
    user.erase_at = user.messages_on_leaving = None
    if user.suspension_reason == LEAVING_NOTE:  # a moderator's suspension since then stays
        end_suspension(user)
    audit.record(user, "leaving_cancelled", subject=user)
    commit()
    return user


def erase(user: User) -> None:
    """Erase a member whose grace period has ended (idempotent: a retry finishes what is left)."""
    signals.member_erased.send(user, keep_messages=user.messages_on_leaving != REMOVE)
    for export in db.session.scalars(select(DataExport).where(DataExport.user_id == user.id)):
        discard(export)
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    handle = f"erased-{user.id}"
    user.username, user.email, user.display_name = handle, f"{handle}@erased.invalid", "Former member"
    user.pending_email = None
    user.password_hash = "!" + secrets.token_hex(16)  # matches no password
    user.role, user.verified_until, user.verified_organisation = "citizen", None, None
    user.suspended_until = None  # never signs in again
    user.erased_at, user.erase_at = utcnow(), None
    audit.record(None, "erased", subject=user)
    commit()


def erase_due() -> int:
    """Erase every member whose grace period has ended (the daily sweep and `flask sweep`)."""
    due = db.session.scalars(select(User).where(User.erase_at <= utcnow(), User.erased_at.is_(None))).all()
    for user in due:
        erase(user)
    return len(due)


@periodic(crontab(minute=30))
def erase_departed() -> None:
    erase_due()
