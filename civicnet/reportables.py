"""The registry of what members can report: each capability registers its item types here.

Moderation asks the registry for an item's text, author, link, context and who may see it, so adding
a reportable kind of content adds an entry in its capability and changes nothing in moderation."""

from collections.abc import Callable
from dataclasses import dataclass


def _nothing_around(obj) -> list:
    return []


def _public(obj) -> tuple[str, ...]:
    return ()


def _no_files(obj) -> list:
    return []


@dataclass(frozen=True)
class ItemFile:
    """A file that is part of an item (an image on a message), which its moderator opens from the item
    page: served from civicnet.storage, the look recorded like the item's."""

    id: int
    name: str  # as its member named it
    description: str  # "PDF, 1.2 MB"
    key: str  # in civicnet.storage
    inline: bool  # an image opens in the browser; any other file is downloaded


@dataclass(frozen=True)
class ItemType:
    name: str  # the item_type stored on reports and actions: "message", "profile"...
    load: Callable[[int], object | None]  # the item by id, or None if it does not exist (or was deleted)
    author: Callable[[object], object | None]  # whose content it is: the member a decision affects
    label: Callable[[object], str]  # "Message in Open data", for the queue and the audit trail
    text: Callable[[object], str]  # its words, as written
    url: Callable[[object], str]  # where a moderator sees it in place (a path)
    visible_to: Callable[[object, object], bool]  # (member, item): may they see it, and so report it?
    context: Callable[[object], list] = _nothing_around  # what a moderator reads around it
    # The access log's categories of non-public data its moderation page shows about its author, beside
    # the reports themselves: ("private_messages",) for a message in a private room.
    data: Callable[[object], tuple[str, ...]] = _public
    # Files that are part of it (a message's attachments), as ItemFile.
    files: Callable[[object], list] = _no_files
    # A mentoring request's mentee wrote it, yet the mentor and mentee both report its conduct.
    author_may_report: bool = False


_TYPES: dict[str, ItemType] = {}


def register(item_type: ItemType) -> ItemType:
    if item_type.name in _TYPES:
        raise ValueError(f"reportable item type {item_type.name!r} is registered twice")
    _TYPES[item_type.name] = item_type
    return item_type


def get(name) -> ItemType | None:
    return _TYPES.get(name) if isinstance(name, str) else None


def names() -> tuple[str, ...]:
    return tuple(_TYPES)
