"""The moderation queue: open reports grouped by item, oldest first, and appeals waiting for a decision."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from civicnet import realtime, signals
from civicnet.accounts.models import ADMIN, MODERATOR, User
from civicnet.extensions import db
from civicnet.moderation.items import Item, load_item
from civicnet.moderation.models import OPEN, Appeal, ModerationAction, Report


@dataclass
class QueueEntry:
    item: Item
    first_reported_at: datetime
    reports: list[Report] = field(default_factory=list)


def pending_count() -> int:
    items = db.session.scalar(
        select(func.count()).select_from(
            select(Report.item_type, Report.item_id).where(Report.status == OPEN).distinct().subquery()
        )
    )
    appeals = db.session.scalar(select(func.count(Appeal.id)).where(Appeal.decided_at.is_(None)))
    return (items or 0) + (appeals or 0)


def announce_pending() -> None:
    """Tell every connected moderator the new count (after the commit that changed it). Today's
    moderators and admins are looked up now, so a role change applies at once, in every process."""
    payload = {"count": pending_count()}
    for user_id in db.session.scalars(select(User.id).where(User.role.in_((MODERATOR, ADMIN)))):
        realtime.send("moderation_pending", payload, f"user:{user_id}")


@signals.is_reported.connect
def is_reported(item_type: str, item_id: int, **_) -> int | None:
    """The oldest open report's id on an item, or None (a moderator may look at a private mentoring
    request while it is reported, and the look is recorded as handling that report)."""
    query = select(Report.id).where(Report.item_type == item_type, Report.item_id == item_id, Report.status == OPEN)
    return db.session.scalar(query.order_by(Report.id).limit(1))


def open_reports(item_type: str, item_id: int) -> list[Report]:
    query = select(Report).where(Report.status == OPEN, Report.item_type == item_type, Report.item_id == item_id)
    return list(db.session.scalars(query.order_by(Report.id)))


def queue(limit: int = 50) -> list[QueueEntry]:
    """Items with open reports, the longest-waiting first."""
    oldest = (
        select(Report.item_type, Report.item_id, func.min(Report.created_at).label("first"))
        .where(Report.status == OPEN)
        .group_by(Report.item_type, Report.item_id)
        .order_by(func.min(Report.created_at), Report.item_type, Report.item_id)
        .limit(limit)
    )
    entries = []
    for item_type, item_id, first in db.session.execute(oldest):
        item = load_item(item_type, item_id)
        entries.append(QueueEntry(item, first, open_reports(item_type, item_id)))
    return entries


def open_appeals() -> list[Appeal]:
    return list(db.session.scalars(select(Appeal).where(Appeal.decided_at.is_(None)).order_by(Appeal.id)))


def history(user_id: int | None) -> list[ModerationAction]:
    """Earlier decisions about a member, newest first."""
    if user_id is None:
        return []
    query = select(ModerationAction).where(ModerationAction.subject_id == user_id)
    return list(db.session.scalars(query.order_by(ModerationAction.id.desc()).limit(50)))


def latest_action_id(item_type: str | None, item_id: int | None, subject_id: int | None) -> int:
    """The newest action on this item (or member): forms carry it, so a stale form is noticed."""
    query = select(func.max(ModerationAction.id))
    if item_type is not None:
        query = query.where(ModerationAction.item_type == item_type, ModerationAction.item_id == item_id)
    else:
        query = query.where(ModerationAction.subject_id == subject_id)
    return db.session.scalar(query) or 0
