"""Emailing notifications on the email channel: when due, only if still unread, one email per
conversation, and within the member's daily cap (beyond it they fold into the next digest).

A notification is due at once, or after NOTIFY_EMAIL_DELAY for conversations (mentions, replies, a
followed room). A delayed job per member sends it on time; a periodic job every minute picks up what a
lost job left. Each email is stored in the same transaction that marks its notifications sent, which
claims them first: two workers never send the same notifications twice."""

from datetime import datetime, timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import select, update

from civicnet.accounts.models import User
from civicnet.db_types import utcnow
from civicnet.emails import counted_since, store_email
from civicnet.extensions import db
from civicnet.jobs import job, periodic
from civicnet.notifications import preferences, unsubscribing
from civicnet.notifications.kinds import event_of, own_email, render
from civicnet.notifications.models import EMAIL_FOLDED, EMAIL_READ, EMAIL_SENT, Notification
from civicnet.transactions import commit


def email_when_due(user_id: int, due_at: datetime) -> None:
    """After a notification's commit: send the member's due emails when it falls due."""
    seconds = (due_at - utcnow()).total_seconds()
    if seconds > 0:
        send_member_emails.schedule(args=(user_id,), delay=seconds + 1)
    else:
        send_member_emails(user_id)


@job()
def send_member_emails(user_id: int) -> None:
    send_due(utcnow(), user_id)


@periodic(crontab(minute="*"))
def send_due_emails() -> None:
    send_due(utcnow())


def send_due(now: datetime, user_id: int | None = None) -> int:
    """Email every conversation with a notification due by `now`; returns how many emails were stored."""
    query = select(Notification.user_id, Notification.conversation).where(
        Notification.channel == preferences.EMAIL,
        Notification.email_state.is_(None),
        Notification.email_due_at <= now,
    )
    if user_id is not None:
        query = query.where(Notification.user_id == user_id)
    due = sorted(set(db.session.execute(query).all()))
    return sum(_email_conversation(member_id, conversation, now) for member_id, conversation in due)


def _email_conversation(user_id: int, conversation: str, now: datetime) -> int:
    """One email for a member's waiting notifications in one conversation (those not yet due join it)."""
    pending = list(
        db.session.scalars(
            select(Notification)
            .where(
                Notification.user_id == user_id,
                Notification.conversation == conversation,
                Notification.channel == preferences.EMAIL,
                Notification.email_state.is_(None),
            )
            .order_by(Notification.id)
        )
    )
    user = db.session.get(User, user_id)
    shown = [(n, render(n)) for n in pending]
    unread = [(n, s) for n, s in shown if n.read_at is None and s is not None]
    # Never to an address its owner has not confirmed (anyone can type anyone's address when signing up).
    if not unread or user is None or user.erased_at is not None or not user.is_verified_email:
        return _settle(pending, EMAIL_READ)
    capped = any(_capped(n) for n, _ in unread)
    if capped and counted_since(user_id, now - timedelta(days=1)) >= current_app.config["EMAIL_DAILY_CAP"]:
        return _settle(pending, EMAIL_FOLDED)  # the next digest carries them
    if not _claim(pending, EMAIL_SENT):
        return 0
    _store(user, unread, capped)
    commit()
    return 1


def _claim(pending: list[Notification], state: str) -> bool:
    """Settle them, unless another worker already did (then this transaction writes nothing)."""
    claimed = db.session.execute(
        update(Notification)
        .where(Notification.id.in_([n.id for n in pending]), Notification.email_state.is_(None))
        .values(email_state=state)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != len(pending):
        db.session.rollback()
        return False
    return True


def _settle(pending: list[Notification], state: str) -> int:
    if _claim(pending, state):
        commit()
    return 0


def _capped(notification: Notification) -> bool:
    event = preferences.event(event_of(notification.kind) or "")
    return event is None or event.capped


def _store(user: User, unread: list, counted: bool) -> None:
    events = sorted({event_of(n.kind) for n, _ in unread} - {None})
    unsubscribe_url = unsubscribing.link(user.id, events)
    footer = unsubscribing.footer(user, events, unsubscribe_url)
    options = {"member_id": user.id, "counted": counted, "unsubscribe_url": unsubscribe_url, "footer": footer}
    own = own_email(unread[0][0]) if len(unread) == 1 else None
    if own is not None:
        store_email(user.email, own.subject, own.template, **options, **own.context)
        return
    hide = not preferences.email_settings(user.id).private_text
    items = [
        {
            "text": f"{s.lead} {s.link_text}".strip(),
            "excerpt": "" if (s.private and hide) else s.quote,
            "url": s.url,
            "when": n.created_at,
        }
        for n, s in unread
    ]
    first = unread[0][1]
    subject = items[0]["text"] if len(items) == 1 else f"{len(items)} new notifications in {first.link_text}"
    store_email(user.email, subject, "notifications/email/missed", **options, user=user, items=items)
