"""Mentoring offers and requests as the API and Socket.IO clients see them."""

from civicnet.accounts.payloads import author_payload
from civicnet.db_types import iso


def offer_payload(offer) -> dict:
    return {
        "id": offer.id,
        "mentor": author_payload(offer.mentor),
        "tags": [tag.slug for tag in offer.tags],
        "description": offer.description,
        "calls_note": offer.calls_note,
        "availability": offer.availability,
        "capacity": offer.capacity,
        "places_left": offer.places_left,
        "paused": offer.is_paused,
    }


def request_payload(found) -> dict:
    return {
        "id": found.id,
        "offer_id": found.offer_id,
        "mentor": author_payload(found.mentor),
        "mentee": author_payload(found.mentee),
        "message": found.message,
        "status": found.status,
        "created_at": iso(found.created_at),
        "expires_at": iso(found.expires_at),
        "room": found.room.slug if found.room else None,
    }
