"""An erased member's notifications and notification settings go."""

from sqlalchemy import delete

from civicnet import signals
from civicnet.extensions import db
from civicnet.notifications.models import Notification
from civicnet.notifications.preferences import EmailSettings, NotificationChoice


@signals.member_erased.connect
def _erase(user, **_) -> None:
    for table in (Notification, NotificationChoice, EmailSettings):
        db.session.execute(delete(table).where(table.user_id == user.id))
