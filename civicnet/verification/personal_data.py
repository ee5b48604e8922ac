"""A member's verification requests and the decisions on them, in their export."""

from sqlalchemy import select

from civicnet.extensions import db
from civicnet.personal_data import Table, register
from civicnet.verification.models import Verification


@register("verification", "Verification as a public servant", order=60)
def verification(user) -> list[Table]:
    found = db.session.scalars(select(Verification).where(Verification.user_id == user.id).order_by(Verification.id))
    return [
        Table(
            "verifications",
            "Each time you asked to be verified as a public servant, and what was decided.",
            {
                "email": "The work address you gave",
                "organisation": "Your organisation",
                "job_title": "Your job title",
                "status": "Where it stands",
                "created_at": "When you asked",
                "email_confirmed_at": "When you confirmed the work address",
                "decided_at": "When a moderator decided",
                "decision_reason": "What they wrote",
                "expires_at": "When the verification runs out",
                "ended_at": "When it ended",
                "end_reason": "Why it ended",
            },
            [
                {
                    "email": v.email,
                    "organisation": v.organisation,
                    "job_title": v.job_title,
                    "status": v.status,
                    "created_at": v.created_at,
                    "email_confirmed_at": v.email_confirmed_at,
                    "decided_at": v.decided_at,
                    "decision_reason": v.decision_reason,
                    "expires_at": v.expires_at,
                    "ended_at": v.ended_at,
                    "end_reason": v.end_reason,
                }
                for v in found
            ],
        )
    ]
