"""Values every post reads and that rarely change (a member's mutes, the word list, a room by its
slug), kept in the process until a change of authority names what they depend on (see
civicnet.connections.apply_change), or for AUTHORITY_MAX_AGE seconds at most."""

import time
from collections.abc import Callable

from flask import current_app

from civicnet.connections import registry


def recall(key: tuple):
    """A value kept with `remember`, or None if it was never kept, is stale, or a change named it."""
    app = current_app._get_current_object()
    entry = registry(app).memo.get(key)
    if entry is not None and time.monotonic() - entry[1] < app.config["AUTHORITY_MAX_AGE"]:
        return entry[0]
    return None


def remember(key: tuple, value, depends_on: tuple = ()) -> None:
    """Keep a value in this process until a change of authority names one of `depends_on`
    (("user", id), ("room", id) or ("reason", name)), or for AUTHORITY_MAX_AGE seconds at most.

    The value must outlive the session it was read in: plain data, or rows that stay loaded."""
    found = registry(current_app._get_current_object())
    with found._lock:
        found.memo[key] = (value, time.monotonic())
        for dependency in depends_on:
            found._memo_keys[dependency].add(key)


def remembered(key: tuple, load: Callable, *, depends_on: tuple = ()):
    """`load()`'s value, kept as `remember` keeps it."""
    value = recall(key)
    if value is None:
        value = load()
        remember(key, value, depends_on)
    return value
