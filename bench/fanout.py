"""Fan-out benchmark: civicnet against a bare Node socket.io relay and a bare Flask-SocketIO relay.

`make bench` runs `python bench/fanout.py`. Each server in turn is started on a free 127.0.0.1
port, loaded by bench/loadgen.mjs (N receivers in one room, one sender: two fixed rates and a
saturating run), and stopped. The results go to docs/PERFORMANCE.md (bench/report.py) and to
bench/results/latest.json. Every loop and wait is bounded; the whole run takes about 4-5 minutes."""

import argparse
import hashlib
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import socketio

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
CIVICNET_ROOT = ROOT  # replaced by the snapshot bench/fanout.py takes at the start of a run
SEND_LIMIT = "1000000 per 10 seconds"  # the bench's one sender stands for a whole room of members


@dataclass
class Server:
    key: str
    label: str
    command: list[str]
    civicnet: bool = False
    websocket: str = "gevent-websocket"
    env: dict[str, str] = field(default_factory=dict)


SERVERS = [
    Server("node", "Node socket.io 4.8 relay", ["node", str(BENCH / "node_relay.mjs")], websocket="ws"),
    Server("flask", "bare Flask-SocketIO relay", [PYTHON, str(BENCH / "flask_relay.py")]),
    Server(
        "flask-simple",
        "bare Flask-SocketIO relay",
        [PYTHON, str(BENCH / "flask_relay.py"), "--websocket", "simple-websocket"],
        websocket="simple-websocket",
    ),
    Server("civicnet", "civicnet", [PYTHON, str(BENCH / "civicnet_server.py")], civicnet=True),
    Server(
        "civicnet-simple",
        "civicnet",
        [PYTHON, str(BENCH / "civicnet_server.py"), "--websocket", "simple-websocket"],
        civicnet=True,
        websocket="simple-websocket",
    ),
    # An experiment: civicnet with posting stubbed out, to show what persistence costs at the ceiling.
    Server(
        "civicnet-no-persistence",
        "civicnet without persisting or rendering (experiment)",
        [PYTHON, str(BENCH / "civicnet_server.py"), "--no-persistence"],
        civicnet=True,
    ),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receivers", type=int, default=50)
    parser.add_argument("--rates", default="20,100", help="fixed inbound rates, messages/s (default: 20,100)")
    parser.add_argument("--seconds", type=float, default=5, help="measured seconds per fixed rate")
    parser.add_argument("--max-seconds", type=float, default=4, help="measured seconds of the saturating run")
    parser.add_argument("--window", type=int, default=64, help="messages in flight in the saturating run")
    parser.add_argument("--rounds", type=int, default=2, help="times every server is run (median reported)")
    parser.add_argument("--only", default="", help="comma-separated server keys: " + ",".join(s.key for s in SERVERS))
    parser.add_argument("--output", default=str(ROOT / "docs" / "PERFORMANCE.md"))
    args = parser.parse_args()
    if not (1 <= args.receivers <= 500 and 1 <= args.rounds <= 5 and 1 <= args.window <= 1000):
        parser.error("receivers 1..500, rounds 1..5, window 1..1000")
    if not (1 <= args.seconds <= 30 and 1 <= args.max_seconds <= 30):
        parser.error("--seconds and --max-seconds: 1..30")
    return args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command: list[str], env: dict | None = None, timeout: float = 120, cwd: Path = ROOT) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result.stdout


