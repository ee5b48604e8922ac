"""Pending mentoring requests run out after 14 days: each day mentors are warned of those ending within
two days, and the overdue ones expire."""

from datetime import timedelta

from huey import crontab
from sqlalchemy import func, select

from civicnet.db_types import utcnow
from civicnet.extensions import db
from civicnet.jobs import periodic
from civicnet.mentoring.models import PENDING, MentoringRequest
from civicnet.mentoring.requests import expire_due, notice
from civicnet.transactions import commit

WARN_BEFORE = timedelta(days=2)


def sweep(now=None) -> tuple[int, int]:
    """Daily: warn mentors of requests expiring within 2 days, then expire the overdue ones."""
    now = now or utcnow()
    warned = 0
    soon = select(MentoringRequest).where(
        MentoringRequest.status == PENDING,
        MentoringRequest.expires_at > now,
        MentoringRequest.expires_at <= now + WARN_BEFORE,
        MentoringRequest.expiry_warned_at.is_(None),
    )
    for found in db.session.scalars(soon):
        found.expiry_warned_at = now
        notice(found, found.mentor_id, "expiring")
        warned += 1
    overdue = db.session.scalar(
        select(func.count(MentoringRequest.id)).where(
            MentoringRequest.status == PENDING, MentoringRequest.expires_at <= now
        )
    )
    expire_due(now)
    commit()
    return warned, overdue or 0


@periodic(crontab(hour=3, minute=20))
def daily_sweep() -> None:
    """The daily sweep, run by the jobs worker (`flask sweep` runs it by hand)."""
    sweep()
