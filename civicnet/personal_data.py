"""The registry of a member's personal data, for their export: each capability registers a section that
collects what it holds about the member as tables, and the export (civicnet.datarights) writes every
section as JSON, CSV and a readable page, and describes each in its README.

A section returns only what the member could already read: their own data, and of other people's
only what they saw as a member (a room's messages, a mentor's name), never who reported them. A table
may name stored files (a photo, attachments): the archive holds a copy of each, where its rows say."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class StoredFile:
    path: str  # where the archive holds it: "files/profile/photo.webp"
    key: str  # the stored file (civicnet.storage)


@dataclass
class Table:
    name: str  # the CSV file's name: "messages"
    description: str  # one sentence for the README
    columns: dict[str, str]  # field -> what it means (README), in order
    rows: list[dict] = field(default_factory=list)
    files: list[StoredFile] = field(default_factory=list)  # copied into the archive, at the paths the rows give

    def values(self, row: dict) -> list:
        return [plain(row.get(column)) for column in self.columns]


@dataclass(frozen=True)
class Section:
    name: str  # "rooms": the JSON key and the HTML page's heading id
    title: str  # "Rooms and messages"
    collect: Callable[[object], list[Table]]


_SECTIONS: dict[str, tuple[int, Section]] = {}


def register(name: str, title: str, order: int):
    """Decorator: collect(member) -> [Table], the member's data in this capability."""

    def decorator(collect):
        if name in _SECTIONS:
            raise ValueError(f"personal data section {name!r} is registered twice")
        _SECTIONS[name] = (order, Section(name, title, collect))
        return collect

    return decorator


def sections() -> list[Section]:
    return [section for _, section in sorted(_SECTIONS.values(), key=lambda pair: pair[0])]


def plain(value):
    """A value as JSON and CSV hold it: dates in ISO 8601 (UTC), the rest as they are."""
    if isinstance(value, datetime):
        return value.isoformat()
    return value
