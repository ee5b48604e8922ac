"""Nothing is kept longer than /account/data says: the daily retention deletes ended sign-ins after 90
days, notifications after a year, ended verifications after a year, run-out exports, and access-log
entries after five years (the triggers allow deleting those; tests/test_access_log.py checks that they
still refuse deleting a newer one)."""

from datetime import timedelta

from sqlalchemy import func, select

from civicnet import access_log
from civicnet.access_log import AccessEntry, Look
from civicnet.accounts.models import UserSession
from civicnet.datarights.retention import apply_retention
from civicnet.db_types import utcnow
from civicnet.extensions import db
from civicnet.notifications.models import Notification
from civicnet.transactions import commit
from civicnet.verification import services as verification
from civicnet.verification.models import Verification
from tests.factories import make_moderator, make_user


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_old_records_go_and_recent_ones_stay(ctx):
    ada, moe = make_user(username="ada"), make_moderator(username="moe")
    now = utcnow()
    db.session.add_all(
        [
            UserSession(
                user_id=ada.id,
                key_hash="a" * 64,
                created_at=now - timedelta(days=200),
                ended_at=now - timedelta(days=91),
            ),
            UserSession(user_id=ada.id, key_hash="b" * 64, created_at=now - timedelta(days=200)),  # still signed in
            Notification(user_id=ada.id, kind="mention", subject_id=1, created_at=now - timedelta(days=366)),
            Notification(user_id=ada.id, kind="mention", subject_id=2, created_at=now - timedelta(days=300)),
            AccessEntry(
                subject_id=ada.id,
                actor_id=moe.id,
                role="moderator",
                purpose="report",
                case_ref="",
                note="",
                categories="profile",
                action="view",
                created_at=now - timedelta(days=6 * 365),
            ),
        ]
    )
    started = verification.start(ada, "ada@camden.gov.uk", "Camden Council", "Analyst")
    started.ended_at = now - timedelta(days=400)
    recent = access_log.record(moe, ada.id, Look("report", ("profile",)))
    commit()  # runs the look's notification here, as the services do
    assert apply_retention() == {
        "sign-ins": 1,
        "notifications": 1,
        "verifications": 1,
        "access-log entries": 1,
        "exports": 0,
    }
    assert (count(UserSession), count(Notification), count(Verification)) == (1, 2, 0)  # + the look's own notice
    assert db.session.scalars(select(AccessEntry.id)).all() == [recent.id]
    assert apply_retention()["access-log entries"] == 0
