"""Telling members: store a notification in the caller's transaction, deliver it live after the commit."""

from sqlalchemy import func, inspect, select, update

from civicnet import realtime
from civicnet.db_types import iso, utcnow
from civicnet.extensions import db
from civicnet.notifications.kinds import Shown, render
from civicnet.notifications.models import Notification
from civicnet.transactions import on_commit


def notify(recipient_id: int, kind: str, subject_id: int) -> Notification:
    """Tell a member about something, in the caller's transaction; sent live once it commits."""
    notification = Notification(user_id=recipient_id, kind=kind, subject_id=subject_id)
    db.session.add(notification)
    on_commit(lambda: deliver(inspect(notification).identity[0]))  # the id survives the commit's expiry
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
        **shown.fields,
        "unread": unread_count(notification.user_id),
    }


def text_of(shown: Shown) -> str:
    return f"{shown.lead} {shown.link_text}".strip()


def listed(user, limit: int = 50) -> list[tuple[Notification, Shown]]:
    """The member's newest notifications with what each shows; those whose subject is gone are left out."""
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc()).limit(limit)
    found = ((notification, render(notification)) for notification in db.session.scalars(query))
    return [(notification, shown) for notification, shown in found if shown is not None]


def unread_count(user_id: int) -> int:
    query = select(func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    return db.session.scalar(query) or 0


def unread_ids(user) -> set[int]:
    query = select(Notification.id).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    return set(db.session.scalars(query))


def open_notification(user, notification_id: int) -> Notification | None:
    """The member's own notification, marked read (the count in their other tabs follows)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        return None
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
        realtime.send("notifications_read", {"unread": unread_count(user.id)}, f"user:{user.id}")
    return notification


def mark_all_read(user) -> int:
    """Mark every unread notification read; the member's other tabs update their count."""
    marked = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    realtime.send("notifications_read", {"unread": 0}, f"user:{user.id}")
    return marked
