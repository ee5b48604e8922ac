"""The OpenAPI 3.1 description served at /api/v1/openapi.json."""

from civicnet.api.schemas import SCHEMAS, ref


def _lists(description: str, **lists: str) -> dict:
    """A 200 answer whose object holds lists of one schema each, e.g. _lists("Rooms", rooms="RoomListing")."""
    properties = {key: {"type": "array", "items": ref(schema)} for key, schema in lists.items()}
    return _json({"type": "object", "properties": properties}, description)


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _json(ref("Error"), "The request is not valid; the message says why"),
    "401": _json(ref("Error"), "No valid token was sent"),
    "404": _json(ref("Error"), "Not found, or not visible to this token's member"),
}


def _query_int(name, text):
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0},
        "description": text,
    }


def _query_text(name, text):
    return {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": text}


_slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}

OPENAPI = {
    "openapi": "3.1.0",
    "info": {
        "title": "civicnet API",
        "version": "1",
        "description": "Rooms, messages, people and skill tags for token clients. Create a personal access token on your account page.",
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
        "/rooms": {
            "get": {
                "summary": "Rooms this member can read",
                "parameters": [{"name": "tag", "in": "query", "required": False, "schema": {"type": "string"}}],
                "responses": {
                    "200": _lists("Rooms", rooms="RoomListing"),
                    **ERRORS,
                },
            }
        },
        "/rooms/{slug}/messages": {
            "get": {
                "summary": "Messages in a room: after after_id (oldest first), before before_id, or the latest",
                "parameters": [
                    _slug,
                    _query_int("after_id", "Return messages with a greater id (catch-up after a disconnection)"),
                    _query_int("before_id", "Return messages with a smaller id (scrolling back)"),
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
                    },
                ],
                "responses": {"200": _json(ref("MessagePage"), "Messages"), **ERRORS},
            },
            "post": {
                "summary": "Post a message; resending the same client_id returns the first message (200) instead of a duplicate",
                "parameters": [_slug],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["body", "client_id"],
                                "properties": {
                                    "body": {
                                        "type": "string",
                                        "maxLength": 4000,
                                        "description": "Markdown; @username mentions",
                                    },
                                    "client_id": {"type": "string", "maxLength": 64},
                                    "reply_to": {"type": "integer"},
                                    "speaking_for": {"enum": ["personal", "organisation"]},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": _json({"type": "object", "properties": {"message": ref("Message")}}, "Posted"),
                    "200": _json(
                        {"type": "object", "properties": {"message": ref("Message")}},
                        "Already posted with this client_id",
                    ),
                    "403": _json(ref("Error"), "The room is archived or the member cannot post"),
                    **ERRORS,
                },
            },
        },
        "/mentoring/offers": {
            "get": {
                "summary": "Open mentoring offers (not paused, not full, from verified public servants)",
                "parameters": [{"name": "tag", "in": "query", "required": False, "schema": {"type": "string"}}],
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
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["offer_id", "message"],
                                "properties": {
                                    "offer_id": {"type": "integer"},
                                    "message": {"type": "string", "maxLength": 2000},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": _json({"type": "object", "properties": {"request": ref("MentoringRequest")}}, "Requested"),
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
                    {"name": "request_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                    {
                        "name": "action",
                        "in": "path",
                        "required": True,
                        "schema": {"enum": ["accept", "decline", "complete", "cancel"]},
                    },
                ],
                "responses": {
                    "200": _json({"type": "object", "properties": {"request": ref("MentoringRequest")}}, "Done"),
                    "409": _json(ref("Error"), "Already answered, full, or not in a state that allows it"),
                    **ERRORS,
                },
            }
        },
        "/people/{username}": {
            "get": {
                "summary": "A member's profile",
                "parameters": [{"name": "username", "in": "path", "required": True, "schema": {"type": "string"}}],
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
                    ),
                    _query_text("type", "all (default), people, rooms or messages"),
                    _query_text("sort", "best or newest (messages)"),
                    *[
                        _query_text(name, f"Facet: {name}")
                        for name in ("tag", "role", "region", "room", "after", "before")
                    ],
                    _query_int("page", "Page number, from 1 (with a type)"),
                ],
                "responses": {
                    "200": _json(ref("SearchResults"), "Results and counts per type"),
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
