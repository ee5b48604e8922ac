"""Real-time benchmark: civicnet against a bare Node socket.io relay and a bare Flask-SocketIO relay.

`make bench` runs `python bench/fanout.py`. Every case (a scenario against one server) starts its
server(s) on free 127.0.0.1 ports, loads them with bench/loadgen.mjs, stops them and, for civicnet,
counts the stored rows per client_id. The rounds are interleaved: each round runs every case once, so
a busy moment on a shared machine hits peers alike. Results go to bench/results/latest.json and, through
bench/report.py, to docs/PERFORMANCE.md. Every loop and wait is bounded; the whole run takes about
7 minutes (`--rounds 1 --quick`: about 2)."""

import argparse
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from servers import (
    BENCH,
    PYTHON,
    ROOT,
    Started,
    fresh_copy,
    machine,
    redis_server,
    snapshot_civicnet,
    start,
    versions,
    wait_for_quiet,
)

SEND_LIMIT = "1000000 per 10 seconds"  # one bench member sends for a whole room


@dataclass
class Server:
    key: str
    label: str
    civicnet: bool = False
    processes: int = 1
    flags: tuple[str, ...] = ()


SERVERS = {
    s.key: s
    for s in (
        Server("node", "Node socket.io relay"),
        Server("flask", "bare Flask-SocketIO relay"),
        Server("civicnet", "civicnet", civicnet=True),
        Server("civicnet-2", "civicnet, 2 processes + Redis", civicnet=True, processes=2),
        Server(
            "civicnet-no-persistence",
            "civicnet, posting stubbed out (experiment)",
            civicnet=True,
            flags=("--no-persistence",),
        ),
    )
}

# scenario -> servers; the phases and connection counts come from the settings (phases_for).
CASES = {
    "fanout": ("node", "flask", "civicnet", "civicnet-no-persistence"),
    "wide": ("node", "flask", "civicnet"),
    "members": ("civicnet", "civicnet-2"),
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="times every case is run, interleaved")
    parser.add_argument("--quick", action="store_true", help="shorter phases and 200 wide receivers: a check")
    parser.add_argument("--receivers", type=int, default=50, help="receivers in the fan-out and members cases")
    parser.add_argument("--rate", type=int, default=100, help="messages/s offered in the fixed-rate phases")
    parser.add_argument("--seconds", type=float, default=5, help="measured seconds of a fixed-rate phase")
    parser.add_argument("--max-seconds", type=float, default=4, help="measured seconds of the ceiling")
    parser.add_argument("--window", type=int, default=64, help="messages in flight at the ceiling")
    parser.add_argument("--wide-receivers", type=int, default=500)
    parser.add_argument("--wide-rate", type=int, default=10, help="messages/s into the wide room")
    parser.add_argument("--members-seconds", type=float, default=10, help="measured seconds of the members case")
    parser.add_argument("--only", default="", help="scenarios or cases, e.g. fanout,members:civicnet-2")
    parser.add_argument("--commit", default="HEAD", help="the civicnet commit to measure")
    parser.add_argument("--output", default=str(ROOT / "docs" / "PERFORMANCE.md"))
    parser.add_argument("--no-report", action="store_true", help="write bench/results/latest.json only")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.max_seconds, args.members_seconds, args.wide_receivers = 2, 2, 4, 200
    if not (1 <= args.rounds <= 5 and 1 <= args.receivers <= 500 and 1 <= args.wide_receivers <= 1000):
        parser.error("--rounds 1..5, --receivers 1..500, --wide-receivers 1..1000")
    if not all(1 <= s <= 30 for s in (args.seconds, args.max_seconds, args.members_seconds)):
        parser.error("phase seconds: 1..30")
    if not (1 <= args.rate <= 1000 and 1 <= args.wide_rate <= 1000 and 1 <= args.window <= 1000):
        parser.error("--rate and --wide-rate 1..1000, --window 1..1000")
    return args


def scenario(name: str, args: argparse.Namespace) -> dict:
    """Connections and phases of one scenario."""
    fixed = {"name": f"{args.rate}/s", "rate": args.rate, "seconds": args.seconds}
    if name == "fanout":
        ceiling = {"name": "max", "window": args.window, "seconds": args.max_seconds}
        return {"receivers": args.receivers, "senders": 0, "phases": [fixed, ceiling]}
    if name == "wide":
        wide = {"name": f"{args.wide_rate}/s", "rate": args.wide_rate, "seconds": args.seconds}
        return {"receivers": args.wide_receivers, "senders": 0, "phases": [wide]}
    # 50 members, each its own token and connection, all in the room, all sending in turn.
    members = {**fixed, "seconds": args.members_seconds}
    return {"receivers": args.receivers, "senders": args.receivers, "phases": [members]}


