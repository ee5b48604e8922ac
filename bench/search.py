"""Search benchmark: civicnet's Whoosh search against SQLite FTS5 over the same generated rows.

`make bench-search` runs `python bench/search.py`. In one process, one step after another, it builds a
fresh migrated SQLite database (10,000 members, 200 rooms, 100,000 messages), times a full Whoosh
rebuild and an FTS5 build, indexing new messages as they arrive, and a fixed set of searches on both.
The results go to the search section of docs/PERFORMANCE.md (bench/search_report.py) and to
bench/results/search-latest.json. At full size it takes about 7 minutes."""

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from search_report import fanout_rates, print_table, write_section
from servers import snapshot_civicnet

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000, help="generated messages (default 100,000)")
    parser.add_argument("--people", type=int, default=10_000, help="generated members (default 10,000)")
    parser.add_argument("--rooms", type=int, default=200)
    parser.add_argument("--online", type=int, default=5000, help="messages posted after the bulk index")
    parser.add_argument("--batch", type=int, default=100, help="messages per commit while posting")
    parser.add_argument("--bursts", type=int, default=20, help="batches indexed one by one, as they arrive")
    parser.add_argument("--runs", type=int, default=30, help="timed runs of every query on every engine, at most")
    parser.add_argument(
        "--query-seconds", type=float, default=240, help="time budget for the timed query runs (fewer runs if needed)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="cProfile civicnet's search on the slowest query")
    parser.add_argument("--output", default=str(ROOT / "docs" / "PERFORMANCE.md"))
    parser.add_argument("--no-report", action="store_true", help="print the results; leave the docs alone")
    args = parser.parse_args()
    if not (1000 <= args.messages <= 1_000_000 and 100 <= args.people <= 100_000 and 10 <= args.rooms <= 2000):
        parser.error("--messages 1,000..1,000,000, --people 100..100,000, --rooms 10..2,000")
    if not (1 <= args.runs <= 200 and 1 <= args.batch <= 2000 and 0 <= args.bursts <= 200 and args.online >= 0):
        parser.error("--runs 1..200, --batch 1..2000, --bursts 0..200")
    return args


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main() -> None:
    args = parse_args()
    started, started_at = time.monotonic(), datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    results = {"date": started_at, "settings": {k: v for k, v in vars(args).items() if k not in ("output",)}}
    with tempfile.TemporaryDirectory(prefix="civicnet-bench-search-") as directory:
        work = Path(directory)
        # Measure one version of civicnet while others may edit the working tree, as bench/fanout.py does:
        # the committed code, extracted now and imported from there.
        snapshot, results["code"] = snapshot_civicnet(work)
        sys.path.insert(0, str(snapshot))
        import search_phases
        from search_timing import environment

        if not sys.modules["civicnet"].__file__.startswith(str(snapshot)):
            sys.exit("civicnet was imported from the working tree, not from the snapshot")
        results.update(search_phases.run(args, work, BENCH / "results"))
    results["seconds_taken"] = round(time.monotonic() - started)
    results["command"] = " ".join([".venv/bin/python bench/search.py", *sys.argv[1:]])
    results["fanout"] = fanout_rates(Path(args.output))
    results["environment"] = environment()
    (BENCH / "results").mkdir(exist_ok=True)
    (BENCH / "results" / "search-latest.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    print_table(results)
    if not args.no_report:
        write_section(results, Path(args.output))
        say(f"Wrote the search section of {args.output} and bench/results/search-latest.json.")


if __name__ == "__main__":
    main()
