"""The OpenAPI 3.1 description served at /api/v1/openapi.json.

tests/api/test_schema.py fuzzes the running API against this document: what it allows must be
accepted, what it forbids refused, and every answer must be one it lists."""

from civicnet.api.openapi_data import DATA_PATHS
from civicnet.api.openapi_parts import ERRORS, body, json_answer, lists, query_int, query_text
from civicnet.api.openapi_reactions import REACTION_PATHS, REACTION_SCHEMAS
from civicnet.api.openapi_register import REGISTER_PATHS, REGISTER_SCHEMAS
from civicnet.api.schemas import SCHEMAS, TEXT, ref, text
from civicnet.ids import MAX_ID
from civicnet.mentoring.requests import MAX_TEXT
from civicnet.rooms.history import MAX_PAGE
from civicnet.rooms.messages import MAX_BODY, MAX_CLIENT_ID
from civicnet.search.query import MAX_LENGTH as MAX_QUERY
from civicnet.search.services import TYPES as SEARCH_KINDS

_slug = {"name": "slug", "in": "path", "required": True, "schema": TEXT}
_tag = query_text("tag", "Only those with this skill tag (its name or address); an unknown tag finds nothing")

OPENAPI = {
    "openapi": "3.1.0",
    "info": {
        "title": "civicnet API",
        "version": "1",
        "description": (
            "Rooms, messages, people and skill tags for token clients. Create a personal access token on "
            "your account page and send it as `Authorization: Bearer <token>`.\n\n"
            "Text may not contain NUL characters, and a JSON body must be UTF-8 with no lone surrogates "
            '(such as `"\\ud800"`) and at most 32 levels deep: such requests get a 400.\n\n'
            "Requests are limited per member and per address (by default, a minute's allowance: 300 reads "
            "and 60 writes per member, 600 and 120 per address; searches, with the /search page, 30 per "
            "member and 60 per address). Past a limit the answer is 429 with a Retry-After header."
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearerAuth": []}],
    "paths": {
        "/me": {
            "get": {
                "summary": "The member this token belongs to",
                "responses": {"200": json_answer(ref("Me"), "The member"), **ERRORS},
            }
        },
        **DATA_PATHS,
        **REGISTER_PATHS,
        **REACTION_PATHS,
        "/rooms": {
            "get": {
                "summary": "Rooms this member can read",
                "parameters": [_tag],
                "responses": {
                    "200": lists("Rooms", rooms="RoomListing"),
                    **ERRORS,
                },
            }
        },
        "/rooms/{slug}/messages": {
            "get": {
                "summary": "Messages in a room: after after_id (oldest first), before before_id, between the two, or the latest",
                "parameters": [
                    _slug,
                    query_int(
                        "after_id", "Return messages with a greater id, oldest first (catch-up after a disconnection)"
                    ),
                    query_int(
                        "before_id",
                        "Return messages with a smaller id (scrolling back); with after_id, the messages between",
                    ),
                    {**query_int("limit", "At most this many messages (default 50)", 1, MAX_PAGE)},
                ],
                "responses": {"200": json_answer(ref("MessagePage"), "Messages"), **ERRORS},
            },
            "post": {
                "summary": "Post a message; resending the same client_id returns the first message (200) instead of a duplicate",
                "parameters": [_slug],
                "requestBody": body(
                    {
                        "type": "object",
                        "required": ["body", "client_id"],
                        "properties": {
                            "body": {
                                **text(MAX_BODY, needs_text=True),
                                "description": "Markdown; @username mentions. Spaces around it are removed",
                            },
                            "client_id": {
                                **text(MAX_CLIENT_ID, min_length=1),
                                "description": "Chosen by the client, unique per message: a resend returns the first message",
                            },
                            "reply_to": {
                                "type": ["integer", "null"],
                                "description": "The id of a message in this room (404 if there is none)",
                            },
                            "speaking_for": {
                                "enum": ["personal", "organisation", None],
                                "description": "organisation: only for verified public servants (403 otherwise)",
                            },
                        },
                    }
                ),
                "responses": {
                    "201": json_answer({"type": "object", "properties": {"message": ref("Message")}}, "Posted"),
                    "200": json_answer(
                        {"type": "object", "properties": {"message": ref("Message")}},
                        "Already posted with this client_id",
                    ),
                    "403": json_answer(
                        ref("Error"),
                        "The room is archived, the member cannot post here (muted, email unconfirmed, or, in a "
                        "direct conversation, someone in it does not accept their messages: not_accepted), "
                        "or may not speak for an organisation",
                    ),
                    "404": json_answer(
                        ref("Error"), "No such room visible to this member, or reply_to is not a message in it"
                    ),
                    "409": json_answer(ref("Error"), "This client_id was already used for a message in another room"),
                    **{status: answer for status, answer in ERRORS.items() if status != "404"},
                },
            },
        },
        "/mentoring/offers": {
            "get": {
                "summary": "Open mentoring offers (not paused, not full, from verified public servants)",
                "parameters": [_tag],
                "responses": {
                    "200": lists("Offers", offers="Offer"),
                    **ERRORS,
                },
            }
        },
        "/mentoring/requests": {
            "get": {
                "summary": "The member's own mentoring requests, as mentor and as mentee",
                "responses": {
                    "200": lists("Requests", as_mentor="MentoringRequest", as_mentee="MentoringRequest"),
                    **ERRORS,
                },
            },
            "post": {
                "summary": "Ask a mentor for mentoring (at most 3 pending requests)",
                "requestBody": body(
                    {
                        "type": "object",
                        "required": ["offer_id", "message"],
                        "properties": {
                            "offer_id": {"type": "integer", "description": "404 if there is no such offer"},
                            "message": text(MAX_TEXT, needs_text=True),
                        },
                    }
                ),
                "responses": {
                    "201": json_answer(
                        {"type": "object", "properties": {"request": ref("MentoringRequest")}}, "Requested"
                    ),
                    "403": json_answer(ref("Error"), "The member has not confirmed their email address"),
                    "409": json_answer(
                        ref("Error"), "Too many pending requests, already asked, or the offer is full or paused"
                    ),
                    **ERRORS,
                },
            },
        },
        "/mentoring/requests/{request_id}/{action}": {
            "post": {
                "summary": "accept or decline (mentor; decline takes an optional reason), complete or cancel (either side)",
                "parameters": [
                    {
                        "name": "request_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                    },
                    {
                        "name": "action",
                        "in": "path",
                        "required": True,
                        "schema": {"enum": ["accept", "decline", "complete", "cancel"]},
                    },
                ],
                "requestBody": body(
                    {
                        "type": "object",
                        "properties": {"reason": {**text(MAX_TEXT), "description": "Why (decline only; optional)"}},
                    },
                    required=False,
                ),
                "responses": {
                    "200": json_answer({"type": "object", "properties": {"request": ref("MentoringRequest")}}, "Done"),
                    "403": json_answer(
                        ref("Error"),
                        "Only the mentor accepts or declines; only the mentor and mentee complete or cancel",
                    ),
                    "409": json_answer(ref("Error"), "Already answered, full, or not in a state that allows it"),
                    **ERRORS,
                },
            }
        },
        "/people/{username}": {
            "get": {
                "summary": "A member's profile",
                "parameters": [{"name": "username", "in": "path", "required": True, "schema": TEXT}],
                "responses": {"200": json_answer(ref("Person"), "The profile"), **ERRORS},
            }
        },
        "/tags": {
            "get": {
                "summary": "Skill tags, most held first",
                "responses": {
                    "200": lists("Tags", tags="Tag"),
                    **ERRORS,
                },
            }
        },
        "/search": {
            "get": {
                "summary": "Search people, rooms, messages and the technology register, as the /search page does, only what this member may open",
                "parameters": [
                    query_text(
                        "q",
                        'Words, "phrases", -exclusions and filters (tag:, from:, in:, is:verified, role:, before:, after:)',
                        text(MAX_QUERY),
                    ),
                    query_text(
                        "type", "all (default), people, rooms, messages or technology", {"enum": ["all", *SEARCH_KINDS]}
                    ),
                    query_text(
                        "sort",
                        "best or newest (messages); by default best when words are given",
                        {"enum": ["best", "newest"]},
                    ),
                    *[
                        query_text(name, f"Facet: {name}")
                        for name in ("tag", "role", "region", "room", "after", "before", "verdict", "kind")
                    ],
                    query_int("page", "Page number, from 1 (with a type)", 1),
                ],
                "responses": {
                    "200": json_answer(ref("SearchResults"), "Results and counts per type"),
                    "422": json_answer(
                        ref("Error"),
                        "Well formed, but not a search civicnet can answer: nothing to search for, only words to "
                        "leave out, or a filter naming an unknown tag, member, role or region, or a date it cannot read",
                    ),
                    "503": json_answer(ref("Error"), "The index is being rebuilt; try again shortly"),
                    **ERRORS,
                },
            }
        },
    },
    "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        "schemas": {**SCHEMAS, **REGISTER_SCHEMAS, **REACTION_SCHEMAS},
    },
}
