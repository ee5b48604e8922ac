"""Search hits as members see them: loaded from the database, checked again, highlighted; and facets."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from whoosh import sorting
from whoosh.util.times import datetime_to_long

from civicnet.accounts.models import ROLE_LABELS, User
from civicnet.accounts.permissions import is_signed_in
from civicnet.accounts.services import is_suspended
from civicnet.extensions import db
from civicnet.profiles.services import can_view_profile, is_listed
from civicnet.register.models import DRAFT, KINDS, VERDICTS, Entry
from civicnet.rooms.models import Message, Room
from civicnet.rooms.permissions import can_read
from civicnet.rooms.titles import titles_for
from civicnet.search.documents import is_findable, plain_text, profile_parts
from civicnet.search.highlight import highlight
from civicnet.search.models import MESSAGE, PERSON, ROOM, TECHNOLOGY
from civicnet.tags.models import Tag, UserTag

TOP_OPTIONS = 10
DATE_RANGES = {"7": "Past week", "31": "Past month", "365": "Past year"}


@dataclass
class Hit:
    type: str
    item: User | Room | Message | Entry
    title: Markup
    snippet: Markup
    # A member's skill tags by list (help, learn), matches marked: often why a person was found.
    skills: dict[str, Markup] = field(default_factory=dict)


@dataclass
class FacetOption:
    value: str
    label: str
    count: int


@dataclass
class Facet:
    name: str  # the address parameter it sets
    label: str
    options: list[FacetOption]


def _ids(keys: list[str]) -> list[int]:
    return [int(key.split(":", 1)[1]) for key in keys]


def _skills(user_ids: list[int], terms: set[str]) -> dict[int, dict[str, Markup]]:
    lists: dict[int, dict[str, list[str]]] = {}
    rows = db.session.scalars(select(UserTag).where(UserTag.user_id.in_(user_ids)).order_by(UserTag.position))
    for row in rows:
        lists.setdefault(row.user_id, {}).setdefault(row.kind, []).append(row.tag.name)
    return {
        user_id: {kind: highlight(", ".join(names), terms, length=1000) for kind, names in by_kind.items()}
        for user_id, by_kind in lists.items()
    }


def load(viewer, kind: str, keys: list[str], terms: set[str]) -> list[Hit]:
    """The hits' rows in index order, each checked again in case the index is a moment behind."""
    ids = _ids(keys)
    if not ids:
        return []
    if kind == PERSON:
        rows = db.session.scalars(select(User).where(User.id.in_(ids)).options(selectinload(User.profile)))
        found = {
            user.id: user
            for user in rows
            if can_view_profile(viewer, user) and not is_suspended(user) and is_listed(viewer, user)
        }
        skills = _skills(list(found), terms)
        return [
            Hit(
                PERSON,
                user,
                highlight(user.display_name, terms),
                highlight(" · ".join(profile_parts(user.profile)), terms),
                skills.get(user.id, {}),
            )
            for user in (found.get(i) for i in ids)
            if user is not None
        ]
    if kind == TECHNOLOGY:
        rows = db.session.scalars(select(Entry).where(Entry.id.in_(ids)))
        found = {entry.id: entry for entry in rows if entry.status != DRAFT or is_signed_in(viewer)}
        return [
            Hit(TECHNOLOGY, entry, highlight(entry.name, terms), highlight(entry.summary, terms))
            for entry in (found.get(i) for i in ids)
            if entry is not None
        ]
    if kind == ROOM:
        found = {
            room.id: room for room in db.session.scalars(select(Room).where(Room.id.in_(ids))) if can_read(viewer, room)
        }
        return [
            Hit(
                ROOM,
                room,
                highlight(room.name, terms),
                highlight(room.description, terms),
            )
            for room in (found.get(i) for i in ids)
            if room is not None
        ]
    rows = db.session.scalars(select(Message).where(Message.id.in_(ids)).options(selectinload(Message.room)))
    found = {m.id: m for m in rows if is_findable(m) and can_read(viewer, m.room)}
    titles = titles_for(viewer, list({m.room_id: m.room for m in found.values()}.values()))
    return [
        Hit(
            MESSAGE,
            message,
            Markup.escape(titles[message.room_id]),
            highlight(plain_text(message.body_html), terms, length=300),
        )
        for message in (found.get(i) for i in ids)
        if message is not None
    ]


