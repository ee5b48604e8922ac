"""A member's notifications in their export."""

from sqlalchemy import select

from civicnet.extensions import db
from civicnet.notifications import preferences
from civicnet.notifications.kinds import render
from civicnet.notifications.models import Notification
from civicnet.notifications.services import text_of
from civicnet.personal_data import Table, register


@register("notifications", "Notifications", order=80)
def notifications(user) -> list[Table]:
    found = db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    rows = []
    for notification in found:
        shown = render(notification)
        rows.append(
            {
                "kind": notification.kind,
                "text": text_of(shown) if shown else "(about something no longer there)",
                "created_at": notification.created_at,
                "read_at": notification.read_at,
            }
        )
    settings = db.session.get(preferences.EmailSettings, user.id)
    channels = preferences.channels_of(user)
    return [
        Table(
            "notification_settings",
            "How you chose to hear about each event (or its default), and your email settings.",
            {"setting": "What", "value": "Your choice"},
            [
                {"setting": preferences.event(key).label, "value": preferences.CHANNELS[value]}
                for key, value in channels.items()
            ]
            + [
                {"setting": "Digest", "value": settings.digest if settings else preferences.WEEKLY},
                {
                    "setting": "Message text in emails about private rooms",
                    "value": "included" if (settings is None or settings.private_text) else "left out",
                },
            ],
        ),
        Table(
            "notifications",
            "The notifications civicnet sent you.",
            {"kind": "What kind", "text": "What it said", "created_at": "When", "read_at": "When you read it"},
            rows,
        ),
    ]
