"""The OpenAPI 3.1 description served at /api/v1/openapi.json.

tests/api/test_schema.py fuzzes the running API against this document: what it allows must be
accepted, what it forbids refused, and every answer must be one it lists."""

from civicnet.access_log import CATEGORIES
from civicnet.api.schemas import MAX_PAGE_NUMBER, SCHEMAS, TEXT, ref, text
from civicnet.ids import MAX_ID
from civicnet.mentoring.requests import MAX_TEXT
from civicnet.rooms.messages import MAX_BODY, MAX_CLIENT_ID, MAX_PAGE
from civicnet.search.query import MAX_LENGTH as MAX_QUERY
from civicnet.search.services import TYPES as SEARCH_KINDS


def _lists(description: str, **lists: str) -> dict:
    """A 200 answer whose object holds lists of one schema each, e.g. _lists("Rooms", rooms="RoomListing")."""
    properties = {key: {"type": "array", "items": ref(schema)} for key, schema in lists.items()}
    return _json({"type": "object", "properties": properties}, description)


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _json(
        ref("Error"),
        "The request does not match this document (the message says which part), or its text is unreadable",
    ),
    "401": _json(ref("Error"), "No valid token was sent"),
    "404": _json(ref("Error"), "Not found, or not visible to this token's member"),
    "429": {
        **_json(ref("Error"), "Too many requests from this member or this address"),
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before trying again",
                "required": True,
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    },
}


def _query_int(name, description, minimum=0, maximum=MAX_ID):
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": minimum, "maximum": maximum},
        "description": description,
    }


def _query_text(name, description, schema=TEXT):
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _body(schema: dict, required: bool = True) -> dict:
    """A JSON object body; a field it does not name is refused (most often it is misspelt)."""
    schema = {**schema, "additionalProperties": False}
    return {"required": required, "content": {"application/json": {"schema": schema}}}