def _count(name: str, **kwargs):
    return sorting.FieldFacet(name, maptype=sorting.Count, **kwargs)


def facets_for(kind: str) -> dict:
    """The Whoosh facets counted alongside one type's results."""
    if kind == PERSON:
        return {"role": _count("role"), "region": _count("region"), "tag": _count("tags", allow_overlap=True)}
    if kind == ROOM:
        return {"tag": _count("tags", allow_overlap=True)}
    if kind == TECHNOLOGY:
        return {"verdict": _count("verdict"), "kind": _count("tkind"), "tag": _count("tags", allow_overlap=True)}
    # Each match's date from the sortable column, bucketed: the cost grows with the matches, where a
    # QueryFacet of DateRanges would first walk every document in each range, whatever was searched.
    starts = [(days, datetime_to_long(_range_start(days))) for days in DATE_RANGES]  # newest range first

    def bucket(created: int) -> str:
        return next((days for days, start in starts if created is not None and created >= start), "older")

    dates = sorting.TranslateFacet(bucket, sorting.FieldFacet("created"))
    dates.maptype = sorting.Count
    return {"room": _count("room"), "date": dates}


def _range_start(days: str) -> datetime:
    """Midnight (UTC) `days` days ago: the first moment the facet's after: link includes."""
    return datetime.combine(datetime.now(UTC).date() - timedelta(days=int(days)), datetime.min.time())


def after_value(days: str) -> str:
    """The after: date whose results start at _range_start(days) (after: excludes its own day)."""
    return (_range_start(days).date() - timedelta(days=1)).isoformat()


def _top(groups: dict) -> list[tuple[str, int]]:
    # Whoosh groups documents without the field under None: not an option anyone can choose.
    options = [(value, count) for value, count in groups.items() if value]
    return sorted(options, key=lambda item: (-item[1], item[0]))[:TOP_OPTIONS]


def facet_options(groups: dict[str, dict], kind: str, viewer=None) -> list[Facet]:
    """Each facet's values with their counts, as far as the searcher may see (the search was filtered)."""
    facets = []
    if kind == PERSON:
        roles = _top(groups.get("role", {}))
        facets.append(
            Facet("role", "Role", [FacetOption(r.replace("_", "-"), ROLE_LABELS.get(r, r), n) for r, n in roles])
        )
        facets.append(Facet("region", "Region", [FacetOption(r, r, n) for r, n in _top(groups.get("region", {}))]))
    if kind == TECHNOLOGY:
        verdicts = [FacetOption(v, VERDICTS[v], n) for v, n in _top(groups.get("verdict", {})) if v in VERDICTS]
        facets.append(Facet("verdict", "Verdict", verdicts))
        facets.append(
            Facet("kind", "Kind", [FacetOption(k, KINDS[k], n) for k, n in _top(groups.get("kind", {})) if k in KINDS])
        )
    if kind in (PERSON, ROOM, TECHNOLOGY):
        top = _top(groups.get("tag", {}))
        names = dict(db.session.execute(select(Tag.slug, Tag.name).where(Tag.slug.in_([s for s, _ in top]))).all())
        facets.append(Facet("tag", "Skill tag", [FacetOption(s, names.get(s, s), n) for s, n in top if s in names]))
    if kind == MESSAGE:
        top = _top(groups.get("room", {}))
        rooms = dict(db.session.execute(select(Room.id, Room).where(Room.id.in_([int(r) for r, _ in top]))).all())
        titles = titles_for(viewer, list(rooms.values()))
        options = [FacetOption(rooms[int(r)].slug, titles[int(r)], n) for r, n in top if int(r) in rooms]
        facets.append(Facet("room", "Room", options))
        buckets = groups.get("date", {})
        # The buckets are exclusive (this week, earlier this month, ...); the options include the shorter ones.
        dates = {days: sum(buckets.get(d, 0) for d in list(DATE_RANGES)[: i + 1]) for i, days in enumerate(DATE_RANGES)}
        facets.append(
            Facet(
                "after",
                "Date",
                [
                    FacetOption(after_value(days), label, dates.get(days, 0))
                    for days, label in DATE_RANGES.items()
                    if dates.get(days)
                ],
            )
        )
    return [facet for facet in facets if facet.options]