def chosen_cases(only: str) -> list[tuple[str, str]]:
    wanted = {word.strip() for word in only.split(",") if word.strip()}
    cases = [(name, key) for name, keys in CASES.items() for key in keys]
    return [(n, k) for n, k in cases if not wanted or n in wanted or f"{n}:{k}" in wanted]


def civicnet_env(database: Path, index: Path, root: Path) -> dict[str, str]:
    """The environment a civicnet deployment would get, pointed at a throwaway database."""
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": secrets.token_hex(16),
        "CIVICNET_FAST_PASSWORD_HASHING": "1",
        "SEARCH_INDEX_DIR": str(index),
        "SOCKET_SEND_MESSAGE_LIMIT": SEND_LIMIT,
        "NEW_MEMBER_SEND_LIMIT": SEND_LIMIT,
        "SOCKETIO_ASYNC_MODE": "gevent",
        # Empty rather than absent, so a developer's .env cannot switch these on for the bench.
        "REDIS_URL": "",
        "MAIL_SERVER": "",
        "JOBS_IMMEDIATE": "1",  # nothing the bench does sends email; no worker process beside the server
        "PROXY_HOPS": "0",
        "HOST": "127.0.0.1",
        "CIVICNET_ROOT": str(root),
    }


def run(command: list[str], env: dict, cwd: Path, timeout: float = 300) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result.stdout


def prepare_database(work: Path, root: Path, members: int) -> tuple[Path, Path]:
    """Migrate a fresh SQLite file, seed it and index it; every civicnet case starts from a copy of both."""
    template = work / "template.db"
    env = civicnet_env(template, template.with_suffix(".index"), root)
    flask = [str(Path(PYTHON).parent / "flask"), "--app", "app"]
    run([*flask, "db", "upgrade"], env, root)
    tokens = work / "tokens.json"
    tokens.write_text(run([PYTHON, str(BENCH / "seed.py"), str(members)], env, root))
    # Indexed now, so that no server's indexer starts by rebuilding the index while it is measured.
    run([*flask, "search", "reindex"], env, root)
    run([*flask, "search", "update"], env, root)
    return template, tokens


def stored(database: Path, ids: dict) -> dict:
    """Count the stored rows per client_id: every acked message exactly once, nothing unknown."""
    with sqlite3.connect(database, timeout=10) as connection:
        rows = dict(connection.execute("SELECT client_id, count(*) FROM messages GROUP BY client_id"))
    sent, acked = set(ids["sent"]), set(ids["acked"])
    return {
        "sent": len(sent),
        "acked": len(acked),
        "acked_stored_once": sum(rows.get(c) == 1 for c in acked),
        "acked_missing": sum(c not in rows for c in acked),
        "stored_twice_or_more": sum(n > 1 for n in rows.values()),
        "unacked_stored": sum(c in rows for c in sent - acked),
        "stored_unknown": sum(c not in sent for c in rows),
    }


def start_servers(server: Server, case: str, work: Path, template: Path, root: Path, redis_url: str) -> Started:
    """Start one case's server processes on free ports; civicnet's on a fresh copy of the seeded database."""
    if server.key == "node":
        return start([["node", str(BENCH / "node_relay.mjs")]], [{**os.environ}], work / case, port_flag=True)
    if server.key == "flask":
        return start([[PYTHON, str(BENCH / "flask_relay.py")]], [{**os.environ}], work / case, port_flag=True)
    database = fresh_copy(template, work / f"{case}.db")
    index = shutil.copytree(template.with_suffix(".index"), work / f"{case}.index")
    env = {**civicnet_env(database, index, root), "REDIS_URL": redis_url if server.processes > 1 else ""}
    command = [PYTHON, str(BENCH / "civicnet_server.py"), *server.flags]
    started = start([command] * server.processes, [env] * server.processes, work / case)
    started.database = database
    return started


