"""The search benchmark's content: members with profiles and skill tags, rooms and messages in
English-like text, all from one seeded random generator, inserted with Core bulk inserts."""

import itertools
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import search_words as words
from markupsafe import escape
from sqlalchemy import delete, insert

from civicnet.accounts.models import ADMIN, CITIZEN, MODERATOR, PUBLIC_SERVANT, User
from civicnet.extensions import db
from civicnet.profiles.models import MEMBERS, PUBLIC, REGIONS, Profile
from civicnet.rooms.models import HIDDEN, PRIVATE, Membership, Message, Room, RoomTag
from civicnet.rooms.models import PUBLIC as PUBLIC_ROOM
from civicnet.search.models import SearchChange
from civicnet.tags.models import HELP, LEARN, Tag, UserTag
from civicnet.tags.names import tag_slug

MADE_UP_WORDS = 20000
RARE_WORD_MESSAGES = 12
HISTORY_DAYS = 730
# The member whose searches are timed: a citizen in three private rooms, and in no other private room.
VIEWER = 1
VIEWER_ROOMS = (2, 3, 5)


def _cumulative(count: int, offset: float, power: float = 1.0) -> list[float]:
    """Zipf-Mandelbrot weights, 1 / (rank + offset) ** power, as cumulative sums for random.choices."""
    return list(itertools.accumulate(1 / (rank + offset) ** power for rank in range(count)))


class TextWriter:
    """English-like text: words drawn with Zipf-like frequencies, with civic phrases mixed in."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        ranked = list(dict.fromkeys(words.RANKED))
        taken = {*ranked, words.RARE_WORD}
        tail: list[str] = []
        while len(tail) < MADE_UP_WORDS:
            word = "".join(
                (
                    rng.choice(words.ONSETS),
                    rng.choice(words.VOWELS),
                    rng.choice(words.CODAS),
                    rng.choice(words.SUFFIXES),
                )
            )
            if word not in taken:
                taken.add(word)
                tail.append(word)
        self.vocabulary = ranked + tail
        self.cum = _cumulative(len(self.vocabulary), 2.7, 1.07)
        self.phrase_cum = _cumulative(len(words.PHRASES), 1.5)

    def phrase(self, topics: list[str] | None = None) -> str:
        if topics and self.rng.random() < 0.7:
            return self.rng.choice(topics)
        return self.rng.choices(words.PHRASES, cum_weights=self.phrase_cum)[0]

    def sentence(self, topics: list[str] | None = None, phrase_chance: float = 0.25) -> str:
        parts = self.rng.choices(self.vocabulary, cum_weights=self.cum, k=self.rng.randint(4, 16))
        if self.rng.random() < phrase_chance:
            parts.insert(self.rng.randrange(len(parts) + 1), self.phrase(topics))
        text = " ".join(parts)
        return text[0].upper() + text[1:] + self.rng.choice(".....?!")

    def text(self, most: int, topics: list[str] | None = None) -> str:
        return " ".join(self.sentence(topics) for _ in range(self.rng.randint(1, most)))


def html(text: str) -> str:
    """What civicnet's Markdown renderer makes of one plain paragraph."""
    return f"<p>{escape(text)}</p>"


@dataclass
class Dataset:
    users: list[dict] = field(default_factory=list)
    profiles: list[dict] = field(default_factory=list)
    tags: list[dict] = field(default_factory=list)
    user_tags: list[dict] = field(default_factory=list)
    rooms: list[dict] = field(default_factory=list)
    room_tags: list[dict] = field(default_factory=list)
    memberships: list[dict] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)
    room_topics: dict[int, list[str]] = field(default_factory=dict)
    room_members: dict[int, list[int]] = field(default_factory=dict)
    viewer_id: int = 0
    viewer_private_rooms: list[int] = field(default_factory=list)