_slug = {"name": "slug", "in": "path", "required": True, "schema": TEXT}
_tag = _query_text("tag", "Only those with this skill tag (its name or address); an unknown tag finds nothing")

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
                "responses": {"200": _json(ref("Me"), "The member"), **ERRORS},
            }
        },
        "/me/access-log": {
            "get": {
                "summary": "Every look at this member's data by someone acting in a role, newest first",
                "parameters": [
                    {
                        "name": "category",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["", *CATEGORIES]},
                        "description": "Only looks at this kind of data (empty: every kind)",
                    },
                    _query_int("page", "The page, from 1 (50 entries a page)", minimum=1, maximum=MAX_PAGE_NUMBER),
                ],
                "responses": {"200": _json(ref("AccessLog"), "The member's entries"), **ERRORS},
            }
        },
        "/me/export": {
            "post": {
                "summary": "Start an export of all this member's data (one a day)",
                "responses": {
                    "202": _json(ref("Export"), "Started: poll GET /me/export"),
                    "409": _json(ref("Error"), "An export was already asked for in the last 24 hours"),
                    **ERRORS,
                },
            },
            "get": {
                "summary": "The latest export and how far it has got",
                "responses": {"200": _json(ref("Export"), "The latest export"), **ERRORS},
            },
        },
        "/me/export/archive": {
            "get": {
                "summary": "Download the latest export (a zip), within 7 days of it being ready",
                "responses": {
                    "200": {
                        "description": "The archive",
                        "content": {
                            "application/zip": {"schema": {"type": "string", "contentMediaType": "application/zip"}}
                        },
                    },
                    "403": _json(ref("Error"), "The download has run out: ask for a new export"),
                    "409": _json(ref("Error"), "The export is not ready yet"),
                    **ERRORS,
                },
            }
        },
        "/rooms": {
            "get": {
                "summary": "Rooms this member can read",
                "parameters": [_tag],
                "responses": {
                    "200": _lists("Rooms", rooms="RoomListing"),
                    **ERRORS,
                },
            }
        },
        "/rooms/{slug}/messages": {
            "get": {
                "summary": "Messages in a room: after after_id (oldest first), before before_id, between the two, or the latest",
                "parameters": [
                    _slug,
                    _query_int(
                        "after_id", "Return messages with a greater id, oldest first (catch-up after a disconnection)"
                    ),
                    _query_int(
                        "before_id",
                        "Return messages with a smaller id (scrolling back); with after_id, the messages between",
                    ),
                    {**_query_int("limit", "At most this many messages (default 50)", 1, MAX_PAGE)},
                ],
                "responses": {"200": _json(ref("MessagePage"), "Messages"), **ERRORS},
            },
            "post": {
                "summary": "Post a message; resending the same client_id returns the first message (200) instead of a duplicate",
                "parameters": [_slug],
                "requestBody": _body(
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
                    "201": _json({"type": "object", "properties": {"message": ref("Message")}}, "Posted"),
                    "200": _json(
                        {"type": "object", "properties": {"message": ref("Message")}},
                        "Already posted with this client_id",
                    ),
                    "403": _json(
                        ref("Error"),
                        "The room is archived, the member cannot post here (muted, email unconfirmed), "
                        "or may not speak for an organisation",
                    ),
                    "404": _json(
                        ref("Error"), "No such room visible to this member, or reply_to is not a message in it"
                    ),
                    "409": _json(ref("Error"), "This client_id was already used for a message in another room"),
                    **{status: answer for status, answer in ERRORS.items() if status != "404"},
                },
            },
        },
        "/mentoring/offers": {
            "get": {
                "summary": "Open mentoring offers (not paused, not full, from verified public servants)",
                "parameters": [_tag],
                "responses": {
                    "200": _lists("Offers", offers="Offer"),
                    **ERRORS,
                },
            }
        },
        "/mentoring/requests": {
            "get": {
                "summary": "The member's own mentoring requests, as mentor and as mentee",
                "responses": {
                    "200": _lists("Requests", as_mentor="MentoringRequest", as_mentee="MentoringRequest"),
                    **ERRORS,
                },
            },
            "post": {
                "summary": "Ask a mentor for mentoring (at most 3 pending requests)",
                "requestBody": _body(
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
                    "201": _json({"type": "object", "properties": {"request": ref("MentoringRequest")}}, "Requested"),
                    "403": _json(ref("Error"), "The member has not confirmed their email address"),
                    "409": _json(
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
                "requestBody": _body(
                    {
                        "type": "object",
                        "properties": {"reason": {**text(MAX_TEXT), "description": "Why (decline only; optional)"}},
                    },
                    required=False,
                ),
                "responses": {
                    "200": _json({"type": "object", "properties": {"request": ref("MentoringRequest")}}, "Done"),
                    "403": _json(
                        ref("Error"),
                        "Only the mentor accepts or declines; only the mentor and mentee complete or cancel",
                    ),
                    "409": _json(ref("Error"), "Already answered, full, or not in a state that allows it"),
                    **ERRORS,
                },
            }
        },
        "/people/{username}": {
            "get": {
                "summary": "A member's profile",
                "parameters": [{"name": "username", "in": "path", "required": True, "schema": TEXT}],
                "responses": {"200": _json(ref("Person"), "The profile"), **ERRORS},
            }
        },
        "/tags": {
            "get": {
                "summary": "Skill tags, most held first",
                "responses": {
                    "200": _lists("Tags", tags="Tag"),
                    **ERRORS,
                },
            }
        },
        "/search": {
            "get": {
                "summary": "Search people, rooms and messages, as the /search page does, only what this member may open",
                "parameters": [
                    _query_text(
                        "q",
                        'Words, "phrases", -exclusions and filters (tag:, from:, in:, is:verified, role:, before:, after:)',
                        text(MAX_QUERY),
                    ),
                    _query_text("type", "all (default), people, rooms or messages", {"enum": ["all", *SEARCH_KINDS]}),
                    _query_text(
                        "sort",
                        "best or newest (messages); by default best when words are given",
                        {"enum": ["best", "newest"]},
                    ),
                    *[
                        _query_text(name, f"Facet: {name}")
                        for name in ("tag", "role", "region", "room", "after", "before")
                    ],
                    _query_int("page", "Page number, from 1 (with a type)", 1),
                ],
                "responses": {
                    "200": _json(ref("SearchResults"), "Results and counts per type"),
                    "422": _json(
                        ref("Error"),
                        "Well formed, but not a search civicnet can answer: nothing to search for, only words to "
                        "leave out, or a filter naming an unknown tag, member, role or region, or a date it cannot read",
                    ),
                    "503": _json(ref("Error"), "The index is being rebuilt; try again shortly"),
                    **ERRORS,
                },
            }
        },
    },
    "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        "schemas": SCHEMAS,
    },
}
