"""The benchmark's peer: SQLite FTS5 over the same rows, as a minimal FTS5 search for civicnet would do it.

One FTS5 table per kind, Porter stemming, message text as plain text (the same `plain_text()` as the
Whoosh documents). Who may find a message is checked the way civicnet checks it: the rooms the viewer
may read (every non-private room, and the private rooms they belong to)."""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from civicnet.search.documents import plain_text

PER_PAGE = 20
TABLES = (
    "CREATE VIRTUAL TABLE fts_people USING fts5(title, tagtext, text, tokenize='porter unicode61')",
    "CREATE VIRTUAL TABLE fts_rooms USING fts5(title, tagtext, text, tokenize='porter unicode61')",
    # Like the Whoosh document: the text, plus the room, author and time for filters.
    "CREATE VIRTUAL TABLE fts_messages USING fts5(text, room_id UNINDEXED, author_id UNINDEXED, created UNINDEXED, "
    "tokenize='porter unicode61')",
)
PEOPLE = """
INSERT INTO fts_people (rowid, title, tagtext, text)
SELECT u.id, u.display_name || ' ' || u.username,
       (SELECT group_concat(t.name, ', ') FROM user_tags ut JOIN tags t ON t.id = ut.tag_id WHERE ut.user_id = u.id),
       coalesce(p.organisation, '') || char(10) || coalesce(p.job_title, '') || char(10) || plain_text(p.bio_html)
FROM users u JOIN profiles p ON p.user_id = u.id
"""
ROOMS = """
INSERT INTO fts_rooms (rowid, title, tagtext, text)
SELECT r.id, r.name,
       (SELECT group_concat(t.name, ', ') FROM room_tags rt JOIN tags t ON t.id = rt.tag_id WHERE rt.room_id = r.id),
       r.description
FROM rooms r
"""
MESSAGES = """
INSERT INTO fts_messages (rowid, text, room_id, author_id, created)
SELECT id, plain_text(body_html), room_id, author_id, created_at FROM messages
WHERE deleted_at IS NULL AND moderation IS NULL
"""
READABLE_ROOMS = """
SELECT id FROM rooms WHERE kind != 'private'
UNION SELECT m.room_id FROM memberships m JOIN rooms r ON r.id = m.room_id WHERE m.user_id = ? AND r.kind = 'private'
"""


@dataclass(frozen=True)
class Query:
    """One search of the fixed set: what a member types into civicnet, and the same search in FTS5."""

    label: str
    words: str = ""  # civicnet's words, phrases and exclusions
    match: str | None = None  # the FTS5 MATCH expression for the same words
    room: str = ""  # in: a room's slug
    author: str = ""  # from: a username
    tag: str = ""  # tag: a tag's slug
    after: str = ""  # after: a date, YYYY-MM-DD

    @property
    def text(self) -> str:
        operators = [f"in:{self.room}" * bool(self.room), f"from:{self.author}" * bool(self.author)]
        operators += [f"tag:{self.tag}" * bool(self.tag), f"after:{self.after}" * bool(self.after)]
        return " ".join(part for part in (self.words, *operators) if part)


def connect(path: Path) -> sqlite3.Connection:
    """A connection set up as civicnet sets up its own (WAL, synchronous NORMAL), in autocommit mode."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=5000")
    conn.create_function("plain_text", 1, lambda html: str(plain_text(html)), deterministic=True)
    return conn


def build(conn: sqlite3.Connection) -> int:
    """Create and fill the FTS5 tables in one transaction; returns the rows indexed."""
    conn.execute("BEGIN")
    for statement in TABLES:
        conn.execute(statement)
    count = sum(conn.execute(statement).rowcount for statement in (PEOPLE, ROOMS, MESSAGES))
    conn.execute("COMMIT")
    return count


def add_messages(conn: sqlite3.Connection, ids: list[int]) -> int:
    """Index new messages in one transaction, as an FTS5 indexer would after each batch of posts."""
    conn.execute("BEGIN")
    marks = ",".join("?" * len(ids))
    count = conn.execute(f"{MESSAGES} AND id IN ({marks})", ids).rowcount
    conn.execute("COMMIT")
    return count


def _one(conn: sqlite3.Connection, sql: str, value: str) -> int | None:
    row = conn.execute(sql, (value,)).fetchone()
    return row[0] if row else None


def search(conn: sqlite3.Connection, viewer_id: int, query: Query) -> tuple[int, list[int]]:
    """Count the messages the viewer may find, and the ids of the first page (best match, or newest)."""
    rooms = {room_id for (room_id,) in conn.execute(READABLE_ROOMS, (viewer_id,))}
    if query.room:
        rooms &= {_one(conn, "SELECT id FROM rooms WHERE slug = ?", query.room)}
    if query.tag:
        tagged = "SELECT rt.room_id FROM room_tags rt JOIN tags t ON t.id = rt.tag_id WHERE t.slug = ?"
        rooms &= {room_id for (room_id,) in conn.execute(tagged, (query.tag,))}
    in_rooms = ",".join(str(room_id) for room_id in sorted(rooms)) or "NULL"
    if query.match:
        table, created, order = "fts_messages", "created", "rank"
        where, params = ["fts_messages MATCH ?", f"room_id IN ({in_rooms})"], [query.match]
    else:  # filters only: the messages table and its indexes
        table, created, order = "messages", "created_at", "created_at DESC, id DESC"
        where, params = ["deleted_at IS NULL", "moderation IS NULL", f"room_id IN ({in_rooms})"], []
    if query.author:
        where.append("author_id = ?")
        params.append(_one(conn, "SELECT id FROM users WHERE username = ?", query.author))
    if query.after:
        where.append(f"{created} >= date(?, '+1 day')")
        params.append(query.after)
    condition = " AND ".join(where)
    count = conn.execute(f"SELECT count(*) FROM {table} WHERE {condition}", params).fetchone()[0]
    key = "rowid" if query.match else "id"
    ids = [
        row[0]
        for row in conn.execute(
            f"SELECT {key} FROM {table} WHERE {condition} ORDER BY {order} LIMIT {PER_PAGE}", params
        )
    ]
    return count, ids
