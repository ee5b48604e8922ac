"""Ids that come from clients: whole numbers that fit the database's integer columns.

A larger number is not an error on our side: it is an id that cannot exist. Without this check,
SQLite raises OverflowError past 2**63 and PostgreSQL a DataError past 2**31, both as server errors."""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer; SQLite's is wider


def is_whole_number(value) -> bool:
    """An int from a client, but not a bool (JSON true would otherwise pass as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_id(value) -> bool:
    return is_whole_number(value) and 1 <= value <= MAX_ID


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number too large to be an id does not match, so it is a 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
