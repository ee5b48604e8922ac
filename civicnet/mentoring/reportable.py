"""Mentoring requests and offers as moderation sees them (registered in civicnet.reportables)."""

from flask import url_for

from civicnet import reportables
from civicnet.accounts.permissions import is_signed_in
from civicnet.extensions import db
from civicnet.mentoring.models import MentoringRequest, Offer

reportables.register(
    reportables.ItemType(
        name="request",
        load=lambda request_id: db.session.get(MentoringRequest, request_id),
        author=lambda found: found.mentee,
        label=lambda found: f"Mentoring request from {found.mentee.display_name} to {found.mentor.display_name}",
        text=lambda found: found.message,
        url=lambda found: url_for("mentoring.request_page", request_id=found.id),
        visible_to=lambda member, found: found.involves(member),
        data=lambda found: ("private_messages",),
        author_may_report=True,  # either side reports how the mentoring went, the mentee included
    )
)
reportables.register(
    reportables.ItemType(
        name="offer",
        load=lambda offer_id: db.session.get(Offer, offer_id),
        author=lambda offer: offer.mentor,
        label=lambda offer: f"Mentoring offer from {offer.mentor.display_name}",
        text=lambda offer: offer.description,
        url=lambda offer: url_for("mentoring.offer_page", offer_id=offer.id),
        visible_to=lambda member, offer: is_signed_in(member),  # every member may read every offer
    )
)
