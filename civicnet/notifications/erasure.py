"""An erased member's notifications go."""

from sqlalchemy import delete

from civicnet import signals
from civicnet.extensions import db
from civicnet.notifications.models import Notification


@signals.member_erased.connect
def _erase(user, **_) -> None:
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
