"""Notifications: members are told when someone mentions them or replies to them."""

from sqlalchemy import func, select

from civicnet import realtime
from civicnet.accounts.models import User
from civicnet.db_types import utcnow
from civicnet.extensions import db
from civicnet.rooms.models import APPEAL_DECIDED, MENTION, REPLY, Message, Notification, Room
from civicnet.rooms.payloads import iso, message_payload
from civicnet.rooms.permissions import can_read
from civicnet.urls import external_url


def notify(
    message: Message, room: Room, actor: User, mentioned: list[User], parent: Message | None
) -> list[Notification]:
    """Create the notifications a new message causes (committed with it, announced after)."""
    recipients: dict[int, tuple[User, str]] = {}
    if parent is not None and parent.author_id != actor.id:
        recipients[parent.author_id] = (parent.author, REPLY)
    for user in mentioned:
        if user.id != actor.id and can_read(user, room):
            recipients[user.id] = (user, MENTION)
    notifications = []
    for user, kind in recipients.values():
        notification = Notification(user=user, kind=kind, message_id=message.id)
        db.session.add(notification)
        notifications.append(notification)
    return notifications


def notification_payload(notification: Notification) -> dict:
    """The `notification` event's payload."""
    if notification.action_id is not None:
        return _decision_payload(notification)
    if notification.request_id is not None:
        return _mentoring_payload(notification)
    message = notification.message
    return {
        "id": notification.id,
        "kind": notification.kind,
        "room": message.room.slug,
        "room_name": message.room.name,
        "message_id": message.id,
        "actor": {"username": message.author.username, "display_name": message.author.display_name},
        "excerpt": " ".join(message.body.split())[:140],
        "created_at": message_payload(message)["created_at"],
        "unread": unread_notification_count(notification.user_id),
    }


MENTORING_TEXT = {
    "mentoring_requested": "{mentee} asked you for mentoring",
    "mentoring_accepted": "{mentor} accepted your mentoring request",
    "mentoring_declined": "{mentor} declined your mentoring request",
    "mentoring_expiring": "{mentee}'s mentoring request expires soon",
    "mentoring_completed": "Your mentoring with {other} was completed",
    "mentoring_cancelled": "Your mentoring with {other} was cancelled",
}


def mentoring_text(notification: Notification) -> str:
    found = notification.request
    other = found.mentee if notification.user_id == found.mentor_id else found.mentor
    return MENTORING_TEXT[notification.kind].format(
        mentor=found.mentor.display_name, mentee=found.mentee.display_name, other=other.display_name
    )


def _link_payload(notification: Notification, excerpt: str, url: str) -> dict:
    """A notification about something other than a message: the same keys, with a link instead."""
    return {
        "id": notification.id,
        "kind": notification.kind,
        "room": None,
        "room_name": None,
        "message_id": None,
        "actor": None,
        "excerpt": excerpt,
        "url": url,
        "created_at": iso(notification.created_at),
        "unread": unread_notification_count(notification.user_id),
    }


def _mentoring_payload(notification: Notification) -> dict:
    url = external_url("mentoring.request_page", request_id=notification.request_id)
    return _link_payload(notification, mentoring_text(notification), url)


def _decision_payload(notification: Notification) -> dict:
    """A moderation decision, or an appeal's outcome."""
    from civicnet.moderation.rules import DECISION_TEXT  # moderation imports rooms; keep the cycle out of import time

    action = notification.action
    if notification.kind == APPEAL_DECIDED and action.appeal is not None:
        excerpt = f"Your appeal was {action.appeal.outcome}"
    else:
        excerpt = DECISION_TEXT[action.kind]
    # external_url, not url_for: also sent from outside requests (the daily sweep, the CLI).
    return _link_payload(notification, excerpt, external_url("moderation.decision", action_id=action.id))


def list_notifications(user: User, limit: int = 50) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def unread_notification_count(user_id: int) -> int:
    query = select(func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    return db.session.scalar(query) or 0


def mark_notifications_read(user: User) -> None:
    db.session.execute(
        Notification.__table__.update()
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    realtime.emit_to_user(user, "notifications_read", {"unread": 0})  # other tabs update their count
