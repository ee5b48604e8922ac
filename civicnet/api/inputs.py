"""The shape checks the OpenAPI document promises: a request that breaks one gets a 400.

The services check the rules (a reply must be to a message in the room); these check only what
the document can say about a request, so that the two never disagree (tests/api/test_schema.py)."""

from flask import request

from civicnet.errors import Invalid
from civicnet.ids import MAX_ID, is_whole_number


def int_arg(name: str, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """A whole-number query parameter within its documented range, or None when absent."""
    value = request.args.get(name)
    if value is None:
        return None
    # isascii: "²".isdigit() is true, but int() refuses it.
    if not (value.isascii() and value.isdigit()) or not minimum <= int(value) <= maximum:
        raise Invalid(name, f"{name} must be a whole number from {minimum} to {maximum}")
    return int(value)


def choice_arg(name: str, choices: tuple[str, ...], default: str, message: str) -> str:
    """A query parameter that must be one of its documented values (`message` says which)."""
    value = request.args.get(name)
    if value is None:
        return default
    if value not in choices:
        raise Invalid(name, message)
    return value


def json_object(*fields: str, required: bool = True) -> dict:
    """The request body: a JSON object with only the named fields (an optional body may be left out)."""
    if not required and not request.get_data(cache=True):
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid(None, f"Send a JSON object with {', '.join(fields)} (Content-Type: application/json)")
    # An unknown field is most often a misspelt one: say so rather than ignore it.
    unknown = [name for name in data if name not in fields]
    if unknown:
        raise Invalid(None, f"Unknown field {unknown[0]!r}: send only {', '.join(fields)}")
    return data


def text_field(data: dict, name: str, max_length: int, *, required: bool = True, empty: str | None = None):
    """A string field: a required one is not empty, and one with an `empty` message (what to write)
    needs a character that is not a space."""
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value):
        raise Invalid(name, empty or f"{name} must be a string of 1 to {max_length:,} characters")
    if empty and not value.strip():
        raise Invalid(name, empty)
    if len(value) > max_length:
        raise Invalid(name, f"{name} must be {max_length:,} characters or fewer")
    return value


def int_field(data: dict, name: str, required: bool = True) -> int | None:
    """A whole-number field (JSON true is not one); an optional one may be null or left out."""
    value = data.get(name)
    if value is None and not required:
        return None
    if not is_whole_number(value):
        raise Invalid(name, f"{name} must be a whole number")
    return value


def choice_field(data: dict, name: str, choices: tuple[str, ...]) -> str | None:
    """An optional field that must be one of its documented values, or null."""
    value = data.get(name)
    if value is not None and value not in choices:
        raise Invalid(name, f"{name} must be one of: {', '.join(choices)}")
    return value
