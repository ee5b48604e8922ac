"""Moderators hear of each new report in the queue: on the site by default, or as each chose."""

from sqlalchemy import or_, select

from civicnet.accounts.models import ADMIN, MODERATOR, User
from civicnet.accounts.permissions import is_moderator
from civicnet.db_types import utcnow
from civicnet.extensions import db
from civicnet.moderation.items import find_item
from civicnet.moderation.models import Report
from civicnet.notifications import kinds, preferences
from civicnet.notifications.kinds import Shown
from civicnet.notifications.services import notify
from civicnet.urls import external_url

KIND = "moderation_report"

preferences.register_event(
    "moderation_queue",
    "A new report arrives in the moderation queue",
    "Moderators and administrators only.",
    preferences.SITE,
    order=100,
    audience=is_moderator,
)


def tell_moderators(report: Report) -> None:
    """Every moderator but the one who reported it, in the report's transaction."""
    db.session.flush()
    moderators = db.session.scalars(
        select(User.id)
        .where(User.role.in_((MODERATOR, ADMIN)), User.erased_at.is_(None))
        .where(or_(User.suspended_at.is_(None), User.suspended_until <= utcnow()))
    )
    for user_id in moderators:
        if user_id != report.reporter_id:
            notify(user_id, KIND, report.id, conversation=f"report:{report.item_type}:{report.item_id}")


@kinds.register(KIND, event="moderation_queue")
def _shown(notification) -> Shown | None:
    report = db.session.get(Report, notification.subject_id)
    if report is None or not is_moderator(notification.user):
        return None
    item = find_item(report.item_type, report.item_id)
    if item is None:
        return None
    url = external_url("moderation.item_page", item_type=item.type, item_id=item.id)
    return Shown(lead="New report in the moderation queue:", link_text=item.label, url=url, excerpt=item.listed_excerpt)
