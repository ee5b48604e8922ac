"""Keeping data no longer than /account/data and the privacy notice say: a daily job (and `flask
sweep`) deletes ended sign-ins after 90 days, notifications after a year, ended verifications a year
after they end, exports once their link has run out, and access-log entries after five years (the
table's triggers allow deleting those and no others)."""

from datetime import timedelta

from huey import crontab
from sqlalchemy import delete, or_, select

from civicnet.access_log import AccessEntry
from civicnet.accounts.models import UserSession
from civicnet.datarights.exports import discard
from civicnet.datarights.models import READY, DataExport
from civicnet.db_types import utcnow
from civicnet.extensions import db
from civicnet.jobs import periodic
from civicnet.notifications.models import Notification
from civicnet.verification.models import Verification

SIGN_INS = timedelta(days=90)
NOTIFICATIONS = timedelta(days=365)
ENDED_VERIFICATIONS = timedelta(days=365)
ACCESS_LOG = timedelta(days=5 * 365 + 1)  # five years, leap day included
STALE_EXPORTS = timedelta(days=7)  # an export that never became ready


def apply_retention() -> dict[str, int]:
    """Delete what has been kept long enough; how many of each."""
    now = utcnow()
    removed = {
        "sign-ins": _delete(UserSession, UserSession.ended_at < now - SIGN_INS),
        "notifications": _delete(Notification, Notification.created_at < now - NOTIFICATIONS),
        "verifications": _delete(Verification, Verification.ended_at < now - ENDED_VERIFICATIONS),
        "access-log entries": _delete(AccessEntry, AccessEntry.created_at < now - ACCESS_LOG),
    }
    expired = db.session.scalars(
        select(DataExport).where(
            or_(
                DataExport.expires_at < now,
                (DataExport.status != READY) & (DataExport.created_at < now - STALE_EXPORTS),
            )
        )
    ).all()
    for export in expired:
        discard(export)
    removed["exports"] = len(expired)
    db.session.commit()
    return removed


def _delete(model, condition) -> int:
    return db.session.execute(delete(model).where(condition).execution_options(synchronize_session=False)).rowcount


@periodic(crontab(hour=4, minute=10))
def daily_retention() -> None:
    apply_retention()
