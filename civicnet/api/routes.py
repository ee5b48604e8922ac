"""JSON API v1 for token clients: thin views over the same services the pages and sockets use."""

from functools import wraps

from flask import g, jsonify, request

from civicnet.accounts.access_tokens import user_for_token
from civicnet.api import bp, inputs
from civicnet.api.limits import read_limits, write_limits
from civicnet.api.openapi import OPENAPI
from civicnet.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError, error_response
from civicnet.extensions import csrf
from civicnet.mentoring import offers as mentoring_offers_service
from civicnet.mentoring import requests as mentoring
from civicnet.mentoring.payloads import offer_payload, request_payload
from civicnet.profiles import services as profiles
from civicnet.rooms import history, messages, reactions, services
from civicnet.rooms.payloads import author_payload, iso, message_payload, room_payload
from civicnet.search import services as search_services
from civicnet.search.payloads import results_payload
from civicnet.search.query import MAX_LENGTH as MAX_QUERY
from civicnet.search.routes import search_limits
from civicnet.tags import services as tag_services
from civicnet.tags.models import HELP, LEARN

# A posted message the rules refuse for a reason its shape cannot show: the status says which.
POST_REFUSALS = {"reply_to": NotFound, "speaking_for": Forbidden, "client_id": Conflict}
SEARCH_TYPES = ("all", *search_services.TYPES)


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


@bp.errorhandler(ServiceError)
def service_error(error: ServiceError):
    return error_response(error.status, error.code, error.message)


@bp.get("/openapi.json")
def openapi():
    return jsonify(OPENAPI)


@bp.get("/me")
@token_required
@read_limits
def me():
    return jsonify({**author_payload(g.api_user), "email": g.api_user.email})


@bp.get("/rooms")
@token_required
@read_limits
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
@read_limits
def room_messages(slug: str):
    after_id, before_id = inputs.int_arg("after_id"), inputs.int_arg("before_id")
    limit = inputs.int_arg("limit", 1, history.MAX_PAGE)
    room = services.get_readable_room(g.api_user, slug)
    page = history.page(g.api_user, room, after_id=after_id, before_id=before_id, limit=limit)
    return jsonify(
        messages=[message_payload(message) for message in page.messages],
        has_more=page.has_more,
        reactions=reactions.for_ack(room, page.messages),
    )


@bp.post("/rooms/<slug>/messages")
@token_required
@write_limits
def post_message(slug: str):
    data = inputs.json_object("body", "client_id", "reply_to", "speaking_for")
    body = inputs.text_field(data, "body", messages.MAX_BODY, empty="Enter a message")
    client_id = inputs.text_field(data, "client_id", messages.MAX_CLIENT_ID)
    reply_to = inputs.int_field(data, "reply_to", required=False)
    speaking_for = inputs.choice_field(data, "speaking_for", ("personal", "organisation"))
    room = services.get_readable_room(g.api_user, slug)
    repeat = messages.find_by_client_id(g.api_user, client_id) is not None
    try:
        message = messages.post_message(room, g.api_user, body, client_id, reply_to, speaking_for)
    except Invalid as error:
        if error.field in POST_REFUSALS:
            raise POST_REFUSALS[error.field](error.message) from error
        raise
    return jsonify(message=message_payload(message)), 200 if repeat else 201


@bp.get("/people/<username>")
@token_required
@read_limits
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
            "help_tags": [tag.slug for tag in tag_services.user_tags(user, HELP)],
            "learn_tags": [tag.slug for tag in tag_services.user_tags(user, LEARN)],
        }
    )


@bp.get("/tags")
@token_required
@read_limits
def tags():
    return jsonify(
        tags=[{"slug": tag.slug, "name": tag.name, "members": uses} for tag, uses in tag_services.popular_tags()]
    )


@bp.get("/mentoring/offers")
@token_required
@read_limits
def mentoring_offers():
    """Open offers (not paused, not full), optionally for one skill tag."""
    tag = request.args.get("tag", "")[:60] or None
    return jsonify(offers=[offer_payload(offer) for offer in mentoring_offers_service.open_offers(tag)])


@bp.get("/mentoring/requests")
@token_required
@read_limits
def mentoring_requests():
    """The member's own requests, as mentor and as mentee."""
    mine = mentoring.requests_of(g.api_user)
    return jsonify({side: [request_payload(found) for found in listed] for side, listed in mine.items()})


@bp.post("/mentoring/requests")
@token_required
@write_limits
def ask_for_mentoring():
    data = inputs.json_object("offer_id", "message")
    offer_id = inputs.int_field(data, "offer_id")
    text = inputs.text_field(data, "message", mentoring.MAX_TEXT, empty="Tell the mentor what you would like help with")
    return jsonify(request=request_payload(mentoring.ask(g.api_user, offer_id, text))), 201


@bp.post("/mentoring/requests/<int:request_id>/<action>")
@token_required
@write_limits
def answer_mentoring(request_id: int, action: str):
    """accept, decline (optional {"reason"}), complete or cancel."""
    reason = inputs.text_field(
        inputs.json_object("reason", required=False), "reason", mentoring.MAX_TEXT, required=False
    )
    if action == "accept":
        found = mentoring.accept(g.api_user, request_id)
    elif action == "decline":
        found = mentoring.decline(g.api_user, request_id, reason or "")
    elif action in ("complete", "cancel"):
        found = mentoring.end(g.api_user, request_id, completed=action == "complete")
    else:
        raise NotFound("Unknown action: use accept, decline, complete or cancel")
    return jsonify(request=request_payload(found))


@bp.get("/search")
@token_required
@search_limits(lambda: g.api_user)
def search():
    """The same search as /search, as JSON; ?q= with the page's type, facets, sort and page."""
    text = request.args.get("q", "")
    if len(text) > MAX_QUERY:
        raise Invalid("q", f"Search for {MAX_QUERY} characters or fewer")
    shape = {
        "type": inputs.choice_arg("type", SEARCH_TYPES, "all", "Choose people, rooms, messages or technology"),
        "sort": inputs.choice_arg(
            "sort", (search_services.BEST, search_services.NEWEST), "", "Sort by best match or newest"
        ),
        "page": inputs.int_arg("page", 1) or 1,
        "filters": {name: request.args.get(name, "") for name in search_services.FILTER_PARAMS},
    }
    try:
        found = search_services.search(g.api_user, text, **shape)
    except search_services.SearchUnavailable:
        return error_response(503, "search_unavailable", "Search is being rebuilt. Try again in a minute")
    except Invalid as error:  # well formed, but not a search civicnet can answer (an unknown tag, say)
        return error_response(422, "invalid_query", error.message)
    if found is None:
        return error_response(422, "invalid_query", "Send q, or a filter: the words or filters to search for")
    return jsonify(results_payload(found))
