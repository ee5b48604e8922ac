"""The search benchmark's phases (bench/search.py runs them on a snapshot of civicnet): build the data,
bulk index, online indexing, the queries and the breakdown, one after another in this process."""

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import search_data
import search_fts as fts
import search_timing as timing
from flask_migrate import upgrade
from search_fts import Query
from sqlalchemy import func, select

from civicnet.accounts.models import User
from civicnet.config import Config
from civicnet.extensions import db
from civicnet.factory import create_app
from civicnet.rooms.models import PRIVATE, Message, Room, RoomTag
from civicnet.search import indexer
from civicnet.search.index import open_index
from civicnet.search.models import SearchChange
from civicnet.tags.models import Tag

BREAKDOWN_RUNS = 5


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def make_app(work: Path):
    return create_app(
        Config,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{work / 'civicnet.db'}",
        SEARCH_INDEX_DIR=str(work / "search-index"),
        SEARCH_INDEXER=False,
        SECRET_KEY="bench-search",
        REDIS_URL=None,
        RATELIMIT_STORAGE_URI="memory://",
        SOCKETIO_ASYNC_MODE="threading",
        MAIL_SERVER=None,
        MAIL_SUPPRESS_SEND=True,
    )


def directory_bytes(path: Path) -> int:
    return sum(part.stat().st_size for part in path.rglob("*") if part.is_file())


def fts_bytes(conn) -> int | None:
    """The FTS5 tables' pages on disk, if this SQLite has the dbstat table."""
    try:
        return conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'fts_%'").fetchone()[0]
    except Exception:
        return None


def bulk(work: Path, conn) -> dict:
    say("== bulk: Whoosh rebuild")
    started = time.perf_counter()
    whoosh_docs = indexer.rebuild()
    whoosh_s = time.perf_counter() - started
    say(f"   {whoosh_docs:,} documents in {whoosh_s:.1f} s; FTS5 build")
    started = time.perf_counter()
    fts_docs = fts.build(conn)
    fts_s = time.perf_counter() - started
    say(f"   {fts_docs:,} rows in {fts_s:.1f} s")
    return {
        "whoosh": {"docs": whoosh_docs, "seconds": whoosh_s, "bytes": directory_bytes(work / "search-index")},
        "fts5": {"docs": fts_docs, "seconds": fts_s, "bytes": fts_bytes(conn)},
    }


def post(generator, count: int, batch: int) -> tuple[list[int], float]:
    """Post messages through the ORM, one commit per batch, so civicnet's outbox listener records them."""
    rooms, ids, spent = len(generator.data.rooms), [], 0.0
    for start in range(0, count, batch):
        now = datetime.now(UTC)
        made = [
            Message(**generator.message(generator.rng.randint(1, rooms), now)) for _ in range(min(batch, count - start))
        ]
        started = time.perf_counter()
        db.session.add_all(made)
        db.session.flush()
        ids += [message.id for message in made]
        db.session.commit()
        spent += time.perf_counter() - started
        db.session.remove()
    return ids, spent


def pending() -> int:
    count = db.session.scalar(select(func.count(SearchChange.id)))
    db.session.remove()
    return count


def online(generator, conn, args: argparse.Namespace) -> dict:
    """Index messages as they are posted: a backlog drained at once, then batch by batch."""
    say(f"== online: {args.online:,} messages posted in commits of {args.batch}, then drained")
    ids, posting_s = post(generator, args.online, args.batch)
    queued = pending()
    started, cpu = time.perf_counter(), time.process_time()
    drained = indexer.process_pending()
    whoosh_s, whoosh_cpu = time.perf_counter() - started, time.process_time() - cpu
    left = pending()
    fts_s = 0.0
    for start in range(0, len(ids), args.batch):
        started = time.perf_counter()
        fts.add_messages(conn, ids[start : start + args.batch])
        fts_s += time.perf_counter() - started
    say(f"   Whoosh {drained:,} in {whoosh_s:.1f} s, FTS5 {len(ids):,} in {fts_s:.2f} s; {args.bursts} bursts")
    whoosh_each, fts_each = [], []
    for _ in range(args.bursts):
        burst, _ = post(generator, args.batch, args.batch)
        started, cpu = time.perf_counter(), time.process_time()
        indexed = indexer.process_pending()
        whoosh_each.append((indexed, time.perf_counter() - started, time.process_time() - cpu))
        started = time.perf_counter()
        fts_each.append((fts.add_messages(conn, burst), time.perf_counter() - started))
    ix = open_index()
    with ix.searcher() as searcher:
        segments = len(searcher.leaf_searchers())  # the queries run on the index as online indexing left it
    ix.close()
    return {
        "segments": segments,
        "posted": len(ids),
        "queued": queued,
        "posting_s": posting_s,
        "drain": {
            "whoosh": {"docs": drained, "seconds": whoosh_s, "cpu_seconds": whoosh_cpu, "left": left},
            "fts5": {"docs": len(ids), "seconds": fts_s},
        },
        "bursts": {"whoosh": whoosh_each, "fts5": fts_each},
    }


