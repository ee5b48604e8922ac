"""Search results as JSON for token clients, and where each result leads."""

from flask import url_for

from civicnet.rooms.links import message_url
from civicnet.rooms.payloads import author_payload, iso, room_payload
from civicnet.search.models import MESSAGE, PERSON, ROOM, TECHNOLOGY
from civicnet.search.results import Hit


def hit_url(hit: Hit) -> str:
    """Where a search result leads: a profile, a room, or a message in its place in the room."""
    if hit.type == PERSON:
        return url_for("profiles.show", username=hit.item.username)
    if hit.type == ROOM:
        return url_for("rooms.show", slug=hit.item.slug)
    if hit.type == TECHNOLOGY:
        return url_for("register.show", slug=hit.item.slug)
    message = hit.item
    # In its thread, or on the room page that ends with it.
    return message_url(message, in_place=True)


def hit_payload(hit: Hit) -> dict:
    """One result: its own fields, plus title_html and snippet_html (text escaped, matches in <mark>)."""
    common = {"type": hit.type, "url": hit_url(hit), "title_html": str(hit.title), "snippet_html": str(hit.snippet)}
    if hit.type == PERSON:
        skills = {f"{kind}_tags_html": str(names) for kind, names in hit.skills.items()}
        return {**common, "person": author_payload(hit.item), **skills}
    if hit.type == ROOM:
        return {**common, "room": room_payload(hit.item)}
    if hit.type == TECHNOLOGY:
        entry = hit.item
        return {
            **common,
            "technology": {"id": entry.id, "slug": entry.slug, "verdict": entry.verdict, "kind": entry.kind},
        }
    assert hit.type == MESSAGE
    message = hit.item
    return {
        **common,
        "message": {
            "id": message.id,
            "room": message.room.slug,
            "author": author_payload(message.author),
            "created_at": iso(message.created_at),
        },
    }


def results_payload(found) -> dict:
    return {
        "query": found.query,
        "type": found.type,
        "sort": found.sort,
        "counts": found.counts,
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "results": [
            hit_payload(hit) for kind in (PERSON, ROOM, MESSAGE, TECHNOLOGY) for hit in found.hits.get(kind, [])
        ],
        "facets": [
            {"name": f.name, "label": f.label, "options": [vars(option) for option in f.options]} for f in found.facets
        ],
    }
