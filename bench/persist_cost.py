"""Time what civicnet does per posted message outside the socket layer, in one process, no server.

Usage: DATABASE_URL=... SECRET_KEY=... python bench/persist_cost.py [--messages 300] [--no-sync]
(a database prepared by bench/seed.py). Prints JSON. --no-sync sets SQLite's `synchronous=OFF` in
this process, to show how much of the time is the disk sync at each commit (civicnet's own setting
is reported as "synchronous").

Per message it runs what on_send_message runs around the Socket.IO plumbing: load the member, load
the room, count the rate limit, post_message (checks, Markdown, INSERT, commits, emit to a room
with nobody in it) and message_payload. SQLite calls and Markdown never yield to gevent, so the
wall time of one message is how long the server's event loop stalls for everyone else."""

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from functools import wraps
from pathlib import Path

# bench/fanout.py points CIVICNET_ROOT at a snapshot of the working tree, so every run measures one version.
ROOT = Path(os.environ.get("CIVICNET_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, select, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from civicnet import create_app, ratelimit  # noqa: E402
from civicnet.accounts.loader import load_user  # noqa: E402
from civicnet.accounts.models import User  # noqa: E402
from civicnet.extensions import db  # noqa: E402
from civicnet.rooms import messages, services  # noqa: E402
from civicnet.rooms.payloads import message_payload  # noqa: E402

BODY = "a short benchmark message, about as long as a typical chat line in a room"
WARMUP = 30

spent: dict[str, float] = defaultdict(float)
statements: dict[str, int] = defaultdict(int)


last_message: list[str] = []


def count_statement(conn, cursor, statement, parameters, context, executemany) -> None:
    words = statement.split()
    statements[words[0].upper()] += 1
    # "SELECT users", "INSERT messages", "UPDATE memberships": what one message's statements touch.
    table = next((words[i + 1] for i, w in enumerate(words[:-1]) if w.upper() in ("FROM", "INTO", "UPDATE")), "?")
    last_message.append(f"{words[0].upper()} {table}")


def no_sync(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


def timed(name: str, function):
    """Wrap a function so the wall time spent inside it adds up under `name` (this process only)."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - start

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--no-sync", action="store_true")
    args = parser.parse_args()
    count = min(max(args.messages, 1), 5000)
    if args.no_sync:
        event.listen(Engine, "connect", no_sync)
    event.listen(Engine, "before_cursor_execute", count_statement)

    # Wrapped here, in the bench's own process, to split the time up; civicnet's code is unchanged.
    messages._render = timed("render Markdown + sanitise HTML", messages._render)
    Session.commit = timed("all commits (flush + SQLite COMMIT)", Session.commit)

    app = create_app()
    with app.app_context():
        limit = app.config["SOCKET_SEND_MESSAGE_LIMIT"]
        session_id = db.session.scalar(select(User).where(User.username == "bench-sender")).get_id()

        def post(number: int) -> None:
            user = load_user(session_id)
            ratelimit.allow("send_message", str(user.id), limit)
            room = services.get_readable_room(user, "bench")
            message_payload(messages.post_message(room, user, f"t={number} {BODY}", f"p{number}"))
            db.session.remove()

        for number in range(WARMUP):
            post(number)
        spent.clear()
        statements.clear()
        walls = []
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        for number in range(WARMUP, WARMUP + count):
            last_message.clear()
            start = time.perf_counter()
            post(number)
            walls.append(time.perf_counter() - start)
        cpu, wall = time.process_time() - cpu_start, time.perf_counter() - wall_start
        event.remove(Engine, "before_cursor_execute", count_statement)
        synchronous = db.session.execute(text("PRAGMA synchronous")).scalar()
        db.engine.dispose()

    walls.sort()
    print(
        json.dumps(
            {
                "messages": count,
                "synchronous": {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(synchronous, str(synchronous)),
                "cpu_ms_per_message": round(1000 * cpu / count, 3),
                "wall_ms_per_message": round(1000 * wall / count, 3),
                "wall_ms_p50": round(1000 * statistics.median(walls), 3),
                "wall_ms_p99": round(1000 * walls[min(len(walls) - 1, int(0.99 * len(walls)))], 3),
                "wall_ms_max": round(1000 * walls[-1], 3),
                "parts_ms_per_message": {name: round(1000 * value / count, 3) for name, value in spent.items()},
                "statements_per_message": {name: round(value / count, 2) for name, value in statements.items()},
                "one_message": last_message,
            }
        )
    )


if __name__ == "__main__":
    main()
