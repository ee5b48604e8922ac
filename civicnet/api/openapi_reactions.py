"""The OpenAPI paths and schema of reactions on messages."""

from civicnet.api.openapi_parts import ERRORS, json_answer
from civicnet.api.schemas import ref
from civicnet.ids import MAX_ID
from civicnet.rooms.reactions import EMOJI

_keys = [emoji.key for emoji in EMOJI]

REACTION_SCHEMAS = {
    "MessageReactions": {
        "type": "object",
        "description": "Every emoji someone chose on a message, in the set's order",
        "properties": {
            "id": {"type": "integer", "description": "The message's id"},
            "room": {"type": "string"},
            "reactions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "emoji": {"type": "string", "enum": _keys},
                        "count": {"type": "integer", "minimum": 1},
                        "people": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {"username": {"type": "string"}, "display_name": {"type": "string"}},
                            },
                        },
                    },
                },
            },
        },
    }
}

_answer = {
    "200": json_answer(ref("MessageReactions"), "The message's reactions now"),
    "403": json_answer(
        ref("Error"),
        "The member cannot react here: the room is archived, they are muted or their email is unconfirmed, the "
        "message is hidden or held, or, in a direct conversation, someone in it does not accept their messages",
    ),
    **ERRORS,
}
_parameters = [
    {
        "name": "message_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    },
    {
        "name": "emoji",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": _keys},
        "description": "One of the fixed set: " + ", ".join(_keys),
    },
]

REACTION_PATHS = {
    "/messages/{message_id}/reactions/{emoji}": {
        "put": {
            "summary": "Add the member's reaction to a message (sending it again changes nothing)",
            "parameters": _parameters,
            "responses": _answer,
        },
        "delete": {
            "summary": "Take the member's reaction away (sending it again changes nothing)",
            "parameters": _parameters,
            "responses": _answer,
        },
    }
}
