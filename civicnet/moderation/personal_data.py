"""A member's reports and moderation in their export: what they reported and why; the reports about
them (never who made them, nor the reporter's note, which may name the reporter); the decisions about
them with their statements; and their appeals."""

from sqlalchemy import select

from civicnet.extensions import db
from civicnet.moderation.models import Appeal, ModerationAction, Report
from civicnet.moderation.rules import REASONS, REPORT_REASONS
from civicnet.personal_data import Table, register
from civicnet.reportables import get as item_kind


def _label(item_type: str, item_id: int | None) -> str:
    kind = item_kind(item_type)
    found = kind.load(item_id) if kind and item_id else None
    return kind.label(found) if found is not None else f"{item_type} {item_id} (no longer there)"


@register("moderation", "Reports and moderation", order=50)
def moderation(user) -> list[Table]:
    made = db.session.scalars(select(Report).where(Report.reporter_id == user.id).order_by(Report.id)).all()
    about_me = select(ModerationAction).where(ModerationAction.subject_id == user.id).order_by(ModerationAction.id)
    decisions = db.session.scalars(about_me).all()
    reported = db.session.scalars(
        select(Report)
        .join(ModerationAction, ModerationAction.id == Report.resolved_by_action_id)
        .where(ModerationAction.subject_id == user.id)
        .order_by(Report.id)
    ).all()
    appeals = db.session.scalars(select(Appeal).where(Appeal.appellant_id == user.id).order_by(Appeal.id)).all()
    return [
        Table(
            "reports_you_made",
            "Everything you reported, and why.",
            {
                "item": "What you reported",
                "reason": "Why",
                "note": "What you wrote",
                "status": "open or closed",
                "created_at": "When",
            },
            [
                {
                    "item": _label(r.item_type, r.item_id),
                    "reason": REPORT_REASONS.get(r.reason, r.reason),
                    "note": r.note,
                    "status": r.status,
                    "created_at": r.created_at,
                }
                for r in made
            ],
        ),
        Table(
            "reports_about_you",
            "Reports about your content that led to a decision about you. Who reported it is never included.",
            {"item": "What was reported", "reason": "The reason given", "created_at": "When"},
            [
                {
                    "item": _label(r.item_type, r.item_id),
                    "reason": REPORT_REASONS.get(r.reason, r.reason),
                    "created_at": r.created_at,
                }
                for r in reported
            ],
        ),
        Table(
            "decisions_about_you",
            "Every moderation decision about you, with the statement of reasons you were sent.",
            {
                "id": "The decision's number",
                "kind": "What was done",
                "rule": "The rule it applied",
                "statement": "What the moderator wrote",
                "created_at": "When",
                "ends_at": "When it ends",
                "reversed_at": "When it was reversed",
            },
            [
                {
                    "id": a.id,
                    "kind": a.kind,
                    "rule": REASONS.get(a.reason, a.reason),
                    "statement": a.note,
                    "created_at": a.created_at,
                    "ends_at": a.ends_at,
                    "reversed_at": a.reversed_at,
                }
                for a in decisions
            ],
        ),
        Table(
            "appeals",
            "Your appeals and their outcomes.",
            {
                "decision": "The decision's number",
                "note": "What you wrote",
                "created_at": "When",
                "outcome": "upheld or reversed",
                "outcome_note": "What the moderator wrote",
            },
            [
                {
                    "decision": a.action_id,
                    "note": a.note,
                    "created_at": a.created_at,
                    "outcome": a.outcome,
                    "outcome_note": a.decision_note,
                }
                for a in appeals
            ],
        ),
    ]
