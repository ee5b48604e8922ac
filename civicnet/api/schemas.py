"""The API's data shapes, for the OpenAPI document (civicnet/api/openapi.py)."""


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


# civicnet refuses NUL in any text (PostgreSQL cannot store it), so every string a client sends says so.
NO_NUL = "^[^\\x00]*$"
# ...and text that must say something has a character that is neither a space nor NUL.
SOME_TEXT = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
TEXT = {"type": "string", "pattern": NO_NUL}


def text(max_length: int, *, min_length: int = 0, needs_text: bool = False) -> dict:
    """A string a client sends, at most max_length characters."""
    schema = {"type": "string", "maxLength": max_length, "pattern": SOME_TEXT if needs_text else NO_NUL}
    return {**schema, "minLength": max(min_length, 1 if needs_text else 0)}


MAX_PAGE_NUMBER = 10_000  # the highest ?page= a paged answer accepts

SCHEMAS = {
    "Offer": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "mentor": ref("Author"),
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
            "mentor": ref("Author"),
            "mentee": ref("Author"),
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
            "avatar_url": {
                "type": ["string", "null"],
                "description": "The member's photo, 96 pixels square (a path on this site), or null without one",
            },
            "initials": {"type": "string", "description": "Up to two letters to show where there is no photo"},
        },
    },
    "Me": {"allOf": [ref("Author"), {"type": "object", "properties": {"email": {"type": "string"}}}]},
    "AccessEntry": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "at": {"type": "string", "format": "date-time"},
            "who": {
                "type": "string",
                "enum": ["moderator", "admin", "operator", "self"],
                "description": "A role, never a name",
            },
            "purpose": {"type": "string"},
            "purpose_text": {"type": "string"},
            "case_ref": {"type": "string"},
            "note": {"type": "string"},
            "categories": {"type": "array", "items": {"type": "string"}},
            "action": {"type": "string", "enum": ["view", "export", "edit", "delete"]},
        },
    },
    "Export": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "status": {"type": "string", "enum": ["queued", "building", "ready", "failed"]},
            "progress": {"type": "integer", "minimum": 0, "maximum": 100, "description": "Percent done"},
            "created_at": {"type": "string", "format": "date-time"},
            "expires_at": {"type": ["string", "null"], "description": "When the download runs out"},
            "archive": {"type": ["string", "null"], "description": "Where to download it, once ready"},
        },
    },
    "AccessLog": {
        "type": "object",
        "properties": {
            "entries": {"type": "array", "items": ref("AccessEntry")},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "hidden": {
                "type": "integer",
                "description": "Entries held back now (a security investigation or legal request)",
            },
            "hidden_until": {"type": ["string", "null"], "description": "When the last held-back entry appears"},
        },
    },
    "Message": {
        "type": "object",
        "properties": {
            "id": {
                "type": "integer",
                "description": "Increases within a room in the order messages were stored",
            },
            "room": {"type": "string"},
            "author": ref("Author"),
            "body_html": {"type": "string", "description": "Sanitised HTML"},
            "attachments": {
                "type": "array",
                "description": "Files on the message (none while it is hidden); their addresses answer "
                "only those who may read the message",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "size": {"type": "integer", "description": "Bytes, as stored"},
                        "kind": {"type": "string", "enum": ["image", "file"]},
                        "summary": {"type": "string", "description": "What it is and how large: 'PDF, 1.2 MB'"},
                        "url": {"type": "string"},
                        "thumbnail_url": {"type": ["string", "null"], "description": "Images only"},
                        "thumbnail_width": {"type": ["integer", "null"]},
                        "thumbnail_height": {"type": ["integer", "null"]},
                    },
                },
            },
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
            "thread_root": {
                "type": ["integer", "null"],
                "description": "A reply's thread: the id of the message that starts it; null: not a reply",
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
            "messages": {"type": "array", "items": ref("Message")},
            "has_more": {"type": "boolean"},
            "reactions": {
                "type": "array",
                "description": "The reactions of those messages that have any",
                "items": ref("MessageReactions"),
            },
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
            ref("Author"),
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
    "SearchHit": {
        "type": "object",
        "description": "One result. title_html and snippet_html are escaped text with matched words in <mark>.",
        "required": ["type", "url", "title_html", "snippet_html"],
        "properties": {
            "type": {"type": "string", "enum": ["person", "room", "message", "technology"]},
            "url": {"type": "string"},
            "title_html": {"type": "string"},
            "snippet_html": {"type": "string"},
            "person": ref("Author"),
            "help_tags_html": {"type": "string", "description": "A person's 'can help with' tags, matches marked"},
            "learn_tags_html": {"type": "string", "description": "A person's 'want to learn' tags, matches marked"},
            "room": {"type": "object"},
            "technology": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "slug": {"type": "string"},
                    "verdict": {"type": "string"},
                    "kind": {"type": "string"},
                },
            },
            "message": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "room": {"type": "string"},
                    "author": ref("Author"),
                    "created_at": {"type": "string", "format": "date-time"},
                },
            },
        },
    },
    "SearchResults": {
        "type": "object",
        "properties": {
            "query": {"type": "string"},
            "type": {"type": "string", "enum": ["all", "people", "rooms", "messages", "technology"]},
            "sort": {"type": "string", "enum": ["best", "newest"]},
            "counts": {
                "type": "object",
                "properties": {name: {"type": "integer"} for name in ("people", "rooms", "messages", "technology")},
            },
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "results": {"type": "array", "items": ref("SearchHit")},
            "facets": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "label": {"type": "string"},
                        "options": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "value": {"type": "string"},
                                    "label": {"type": "string"},
                                    "count": {"type": "integer"},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}
