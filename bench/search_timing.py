"""Timing the searches for bench/search.py: civicnet's search, its bare Whoosh part, FTS5; where the time goes."""

import cProfile
import io
import os
import pstats
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import search_fts as fts
from search_fts import Query
from servers import machine, machine_busy
from whoosh import query as wq
from whoosh import sorting

from civicnet.accounts.models import User
from civicnet.extensions import db
from civicnet.rooms.models import PRIVATE
from civicnet.search import build, results, services
from civicnet.search.documents import plain_text
from civicnet.search.highlight import highlight
from civicnet.search.models import MESSAGE
from civicnet.search.query import parse

MIN_RUNS = 5  # even past the time budget, so that a p95 means something
ENGINES = ("whoosh", "whoosh_bare", "fts5")


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (linear between the nearest two)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(seconds: list[float]) -> dict:
    return {"p50_ms": percentile(seconds, 0.5) * 1000, "p95_ms": percentile(seconds, 0.95) * 1000, "n": len(seconds)}


def describe(generator, generated_s: float, inserted_s: float) -> dict:
    data = generator.data
    return {
        "people": len(data.users),
        "members_only_profiles": sum(p["visibility"] != "public" for p in data.profiles),
        "verified": sum(u["verified_until"] is not None for u in data.users),
        "suspended": sum(u["suspended_at"] is not None for u in data.users),
        "tags": len(data.tags),
        "user_tags": len(data.user_tags),
        "rooms": len(data.rooms),
        "private_rooms": sum(r["kind"] == PRIVATE for r in data.rooms),
        "memberships": len(data.memberships),
        "messages": len(data.messages),
        "findable_messages": sum(m["deleted_at"] is None and m["moderation"] is None for m in data.messages),
        "words_per_message": statistics.mean(len(m["body"].split()) for m in data.messages),
        "vocabulary": len(generator.writer.vocabulary),
        "generated_s": generated_s,
        "inserted_s": inserted_s,
    }


def whoosh_service(viewer_id: int, query: Query) -> tuple[float, float, int]:
    """civicnet's own search of the messages tab, as the search page calls it."""
    viewer = db.session.get(User, viewer_id)
    started, cpu = time.perf_counter(), time.process_time()
    found = services.search(viewer, query.text, type="messages")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    db.session.remove()  # every search starts with an empty session, as in a request
    return elapsed, cpu, found.counts["messages"]


def _order(has_words: bool):
    return None if has_words else sorting.FieldFacet("created", reverse=True)


def whoosh_bare(viewer_id: int, query: Query) -> tuple[float, float, int]:
    """Only what FTS5 is asked for: the query and permission filter built, the count and the first 20 keys."""
    viewer = db.session.get(User, viewer_id)
    started, cpu = time.perf_counter(), time.process_time()
    compiled = build.compile_query(viewer, parse(query.text))
    searcher = services._searcher()
    allowed, mask = permissions(searcher, viewer, compiled)
    messages = wq.And([_narrowed(compiled), wq.Term("type", MESSAGE)])
    hits = searcher.search(messages, filter=allowed, mask=mask, limit=fts.PER_PAGE, sortedby=_order(compiled.has_words))
    count, _keys = len(hits), [hit["key"] for hit in hits]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    db.session.remove()
    return elapsed, cpu, count


def _narrowed(compiled):
    """The query one tab shows (newer civicnet adds the tab's chosen facets; none are chosen here)."""
    return getattr(compiled, "narrowed", None) or compiled.query


def permissions(searcher, viewer, compiled) -> tuple:
    """The filter and mask services._ask_whoosh uses: who may see what, and any -exclusions."""
    allowed, mask = build.visibility(searcher, viewer)
    excluded = getattr(compiled, "excluded", None)  # newer civicnet leaves exclusions to the mask
    if excluded is not None:
        mask = mask | set(searcher.docs_for_query(excluded))
    return allowed, mask


def fts5(viewer_id: int, query: Query, conn: sqlite3.Connection) -> tuple[float, float, int]:
    started, cpu = time.perf_counter(), time.process_time()
    count, _ids = fts.search(conn, viewer_id, query)
    return time.perf_counter() - started, time.process_time() - cpu, count


def time_queries(viewer_id: int, conn, queries: list[Query], runs: int, budget: float, say: Callable) -> list[dict]:
    """Every query on every engine, interleaved so that a busy moment on the machine hits all three."""
    engines = {
        "whoosh": lambda q: whoosh_service(viewer_id, q),
        "whoosh_bare": lambda q: whoosh_bare(viewer_id, q),
        "fts5": lambda q: fts5(viewer_id, q, conn),
    }
    seconds = {(q.label, name): [] for q in queries for name in engines}
    cpu = {(q.label, name): [] for q in queries for name in engines}
    counts: dict[tuple[str, str], int] = {}

    def one_round(timed: bool) -> None:
        for query in queries:
            for name, engine in engines.items():
                elapsed, used, counts[query.label, name] = engine(query)
                if timed:
                    seconds[query.label, name].append(elapsed)
                    cpu[query.label, name].append(used)

    started = time.perf_counter()
    one_round(timed=False)  # warm up: caches, the searcher's document sets, SQLite's pages
    per_round = time.perf_counter() - started
    runs = min(runs, max(MIN_RUNS, int(budget / per_round)))
    say(f"== queries: {len(queries)} queries x {runs} runs x {len(engines)} engines ({per_round:.1f} s a round)")
    for _ in range(runs):
        one_round(timed=True)
    return [
        {
            "label": query.label,
            "text": query.text,
            "match": query.match,
            "counts": {name: counts[query.label, name] for name in engines},
            **{name: summary(seconds[query.label, name]) for name in engines},
            "cpu": {name: summary(cpu[query.label, name]) for name in engines},
            "seconds": {name: seconds[query.label, name] for name in engines},
            "cpu_seconds": {name: cpu[query.label, name] for name in engines},
        }
        for query in queries
    ]