def queries(generator) -> list[Query]:
    """The fixed query set, with the rooms, member and tag it names picked from the generated rows."""
    per_room = dict(db.session.execute(select(Message.room_id, func.count()).group_by(Message.room_id)).all())
    rooms = {room.id: room for room in db.session.scalars(select(Room))}
    public_room = max((r for r in rooms.values() if r.kind != PRIVATE), key=lambda r: per_room.get(r.id, 0))
    private_room = rooms[max(generator.data.viewer_private_rooms, key=lambda i: per_room.get(i, 0))]
    busiest = max(per_room, key=per_room.get)
    tag = db.session.scalar(select(Tag.slug).join(RoomTag, RoomTag.tag_id == Tag.id).where(RoomTag.room_id == busiest))
    per_author = select(Message.author_id).group_by(Message.author_id).order_by(func.count().desc()).limit(1)
    prolific = db.session.scalar(select(User.username).where(User.id == per_author.scalar_subquery()))
    mid_word = generator.writer.vocabulary[1500]
    after = (datetime.now(UTC) - timedelta(days=90)).date().isoformat()
    db.session.remove()
    return [
        Query("common word", "council", "council"),
        Query("common word, thousands of matches", "data", "data"),
        Query("very common word", "think", "think"),
        Query("rare word", search_data.words.RARE_WORD, search_data.words.RARE_WORD),
        Query("uncommon word", mid_word, mid_word),
        Query("stemmed word", "assessments", "assessments"),
        Query("two words", "housing benefit", "housing benefit"),
        Query("two common words", "public service", "public service"),
        Query("three words", "local government funding", "local government funding"),
        Query("phrase", '"facial recognition"', '"facial recognition"'),
        Query("long phrase", '"data protection impact assessment"', '"data protection impact assessment"'),
        Query("common phrase", '"open data"', '"open data"'),
        Query("word -word", "data -privacy", "data NOT privacy"),
        Query('word -"phrase"', 'council -"council tax"', 'council NOT "council tax"'),
        Query("word in:public room", "consultation", "consultation", room=public_room.slug),
        Query("word in:private room", "feedback", "feedback", room=private_room.slug),
        Query("word from:member", "data", "data", author=prolific),
        Query("from:member alone (newest first)", author=prolific),
        Query("tag: alone (newest first)", tag=tag),
        Query("word tag:", "privacy", "privacy", tag=tag),
        Query("word after:", "budget", "budget", after=after),
    ]


def run(args: argparse.Namespace, work: Path, results_dir: Path) -> dict:
    """Every phase, in order; returns their results."""
    results: dict = {}
    app = make_app(work)
    with app.app_context():
        upgrade()
        say(f"== generating {args.people:,} members, {args.rooms} rooms, {args.messages:,} messages")
        clock = time.perf_counter()
        generator = search_data.generate(args.people, args.rooms, args.messages, args.seed)
        generated_s, clock = time.perf_counter() - clock, time.perf_counter()
        search_data.insert_all(generator.data)
        results["data"] = timing.describe(generator, generated_s, time.perf_counter() - clock)
        db.session.remove()
        conn = fts.connect(work / "civicnet.db")
        loads = results["other_load"] = {}
        with timing.OtherLoad() as load:
            results["bulk"] = bulk(work, conn)
        loads["bulk"] = load.cores
        with timing.OtherLoad() as load:
            results["online"] = online(generator, conn, args)
        loads["online"] = load.cores
        query_set = queries(generator)
        viewer = generator.data.viewer_id
        with timing.OtherLoad() as load:
            results["queries"] = timing.time_queries(viewer, conn, query_set, args.runs, args.query_seconds, say)
        loads["queries"] = load.cores
        slowest = timing.slowest(results["queries"], 2)
        # The rare word too: what every search costs, however little it matches.
        taken_apart = [*slowest, next(q for q in query_set if q.label == "rare word")]
        results["breakdown"] = timing.breakdowns(viewer, taken_apart, BREAKDOWN_RUNS)
        if args.profile:
            results["profile"] = timing.profile(viewer, slowest[0], results_dir)
        conn.close()
        db.engine.dispose()
    return results
