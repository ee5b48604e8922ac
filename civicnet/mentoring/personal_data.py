"""A member's mentoring offer and requests in their export (the rooms' messages are in the rooms section)."""

from sqlalchemy import or_, select

from civicnet.extensions import db
from civicnet.mentoring.models import MentoringRequest, Offer
from civicnet.personal_data import Table, register


@register("mentoring", "Mentoring", order=70)
def mentoring(user) -> list[Table]:
    offer = db.session.scalar(select(Offer).where(Offer.mentor_id == user.id))
    asked = db.session.scalars(
        select(MentoringRequest)
        .where(or_(MentoringRequest.mentor_id == user.id, MentoringRequest.mentee_id == user.id))
        .order_by(MentoringRequest.id)
    )
    return [
        Table(
            "mentoring_offer",
            "Your offer of mentoring, if you made one.",
            {
                "description": "How you can help",
                "tags": "The skill tags you offer",
                "capacity": "Mentees at once",
                "availability": "Your availability",
                "paused": "Whether it is paused",
                "created_at": "When you made it",
            },
            [
                {
                    "description": offer.description,
                    "tags": ", ".join(t.name for t in offer.tags),
                    "capacity": offer.capacity,
                    "availability": offer.availability,
                    "paused": offer.paused_at is not None,
                    "created_at": offer.created_at,
                }
            ]
            if offer
            else [],
        ),
        Table(
            "mentoring_requests",
            "Requests you sent or received, with the other person's name as you saw it.",
            {
                "role": "mentor or mentee",
                "other": "The other person",
                "message": "The request",
                "status": "Where it stands",
                "created_at": "When it was sent",
                "answered_at": "When it was answered",
                "ended_at": "When it ended",
                "feedback": "The mentee's feedback",
            },
            [
                {
                    "role": "mentor" if r.mentor_id == user.id else "mentee",
                    "other": (r.mentee if r.mentor_id == user.id else r.mentor).display_name,
                    "message": r.message,
                    "status": r.status,
                    "created_at": r.created_at,
                    "answered_at": r.answered_at,
                    "ended_at": r.ended_at,
                    "feedback": r.feedback if r.mentee_id == user.id else "",
                }
                for r in asked
            ],
        ),
    ]
