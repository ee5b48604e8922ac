"""Print bench/search.py's results, and write them into the search section of docs/PERFORMANCE.md.

The section sits between START and END at the end of the file; bench/report.py keeps it when it
rewrites the fan-out part above it."""

import json
import re
from pathlib import Path

START, END = "<!-- search:start -->", "<!-- search:end -->"
P95_GOAL = 2.0  # civicnet's query p95 at most this many times FTS5's
ENGINES = {
    "whoosh": "civicnet's search (`services.search`, messages tab)",
    "whoosh_bare": "bare Whoosh (query, permission filter, count, top 20)",
    "fts5": "SQLite FTS5 (MATCH, permission filter, count, top 20)",
}


def fanout_rates(report: Path) -> dict:
    """The fan-out benchmark's fixed inbound rate and civicnet's measured ceiling, in messages/s.

    Read from its raw results if present, otherwise from the results table of docs/PERFORMANCE.md."""
    raw = Path(__file__).resolve().parent / "results" / "latest.json"
    if raw.exists():
        results = json.loads(raw.read_text())
        runs = results.get("runs", {}).get("fanout:civicnet", [])
        ceilings = sorted(p["inbound_per_s"] for run in runs for p in run["phases"] if p["name"] == "max")
        ceiling = ceilings[len(ceilings) // 2] if ceilings else None
        return {"inbound": results["settings"]["rate"], "ceiling": ceiling, "source": "bench/results/latest.json"}
    text = report.read_text() if report.exists() else ""
    rows = re.findall(r"^\| fanout \([^|]*\| civicnet \| (\d+)/s \|", text, re.MULTILINE)
    ceiling = re.search(r"^\| fanout \([^|]*\| civicnet \| max \| [\d,]+ \| ([\d,]+) \|", text, re.MULTILINE)
    return {
        "inbound": int(rows[0]) if rows else None,
        "ceiling": int(ceiling[1].replace(",", "")) if ceiling else None,
        "source": "docs/PERFORMANCE.md",
    }


def fmt_number(value, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def fmt_ms(value: float) -> str:
    return f"{value:,.1f}" if value >= 10 else f"{value:,.2f}"


def divide(a, b) -> float | None:
    return a / b if a and b else None


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**missed**")


def pooled(results: dict) -> dict:
    from search_timing import pooled as pool

    return pool(results["queries"])


def rates(results: dict) -> dict:
    """Documents per second: bulk, a drained backlog, and batches indexed one by one as they arrive."""
    bulk, online = results["bulk"], results["online"]
    burst = {name: online["bursts"][name] for name in ("whoosh", "fts5")}

    def per_s(rows) -> float | None:
        seconds = sum(row[1] for row in rows)
        return sum(row[0] for row in rows) / seconds if seconds else None

    return {
        "bulk": {name: bulk[name]["docs"] / bulk[name]["seconds"] for name in ("whoosh", "fts5")},
        "drain": {
            name: online["drain"][name]["docs"] / online["drain"][name]["seconds"] for name in ("whoosh", "fts5")
        },
        "burst": {name: per_s(rows) for name, rows in burst.items()},
        "burst_per_cpu_s": per_s([(row[0], row[2]) for row in burst["whoosh"]]),
        "burst_ms": {name: sorted(row[1] * 1000 for row in rows) for name, rows in burst.items() if rows},
    }


def print_table(results: dict) -> None:
    speed, overall = rates(results), pooled(results)
    print(f"{'':44} {'Whoosh':>12} {'FTS5':>12}")
    for name, label in (
        ("bulk", "bulk index, docs/s"),
        ("drain", "backlog drained, docs/s"),
        ("burst", "batches as they arrive, docs/s"),
    ):
        print(f"{label:44} {fmt_number(speed[name]['whoosh']):>12} {fmt_number(speed[name]['fts5']):>12}")
    print()
    print(f"{'query (matches)':44} {'civicnet p50/p95':>20} {'bare Whoosh':>20} {'FTS5':>18}")
    for row in results["queries"]:
        cells = [f"{fmt_ms(row[e]['p50_ms'])} / {fmt_ms(row[e]['p95_ms'])}" for e in ENGINES]
        label = f"{row['label']} ({row['counts']['fts5']:,})"
        print(f"{label:44} {cells[0]:>20} {cells[1]:>20} {cells[2]:>18}")
    cells = [f"{fmt_ms(overall[e]['p50_ms'])} / {fmt_ms(overall[e]['p95_ms'])}" for e in ENGINES]
    print(f"{'all queries, ms':44} {cells[0]:>20} {cells[1]:>20} {cells[2]:>18}")
    for engine in ("whoosh", "whoosh_bare"):
        ratio = overall[engine]["p95_ms"] / overall["fts5"]["p95_ms"]
        print(f"p95 {engine} / FTS5: {ratio:.1f}x (goal <= {P95_GOAL:g}x)")


def write_section(results: dict, output: Path) -> None:
    """Put the section between the markers, replacing the one there, or at the end of the file."""
    from search_markdown import section

    block = "\n".join([START, *section(results), END]) + "\n"
    text = output.read_text() if output.exists() else ""
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + block.rstrip("\n") + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