def civicnet_env(database: Path, work: Path, port: int | None = None) -> dict[str, str]:
    """The environment a civicnet deployment would get, pointed at a throwaway database."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": secrets.token_hex(16),
        "CIVICNET_FAST_PASSWORD_HASHING": "1",
        "SEARCH_INDEX_DIR": str(work / "search-index"),
        "SOCKET_SEND_MESSAGE_LIMIT": SEND_LIMIT,
        "NEW_MEMBER_SEND_LIMIT": SEND_LIMIT,
        "SOCKETIO_ASYNC_MODE": "gevent",
        # Empty rather than absent, so a developer's .env cannot switch these on for the bench.
        "REDIS_URL": "",
        "MAIL_SERVER": "",
        "PROXY_HOPS": "0",
        "HOST": "127.0.0.1",
        "CIVICNET_ROOT": str(CIVICNET_ROOT),
    }
    if port is not None:
        env.update(PORT=str(port), BASE_URL=f"http://127.0.0.1:{port}")
    return env


def prepare_database(work: Path, receivers: int) -> tuple[Path, Path]:
    """Migrate a fresh SQLite file and seed it; every civicnet run starts from a copy of it."""
    template = work / "template.db"
    env = civicnet_env(template, work)
    run([str(Path(PYTHON).parent / "flask"), "--app", "app", "db", "upgrade"], env, cwd=CIVICNET_ROOT)
    tokens = work / "tokens.json"
    tokens.write_text(run([PYTHON, str(BENCH / "seed.py"), str(receivers)], env))
    return template, tokens


def fresh_copy(template: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        source = template.with_name(template.name + suffix)
        if source.exists():
            shutil.copyfile(source, target.with_name(target.name + suffix))
    return target


def wait_until_ready(process: subprocess.Popen, port: int, log: Path, timeout: float = 30) -> None:
    url = f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not answer on port {port} within {timeout}s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def disconnect_waits(port: int, token: str | None, attempts: int = 2) -> list[float]:
    """Seconds python-socketio's client (what the test suite uses) takes to disconnect, measured twice.

    The client sends Engine.IO's close packet, then closes its WebSocket and waits (up to its own 3 s)
    for the server's side of the close."""
    waits = []
    for _ in range(attempts):
        client = socketio.Client(reconnection=False)
        client.connect(
            f"http://127.0.0.1:{port}",
            auth={"token": token} if token else None,
            transports=["websocket"],
            wait_timeout=5,
        )
        start = time.perf_counter()
        client.disconnect()
        waits.append(round(time.perf_counter() - start, 3))
    return waits


def machine_busy() -> float:
    """Seconds of CPU used so far by the whole machine (all cores), from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def wait_for_quiet(budget: list[float], threshold: float = 0.5, longest: float = 8) -> float:
    """Wait (at most `longest` s, and within what is left of `budget`) until other work on the machine
    uses under `threshold` of a core; return the load seen last. The machine may be shared."""
    deadline = time.monotonic() + min(longest, budget[0])
    started = time.monotonic()
    load = 0.0
    while True:
        before = machine_busy()
        time.sleep(1)
        load = machine_busy() - before
        if load < threshold or time.monotonic() >= deadline:
            break
    budget[0] = max(0.0, budget[0] - (time.monotonic() - started))
    return round(load, 2)


def phases(args: argparse.Namespace) -> list[dict]:
    rates = [int(rate) for rate in args.rates.split(",") if rate.strip()]
    fixed = [{"name": f"{rate}/s", "rate": rate, "seconds": args.seconds} for rate in rates]
    return [*fixed, {"name": "max", "window": args.window, "seconds": args.max_seconds}]


def measure(
    server: Server, args: argparse.Namespace, work: Path, template: Path, tokens: Path, first: bool, quiet: list[float]
) -> dict:
    """Start one server, load it, stop it; the load generator's JSON plus the close-frame waits."""
    port = free_port()
    log = work / f"{server.key}-{port}.log"
    env = {**os.environ}
    command = list(server.command)
    if server.civicnet:
        env = civicnet_env(fresh_copy(template, work / f"{server.key}-{port}.db"), work, port)
    else:
        command += ["--port", str(port)]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            wait_until_ready(process, port, log)
            load_before = wait_for_quiet(quiet)
            loadgen = [
                "node",
                str(BENCH / "loadgen.mjs"),
                f"--url=http://127.0.0.1:{port}",
                f"--pid={process.pid}",
                f"--receivers={args.receivers}",
                f"--phases={json.dumps(phases(args))}",
                f"--clk-tck={os.sysconf('SC_CLK_TCK')}",
            ]
            if server.civicnet:
                loadgen.append(f"--tokens={tokens}")
            budget = 60 + len(phases(args)) * (max(args.seconds, args.max_seconds) + 8)
            result = subprocess.run(loadgen, cwd=BENCH, capture_output=True, text=True, timeout=budget)
            sys.stderr.write(result.stderr)
            if result.returncode != 0:
                raise RuntimeError(f"load generator failed against {server.key}:\n{log.read_text()[-3000:]}")
            measured = json.loads(result.stdout)
            measured["other_load_before_cores"] = load_before
            token = json.loads(tokens.read_text())["sender"] if server.civicnet else None
            measured["disconnect_s"] = disconnect_waits(port, token) if first else None
        finally:
            stop(process)
    return measured


def median_result(runs: list[dict]) -> dict:
    """One result per server: each phase's numbers are the median over the rounds."""
    merged = json.loads(json.dumps(runs[0]))
    for index, phase in enumerate(merged["phases"]):
        for key, value in phase.items():
            values = [run["phases"][index][key] for run in runs]
            if isinstance(value, int | float) and not isinstance(value, bool) and None not in values:
                phase[key] = round(statistics.median(values), 3)
            elif isinstance(value, dict):
                for sub in value:
                    subs = [run["phases"][index][key].get(sub) for run in runs]
                    if subs and None not in subs and all(isinstance(v, int | float) for v in subs):
                        value[sub] = round(statistics.median(subs), 3)
    merged["rss_kb_per_connection"] = statistics.median(
        [run["rss_kb_per_connection"] for run in runs if run["rss_kb_per_connection"] is not None] or [0]
    )
    return merged


