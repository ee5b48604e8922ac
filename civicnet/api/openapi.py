"""The OpenAPI 3.1 description served at /api/v1/openapi.json."""


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _json(_ref("Error"), "The request is not valid; the message says why"),
    "401": _json(_ref("Error"), "No valid token was sent"),
    "404": _json(_ref("Error"), "Not found, or not visible to this token's member"),
}


def _query_int(name, text):
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0},
        "description": text,
    }


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
                "responses": {"200": _json(_ref("Me"), "The member"), **ERRORS},
            }
        },
        "/rooms": {
            "get": {
                "summary": "Rooms this member can read",
                "parameters": [{"name": "tag", "in": "query", "required": False, "schema": {"type": "string"}}],
                "responses": {
                    "200": _json(
                        {"type": "object", "properties": {"rooms": {"type": "array", "items": _ref("RoomListing")}}},
                        "Rooms",
                    ),
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
                "responses": {"200": _json(_ref("MessagePage"), "Messages"), **ERRORS},
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
                    "201": _json({"type": "object", "properties": {"message": _ref("Message")}}, "Posted"),
                    "200": _json(
                        {"type": "object", "properties": {"message": _ref("Message")}},
                        "Already posted with this client_id",
                    ),
                    "403": _json(_ref("Error"), "The room is archived or the member cannot post"),
                    **ERRORS,
                },
            },
        },
        "/mentoring/offers": {
            "get": {
                "summary": "Open mentoring offers (not paused, not full, from verified public servants)",
                "parameters": [{"name": "tag", "in": "query", "required": False, "schema": {"type": "string"}}],
                "responses": {
                    "200": _json(
                        {"type": "object", "properties": {"offers": {"type": "array", "items": _ref("Offer")}}},
                        "Offers",
                    ),
                    **ERRORS,
                },
            }
        },
        "/mentoring/requests": {
            "get": {
                "summary": "The member's own mentoring requests, as mentor and as mentee",
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "as_mentor": {"type": "array", "items": _ref("MentoringRequest")},
                                "as_mentee": {"type": "array", "items": _ref("MentoringRequest")},
                            },
                        },
                        "Requests",
                    ),
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
                    "201": _json({"type": "object", "properties": {"request": _ref("MentoringRequest")}}, "Requested"),
                    "409": _json(
                        _ref("Error"), "Too many pending requests, already asked, or the offer is full or paused"
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
                    "200": _json({"type": "object", "properties": {"request": _ref("MentoringRequest")}}, "Done"),
                    "409": _json(_ref("Error"), "Already answered, full, or not in a state that allows it"),
                    **ERRORS,
                },
            }
        },
        "/people/{username}": {
            "get": {
                "summary": "A member's profile",
                "parameters": [{"name": "username", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _json(_ref("Person"), "The profile"), **ERRORS},
            }
        },
        "/tags": {
            "get": {
                "summary": "Skill tags, most held first",
                "responses": {
                    "200": _json(
                        {"type": "object", "properties": {"tags": {"type": "array", "items": _ref("Tag")}}}, "Tags"
                    ),
                    **ERRORS,
                },
            }
        },
    },
    "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Offer": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "mentor": _ref("Author"),
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "description": {"type": "string"},
                    "calls_note": {"type": "string"},
                    "availability": {"type": "string"},
                    "capacity": {"type": "integer"},
                    "places_left": {"type": "integer"},
                    "paused": {"type": "boolean"},
                },
            },
            "MentoringRequest": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "offer_id": {"type": "integer"},
                    "mentor": _ref("Author"),
                    "mentee": _ref("Author"),
                    "message": {"type": "string"},
                    "status": {"enum": ["pending", "accepted", "declined", "completed", "cancelled", "expired"]},
                    "created_at": {"type": "string", "format": "date-time"},
                    "expires_at": {"type": "string", "format": "date-time"},
                    "room": {"type": ["string", "null"], "description": "The private room's slug, once accepted"},
                },
            },
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                    }
                },
            },
            "Author": {
                "type": "object",
                "properties": {
                    "username": {"type": "string"},
                    "display_name": {"type": "string"},
                    "role": {"type": "string", "enum": ["citizen", "public_servant", "moderator", "admin"]},
                    "verified": {
                        "type": "boolean",
                        "description": "A public servant whose work address and role a moderator attested",
                    },
                    "organisation": {"type": ["string", "null"], "description": "The verified organisation"},
                },
            },
            "Me": {"allOf": [_ref("Author"), {"type": "object", "properties": {"email": {"type": "string"}}}]},
            "Message": {
                "type": "object",
                "properties": {
                    "id": {
                        "type": "integer",
                        "description": "Increases within a room in the order messages were stored",
                    },
                    "room": {"type": "string"},
                    "author": _ref("Author"),
                    "body_html": {"type": "string", "description": "Sanitised HTML"},
                    "created_at": {"type": "string", "format": "date-time"},
                    "edited_at": {"type": ["string", "null"], "format": "date-time"},
                    "client_id": {"type": ["string", "null"]},
                    "reply_to": {
                        "type": ["object", "null"],
                        "properties": {
                            "id": {"type": "integer"},
                            "author": {"type": "string"},
                            "excerpt": {"type": "string"},
                        },
                    },
                    "speaking_for": {
                        "type": ["string", "null"],
                        "description": "The organisation a verified public servant spoke for; null: personally",
                    },
                    "hidden": {"type": "boolean", "description": "Hidden by moderators: body_html is empty"},
                    "held": {"type": "boolean", "description": "Held by the word filter: only its author sees it"},
                },
            },
            "MessagePage": {
                "type": "object",
                "properties": {
                    "messages": {"type": "array", "items": _ref("Message")},
                    "has_more": {"type": "boolean"},
                },
            },
            "RoomListing": {
                "type": "object",
                "properties": {
                    "slug": {"type": "string"},
                    "name": {"type": "string"},
                    "description": {"type": "string"},
                    "kind": {"type": "string", "enum": ["public", "private"]},
                    "open_to_public": {"type": "boolean"},
                    "archived": {"type": "boolean"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "members": {"type": "integer"},
                    "last_activity": {"type": ["string", "null"], "format": "date-time"},
                    "unread": {"type": ["integer", "null"]},
                },
            },
            "Person": {
                "allOf": [
                    _ref("Author"),
                    {
                        "type": "object",
                        "properties": {
                            "pronouns": {"type": ["string", "null"]},
                            "organisation": {"type": ["string", "null"]},
                            "job_title": {"type": ["string", "null"]},
                            "region": {"type": ["string", "null"]},
                            "bio_html": {"type": "string"},
                            "member_since": {"type": "string", "format": "date-time"},
                            "help_tags": {"type": "array", "items": {"type": "string"}},
                            "learn_tags": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                ]
            },
            "Tag": {
                "type": "object",
                "properties": {"slug": {"type": "string"}, "name": {"type": "string"}, "members": {"type": "integer"}},
            },
        },
    },
}