def pooled(rows: list[dict], key: str = "seconds") -> dict:
    """p50 and p95 over every timed run of every query, per engine (wall time, or "cpu_seconds")."""
    return {name: summary([s for row in rows for s in row[key][name]]) for name in ENGINES}


class OtherLoad:
    """How many cores' worth of CPU other processes used while a phase ran: the machine may be shared."""

    def __enter__(self):
        self.machine, self.own, self.wall = machine_busy(), time.process_time(), time.monotonic()
        return self

    def __exit__(self, *exc) -> None:
        others = machine_busy() - self.machine - (time.process_time() - self.own)
        self.cores = round(max(0.0, others) / max(time.monotonic() - self.wall, 1e-9), 2)


def slowest(rows: list[dict], count: int) -> list[Query]:
    ranked = sorted(rows, key=lambda row: row["whoosh"]["p95_ms"], reverse=True)[:count]
    return [Query(row["label"], row["text"]) for row in ranked]


def breakdown(viewer_id: int, query: Query) -> dict[str, float]:
    """One search taken apart: the steps services._ask_whoosh takes for the messages tab, timed one by one."""
    viewer = db.session.get(User, viewer_id)
    steps, clock = {}, time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        steps[name] = now - clock
        clock = now

    compiled = build.compile_query(viewer, parse(query.text))
    lap("parse and compile (operator lookups)")
    searcher = services._searcher()
    lap("searcher refresh")
    allowed, mask = permissions(searcher, viewer, compiled)
    lap("permission sets (visibility, exclusions)")
    visible = set(searcher.docs_for_query(compiled.query))
    if allowed is not None:
        visible &= allowed
    visible -= mask
    {kind: len(visible & build.type_docs(searcher, kind)) for kind in services.TYPES.values()}
    lap("tab counts (every match as a set, unscored)")
    order = services._order(MESSAGE, services.BEST if compiled.has_words else services.NEWEST, compiled.has_words)
    page = dict(filter=visible & build.type_docs(searcher, MESSAGE), sortedby=order, pagelen=services.PER_PAGE)
    keys = [hit["key"] for hit in searcher.search_page(_narrowed(compiled), 1, **page)]
    lap("page of 20, no facets (match + score or sort)")
    by_type = sorting.FieldFacet("type", maptype=sorting.Count)
    facets = {**results.facets_for(MESSAGE), "type": by_type}  # the tab's own count comes from "type"
    hits = searcher.search_page(_narrowed(compiled), 1, groupedby=facets, **page)
    groups = {name: hits.results.groups(name) for name in facets}
    lap("page of 20 with room and date facets")
    loaded = results.load(viewer, MESSAGE, keys, compiled.terms)
    lap("load the 20 rows, check, highlight")
    for hit in loaded:
        highlight(plain_text(hit.item.body_html), compiled.terms, length=300)
    lap("(of which highlighting, timed again alone)")
    results.facet_options(groups, MESSAGE)
    lap("facet labels (when the page renders)")
    db.session.remove()
    return steps


def breakdowns(viewer_id: int, queries: list[Query], runs: int) -> list[dict]:
    found = []
    for query in queries:
        breakdown(viewer_id, query)  # warm
        taken = [breakdown(viewer_id, query) for _ in range(runs)]
        found.append(
            {
                "label": query.label,
                "text": query.text,
                "runs": runs,
                "steps_ms": {name: statistics.median(t[name] for t in taken) * 1000 for name in taken[0]},
            }
        )
    return found


def profile(viewer_id: int, query: Query, folder: Path, runs: int = 5) -> dict:
    """cProfile civicnet's search on one query; the full listing goes to bench/results/search-profile.txt."""
    profiler = cProfile.Profile()
    for _ in range(runs):
        viewer = db.session.get(User, viewer_id)
        profiler.enable()
        services.search(viewer, query.text, type="messages")
        profiler.disable()
        db.session.remove()
    listing = io.StringIO()
    stats = pstats.Stats(profiler, stream=listing)
    listing.write(f"services.search(viewer, {query.text!r}, type='messages'), {runs} runs\n")
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    folder.mkdir(exist_ok=True)
    (folder / "search-profile.txt").write_text(listing.getvalue())
    print(listing.getvalue(), file=sys.stderr)
    return {"query": query.text, "runs": runs, "file": "bench/results/search-profile.txt"}


def environment() -> dict:
    from importlib.metadata import version

    return {
        "machine": machine(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "whoosh": version("whoosh-reloaded"),
        "sqlalchemy": version("sqlalchemy"),
        "flask": version("flask"),
        "load_average": os.getloadavg(),
    }
