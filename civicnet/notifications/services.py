"""Telling members: store a notification in the caller's transaction, deliver it live after the commit,
and by email or in the digest as the member chose for its event."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, inspect, select, update

from civicnet import realtime
from civicnet.accounts.blocks import has_blocked
from civicnet.accounts.payloads import author_payload
from civicnet.db_types import iso, utcnow
from civicnet.extensions import db
from civicnet.notifications import emailing, preferences
from civicnet.notifications.kinds import Shown, event_of, render
from civicnet.notifications.models import Notification
from civicnet.transactions import on_commit


def notify(
    recipient_id: int, kind: str, subject_id: int, conversation: str = "", actor_id: int | None = None
) -> Notification | None:
    """Tell a member about something, in the caller's transaction; sent live once it commits, and
    emailed or kept for the digest as the member chose. None if they turned its event off, or blocked
    the member whose doing it is.

    `conversation` groups notifications on the page and in one email ("room:12"); by default each
    subject is its own. `actor_id`: the member who caused it, if one did."""
    if actor_id is not None and has_blocked(recipient_id, actor_id):
        return None
    key = event_of(kind)
    channel = preferences.channel_for(recipient_id, key) if key else preferences.SITE
    if channel == preferences.OFF:
        return None
    notification = Notification(
        user_id=recipient_id,
        kind=kind,
        subject_id=subject_id,
        conversation=conversation or f"{kind}:{subject_id}",
        channel=channel,
    )
    if channel == preferences.EMAIL:
        # Conversation events wait, and are emailed only if still unread (Zulip); the others go now.
        waits = preferences.event(key).waits
        notification.email_due_at = utcnow() + timedelta(
            seconds=current_app.config["NOTIFY_EMAIL_DELAY"] if waits else 0
        )
    db.session.add(notification)
    on_commit(lambda: deliver(inspect(notification).identity[0]))  # the id survives the commit's expiry
    if channel == preferences.EMAIL:
        due_at = notification.email_due_at
        on_commit(lambda: emailing.email_when_due(recipient_id, due_at))
    return notification


def deliver(notification_id: int) -> None:
    """The live `notification` event to every connection of its recipient."""
    notification = db.session.get(Notification, notification_id)
    sent = payload(notification) if notification is not None else None
    if sent is not None:
        realtime.send("notification", sent, f"user:{notification.user_id}")


def payload(notification: Notification) -> dict | None:
    """The `notification` event's payload: the same keys for every kind, or None if nothing is shown."""
    shown = render(notification)
    if shown is None:
        return None
    return {
        "id": notification.id,
        "kind": notification.kind,
        "room": None,
        "room_name": None,
        "message_id": None,
        "actor": None,
        "text": text_of(shown),
        "excerpt": shown.excerpt,
        "url": shown.url,
        "created_at": iso(notification.created_at),
        "lead": shown.lead,
        "link_text": shown.link_text,
        "conversation": notification.conversation,
        "group": shown.group or shown.link_text,
        "person": author_payload(shown.person) if shown.person is not None else None,
        **shown.fields,
        "unread": unread_count(notification.user_id),
    }


def text_of(shown: Shown) -> str:
    return f"{shown.lead} {shown.link_text}".strip()


def listed(
    user, limit: int = 50, *, kinds: tuple[str, ...] = (), unread_only: bool = False
) -> list[tuple[Notification, Shown]]:
    """The member's newest notifications (of these kinds, or only the unread ones, if asked) with what
    each shows; those whose subject is gone are left out."""
    query = select(Notification).where(Notification.user_id == user.id)
    if kinds:
        query = query.where(Notification.kind.in_(kinds))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.id.desc()).limit(limit)
    found = ((notification, render(notification)) for notification in db.session.scalars(query))
    return [(notification, shown) for notification, shown in found if shown is not None]


def unread_count(user_id: int) -> int:
    query = select(func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    return db.session.scalar(query) or 0


def unread_ids(user) -> set[int]:
    query = select(Notification.id).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    return set(db.session.scalars(query))


def open_notification(user, notification_id: int) -> Notification | None:
    """The member's own notification, marked read (the count and list in their other tabs follow)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        return None
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
        _tell_read(user.id, [notification.id])
    return notification


def mark_all_read(user, conversation: str | None = None) -> int:
    """Mark every unread notification read (or those of one conversation); the member's other tabs follow."""
    conditions = [Notification.conversation == conversation] if conversation else []
    ids = _mark_read(user.id, *conditions)
    db.session.commit()
    _tell_read(user.id, ids)
    return len(ids)


def mark_read_in(user_id: int, conversation: str, kinds: tuple[str, ...], up_to_subject: int) -> None:
    """Notifications the member has now seen in place (a room read up to a message), in the caller's
    transaction: they are not emailed, and every tab clears them once it commits."""
    ids = _mark_read(
        user_id,
        Notification.conversation == conversation,
        Notification.kind.in_(kinds),
        Notification.subject_id <= up_to_subject,
    )
    if ids:
        on_commit(lambda: _tell_read(user_id, ids))


def _mark_read(user_id: int, *conditions) -> list[int]:
    """Mark the member's unread notifications that meet the conditions read, in one statement (it is on
    the room-reading path); returns their ids."""
    return list(
        db.session.scalars(
            update(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None), *conditions)
            .values(read_at=utcnow())
            .returning(Notification.id)
            .execution_options(synchronize_session=False)
        )
    )


def _tell_read(user_id: int, ids: list[int]) -> None:
    """Every tab and device of the member: these are read now, and how many are left."""
    realtime.send("notifications_read", {"unread": unread_count(user_id), "ids": ids}, f"user:{user_id}")


def grouped(user, limit: int = 50) -> list[tuple[str, list[tuple[Notification, Shown]]]]:
    """The member's newest notifications grouped by conversation, the group with the newest first."""
    groups: dict[str, list[tuple[Notification, Shown]]] = {}
    for notification, shown in listed(user, limit):
        groups.setdefault(notification.conversation or f"n:{notification.id}", []).append((notification, shown))
    return list(groups.items())
