"""Public moderation statistics per month: counts only, never who."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from statistics import median

from sqlalchemy import select

from civicnet.db_types import utcnow
from civicnet.extensions import db
from civicnet.moderation.models import Appeal, ModerationAction, Report
from civicnet.moderation.rules import REVERSED


@dataclass
class Month:
    key: str  # "2026-11"
    reports: Counter = field(default_factory=Counter)  # by reason
    actions: Counter = field(default_factory=Counter)  # by kind
    first_action_hours: list[float] = field(default_factory=list)
    appeals: int = 0
    reversed: int = 0

    @property
    def median_hours_to_first_action(self) -> float | None:
        return median(self.first_action_hours) if self.first_action_hours else None


def _month(moment) -> str:
    return f"{moment:%Y-%m}"


def monthly(limit: int = 12) -> list[Month]:
    """The last `limit` months with any activity, newest first (reading only that far back)."""
    months: dict[str, Month] = defaultdict(lambda: Month(""))
    since = utcnow() - timedelta(days=31 * limit)

    def month(moment) -> Month:
        entry = months[_month(moment)]
        entry.key = _month(moment)
        return entry

    first_report: dict[tuple, object] = {}
    for report in db.session.scalars(select(Report).where(Report.created_at >= since).order_by(Report.id)):
        month(report.created_at).reports[report.reason] += 1
        first_report.setdefault((report.item_type, report.item_id), report.created_at)
    first_action: dict[tuple, object] = {}
    actions = select(ModerationAction).where(ModerationAction.created_at >= since).order_by(ModerationAction.id)
    for action in db.session.scalars(actions):
        month(action.created_at).actions[action.kind] += 1
        if action.item_type is not None and action.moderator_id is not None:  # a person's, not the auto-hide
            first_action.setdefault((action.item_type, action.item_id), action.created_at)
    # Time from an item's first report to the first action on it, counted in the month it was reported.
    for key, reported in first_report.items():
        acted = first_action.get(key)
        if acted is not None and acted >= reported:
            month(reported).first_action_hours.append((acted - reported).total_seconds() / 3600)
    for appeal in db.session.scalars(select(Appeal).where(Appeal.created_at >= since)):
        entry = month(appeal.created_at)
        entry.appeals += 1
        entry.reversed += appeal.outcome == REVERSED
    return sorted(months.values(), key=lambda m: m.key, reverse=True)[:limit]
