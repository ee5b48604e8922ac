"""Write docs/PERFORMANCE.md from bench/fanout.py's results: each goal's figure beside its target.

The hand-written analysis between the `analysis:` markers and the search section between the `search:`
markers (bench/search_report.py) are kept as they are."""

import statistics
from pathlib import Path

CEILING_GOAL = 0.45  # civicnet's deliveries per CPU-second at the ceiling ÷ the bare Flask-SocketIO relay's
CPU_GOAL = 4.0  # civicnet's CPU per delivery at the fixed rate ÷ the Node relay's
ACK_P99_GOAL_MS = 100  # members case, SQLite
ANALYSIS = ("<!-- analysis:start -->", "<!-- analysis:end -->")
SEARCH = ("<!-- search:start -->", "<!-- search:end -->")


def _runs(results: dict, case: str) -> list[dict]:
    return [run for run in results["runs"].get(case, []) if "error" not in run]


def _failures(results: dict) -> list[str]:
    """One line per case run that failed, with the load generator's or the server's first words on it."""
    lines = []
    for case, runs in results["runs"].items():
        for number, run in enumerate(runs, 1):
            if "error" in run:
                first = next((line for line in run["error"].splitlines() if line.strip()), "?")
                last = run["error"].strip().splitlines()[-1]
                lines.append(f"- **{case} failed** in round {number}: {first[:200]} … `{last[:200]}`")
    return [*lines, ""] if lines else []


def _phase(run: dict, name: str | None = None) -> dict:
    return next(p for p in run["phases"] if name is None or p["name"] == name)


