"""An erased member's mentoring: open requests end, and the other person is told (their room stays
readable to them, archived); the offer's words and tags and the learning goal go. The offer row stays
for the requests that point at it, paused and empty."""

from sqlalchemy import delete, or_, select

from civicnet import signals
from civicnet.db_types import utcnow
from civicnet.extensions import db
from civicnet.mentoring import requests
from civicnet.mentoring.models import ACCEPTED, PENDING, LearningGoal, MentoringRequest, Offer, OfferTag


@signals.member_erased.connect
def _erase(user, **_) -> None:
    open_requests = select(MentoringRequest.id).where(
        or_(MentoringRequest.mentor_id == user.id, MentoringRequest.mentee_id == user.id),
        MentoringRequest.status.in_((PENDING, ACCEPTED)),
    )
    for request_id in db.session.scalars(open_requests).all():
        requests.end(user, request_id, completed=False)
    offer = db.session.scalar(select(Offer).where(Offer.mentor_id == user.id))
    if offer is not None:
        offer.description = offer.calls_note = offer.availability = ""
        offer.paused_at = offer.paused_at or utcnow()
        db.session.execute(delete(OfferTag).where(OfferTag.offer_id == offer.id))
    db.session.execute(delete(LearningGoal).where(LearningGoal.user_id == user.id))