def measure(name: str, server: Server, args, work: Path, template: Path, tokens: Path, root: Path, quiet) -> dict:
    """One case once: start, load, stop, check the database; the load generator's JSON and the checks."""
    shape = scenario(name, args)
    case = f"{name}-{server.key}-{time.monotonic_ns()}"
    ids = work / f"{case}.ids.json"
    kill = name == "fanout" and server.key == "civicnet"  # SIGKILL in flight: was every ack committed first?
    with redis_server(work, enabled=server.processes > 1) as redis_url:
        started = start_servers(server, case, work, template, root, redis_url)
        try:
            load_before = wait_for_quiet(quiet)
            loadgen = [
                "node",
                str(BENCH / "loadgen.mjs"),
                f"--url={','.join(f'http://127.0.0.1:{port}' for port in started.ports)}",
                f"--pid={','.join(str(p.pid) for p in started.processes)}",
                f"--receivers={shape['receivers']}",
                f"--senders={shape['senders']}",
                f"--phases={json.dumps(shape['phases'])}",
                f"--clk-tck={os.sysconf('SC_CLK_TCK')}",
                f"--ids-out={ids}",
                *([f"--tokens={tokens}"] if server.civicnet else []),
                *(["--kill"] if kill else []),
            ]
            budget = 90 + shape["receivers"] / 5 + sum(p["seconds"] + 8 for p in shape["phases"])
            result = subprocess.run(loadgen, cwd=BENCH, capture_output=True, text=True, timeout=budget)
            sys.stderr.write(result.stderr)
            if result.returncode != 0:
                said = (result.stderr.strip().splitlines() or ["no output"])[-1]
                raise RuntimeError(f"load generator failed on {name}:{server.key}: {said}\n{started.log_tail()}")
            measured = json.loads(result.stdout)
        finally:
            started.stop()
    measured["other_load_before_cores"] = load_before
    measured["killed_in_flight"] = kill
    if server.civicnet and not server.flags:
        measured["stored"] = stored(started.database, json.loads(ids.read_text()))
    return measured


def main() -> None:
    args = parse_args()
    if not (BENCH / "node_modules" / "socket.io").exists():
        sys.exit("bench/node_modules is missing: run `npm ci --prefix bench` (or `make bench`).")
    cases = chosen_cases(args.only)
    if not cases:
        sys.exit(f"--only matched no case; cases: {', '.join(f'{n}:{k}' for n, keys in CASES.items() for k in keys)}")
    started_at, clock = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), time.monotonic()
    runs: dict[str, list[dict]] = {f"{n}:{k}": [] for n, k in cases}
    with tempfile.TemporaryDirectory(prefix="civicnet-bench-") as directory:
        work = Path(directory)
        root, code = snapshot_civicnet(work, args.commit)
        members = max(args.receivers, args.wide_receivers)
        template, tokens = prepare_database(work, root, members)
        quiet = [45.0]  # seconds, in all, the run may spend waiting for the machine to be quiet
        for number in range(1, args.rounds + 1):
            for name, key in cases:
                print(f"== round {number}/{args.rounds}: {name}:{key}", file=sys.stderr, flush=True)
                try:
                    measured = measure(name, SERVERS[key], args, work, template, tokens, root, quiet)
                except (RuntimeError, subprocess.TimeoutExpired) as error:
                    # Recorded and reported, so that one broken case does not cost the whole run.
                    print(f"{name}:{key} failed: {error}", file=sys.stderr, flush=True)
                    measured = {"error": str(error)[-3000:]}
                runs[f"{name}:{key}"].append(measured)
    results = {
        "date": started_at,
        "civicnet_code": code,
        "command": " ".join([".venv/bin/python bench/fanout.py", *sys.argv[1:]]),
        "seconds_taken": round(time.monotonic() - clock),
        "settings": {k: v for k, v in vars(args).items() if k not in ("output", "no_report")},
        "scenarios": {name: scenario(name, args) for name in CASES},
        "send_limit": SEND_LIMIT,
        "servers": {key: server.label for key, server in SERVERS.items()},
        "machine": machine(),
        "versions": versions(),
        "runs": runs,
    }
    (BENCH / "results").mkdir(exist_ok=True)
    (BENCH / "results" / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    from report import print_goals, write_report

    print_goals(results)
    if not args.no_report:
        write_report(results, Path(args.output))
    print(f"Wrote bench/results/latest.json in {results['seconds_taken']} s.", file=sys.stderr)


if __name__ == "__main__":
    main()
