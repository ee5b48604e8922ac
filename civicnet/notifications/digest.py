"""The digest: daily or weekly, as each member chose (weekly by default), sent only to members who have
not visited since the last one, and only when it has something in it.

It carries the unread notifications on the digest channel (a followed room's messages, new rooms and
mentors on followed tags, whatever the member chose "in the digest" for) and those the daily email cap
folded into it, grouped by room and tag, newest first, with excerpts.

Each member's digest is one transaction that stores the email, marks what it carried and moves the
member's digest time, claimed by a conditional update: a run that stops halfway resumes with the
members it had not reached, and no one gets a second copy."""

import logging
from datetime import datetime, timedelta

from huey import crontab
from sqlalchemy import and_, or_, select, update

from civicnet.accounts.models import User
from civicnet.db_types import utcnow
from civicnet.emails import store_email
from civicnet.extensions import db
from civicnet.jobs import periodic
from civicnet.notifications import preferences, unsubscribing
from civicnet.notifications.kinds import render
from civicnet.notifications.models import EMAIL_FOLDED, Notification
from civicnet.notifications.preferences import DAILY, NEVER, WEEKLY, EmailSettings
from civicnet.transactions import commit

log = logging.getLogger(__name__)
PERIODS = {DAILY: timedelta(days=1), WEEKLY: timedelta(days=7)}
# The run is hourly: a member falls due up to an hour early rather than a whole period late.
SLACK = timedelta(hours=1)


@periodic(crontab(minute="5"))
def send_digests() -> None:
    run(utcnow())


def run(now: datetime) -> int:
    """Send every digest due by `now`; returns how many were sent."""
    members = db.session.execute(
        select(User.id, EmailSettings.digest, EmailSettings.last_digest_at, User.created_at)
        .outerjoin(EmailSettings, EmailSettings.user_id == User.id)
        .where(User.erased_at.is_(None), User.email_verified_at.is_not(None))
        # Not while suspended: a suspension that has run out counts as over.
        .where(or_(User.suspended_at.is_(None), and_(User.suspended_until.is_not(None), User.suspended_until <= now)))
        .where(or_(EmailSettings.digest.is_(None), EmailSettings.digest != NEVER))
        .order_by(User.id)
    ).all()
    sent = 0
    for user_id, frequency, last_at, created_at in members:
        if (last_at or created_at) <= now - PERIODS[frequency or WEEKLY] + SLACK:
            try:
                sent += send_one(user_id, now)
            except Exception:
                # This member's claim goes with the rollback, so the next run sends theirs; the members
                # after them are not held up by it.
                db.session.rollback()
                log.exception("the digest for member %s failed; it will be tried again at the next run", user_id)
    return sent


def send_one(user_id: int, now: datetime) -> int:
    """One member's digest, if it is due, they have not visited since the last, and it has something."""
    settings = preferences.email_settings(user_id)
    commit()  # the row exists before it is claimed
    user = db.session.get(User, user_id)
    since = settings.last_digest_at or user.created_at
    if not _claim(user_id, settings.last_digest_at, now):
        return 0  # another run sent it
    if user.last_seen_at is not None and user.last_seen_at > since:
        commit()  # they have been here: the next digest starts from now
        return 0
    found = _contents(user_id, since, now)
    if not found:
        commit()
        return 0
    groups: dict[str, list[dict]] = {}
    hide = not settings.private_text
    for notification, shown in found:
        groups.setdefault(shown.group or shown.link_text, []).append(
            {
                "text": f"{shown.lead} {shown.link_text}".strip(),
                "excerpt": "" if (shown.private and hide) else shown.quote,
                "url": shown.url,
                "when": notification.created_at,
            }
        )
    unsubscribe_url = unsubscribing.link(user_id, [unsubscribing.DIGEST])
    store_email(
        user.email,
        f"your {settings.digest} digest",
        "notifications/email/digest",
        member_id=user_id,
        unsubscribe_url=unsubscribe_url,
        footer=unsubscribing.footer(user, [unsubscribing.DIGEST], unsubscribe_url),
        user=user,
        since=since,
        groups=list(groups.items()),
    )
    db.session.execute(
        update(Notification)
        .where(Notification.id.in_([n.id for n, _ in found]))
        .values(digested_at=now)
        .execution_options(synchronize_session=False)
    )
    commit()
    return 1


def _claim(user_id: int, last_at: datetime | None, now: datetime) -> bool:
    """Move the member's digest time to now, unless another run already moved it."""
    same = EmailSettings.last_digest_at.is_(None) if last_at is None else EmailSettings.last_digest_at == last_at
    moved = db.session.execute(
        update(EmailSettings)
        .where(EmailSettings.user_id == user_id, same)
        .values(last_digest_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        db.session.rollback()
    return bool(moved)


def _contents(user_id: int, since: datetime, now: datetime) -> list:
    """What the digest carries, newest first: unread, new since the last digest, never carried before."""
    query = (
        select(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None), Notification.digested_at.is_(None))
        .where(Notification.created_at <= now)
        .where(
            or_(
                and_(Notification.channel == preferences.DIGEST, Notification.created_at >= since),
                Notification.email_state == EMAIL_FOLDED,  # folded by the cap, whenever: carried once
            )
        )
        .order_by(Notification.id.desc())
    )
    found = ((notification, render(notification)) for notification in db.session.scalars(query))
    return [(notification, shown) for notification, shown in found if shown is not None]