class Generator:
    """Builds every row from one seed, so two runs with the same sizes hold the same content."""

    def __init__(self, seed: int, now: datetime):
        self.rng = random.Random(seed)
        self.writer = TextWriter(self.rng)
        self.now = now
        self.data = Dataset()
        self.author_cum: list[float] = []
        self.author_order: list[int] = []

    def _ago(self, days: float) -> datetime:
        return self.now - timedelta(days=self.rng.uniform(0, days))

    def tags(self) -> None:
        names = [*words.SPECIAL_TAGS, *(f"{d} {a}" for d in words.DOMAINS for a in words.ASPECTS)]
        for number, name in enumerate(names, start=1):
            self.data.tags.append({"id": number, "slug": tag_slug(name), "name": name, "created_at": self.now})

    def people(self, count: int) -> None:
        rng, tag_cum = self.rng, _cumulative(len(self.data.tags), 3.0)
        for user_id in range(1, count + 1):
            first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
            role = rng.choices([CITIZEN, PUBLIC_SERVANT, MODERATOR, ADMIN], [70, 27, 2, 1])[0]
            created = self._ago(3 * 365)
            organisation = rng.choice(words.ORGANISATIONS) if rng.random() < 0.8 else None
            verified = role == PUBLIC_SERVANT and organisation and rng.random() < 0.4
            suspended = user_id != VIEWER and rng.random() < 0.005
            username = f"{first}{last}{user_id}".lower()
            self.data.users.append(
                {
                    "id": user_id,
                    "username": username,
                    "email": f"{username}@example.org",
                    "display_name": f"{first} {last}",
                    "password_hash": "not-a-hash",
                    "role": CITIZEN if user_id == VIEWER else role,
                    "email_verified_at": created,
                    "session_version": 1,
                    "created_at": created,
                    "suspended_at": self.now - timedelta(days=2) if suspended else None,
                    "suspended_until": self.now + timedelta(days=28) if suspended and rng.random() < 0.7 else None,
                    "suspension_reason": "Generated" if suspended else None,
                    "verified_until": self.now + timedelta(days=200) if verified else None,
                    "verified_organisation": organisation if verified else None,
                }
            )
            bio = self.writer.text(3) if rng.random() < 0.85 else ""
            self.data.profiles.append(
                {
                    "user_id": user_id,
                    "organisation": organisation,
                    "job_title": rng.choice(words.JOB_TITLES) if rng.random() < 0.8 else None,
                    "region": rng.choice(REGIONS) if rng.random() < 0.9 else None,
                    "bio_markdown": bio,
                    "bio_html": html(bio) if bio else "",
                    "visibility": MEMBERS if user_id != VIEWER and rng.random() < 0.2 else PUBLIC,
                    "updated_at": created,
                }
            )
            chosen = {tag["id"] for tag in rng.choices(self.data.tags, cum_weights=tag_cum, k=rng.randint(0, 10))}
            for position, tag_id in enumerate(sorted(chosen)):
                kind = HELP if rng.random() < 0.6 else LEARN
                self.data.user_tags.append({"user_id": user_id, "tag_id": tag_id, "kind": kind, "position": position})
        # A few members write most messages, as in any forum.
        self.author_order = rng.sample(range(1, count + 1), count)
        self.author_cum = _cumulative(count, 10.0, 0.9)

    def rooms(self, count: int, people: int) -> None:
        rng, names = self.rng, set()
        for room_id in range(1, count + 1):
            topics = rng.sample(words.PHRASES, 3)
            name = f"{topics[0].capitalize()} {rng.choice(words.ROOM_SUFFIXES)}"
            while name in names:
                name = f"{topics[0].capitalize()} {rng.choice(words.ROOM_SUFFIXES)} {rng.randint(2, 99)}"
            names.add(name)
            private = rng.random() < 0.15 or room_id in VIEWER_ROOMS
            self.data.rooms.append(
                {
                    "id": room_id,
                    "slug": tag_slug(name),
                    "name": name,
                    "description": self.writer.sentence(topics, phrase_chance=1.0),
                    "kind": PRIVATE if private else PUBLIC_ROOM,
                    "open_to_public": not private and rng.random() < 0.4,
                    "created_by_id": rng.randint(1, people),
                    "created_at": self._ago(HISTORY_DAYS + 30),
                    "is_mentoring": False,
                }
            )
            self.data.room_topics[room_id] = topics
            for tag_id in rng.sample(range(1, len(self.data.tags) + 1), rng.randint(1, 3)):
                self.data.room_tags.append({"room_id": room_id, "tag_id": tag_id})
            members = set(rng.sample(range(1, people + 1), min(people, rng.randint(5, 40) if private else 100)))
            if room_id in VIEWER_ROOMS:
                members.add(VIEWER)
            elif private:
                members.discard(VIEWER)
            self.data.room_members[room_id] = sorted(members)
            for user_id in sorted(members):
                self.data.memberships.append(
                    {"room_id": room_id, "user_id": user_id, "joined_at": self.now, "last_read_id": 0}
                )
        self.data.viewer_id = VIEWER
        self.data.viewer_private_rooms = list(VIEWER_ROOMS)

    def message(self, room_id: int, created: datetime) -> dict:
        """One message row (without an id) in a room, by a member if the room is private."""
        rng, room = self.rng, self.data.rooms[room_id - 1]
        if room["kind"] == PRIVATE:
            author = rng.choice(self.data.room_members[room_id])
        else:
            author = self.author_order[bisect_choice(rng, self.author_cum)]
        text = self.writer.text(4, self.data.room_topics[room_id])
        return {
            "room_id": room_id,
            "author_id": author,
            "body": text,
            "body_html": html(text),
            "created_at": created,
            "client_id": None,
        }

    def messages(self, count: int) -> None:
        rng = self.rng
        room_cum = _cumulative(len(self.data.rooms), 1.0, 0.8)
        room_ids = rng.sample(range(1, len(self.data.rooms) + 1), len(self.data.rooms))
        times = sorted(self._ago(HISTORY_DAYS) for _ in range(count))
        rare = set(rng.sample(range(count), min(count, RARE_WORD_MESSAGES)))
        for number, created in enumerate(times):
            room_id = room_ids[bisect_choice(rng, room_cum)]
            row = {"id": number + 1, **self.message(room_id, created), "deleted_at": None, "moderation": None}
            if number in rare:
                row["body"] += " " + rng.choice(words.RARE_SENTENCES)
                row["body_html"] = html(row["body"])
            roll = rng.random()
            if roll < 0.005:
                row["deleted_at"] = created + timedelta(hours=1)
            elif roll < 0.007:
                row["moderation"] = HIDDEN
            self.data.messages.append(row)


def bisect_choice(rng: random.Random, cum: list[float]) -> int:
    """An index drawn with the weights behind cumulative sums."""
    return rng.choices(range(len(cum)), cum_weights=cum)[0]


def generate(people: int, rooms: int, messages: int, seed: int = 2026) -> Generator:
    """Every row for a run, and the generator (to write more messages later in the same style)."""
    generator = Generator(seed, datetime.now(UTC))
    generator.tags()
    generator.people(people)
    generator.rooms(rooms, people)
    generator.messages(messages)
    return generator


def insert_all(data: Dataset, chunk: int = 5000) -> None:
    """Insert every row with Core (no ORM objects, no outbox rows), then empty the search outbox."""
    tables = (
        (User, data.users),
        (Profile, data.profiles),
        (Tag, data.tags),
        (UserTag, data.user_tags),
        (Room, data.rooms),
        (RoomTag, data.room_tags),
        (Membership, data.memberships),
        (Message, data.messages),
    )
    for model, rows in tables:
        for start in range(0, len(rows), chunk):
            db.session.execute(insert(model.__table__), rows[start : start + chunk])
    db.session.execute(delete(SearchChange.__table__))
    db.session.commit()