def _median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _n(value, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def _x(value) -> str:
    return "n/a" if value is None else f"{value:,.2f}x"


def _ratio(results: dict, a: str, b: str, value) -> tuple[float | None, str]:
    """a's value ÷ b's, paired round by round (the rounds are interleaved); the median and each round's."""
    pairs = [(value(x), value(y)) for x, y in zip(_runs(results, a), _runs(results, b), strict=False)]
    ratios = [x / y for x, y in pairs if x and y]
    rounds = f" (rounds: {', '.join(f'{r:.2f}' for r in ratios)})" if len(ratios) > 1 else ""
    return _median(ratios), rounds


def _stored_ok(run: dict, every_sent: bool) -> bool:
    s = run.get("stored")
    return bool(s) and (
        s["acked_missing"] == s["stored_twice_or_more"] == s["stored_unknown"] == 0
        and s["acked_stored_once"] == s["acked"] > 0
        and (not every_sent or s["acked"] == s["sent"])
    )


def _stored_text(runs: list[dict]) -> str:
    checks = [r["stored"] for r in runs if r.get("stored")]
    acked, sent = sum(c["acked"] for c in checks), sum(c["sent"] for c in checks)
    once = sum(c["acked_stored_once"] for c in checks)
    return f"{once:,} of {acked:,} acked stored once ({sent:,} sent)"


def _row(goal: str, value: float | None, text: str, target: str, ok: bool | None) -> dict:
    return {"goal": goal, "value": value, "measured": text, "target": target, "ok": ok}


def goals(results: dict) -> list[dict]:
    """Every goal of the benchmark: what was measured, its target, met or missed (None: not run)."""
    rate = results["scenarios"]["fanout"]["phases"][0]["name"]
    wide = results["scenarios"]["wide"]
    receivers, wide_rate = results["scenarios"]["fanout"]["receivers"], wide["phases"][0]["name"]
    rows = []

    civicnet = _runs(results, "fanout:civicnet")
    ceiling, rounds = _ratio(
        results, "fanout:civicnet", "fanout:flask", lambda r: _phase(r, "max")["deliveries_per_cpu_s"]
    )
    committed = bool(civicnet) and all(_stored_ok(r, every_sent=False) for r in civicnet)
    rows.append(
        _row(
            f"Fan-out ceiling, {receivers} receivers: civicnet's deliveries per second of server CPU ÷ the bare "
            "Flask-SocketIO relay's; every acked message stored once after a SIGKILL in flight",
            ceiling,
            f"{_x(ceiling)}{rounds}; {_stored_text(civicnet)}" if civicnet else "n/a",
            f"≥ {CEILING_GOAL}x, all stored",
            None if ceiling is None else ceiling >= CEILING_GOAL and committed,
        )
    )
    cpu, rounds = _ratio(
        results, "fanout:civicnet", "fanout:node", lambda r: _phase(r, rate)["server_cpu_us_per_delivery"]
    )
    rows.append(
        _row(
            f"CPU per delivery at {rate} into {receivers} receivers: civicnet ÷ the Node socket.io relay",
            cpu,
            f"{_x(cpu)}{rounds}",
            f"≤ {CPU_GOAL:g}x",
            None if cpu is None else cpu <= CPU_GOAL,
        )
    )
    cpu, rounds = _ratio(results, "wide:civicnet", "wide:node", lambda r: _phase(r)["server_cpu_us_per_delivery"])
    rows.append(
        _row(
            f"The same at {wide_rate} into {wide['receivers']} receivers",
            cpu,
            f"{_x(cpu)}{rounds}",
            "report",
            None,
        )
    )

    members = _runs(results, "members:civicnet")
    p99 = _median([_phase(r)["ack_ms"]["p99"] for r in members])
    if members:
        ack = {k: _median([_phase(r)["ack_ms"][k] for r in members]) for k in ("p50", "p95", "max")}
        through = _median([_phase(r)["acked_per_s"] for r in members])
        text = (
            f"p99 {_n(p99, 1)} ms (p50 {_n(ack['p50'], 1)}, p95 {_n(ack['p95'], 1)}, max {_n(ack['max'], 1)}; "
            f"rounds' p99: {', '.join(_n(_phase(r)['ack_ms']['p99'], 1) for r in members)}); "
            f"{_n(through)} messages/s through; {_stored_text(members)}"
        )
    rows.append(
        _row(
            f"SQLite, {results['scenarios']['members']['senders']} members sending at {rate} in total (each its own "
            "token and connection): ack p99, every message stored once",
            p99,
            text if members else "n/a",
            f"< {ACK_P99_GOAL_MS} ms, all stored once",
            None if p99 is None else p99 < ACK_P99_GOAL_MS and all(_stored_ok(r, every_sent=True) for r in members),
        )
    )

    two = _runs(results, "members:civicnet-2")
    delivered = bool(two) and all(
        _phase(r)["undelivered"] == 0 and r["unknown_deliveries"] == 0 and _stored_ok(r, every_sent=True) for r in two
    )
    cpu, rounds = _ratio(
        results, "members:civicnet-2", "members:civicnet", lambda r: _phase(r)["server_cpu_us_per_delivery"]
    )
    missing = sum(_phase(r)["undelivered"] or 0 for r in two)
    rows.append(
        _row(
            "Two processes + Redis, the members case with receivers and senders on both: every message to every "
            "receiver; CPU per delivery ÷ one process's",
            cpu,
            f"{'all delivered' if delivered else f'{missing:,} deliveries not made within 5 s of the last send'}; {_stored_text(two)}; "
            f"CPU per delivery {_x(cpu)} one process's{rounds}"
            if two
            else "n/a",
            "all delivered; report CPU",
            delivered if two else None,
        )
    )

    mine, bare = (
        _median([r["rss_kb_per_connection"] for r in _runs(results, f"wide:{k}")]) for k in ("civicnet", "flask")
    )
    node = _median([r["rss_kb_per_connection"] for r in _runs(results, "wide:node")])
    memory = mine / bare if mine and bare else None
    rows.append(
        _row(
            f"Memory per idle joined connection ({wide['receivers']} receivers): civicnet ÷ the bare relay",
            memory,
            f"{_x(memory)} ({_n(mine)} KB against {_n(bare)} KB; Node relay {_n(node)} KB)",
            "report",
            None,
        )
    )

    stub = _runs(results, "fanout:civicnet-no-persistence")
    acked = all(p["acked"] == p["sent"] > 0 for r in stub for p in r["phases"])
    sent = sum(p["sent"] for r in stub for p in r["phases"])
    rows.append(
        _row(
            "`bench/civicnet_server.py --no-persistence` acks every send",
            None,
            f"{sum(p['acked'] for r in stub for p in r['phases']):,} of {sent:,} acked" if stub else "n/a",
            "all acked",
            acked if stub else None,
        )
    )
    return rows


def _met(ok: bool | None) -> str:
    return "" if ok is None else ("**met**" if ok else "**missed**")


def print_goals(results: dict) -> None:
    print("\n".join(_failures(results)))
    for row in goals(results):
        print(f"{_met(row['ok']).strip('*') or 'report':7} {row['goal']}: {row['measured']} (target {row['target']})")


def _results_table(results: dict) -> list[str]:
    lines = [
        "| case | server | phase | deliveries/s | acked messages/s | CPU per delivery | deliveries per CPU-second "
        "| latency p50 / p99 | ack p50 / p95 / p99 / max | undelivered | other load |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case in results["runs"]:
        scenario, key, runs = *case.split(":"), _runs(results, case)
        shape = results["scenarios"][scenario]
        for index, first in enumerate(runs[0]["phases"] if runs else []):
            phases = [r["phases"][index] for r in runs]

            def m(*keys, phases=phases):
                values = []
                for p in phases:
                    for k in keys:
                        p = p[k] if p is not None else None
                    values.append(p)
                return _median(values)

            ack = " / ".join(_n(m("ack_ms", k), 1) for k in ("p50", "p95", "p99", "max"))
            lines.append(
                f"| {scenario} ({shape['receivers']} receivers, {shape['senders'] or 1} sending) "
                f"| {results['servers'][key]} | {first['name']} | {_n(m('deliveries_per_s'))} | {_n(m('acked_per_s'))} "
                f"| {_n(m('server_cpu_us_per_delivery'), 1)} us | {_n(m('deliveries_per_cpu_s'))} "
                f"| {_n(m('latency_ms', 'p50'), 1)} / {_n(m('latency_ms', 'p99'), 1)} ms | {ack} ms "
                f"| {'killed' if first['undelivered'] is None else _n(m('undelivered'))} "
                f"| {_n(m('background_cpu_pct'))}% |"
            )
    return lines


def _kept(text: str, markers: tuple[str, str], default: str) -> str:
    start, end = text.find(markers[0]), text.find(markers[1])
    return text[start : end + len(markers[1])] if 0 <= start < end else f"{markers[0]}\n{default}\n{markers[1]}"


def write_report(results: dict, output: Path) -> None:
    old = output.read_text() if output.exists() else ""
    settings, versions, machine, code = (
        results["settings"],
        results["versions"],
        results["machine"],
        results["civicnet_code"],
    )
    lines = [
        "# Performance: real-time",
        "",
        f"Measured {results['date']} with `make bench` (`{results['command']}`, {results['seconds_taken']} s) on "
        f"civicnet at commit {code['commit']} (digest {code['digest']} of its .py files). Written by `bench/report.py` "
        "except the analysis: rerun the bench rather than editing the numbers. Every round's raw numbers: "
        "`bench/results/latest.json` (not committed).",
        "",
        "## Goals",
        "",
        "| goal | measured | target | |",
        "|---|---|---|---|",
        *(f"| {r['goal']} | {r['measured']} | {r['target']} | {_met(r['ok'])} |" for r in goals(results)),
        "",
        *_failures(results),
        "## How it was measured",
        "",
        f"- {machine['cores']} cores ({machine['cpu']}), {machine['os']}, Linux {machine['kernel']}; everything on "
        f"127.0.0.1; SQLite on local disk. Python {versions['python']}, Flask-SocketIO {versions['flask-socketio']}, "
        f"python-socketio {versions['python-socketio']}, gevent {versions['gevent']}, gevent-websocket "
        f"{versions['gevent-websocket']}, SQLAlchemy {versions['sqlalchemy']}; Node {versions['node']}, socket.io "
        f"{versions['socket.io']}; redis-server {versions['redis-server']}.",
        f"- {settings['rounds']} round{'s' if settings['rounds'] > 1 else ''}; each round runs every case once, in the order of the table below, each on "
        "freshly started servers (civicnet on a fresh copy of one migrated, seeded SQLite database). Ratios are "
        "taken round by round between cases of the same round, then the median; the table shows medians.",
        "- `bench/loadgen.mjs` (socket.io-client, websocket transport, one connection per member, tokens for "
        "civicnet) joins every receiver to the room, then sends `send_message` open loop at a fixed rate, or closed "
        f"loop at the ceiling ({settings['window']} messages in flight); 1 s unmeasured warm-up per phase. "
        "fanout and wide: one sender outside the room; members: every member sends in turn and receives everything.",
        "- CPU: utime + stime of the server process(es) over the measured window (/proc, 10 ms ticks) ÷ the "
        "deliveries in it. Memory: the servers' RSS once every connection has joined and they have gone idle, less the RSS "
        "before the first connection, ÷ connections. Stored: after the case, the rows per client_id in the "
        "database. At civicnet's ceiling the load generator SIGKILLs the server as the window ends, messages in "
        "flight, so an ack sent before its commit would show as a missing row.",
        "- civicnet runs as `python app.py` (gevent) through `bench/civicnet_server.py`, the send limits raised to "
        f'"{results["send_limit"]}" through the environment (one bench member sends '
        "for a room). The relays keep no state beyond the room and send the same payload keys. Other load: CPU "
        "other processes used meanwhile, in % of one core (the machine may be shared).",
        "- Run it: `make bench` (about 8 minutes); a quick check that leaves this file alone: `make bench "
        'BENCH_ARGS="--rounds 1 --quick --no-report"`; every option: `.venv/bin/python bench/fanout.py --help`. '
        "The search benchmark, below, is `make bench-search`.",
        "",
        "## Results",
        "",
        *_results_table(results),
        "",
        _kept(old, ANALYSIS, "## Analysis\n\n(Written by hand after a full run.)"),
    ]
    search = "\n" + _kept(old, SEARCH, "") + "\n" if SEARCH[0] in old else ""
    output.write_text("\n".join(lines) + "\n" + search)
