"""Turn a parsed search into Whoosh queries: the words, the filters, and who may see what."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from whoosh import query as wq

from civicnet.accounts.models import ROLES
from civicnet.accounts.permissions import is_signed_in
from civicnet.accounts.services import find_user_by_username
from civicnet.errors import Invalid
from civicnet.extensions import db
from civicnet.profiles.models import PUBLIC as PUBLIC_PROFILE
from civicnet.profiles.models import REGIONS
from civicnet.register.models import KINDS, VERDICTS
from civicnet.rooms.models import PRIVATE_KINDS, Membership, Room, RoomTag
from civicnet.rooms.permissions import can_read
from civicnet.search.documents import OPEN
from civicnet.search.documents import PRIVATE as PRIVATE_ACCESS
from civicnet.search.index import ANALYZER
from civicnet.search.models import MESSAGE
from civicnet.search.query import Operator, ParsedQuery, parse_date
from civicnet.tags.models import Tag
from civicnet.tags.names import tag_slug

WORD_FIELDS = ("title", "tagtext", "text")


@dataclass
class Compiled:
    query: wq.Query
    terms: set[str]  # stems to highlight
    has_words: bool
    excluded: wq.Query | None = None  # left out of the results through the mask (see services)
    # The query with the chosen facets too: what one tab shows. The tabs' counts use `query`, so
    # each count is what its tab shows once the tab's own facets are dropped.
    narrowed: wq.Query | None = None


def _stems(text: str) -> list[str]:
    return [token.text for token in ANALYZER(text)]


def _words_query(text: str) -> wq.Query | None:
    """A word, or a phrase (quoted, or hyphenated like data-protection): its stems side by side."""
    stems = _stems(text)
    if not stems:
        return None
    if len(stems) == 1:
        return wq.Or([wq.Term(field, stems[0]) for field in WORD_FIELDS])
    return wq.Or([wq.Phrase(field, stems) for field in WORD_FIELDS])


def _naive_midnight(day) -> datetime:
    return datetime.combine(day, time())


def _role(value: str) -> str:
    role = value.lower().replace("-", "_")
    if role not in ROLES:
        names = ", ".join(f"role:{name.replace('_', '-')}" for name in ROLES)
        raise Invalid("q", f"There is no role called “{value}”. Use {names}")
    return role


def operator_query(viewer, op: Operator) -> wq.Query:
    """The Whoosh query for one filter, after checking its value exists and may be used."""
    if op.name == "tag":
        tag = db.session.scalar(select(Tag).where(Tag.slug == tag_slug(op.value)))
        if tag is None:
            raise Invalid("q", f"There is no skill tag called “{op.value}”. Check the spelling or browse all tags")
        room_ids = db.session.scalars(select(RoomTag.room_id).where(RoomTag.tag_id == tag.id))
        # People and rooms carry the tag; messages belong to rooms that carry it.
        in_tagged_rooms = [wq.Term("room", str(room_id)) for room_id in room_ids]
        parts = [wq.Term("tags", tag.slug)]
        if in_tagged_rooms:
            parts.append(wq.And([wq.Term("type", MESSAGE), wq.Or(in_tagged_rooms)]))
        return wq.Or(parts)
    if op.name == "from":
        user = find_user_by_username(op.value.lstrip("@"))
        # Visitors cannot tell that a members-only profile exists, here as at /people/<username>.
        # (A suspended member's messages stay findable: the suspension hides the profile, not them.)
        if user is None or (not is_signed_in(viewer) and user.profile.visibility != PUBLIC_PROFILE):
            raise Invalid("q", f"No member has the username “{op.value}”")
        return wq.Term("author", str(user.id))
    if op.name == "in":
        room = db.session.scalar(select(Room).where(Room.slug == op.value.lower()))
        if room is None or not can_read(viewer, room):
            raise Invalid(
                "q",
                f"There is no room “{op.value}” that you can read. Use the end of the room’s web address, like in:open-data-in-councils",
            )
        return wq.Term("room", str(room.id))
    if op.name == "is":
        return wq.DateRange("verified_until", datetime.now(UTC).replace(tzinfo=None), None)
    if op.name == "role":
        return wq.Term("role", _role(op.value))
    if op.name == "region":
        if op.value not in REGIONS:
            raise Invalid("region", "Choose a region from the list")
        return wq.Term("region", op.value)
    if op.name == "verdict":
        if op.value not in VERDICTS:
            raise Invalid("verdict", "Choose a verdict from the list")
        return wq.Term("verdict", op.value)
    if op.name == "kind":
        if op.value not in KINDS:
            raise Invalid("kind", "Choose a kind of technology from the list")
        return wq.Term("tkind", op.value)
    day = parse_date(op.name, op.value)
    if op.name == "before":
        dates = wq.DateRange("created", None, _naive_midnight(day), endexcl=True)
    else:
        dates = wq.DateRange("created", _naive_midnight(day + timedelta(days=1)), None)
    return wq.And([wq.Term("type", MESSAGE), dates])


def compile_query(viewer, parsed: ParsedQuery, facets: list[Operator] = ()) -> Compiled:
    """Everything the member asked for, ANDed, with exclusions taken away; facets narrow one tab."""
    required: list[wq.Query] = []
    terms: set[str] = set()
    for text in parsed.words + parsed.phrases:
        part = _words_query(text)
        if part is not None:
            required.append(part)
            terms.update(_stems(text))
    has_words = bool(required)
    if (parsed.words or parsed.phrases) and not has_words and not parsed.operators:
        raise Invalid(
            "q", "Your search only has very common words, like “the”. Add a word that says what you are looking for"
        )
    for op in parsed.operators:
        if not op.negated:
            required.append(operator_query(viewer, op))
    narrowing = [operator_query(viewer, op) for op in facets]
    if not required and not narrowing:
        raise Invalid("q", "Enter words to search for, as well as words to leave out")
    excluded = [q for q in (_words_query(text) for text in parsed.excluded) if q is not None]
    excluded += [operator_query(viewer, op) for op in parsed.operators if op.negated]
    query = wq.And(required) if required else wq.Every()
    narrowed = wq.And([query, *narrowing]) if narrowing else query
    # Not wq.AndNot: its matcher can let the first match through when an excluded document comes
    # earlier in the index. Excluded documents join the mask instead, which Whoosh checks per document.
    return Compiled(query, terms, has_words, wq.Or(excluded) if excluded else None, narrowed)


def private_room_ids(viewer) -> list[int]:
    """The private rooms (direct conversations too) whose messages this viewer may find: the ones they
    belong to, now."""
    if not is_signed_in(viewer):
        return []
    return list(
        db.session.scalars(
            select(Membership.room_id).join(Room).where(Membership.user_id == viewer.id, Room.kind.in_(PRIVATE_KINDS))
        )
    )


def _docs(searcher, name: str, query: wq.Query) -> set[int]:
    """Document numbers matching a query, kept on the searcher: it sees one unchanging index version."""
    cache = searcher.__dict__.setdefault("_civicnet_docs", {})
    if name not in cache:
        cache[name] = set(searcher.docs_for_query(query))
    return cache[name]


def type_docs(searcher, kind: str) -> set[int]:
    return _docs(searcher, f"type:{kind}", wq.Term("type", kind))


def visibility(searcher, viewer) -> tuple[set[int] | None, set[int]]:
    """(filter, mask) for Whoosh: what this viewer may find, as sets of documents.

    Signed-in members may find everything except other people's private rooms, so they get a small
    mask and no filter; visitors get the open documents as a filter. The large sets are built once per
    index version, so a search costs set lookups, not a fresh pass over every document."""
    now = datetime.now(UTC).replace(tzinfo=None, second=0, microsecond=0)
    # People whose suspension is in force are never found, by anyone. Kept per minute: a suspension
    # that ends shows its member again within a minute.
    hidden = _docs(searcher, f"suspended:{now}", wq.DateRange("suspended_until", now, None))
    if not is_signed_in(viewer):
        return _docs(searcher, OPEN, wq.Term("access", OPEN)), hidden
    private = _docs(searcher, PRIVATE_ACCESS, wq.Term("access", PRIVATE_ACCESS))
    rooms = private_room_ids(viewer)
    mine = set(searcher.docs_for_query(wq.Or([wq.Term("room", str(i)) for i in rooms]))) if rooms else set()
    return None, hidden | (private - mine)
