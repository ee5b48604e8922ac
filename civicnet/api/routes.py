"""JSON API v1 for token clients: thin views over the same services the pages and sockets use."""

from functools import wraps

from flask import g, jsonify, request

from civicnet.api import bp
from civicnet.api.openapi import OPENAPI
from civicnet.api.tokens import user_for_token
from civicnet.errors import Invalid, NotFound, ServiceError, error_response
from civicnet.extensions import csrf
from civicnet.mentoring import offers as mentoring_offers_service
from civicnet.mentoring import requests as mentoring
from civicnet.mentoring.payloads import offer_payload, request_payload
from civicnet.profiles import services as profiles
from civicnet.profiles.models import HELP, LEARN
from civicnet.rooms import messages, services
from civicnet.rooms.payloads import author_payload, iso, message_payload, room_payload
from civicnet.search import services as search_services
from civicnet.search.payloads import results_payload
from civicnet.search.routes import search_args

# Token clients send no cookies, so there is no session to forge a request from.
csrf.exempt(bp)


def token_required(view):
    """Authenticate with 'Authorization: Bearer <token>'."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        g.api_user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if g.api_user is None:
            response, status = error_response(
                401, "unauthorized", "Send a valid personal access token as 'Authorization: Bearer <token>'"
            )
            response.headers["WWW-Authenticate"] = 'Bearer realm="civicnet"'
            return response, status
        return view(*args, **kwargs)

    return wrapper


def _int_arg(name: str) -> int | None:
    value = request.args.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise Invalid(name, f"{name} must be a whole number")
    return int(value)


@bp.errorhandler(ServiceError)
def service_error(error: ServiceError):
    return error_response(error.status, error.code, error.message)


@bp.get("/openapi.json")
def openapi():
    return jsonify(OPENAPI)


@bp.get("/me")
@token_required
def me():
    return jsonify({**author_payload(g.api_user), "email": g.api_user.email})


@bp.get("/rooms")
@token_required
def rooms():
    listings = services.list_rooms(g.api_user, request.args.get("tag", "")[:60])
    return jsonify(
        rooms=[
            {
                **room_payload(item.room),
                "members": item.members,
                "last_activity": iso(item.last_activity),
                "unread": item.unread,
            }
            for item in listings
        ]
    )


@bp.get("/rooms/<slug>/messages")
@token_required
def room_messages(slug: str):
    room = services.get_readable_room(g.api_user, slug)
    page = messages.history(
        g.api_user, room, after_id=_int_arg("after_id"), before_id=_int_arg("before_id"), limit=_int_arg("limit")
    )
    return jsonify(messages=[message_payload(message) for message in page.messages], has_more=page.has_more)


@bp.post("/rooms/<slug>/messages")
@token_required
def post_message(slug: str):
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid(None, "Send a JSON object with body and client_id")
    room = services.get_readable_room(g.api_user, slug)
    client_id = data.get("client_id")
    repeat = isinstance(client_id, str) and messages.find_by_client_id(g.api_user, client_id) is not None
    message = messages.post_message(
        room, g.api_user, data.get("body"), client_id, data.get("reply_to"), data.get("speaking_for")
    )
    return jsonify(message=message_payload(message)), 200 if repeat else 201


@bp.get("/people/<username>")
@token_required
def person(username: str):
    user = profiles.get_visible_profile(g.api_user, username)
    profile = user.profile
    return jsonify(
        {
            **author_payload(user),
            "pronouns": profile.pronouns,
            "organisation": profile.organisation,
            "job_title": profile.job_title,
            "region": profile.region,
            "bio_html": profile.bio_html,
            "member_since": iso(user.created_at),
            "help_tags": [tag.slug for tag in profiles.user_tags(user, HELP)],
            "learn_tags": [tag.slug for tag in profiles.user_tags(user, LEARN)],
        }
    )


@bp.get("/tags")
@token_required
def tags():
    return jsonify(
        tags=[{"slug": tag.slug, "name": tag.name, "members": uses} for tag, uses in profiles.popular_tags()]
    )


@bp.get("/mentoring/offers")
@token_required
def mentoring_offers():
    """Open offers (not paused, not full), optionally for one skill tag."""
    tag = request.args.get("tag", "")[:60] or None
    return jsonify(offers=[offer_payload(offer) for offer in mentoring_offers_service.open_offers(tag)])


@bp.get("/mentoring/requests")
@token_required
def mentoring_requests():
    """The member's own requests, as mentor and as mentee."""
    mine = mentoring.requests_of(g.api_user)
    return jsonify({side: [request_payload(found) for found in listed] for side, listed in mine.items()})


@bp.post("/mentoring/requests")
@token_required
def ask_for_mentoring():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid(None, "Send a JSON object with offer_id and message")
    return jsonify(request=request_payload(mentoring.ask(g.api_user, data.get("offer_id"), data.get("message")))), 201


@bp.post("/mentoring/requests/<int:request_id>/<action>")
@token_required
def answer_mentoring(request_id: int, action: str):
    """accept, decline (optional {"reason"}), complete or cancel."""
    data = request.get_json(silent=True) or {}
    if action == "accept":
        found = mentoring.accept(g.api_user, request_id)
    elif action == "decline":
        found = mentoring.decline(g.api_user, request_id, data.get("reason", "") if isinstance(data, dict) else "")
    elif action in ("complete", "cancel"):
        found = mentoring.end(g.api_user, request_id, completed=action == "complete")
    else:
        raise NotFound("Unknown action: use accept, decline, complete or cancel")
    return jsonify(request=request_payload(found))


@bp.get("/search")
@token_required
def search():
    """The same search as /search, as JSON; ?q= with the page's type, facets, sort and page."""
    try:
        found = search_services.search(g.api_user, request.args.get("q", ""), **search_args())
    except search_services.SearchUnavailable:
        return error_response(503, "search_unavailable", "Search is being rebuilt. Try again in a minute")
    if found is None:
        raise Invalid("q", "Send q: the words or filters to search for")
    return jsonify(results_payload(found))