SNAPSHOT_PARTS = ("app.py", "civicnet", "migrations", "templates", "static")


def snapshot_civicnet(work: Path) -> tuple[Path, dict]:
    """Copy civicnet as it is now, so every round runs the same code while others edit the working tree."""

    def git(*words: str) -> str:
        return subprocess.run(["git", *words], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout

    target = work / "civicnet-snapshot"
    target.mkdir()
    for part in SNAPSHOT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
        elif source.exists():
            shutil.copyfile(source, target / part)
    digest = hashlib.sha1()
    for path in sorted((target / "civicnet").rglob("*.py")):
        digest.update(path.relative_to(target).as_posix().encode() + path.read_bytes())
    changed = sorted(line[3:] for line in git("status", "--porcelain", "--", "civicnet", "app.py").splitlines())
    code = {"commit": git("rev-parse", "--short", "HEAD").strip(), "uncommitted": changed}
    return target, {**code, "digest": digest.hexdigest()[:12]}


def versions() -> dict:
    from importlib.metadata import version

    node = run(["node", "--version"]).strip()
    package = json.loads((BENCH / "node_modules" / "socket.io" / "package.json").read_text())["version"]
    client = json.loads((BENCH / "node_modules" / "socket.io-client" / "package.json").read_text())["version"]
    names = ("flask", "flask-socketio", "python-socketio", "python-engineio", "gevent", "gevent-websocket")
    return {
        "python": sys.version.split()[0],
        "node": node,
        "socket.io": package,
        "socket.io-client": client,
        **{name: version(name) for name in (*names, "simple-websocket", "sqlalchemy")},
    }


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line), "?")
    debian = Path("/etc/debian_version")
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "kernel": os.uname().release,
        "os": f"Debian {debian.read_text().strip()}" if debian.exists() else os.uname().sysname,
    }


def main() -> None:
    args = parse_args()
    if not (BENCH / "node_modules" / "socket.io").exists():
        sys.exit("bench/node_modules is missing: run `npm ci --prefix bench` (or `make bench`).")
    chosen = [s for s in SERVERS if not args.only or s.key in args.only.split(",")]
    started = time.monotonic()
    started_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    runs: dict[str, list[dict]] = {server.key: [] for server in chosen}
    with tempfile.TemporaryDirectory(prefix="civicnet-bench-") as directory:
        work = Path(directory)
        global CIVICNET_ROOT
        CIVICNET_ROOT, code = snapshot_civicnet(work)
        template, tokens = prepare_database(work, args.receivers)
        quiet = [45.0]  # seconds, in all, the run may spend waiting for the machine to be quiet
        for round_number in range(args.rounds):
            for server in chosen:
                print(f"== round {round_number + 1}/{args.rounds}: {server.key}", file=sys.stderr, flush=True)
                runs[server.key].append(
                    measure(server, args, work, template, tokens, first=round_number == 0, quiet=quiet)
                )
        persist = {
            mode: json.loads(
                run(
                    [PYTHON, str(BENCH / "persist_cost.py"), *flags],
                    civicnet_env(fresh_copy(template, work / f"persist-{mode}.db"), work),
                )
            )
            for mode, flags in (("sync", []), ("no_sync", ["--no-sync"]))
        }
    results = {
        "date": started_at,
        "civicnet_code": code,
        "command": " ".join([".venv/bin/python bench/fanout.py", *sys.argv[1:]]),
        "seconds_taken": round(time.monotonic() - started),
        "settings": {k: v for k, v in vars(args).items() if k != "output"},
        "machine": machine(),
        "versions": versions(),
        "servers": {
            s.key: {"label": s.label, "websocket": s.websocket, "civicnet": s.civicnet, **median_result(runs[s.key])}
            for s in chosen
        },
        "rounds": runs,
        "disconnect_s": {key: runs[key][0]["disconnect_s"] for key in runs},
        "persist": persist,
    }
    (BENCH / "results").mkdir(exist_ok=True)
    (BENCH / "results" / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    from report import write_report

    write_report(results, Path(args.output))
    print(f"Wrote {args.output} and bench/results/latest.json in {results['seconds_taken']} s.", file=sys.stderr)


if __name__ == "__main__":
    main()
