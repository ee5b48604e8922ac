"""The pieces the OpenAPI document is built from: answers, the usual errors and parameters."""

from civicnet.api.schemas import TEXT, ref
from civicnet.ids import MAX_ID


def lists(description: str, **lists: str) -> dict:
    """A 200 answer whose object holds lists of one schema each, e.g. lists("Rooms", rooms="RoomListing")."""
    properties = {key: {"type": "array", "items": ref(schema)} for key, schema in lists.items()}
    return json_answer({"type": "object", "properties": properties}, description)


def json_answer(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": json_answer(
        ref("Error"),
        "The request does not match this document (the message says which part), or its text is unreadable",
    ),
    "401": json_answer(ref("Error"), "No valid token was sent"),
    "404": json_answer(ref("Error"), "Not found, or not visible to this token's member"),
    "429": {
        **json_answer(ref("Error"), "Too many requests from this member or this address"),
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before trying again",
                "required": True,
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    },
}


def query_int(name, description, minimum=0, maximum=MAX_ID):
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": minimum, "maximum": maximum},
        "description": description,
    }


def query_text(name, description, schema=TEXT):
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def body(schema: dict, required: bool = True) -> dict:
    """A JSON object body; a field it does not name is refused (most often it is misspelt)."""
    schema = {**schema, "additionalProperties": False}
    return {"required": required, "content": {"application/json": {"schema": schema}}}
