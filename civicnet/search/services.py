"""Answer searches: one query over people, rooms and messages, counted and shown only as far as the
searcher may see them."""

import logging
import os
import threading
from dataclasses import dataclass, field

from whoosh import sorting

from civicnet import signals
from civicnet.errors import Invalid, SearchUnavailable
from civicnet.search import build, results
from civicnet.search.index import IndexUnavailable, index_dir, open_index, request_rebuild
from civicnet.search.models import MESSAGE, PERSON, ROOM, TECHNOLOGY
from civicnet.search.query import Operator, ParsedQuery, parse, parse_date

log = logging.getLogger(__name__)

TYPES = {"people": PERSON, "rooms": ROOM, "messages": MESSAGE, "technology": TECHNOLOGY}
PER_PAGE = 20
PREVIEW = {PERSON: 5, ROOM: 5, MESSAGE: 10, TECHNOLOGY: 5}  # how many of each the "All" tab shows
NEWEST, BEST = "newest", "best"
# Facet parameters in the address, and the filter each one stands for. A tag applies to every tab;
# the others narrow the tab they were chosen on.
FILTER_PARAMS = {
    "tag": "tag",
    "role": "role",
    "region": "region",
    "room": "in",
    "after": "after",
    "before": "before",
    "verdict": "verdict",
    "kind": "kind",
}
SHARED_PARAMS = ("tag",)


@dataclass
class SearchResults:
    query: str
    type: str  # all, people, rooms or messages
    sort: str
    counts: dict[str, int]
    hits: dict[str, list[results.Hit]]
    page: int = 1
    pages: int = 1
    groups: dict[str, dict] = field(default_factory=dict)  # facet counts from Whoosh
    shown: int = 0  # results in the tab being shown, with its facets
    viewer: object = None  # who searched: a direct conversation's facet is named for them

    @property
    def facets(self) -> list[results.Facet]:
        return results.facet_options(self.groups, TYPES.get(self.type, ""), self.viewer)

    @property
    def everything(self) -> int:
        return sum(self.counts.values())

    @property
    def total(self) -> int:
        """Results in the tab being shown."""
        return self.everything if self.type == "all" else self.shown


_searchers: dict[str, tuple[int, object]] = {}
_searchers_lock = threading.Lock()


def _searcher():
    """A searcher on the newest committed index, reused between searches while the index is unchanged."""
    path = index_dir()
    try:
        inode = os.stat(path).st_ino  # a rebuild swaps in a new directory
    except FileNotFoundError:
        raise IndexUnavailable(f"no search index in {path}") from None
    with _searchers_lock:
        cached = _searchers.get(str(path))
        if cached and cached[0] == inode and cached[1].up_to_date():
            return cached[1]
        # A fresh searcher, not Searcher.refresh(): refresh reuses segment readers with their old
        # deletions, so an edited message would be found twice. The old searcher is left to the
        # garbage collector, since another request may still be reading it.
        searcher = open_index(path).searcher()
        _searchers[str(path)] = (inode, searcher)
        return searcher


def parse_request(text: str, filters: dict[str, str]) -> tuple[ParsedQuery, list[Operator]]:
    """The typed search (with a chosen tag), and the facets chosen on the page."""
    parsed, facets = parse(text), []
    for param, name in FILTER_PARAMS.items():
        value = (filters.get(param) or "").strip()
        if value:
            if name in ("before", "after"):
                parse_date(name, value)
            (parsed.operators if param in SHARED_PARAMS else facets).append(Operator(name, value))
    return parsed, facets


def search(viewer, text: str, *, type: str = "all", filters: dict | None = None, sort: str = "", page: int = 1):
    """Search everything the viewer may see; None when nothing was asked."""
    if type not in ("all", *TYPES):
        raise Invalid("type", "Choose people, rooms, messages or technology")
    if sort not in ("", NEWEST, BEST):
        raise Invalid("sort", "Sort by best match or newest")
    parsed, facets = parse_request(text, filters or {})
    if parsed.is_empty and not facets:
        if parsed.excluded:
            raise Invalid("q", "Enter words to search for, as well as words to leave out")
        return None
    compiled = build.compile_query(viewer, parsed, facets)  # facets checked everywhere, used on their tab
    sort = sort or (BEST if compiled.has_words else NEWEST)
    found = SearchResults(text, type, sort, {}, {}, viewer=viewer)
    keys = _find(viewer, compiled, found, max(1, page))
    for kind, kind_keys in keys.items():
        found.hits[kind] = results.load(viewer, kind, kind_keys, compiled.terms)
    return found


def _find(viewer, compiled: build.Compiled, found: SearchResults, page: int) -> dict[str, list[str]]:
    """Ask Whoosh; an index that is missing or cannot be read becomes SearchUnavailable, and is rebuilt."""
    try:
        return _ask_whoosh(viewer, compiled, found, page)
    except IndexUnavailable as error:  # the indexer finds out by itself: it cannot open the index either
        raise SearchUnavailable(str(error)) from error
    except Exception as error:  # a damaged segment shows itself only when read
        log.exception("search could not read the index; asking for a rebuild")
        request_rebuild()
        raise SearchUnavailable(str(error)) from error


def _ask_whoosh(viewer, compiled: build.Compiled, found: SearchResults, page: int) -> dict[str, list[str]]:
    searcher = _searcher()
    allowed, mask = build.visibility(searcher, viewer)
    if compiled.excluded is not None:
        mask = mask | set(searcher.docs_for_query(compiled.excluded))
    # Counts per tab without scoring: the matching documents as a set, narrowed with set operations
    # (in C) by who may see them and by kind. Only the tab being shown is scored.
    visible = set(searcher.docs_for_query(compiled.query))
    if allowed is not None:
        visible &= allowed
    visible -= mask
    by_type = {kind: len(visible & build.type_docs(searcher, kind)) for kind in TYPES.values()}
    found.counts = {name: by_type[kind] for name, kind in TYPES.items()}
    one_type = found.type != "all"
    keys: dict[str, list[str]] = {}
    for kind in [TYPES[found.type]] if one_type else TYPES.values():
        if not by_type.get(kind):
            continue
        facets = results.facets_for(kind) if one_type else {}
        hits = searcher.search_page(
            compiled.narrowed,
            page if one_type else 1,
            pagelen=PER_PAGE if one_type else PREVIEW[kind],
            filter=visible & build.type_docs(searcher, kind),  # a set: a lookup per match
            sortedby=_order(kind, found.sort, compiled.has_words),
            groupedby={**facets, "type": sorting.FieldFacet("type", maptype=sorting.Count)} if one_type else None,
        )
        keys[kind] = [hit["key"] for hit in hits]
        if one_type:
            found.page, found.pages = hits.pagenum, hits.pagecount
            found.groups = {name: hits.results.groups(name) for name in facets}
            found.shown = hits.results.groups("type").get(kind, 0)
    return keys


def _order(kind: str, sort: str, has_words: bool):
    if kind == MESSAGE and sort == NEWEST:
        return sorting.FieldFacet("created", reverse=True)
    if kind == MESSAGE:
        return None  # best match
    if not has_words:
        return sorting.FieldFacet("name")
    return None


@signals.find_people.connect
def _find_people(viewer, words: str, filters: dict, page: int, **_) -> SearchResults:
    """The people directory's word search: the same search as /search, narrowed to people."""
    return search(viewer, words, type="people", filters=filters, page=page)
