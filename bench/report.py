"""Write docs/PERFORMANCE.md from bench/fanout.py's results (the same data as bench/results/latest.json)."""

from pathlib import Path

CPU_GOAL = 2.5  # civicnet's CPU per delivery at most this many times the Node relay's
THROUGHPUT_GOAL = 0.7  # civicnet's ceiling at least this fraction of the bare Flask-SocketIO relay's
LOADGEN_BOUND_PCT = 90  # above this the load generator, not the server, may be what stopped the climb
SLOW_DISCONNECT_S = 1.0
# bench/search.py writes its own section between these markers; rewriting the fan-out part keeps it.
SEARCH_START, SEARCH_END = "<!-- search:start -->", "<!-- search:end -->"


def _phase(server: dict, name: str) -> dict:
    return next(phase for phase in server["phases"] if phase["name"] == name)


def _n(value, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def _ratio(a, b) -> float | None:
    return a / b if a and b else None


def _per_cpu_second(phase: dict) -> float | None:
    """Deliveries per second of server CPU: the ceiling if the server had a core to itself."""
    us = phase["server_cpu_us_per_delivery"]
    return 1e6 / us if us else None


def _met(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**missed**")


def _round_ratios(results: dict, a: str, b: str, phase: str, value) -> str:
    """The ratio a/b in each round, paired round by round, to show how much it moved."""
    ratios = []
    for run_a, run_b in zip(results["rounds"].get(a, []), results["rounds"].get(b, []), strict=False):
        ratio = _ratio(value(_phase(run_a, phase)), value(_phase(run_b, phase)))
        if ratio is not None:
            ratios.append(f"{ratio:.2f}")
    return f" (rounds: {', '.join(ratios)})" if len(ratios) > 1 else ""


def _name(server: dict) -> str:
    return f"{server['label']} ({server['websocket']})"


def _fixed_table(servers: dict, name: str, receivers: int) -> list[str]:
    target = int(name.split("/")[0]) * receivers
    rows = [
        f"**{name} inbound into {receivers} receivers** (target {_n(target)} deliveries/s)",
        "",
        "| server | deliveries/s | latency p50 / p99 | ack p50 / p99 | server CPU per delivery | server CPU | other load |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for server in servers.values():
        p = _phase(server, name)
        rows.append(
            f"| {_name(server)} | {_n(p['deliveries_per_s'])} | {_n(p['latency_ms']['p50'], 1)} / "
            f"{_n(p['latency_ms']['p99'], 1)} ms | {_n(p['ack_ms']['p50'], 1)} / {_n(p['ack_ms']['p99'], 1)} ms | "
            f"{_n(p['server_cpu_us_per_delivery'], 1)} us | {_n(p['server_cpu_pct'])}% | {_n(p['background_cpu_pct'])}% |"
        )
    return [*rows, ""]


def _behind(results: dict, rates: list[str]) -> list[str]:
    """Say which servers fell behind a fixed rate, and whether a core's worth of CPU would have been enough."""
    receivers, notes = results["settings"]["receivers"], []
    for name in rates:
        target = int(name.split("/")[0])
        for server in results["servers"].values():
            p = _phase(server, name)
            if p["deliveries_per_s"] < 0.95 * target * receivers and p["server_cpu_ms_per_inbound"]:
                notes.append(
                    f"- {_name(server)} fell behind at {name}: {target} messages/s at "
                    f"{p['server_cpu_ms_per_inbound']:.1f} ms of CPU each need "
                    f"{target * p['server_cpu_ms_per_inbound'] / 10:.0f}% of a core; it got {p['server_cpu_pct']:.0f}% "
                    f"while other processes used {p['background_cpu_pct']:.0f}%, so its latencies there are queueing."
                )
    return [*notes, ""] if notes else []


def _max_table(servers: dict) -> list[str]:
    rows = [
        "| server | deliveries/s | messages/s in | latency p50 / p99 | server CPU | CPU per delivery "
        "| deliveries per CPU-second | load generator CPU | other load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for server in servers.values():
        p = _phase(server, "max")
        bound = " (load generator bound)" if p["loadgen_cpu_pct"] >= LOADGEN_BOUND_PCT else ""
        rows.append(
            f"| {_name(server)} | {_n(p['deliveries_per_s'])}{bound} | {_n(p['inbound_per_s'])} | "
            f"{_n(p['latency_ms']['p50'], 1)} / {_n(p['latency_ms']['p99'], 1)} ms | {_n(p['server_cpu_pct'])}% | "
            f"{_n(p['server_cpu_us_per_delivery'], 1)} us | {_n(_per_cpu_second(p))} | {_n(p['loadgen_cpu_pct'])}% | "
            f"{_n(p['background_cpu_pct'])}% |"
        )
    return [*rows, ""]


def _goals(results: dict, low: str, top: str) -> tuple[list[str], bool | None, bool | None]:
    servers = results["servers"]
    civicnet, node, flask = servers.get("civicnet"), servers.get("node"), servers.get("flask")
    if not (civicnet and node and flask):
        return ["(The goals need the civicnet, node and flask runs.)", ""], None, None

    def cpu(phase: dict):
        return phase["server_cpu_us_per_delivery"]

    def rate(phase: dict):
        return phase["deliveries_per_s"]

    cpu_ratio = _ratio(cpu(_phase(civicnet, top)), cpu(_phase(node, top)))
    cpu_low = _ratio(cpu(_phase(civicnet, low)), cpu(_phase(node, low)))
    flask_cpu = _ratio(cpu(_phase(flask, top)), cpu(_phase(node, top)))
    measured = _ratio(rate(_phase(civicnet, "max")), rate(_phase(flask, "max")))
    per_cpu = _ratio(_per_cpu_second(_phase(civicnet, "max")), _per_cpu_second(_phase(flask, "max")))
    cpu_ok = cpu_ratio is not None and cpu_ratio <= CPU_GOAL
    throughput_ok = measured is not None and measured >= THROUGHPUT_GOAL
    per_cpu_ok = per_cpu is not None and per_cpu >= THROUGHPUT_GOAL
    lines = [
        "| goal | measured | target | |",
        "|---|---:|---:|---|",
        f"| civicnet's CPU per delivery ÷ the Node relay's, at {top} into {results['settings']['receivers']} "
        f"| {_n(cpu_ratio, 2)}x{_round_ratios(results, 'civicnet', 'node', top, cpu)} | ≤ {CPU_GOAL}x | {_met(cpu_ok)} |",
        f"| civicnet's throughput ceiling ÷ the bare Flask-SocketIO relay's, as measured "
        f"| {_n(measured, 2)}x{_round_ratios(results, 'civicnet', 'flask', 'max', rate)} "
        f"| ≥ {THROUGHPUT_GOAL}x | {_met(throughput_ok)} |",
        f"| the same, per second of server CPU (robust to the shared machine) "
        f"| {_n(per_cpu, 2)}x{_round_ratios(results, 'civicnet', 'flask', 'max', _per_cpu_second)} "
        f"| ≥ {THROUGHPUT_GOAL}x | {_met(per_cpu_ok)} |",
        "",
        f"For scale: at {low} civicnet's CPU per delivery is {_n(cpu_low, 2)}x the Node relay's; the bare "
        f"Flask-SocketIO relay, with no database at all, is {_n(flask_cpu, 2)}x the Node relay's at {top}.",
        "",
    ]
    return lines, cpu_ok, throughput_ok and per_cpu_ok


def _disconnect(waits: list[float] | None) -> str:
    return " / ".join(f"{w:.3f} s" for w in waits) if waits else "n/a"


def _handlers(results: dict, top: str) -> list[str]:
    servers, waits = results["servers"], results["disconnect_s"]
    lines = [
        f"| server | WebSocket handler | CPU per delivery at {top} | p99 at {top} | ceiling (deliveries/s) "
        "| deliveries per CPU-second at the ceiling | server memory per connection | python-socketio client's disconnect |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key in ("node", "flask", "flask-simple", "civicnet", "civicnet-simple"):
        if key in servers:
            server, p, top_p = servers[key], _phase(servers[key], "max"), _phase(servers[key], top)
            lines.append(
                f"| {server['label']} | {server['websocket']} | {_n(top_p['server_cpu_us_per_delivery'], 1)} us | "
                f"{_n(top_p['latency_ms']['p99'], 1)} ms | {_n(p['deliveries_per_s'])} | {_n(_per_cpu_second(p))} | "
                f"{_n(server['rss_kb_per_connection'])} KB | {_disconnect(waits.get(key))} |"
            )
    return [*lines, ""]


def _handler_verdict(results: dict, top: str) -> list[str]:
    servers, waits = results["servers"], results["disconnect_s"]
    pairs = [(k, f"{k}-simple") for k in ("flask", "civicnet") if k in servers and f"{k}-simple" in servers]
    if not pairs:
        return ["(The handler comparison needs both handlers' runs.)", ""]
    lines = []
    for fast, slow in pairs:
        a, b = servers[fast], servers[slow]
        cpu_a, cpu_b = (_phase(s, top)["server_cpu_us_per_delivery"] for s in (a, b))
        cap_a, cap_b = (_per_cpu_second(_phase(s, "max")) for s in (a, b))
        lines.append(
            f"- {a['label']}: simple-websocket needed {_n(_ratio(cpu_b, cpu_a), 2)}x gevent-websocket's CPU per "
            f"delivery at {top}, managed {_n(_ratio(cap_b, cap_a), 2)}x its deliveries per CPU-second at the "
            f"ceiling, held {_n(_ratio(b['rss_kb_per_connection'], a['rss_kb_per_connection']), 1)}x the memory "
            f"per connection, and a client's disconnect took {_disconnect(waits.get(slow))} against "
            f"{_disconnect(waits.get(fast))}."
        )
    fast_waits = [w for fast, _ in pairs for w in waits.get(fast) or []]
    slow_waits = [w for _, slow in pairs for w in waits.get(slow) or []]
    slow_count = sum(w >= SLOW_DISCONNECT_S for w in slow_waits)
    slow_close = slow_count > 0 and not any(w >= SLOW_DISCONNECT_S for w in fast_waits)
    cheaper = all(
        _phase(servers[fast], top)["server_cpu_us_per_delivery"]
        < _phase(servers[slow], top)["server_cpu_us_per_delivery"]
        for fast, slow in pairs
    )
    leaner = all(
        servers[fast]["rss_kb_per_connection"] < servers[slow]["rss_kb_per_connection"] for fast, slow in pairs
    )
    reasons = []
    if slow_close:
        reasons.append(
            f"**Disconnects are instant.** With simple-websocket, {slow_count} of {len(slow_waits)} python-socketio "
            f"client disconnects above took 3 s, against none of {len(fast_waits)} with gevent-websocket. That is "
            "the test suite's 3 s per disconnect, confirmed. The likely mechanism, from reading python-engineio's "
            "client and websocket-client: `disconnect()` queues Engine.IO's close packet, then `ws.close()` sends a "
            "close frame and waits up to 3 s for the server's close frame while the client's reader thread is "
            "still reading too. gevent-websocket closes the socket at once, which ends both waits; under "
            "simple-websocket the server's close frame can be taken by the reader thread, and `ws.close()` then "
            "waits out its timeout. It is a race, so now and then a disconnect is instant even so. A bare close "
            "handshake, with no second reader, was answered at once by both handlers when tried by hand"
        )
    higher = all(
        (_per_cpu_second(_phase(servers[fast], "max")) or 0) > (_per_cpu_second(_phase(servers[slow], "max")) or 0)
        for fast, slow in pairs
    )
    reasons.append("it holds less memory per connection" if leaner else "memory per connection did not favour it")
    reasons.append(
        "it delivers more per CPU-second at the ceiling" if higher else "the ceiling did not consistently favour it"
    )
    reasons.append(
        f"it costs less CPU per delivery at {top}"
        if cheaper
        else f"CPU per delivery at {top} did not consistently favour it on this run (noise on a shared machine)"
    )
    return [
        *lines,
        "",
        "We chose **gevent-websocket**, measured in the bare relay and in civicnet alike:",
        "",
        *(f"- {reason[0].upper()}{reason[1:]}." for reason in reasons),
        "",
        "The price: gevent-websocket's last release (0.10.1) is from 2017, and under gunicorn it needs its own "
        "worker class (`geventwebsocket.gunicorn.workers.GeventWebSocketWorker`) because `-k gevent` then fails "
        "every WebSocket upgrade (../shared/NOTES.md). If it ever breaks with a new gevent, uninstalling it falls "
        "back to simple-websocket with no code change, at the costs above.",
        "",
    ]


def _extra_ms(results: dict, rate: str) -> float:
    """civicnet's server CPU per message handled, minus the bare Flask-SocketIO relay's, at one rate."""
    civicnet, flask = _phase(results["servers"]["civicnet"], rate), _phase(results["servers"]["flask"], rate)
    return civicnet["server_cpu_ms_per_inbound"] - flask["server_cpu_ms_per_inbound"]


def _persistence(results: dict, rates: list[str]) -> list[str]:
    servers, persist, no_sync = results["servers"], results["persist"]["sync"], results["persist"]["no_sync"]
    lines = []
    if "civicnet" in servers and "flask" in servers:
        lines += [
            "| inbound rate | civicnet's server CPU per message | bare relay's | extra: database and rules |",
            "|---|---:|---:|---:|",
        ]
        for name in rates:
            c, f = _phase(servers["civicnet"], name), _phase(servers["flask"], name)
            extra = c["server_cpu_ms_per_inbound"] - f["server_cpu_ms_per_inbound"]
            lines.append(
                f"| {name} | {_n(c['server_cpu_ms_per_inbound'], 2)} ms | {_n(f['server_cpu_ms_per_inbound'], 2)} ms "
                f"| **{_n(extra, 2)} ms** |"
            )
        lines += [
            "",
            "(Per message handled, so both columns include the fan-out to every receiver. The lower rate's figures "
            "rest on fewer 10 ms CPU ticks, and at a low rate each message finds the caches colder.)",
            "",
        ]
        extra = _extra_ms(results, rates[-1])
    if "civicnet" in servers and "flask" in servers and extra - persist["cpu_ms_per_message"] > 0.5:
        lines += [
            f"Of the {extra:.2f} ms extra at {rates[-1]}, the persisting measured below accounts for "
            f"{persist['cpu_ms_per_message']:.2f} ms; the other {extra - persist['cpu_ms_per_message']:.2f} ms is spent "
            "around it (the Socket.IO event dispatch with its request context, `authenticated_socket`, the "
            "payload checks, a second `message_payload` for the ack, the rate limiter) and is not broken down yet.",
            "",
        ]
    commit, render = "all commits (flush + SQLite COMMIT)", "render Markdown + sanitise HTML"
    queries = ", ".join(f"{n:g} {kind}" for kind, n in persist["statements_per_message"].items())
    lines += [
        f"The same work in one process without sockets (`bench/persist_cost.py`, {persist['messages']} messages: "
        "load the member and the room, count the rate limit, `post_message`, `message_payload`):",
        "",
        "| SQLite `synchronous` | CPU per message | wall p50 | wall p99 | wall max | commit | Markdown + sanitising |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    own = f"{persist.get('synchronous', '?')} (civicnet's own setting)"
    for label, data in ((own, persist), ("OFF (comparison only)", no_sync)):
        parts = data["parts_ms_per_message"]
        lines.append(
            f"| {label} | {data['cpu_ms_per_message']:.2f} ms | {data['wall_ms_p50']:.2f} ms | "
            f"{data['wall_ms_p99']:.2f} ms | {data['wall_ms_max']:.2f} ms | {parts.get(commit, 0):.2f} ms | "
            f"{parts.get(render, 0):.2f} ms |"
        )
    lines += [
        "",
        f"Per message: {queries} statements ({', '.join(persist.get('one_message', []))}) and one commit.",
        "",
        "SQLite calls and the Markdown renderer never yield to gevent, so each message stops the event loop for its "
        "whole wall time: every other client's deliveries, acks and pings wait behind it. The typical stall is "
        f"the p50. With the disk sync off, the commit takes {no_sync['parts_ms_per_message'].get(commit, 0):.2f} ms "
        f"instead of {persist['parts_ms_per_message'].get(commit, 0):.2f} ms, the p99 is {no_sync['wall_ms_p99']:.1f} "
        f"ms instead of {persist['wall_ms_p99']:.1f} ms and the longest stall {no_sync['wall_ms_max']:.1f} ms "
        f"instead of {persist['wall_ms_max']:.1f} ms."
        + (
            " The longest stalls are about as long without the disk sync, so the sync is not what makes them."
            if no_sync["wall_ms_max"] >= 0.5 * persist["wall_ms_max"]
            else " The occasional slow disk sync makes the longest stalls."
        ),
        "",
    ]
    if "civicnet" in servers:
        top = rates[-1]
        handled = _phase(servers["civicnet"], top)["deliveries_per_s"] / results["settings"]["receivers"]
        lines += [
            f"At {top} ({handled:.0f} messages/s handled) that is about {persist['wall_ms_p50'] * handled / 10:.0f}% "
            f"of the event loop spent persisting. At {persist['cpu_ms_per_message']:.1f} ms of CPU per message, one "
            f"process could persist at most about {1000 / persist['cpu_ms_per_message']:.0f} messages/s even if "
            "nobody received them.",
            "",
        ]
    return lines


def _upper_bound(results: dict, top: str) -> list[str]:
    """What civicnet's socket path reaches when posting stores and renders nothing (the experiment run)."""
    servers = results["servers"]
    bare, node = servers.get("civicnet-no-persistence"), servers.get("node")
    if not (bare and "flask" in servers and "civicnet" in servers and node):
        return []
    ceiling = _ratio(_phase(bare, "max")["deliveries_per_s"], _phase(servers["flask"], "max")["deliveries_per_s"])
    per_cpu = _ratio(_per_cpu_second(_phase(bare, "max")), _per_cpu_second(_phase(servers["flask"], "max")))
    cpu = _ratio(_phase(bare, top)["server_cpu_us_per_delivery"], _phase(node, top)["server_cpu_us_per_delivery"])
    return [
        "## Upper bound: civicnet with persisting and rendering taken away",
        "",
        "`bench/civicnet_server.py --no-persistence` runs civicnet with `post_message` replaced by a stand-in "
        "that stores nothing and renders nothing (the body is only escaped) but still broadcasts the message; "
        "everything else on the socket path is civicnet's own (authentication per event, payload checks, rate "
        "limit, room lookup, payloads, ack). No way of persisting, batched or moved elsewhere, can make civicnet "
        "faster than this run.",
        "",
        f"- Its ceiling is {_n(ceiling, 2)}x the bare relay's"
        f"{_round_ratios(results, 'civicnet-no-persistence', 'flask', 'max', lambda p: p['deliveries_per_s'])}, and "
        f"{_n(per_cpu, 2)}x per second of server CPU, against the goal of 0.7x for civicnet with persistence.",
        f"- Its CPU per delivery at {top} is {_n(cpu, 2)}x the Node relay's, against the goal of {CPU_GOAL}x.",
        "",
    ]


def _next_steps(results: dict, rates: list[str]) -> list[str]:
    persist = results["persist"]["sync"]
    parts = persist["parts_ms_per_message"]
    render = parts.get("render Markdown + sanitise HTML", 0)
    steps, gap = [], 0.0
    if "civicnet" in results["servers"] and "flask" in results["servers"]:
        gap = _extra_ms(results, rates[-1]) - persist["cpu_ms_per_message"]
    if "civicnet" in results["servers"] and "flask" in results["servers"] and gap > 0.5:
        steps.append(
            f"- **Profile the handler around the service.** About {gap:.1f} ms of CPU per message at {rates[-1]} "
            "goes to the socket path around `post_message` (see the cost section); a profile of one `send_message` "
            "under gevent would show which part is worth trimming, before anyone guesses."
        )
    steps.append(
        f"- **Fewer round trips per message.** Persisting is {persist['cpu_ms_per_message']:.1f} ms of CPU: "
        f"{', '.join(persist.get('one_message', []))}, one commit ({parts.get('all commits (flush + SQLite COMMIT)', 0):.2f}"
        f" ms) and Markdown + sanitising ({render:.2f} ms). Keeping the member and room per connection (re-checked "
        "when they change) and letting the unique constraint on (author_id, client_id) catch resends instead of "
        "a SELECT first would cut the SELECTs."
    )
    steps += [
        "- **Take persistence off the event loop.** Run `post_message`'s database work in a real thread (gevent's "
        "threadpool; sqlite3 and psycopg release the GIL while they wait), so a slow commit stops no one else's "
        "deliveries. This cures stalls, not CPU.",
        "- **Batch the commits.** One writer committing the messages queued in the last few milliseconds together "
        "(group commit) pays one disk sync and one transaction per batch; each message is broadcast after its "
        "batch commits.",
    ]
    servers = results["servers"]
    floor = None
    if "flask" in servers and "node" in servers:
        floor = _ratio(
            _phase(servers["flask"], rates[-1])["server_cpu_us_per_delivery"],
            _phase(servers["node"], rates[-1])["server_cpu_us_per_delivery"],
        )
    against = (
        f"it is {_n(floor, 2)}x the Node relay's at {rates[-1]}, "
        + (
            "so even with no database at all it is at or past the 2.5x CPU goal"
            if floor and floor > 0.9 * CPU_GOAL
            else ""
        )
    ).rstrip(", ")
    steps.append(
        f"- **The fan-out itself.** The bare Flask-SocketIO relay is the floor for CPU per delivery in Python: "
        f"{against}. Past it, only more processes help (2 processes + Redis measured 1.3-2.0x the CPU per "
        "delivery of one, ../shared/NOTES.md), or a Node process in front for the WebSocket fan-out."
    )
    return steps


def _title(results: dict) -> list[str]:
    return [
        "# Performance: real-time fan-out",
        "",
        f"Measured {results['date']} with `make bench` (`{results['command']}`, {results['seconds_taken']} s). "
        "Written by "
        "`bench/report.py`: rerun the bench rather than editing the numbers. Raw numbers, every round: "
        "`bench/results/latest.json` (not committed).",
        "",
    ]


def _code(results: dict) -> str:
    code = results["civicnet_code"]
    text = f"- civicnet at commit {code['commit']}"
    if code["uncommitted"]:
        text += f" plus the working tree's uncommitted changes to {', '.join(code['uncommitted'])}"
    return (
        text + f", copied at the start of the run so every round measures the same code (digest {code['digest']} "
        "of its .py files, in `bench/results/latest.json`)."
    )


def _machine_and_method(results: dict, rates: list[str]) -> list[str]:
    settings, versions, machine = results["settings"], results["versions"], results["machine"]
    loads = [p["background_cpu_pct"] for s in results["servers"].values() for p in s["phases"]]
    return [
        "## Machine",
        "",
        f"- {machine['cores']} cores ({machine['cpu']}), {machine['os']}, Linux {machine['kernel']}; all traffic on "
        "127.0.0.1; SQLite on local disk (ext4).",
        f"- Python {versions['python']}: Flask {versions['flask']}, Flask-SocketIO {versions['flask-socketio']}, "
        f"python-socketio {versions['python-socketio']}, python-engineio {versions['python-engineio']}, gevent "
        f"{versions['gevent']}, gevent-websocket {versions['gevent-websocket']}, simple-websocket "
        f"{versions['simple-websocket']}, SQLAlchemy {versions['sqlalchemy']}.",
        f"- Node {versions['node']}: socket.io {versions['socket.io']} (relay), socket.io-client "
        f"{versions['socket.io-client']} (load generator).",
        _code(results),
        f"- **The machine was shared**: other people's processes used {min(loads)}-{max(loads)}% of a core during "
        'the measured windows (column "other load"), and the load generator shares the same 2 cores. CPU per '
        "delivery counts only the server's own CPU time, so it suffers least from this; deliveries/s and "
        "latencies at the ceiling suffer most.",
        "",
        "## Method",
        "",
        f"- `bench/loadgen.mjs` connects {settings['receivers']} receivers and 1 sender over the websocket transport "
        '(one connection each). The receivers `join_room` "bench"; the sender, not in the room, emits '
        "`send_message` with a unique `client_id` and a 90-character body; every receiver gets `message_posted`.",
        f"- Fixed rates ({', '.join(rates)}, {settings['seconds']:g} s measured each) are open loop: messages go "
        'out on schedule whatever happened to earlier ones. The ceiling ("max") is closed loop: '
        f"{settings['window']} messages in flight, a new one whenever one has reached every receiver, "
        f"{settings['max_seconds']:g} s measured. Each phase starts with 1 s of unmeasured warm-up.",
        "- Latency: from the sender's emit to each receiver's event, on one clock. CPU: the server process's "
        "utime + stime (all threads, /proc, 10 ms ticks) over the measured window ÷ deliveries in it.",
        "- civicnet runs as deployed (`python app.py`: gevent, a fresh copy of a migrated SQLite database per run, "
        'members authenticated with personal access tokens), with the send limit raised to "1000000 per 10 '
        'seconds" because one sender stands in for a room of members. The relays keep no state beyond the room '
        "and send the same payload keys.",
        f"- Every server runs {settings['rounds']} rounds, interleaved; the tables show the median of the rounds.",
        "",
    ]


def write_report(results: dict, output: Path) -> None:
    servers, settings = results["servers"], results["settings"]
    rates = [p["name"] for p in next(iter(servers.values()))["phases"] if p["name"] != "max"]
    low, top = rates[0], rates[-1]
    goal_lines, cpu_ok, throughput_ok = _goals(results, low, top)
    lines = [*_title(results), "## Goals", "", *goal_lines, *_machine_and_method(results, rates), "## Results", ""]
    for name in rates:
        lines += _fixed_table(servers, name, settings["receivers"])
    lines += _behind(results, rates)
    lines += [f"**Ceiling** (closed loop, {settings['window']} messages in flight)", "", *_max_table(servers)]
    lines += [
        "## WebSocket handler: gevent-websocket (chosen) or simple-websocket",
        "",
        "Both run under gevent's pywsgi. `bench/flask_relay.py --websocket simple-websocket` and "
        "`bench/civicnet_server.py --websocket simple-websocket` hide the gevent-websocket package before "
        "Flask-SocketIO is imported, which is what uninstalling it does. The disconnect column times "
        "`socketio.Client.disconnect()` (python-socketio over websocket-client, as in the test suite), twice.",
        "",
        *_handlers(results, top),
        *_handler_verdict(results, top),
        "## Cost of persisting a message",
        "",
        *_persistence(results, rates),
        *_upper_bound(results, top),
        "## What would be next",
        "",
    ]
    if cpu_ok and throughput_ok:
        lines += ["Both goals are met. If load grows, in this order:", ""]
    else:
        missed = [goal for goal, ok in (("CPU per delivery", cpu_ok), ("throughput", throughput_ok)) if ok is False]
        lines += [f"Missed: {' and '.join(missed)}. This benchmark changes no civicnet code; in order:", ""]
    lines += [
        *_next_steps(results, rates),
        "",
        "## Running it",
        "",
        "`make bench` installs `bench/`'s own npm packages (socket.io and socket.io-client, pinned in "
        "`bench/package.json`) and runs `bench/fanout.py`. Options: `--rates 20,100 --seconds 5 --max-seconds 4 "
        "--window 64 --rounds 2 --receivers 50 --only node,flask,civicnet`. Any server can be run by hand: "
        "`node bench/node_relay.mjs --port 5001`, `.venv/bin/python bench/flask_relay.py --port 5002 "
        "[--websocket simple-websocket]`, `.venv/bin/python bench/civicnet_server.py [--websocket "
        "simple-websocket]` (configured from the environment like `python app.py`).",
        "",
    ]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(lines) + _search_section(output))


def _search_section(output: Path) -> str:
    """The search benchmark's section (bench/search_report.py), kept as it is at the end of the file."""
    text = output.read_text() if output.exists() else ""
    start, end = text.find(SEARCH_START), text.find(SEARCH_END)
    if start < 0 or end < start:
        return ""
    return "\n" + text[start : end + len(SEARCH_END)] + "\n"
