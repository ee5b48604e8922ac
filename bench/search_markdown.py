"""The search section of docs/PERFORMANCE.md, as Markdown lines, from bench/search.py's results."""

from search_report import ENGINES, P95_GOAL, divide, fmt_ms, fmt_number, pooled, rates, verdict


def _mb(value) -> str:
    return "n/a" if not value else f"{value / 1e6:,.0f} MB"


def section(results: dict) -> list[str]:
    """The search section's lines, markers excluded."""
    return [
        "## Search: Whoosh against SQLite FTS5",
        "",
        f"Measured {results['date']} with `make bench-search` (`{results['command']}`, {results['seconds_taken']} s). "
        "Written by `bench/search_report.py` between the `search:` markers; `bench/report.py` keeps this section "
        "when it rewrites the fan-out part above. Raw numbers, every run: `bench/results/search-latest.json` (not "
        "committed).",
        "",
        *_goals(results),
        *_machine_and_data(results),
        *_method(results),
        *_indexing(results),
        *_queries(results),
        *_where_the_time_goes(results),
        *_next_steps(results),
        "### Running it",
        "",
        "`make bench-search` (about 7 minutes at full size). Options, through `BENCH_ARGS` or directly: "
        "`.venv/bin/python bench/search.py --messages 10000 --people 1000 --no-report` for a quick check that leaves "
        "this file alone; `--online 5000 --batch 100 --bursts 20`, `--runs 30 --query-seconds 240` (the query rounds "
        "stop at whichever comes first, but never below 5), `--profile` (cProfile of civicnet's search on the slowest "
        "query, written to `bench/results/search-profile.txt`), `--seed`. The code: `bench/search.py` (snapshot, results), "
        "`bench/search_phases.py` (the phases), `bench/search_data.py` and `bench/search_words.py` (generated "
        "content), `bench/search_fts.py` (the FTS5 peer and the query set's type), `bench/search_timing.py` (timing "
        "and the breakdown), `bench/search_report.py` and `bench/search_markdown.py` (this section).",
        "",
    ]


def _goals(results: dict) -> list[str]:
    wall, cpu, speed, fanout = pooled(results), pooled_cpu(results), rates(results), results["fanout"]
    service = divide(wall["whoosh"]["p95_ms"], wall["fts5"]["p95_ms"])
    bare = divide(wall["whoosh_bare"]["p95_ms"], wall["fts5"]["p95_ms"])
    online, drain = speed["burst"]["whoosh"], speed["drain"]["whoosh"]
    batch, count = results["settings"]["batch"], len(results["queries"])
    inbound, ceiling = fanout["inbound"], fanout["ceiling"]
    lines = [
        "### Goals",
        "",
        "| goal | measured | target | |",
        "|---|---:|---:|---|",
        f"| civicnet's query p95 ÷ FTS5's, over all {count} queries' runs | {fmt_number(service, 1)}x "
        f"({fmt_ms(wall['whoosh']['p95_ms'])} / {fmt_ms(wall['fts5']['p95_ms'])} ms) | ≤ {P95_GOAL:g}x "
        f"| {verdict(service is not None and service <= P95_GOAL)} |",
        f"| the same for bare Whoosh (only what FTS5 is asked: match, permission filter, count, top 20) "
        f"| {fmt_number(bare, 1)}x ({fmt_ms(wall['whoosh_bare']['p95_ms'])} / {fmt_ms(wall['fts5']['p95_ms'])} ms) "
        f"| ≤ {P95_GOAL:g}x | {verdict(bare is not None and bare <= P95_GOAL)} |",
        f"| online indexing (batches of {batch}, each indexed as it is committed) ÷ the fan-out benchmark's highest "
        f"inbound rate, {fmt_number(inbound)} messages/s | {fmt_number(divide(online, inbound), 1)}x ({fmt_number(online)} docs/s; "
        f"{fmt_number(speed['burst_per_cpu_s'])} per CPU-second) | > 1x "
        f"| {verdict(None if not (online and inbound) else online > inbound)} |",
        f"| the same ÷ civicnet's measured fan-out ceiling, {fmt_number(ceiling)} messages/s in | "
        f"{fmt_number(divide(online, ceiling), 2)}x | > 1x | {verdict(None if not (online and ceiling) else online > ceiling)} |",
        f"| a backlog drained at once ÷ that ceiling | {fmt_number(divide(drain, ceiling), 1)}x ({fmt_number(drain)} docs/s) | > 1x "
        f"| {verdict(None if not (drain and ceiling) else drain > ceiling)} |",
        "",
        f"Measured in CPU time instead of wall time (less sensitive to the shared machine), civicnet's query p95 is "
        f"{fmt_number(divide(cpu['whoosh']['p95_ms'], cpu['fts5']['p95_ms']), 1)}x FTS5's and bare Whoosh's "
        f"{fmt_number(divide(cpu['whoosh_bare']['p95_ms'], cpu['fts5']['p95_ms']), 1)}x. The fan-out rates come from "
        f"{fanout['source']}.{_catching_up(online, drain, ceiling)}",
        "",
    ]
    return lines


def pooled_cpu(results: dict) -> dict:
    from search_timing import pooled as pool

    return pool(results["queries"], "cpu_seconds")


def _machine_and_data(results: dict) -> list[str]:
    env, data, code, loads = results["environment"], results["data"], results["code"], results["other_load"]
    machine = env["machine"]
    uncommitted = f" plus uncommitted changes to {', '.join(code['uncommitted'])}" if code["uncommitted"] else ""
    return [
        "### Machine and data",
        "",
        f"- {machine['cores']} cores ({machine['cpu']}), {machine['os']}, Linux {machine['kernel']}; Python "
        f"{env['python']}, Whoosh-Reloaded {env['whoosh']}, SQLite {env['sqlite']}, SQLAlchemy {env['sqlalchemy']}; "
        f"civicnet at commit {code['commit']}{uncommitted}, copied at the start of the run and imported from the copy, "
        f"so the whole run measures one version (digest {code['digest']} of its .py files); database and index on "
        "local disk.",
        f"- {_sharing(loads)}: other processes used {loads['bulk']:.2f} cores' worth of CPU on average during the "
        f"bulk index, {loads['online']:.2f} during online indexing and {loads['queries']:.2f} during the queries (of "
        f"{machine['cores']}). Wall times suffer from such load; CPU times (`time.process_time`) much less.",
        f"- {data['people']:,} members ({data['members_only_profiles']:,} with members-only profiles, "
        f"{data['verified']:,} verified public servants, {data['suspended']} suspended) with organisations, job "
        f"titles, regions, bios and {data['user_tags']:,} skill tags from a vocabulary of {data['tags']}; "
        f"{data['rooms']} rooms ({data['private_rooms']} private, {data['memberships']:,} memberships) with 1-3 tags "
        f"each; {data['messages']:,} messages ({data['findable_messages']:,} findable: 0.5% deleted, 0.2% hidden), "
        f"{data['words_per_message']:.0f} words each on average over two years.",
        f"- The text: {data['vocabulary']:,} words drawn with Zipf-like frequencies (about 600 real English words "
        "ranked by frequency, stop words included, then made-up English-looking words for the long tail), and 40 "
        'civic phrases ("open data", "facial recognition", "data protection impact assessment", ...), each room '
        'favouring three. "ombudsman" is planted in 12 messages. One seeded generator: every run holds the same '
        f"content. Generating took {data['generated_s']:.1f} s and the Core bulk inserts {data['inserted_s']:.1f} s.",
        "",
    ]


def _method(results: dict) -> list[str]:
    settings, online = results["settings"], results["online"]
    runs = results["queries"][0]["whoosh"]["n"]
    mismatched = [row["label"] for row in results["queries"] if len(set(row["counts"].values())) > 1]
    agree = (
        "All three found the same number of messages for every query."
        if not mismatched
        else f"The engines' counts differ for: {', '.join(mismatched)} (see the table). Whoosh drops stop words "
        'and closes the gaps they leave, so its phrases also match across one ("open the data"); FTS5 keeps them.'
    )
    return [
        "### Method",
        "",
        "- One process, one step after another: a fresh SQLite database built by the migrations (WAL, synchronous "
        "NORMAL: civicnet's own settings), the rows inserted with Core bulk inserts, the search outbox emptied.",
        "- **Bulk index**: `civicnet.search.indexer.rebuild()` reads every member, room and message through "
        "`civicnet.search.documents` and writes them with one Whoosh writer. FTS5: three FTS5 tables (people, "
        "rooms, messages; `tokenize='porter unicode61'`) filled by `INSERT ... SELECT` from the same rows in one "
        "transaction, message HTML turned into text by the same `plain_text()`, registered as an SQL function.",
        f"- **Online indexing**: {online['posted']:,} messages added through the ORM, {settings['batch']} per commit, "
        "so that civicnet's outbox listener records each one; then one `process_pending()` indexes the backlog (up to "
        f"2,000 documents per Whoosh commit), and FTS5 indexes the same rows, one transaction per {settings['batch']}. "
        f"Then {settings['bursts']} times: {settings['batch']} more messages in one commit, and `process_pending()` "
        "indexes them at once (one Whoosh commit each), FTS5 likewise. The batches are what the background indexer "
        "does under steady traffic (it wakes after each commit and gathers for 0.2 s); the backlog is its best rate "
        "when it falls behind, as its batches then grow.",
        f"- **Queries**: the {len(results['queries'])} queries below, on the messages tab, for a signed-in citizen "
        "who belongs to 3 of the private rooms. Three ways: (1) civicnet's search, `services.search(viewer, q, "
        'type="messages")` as the search page calls it: parse, permission filter, the counts query over all types, '
        "the page of 20 with the room and date facets, the 20 rows loaded, checked again and highlighted; (2) bare "
        "Whoosh: parse and compile, the permission filter, `searcher.search(query AND type:message, filter, mask, "
        "limit=20)` and its `len()`; (3) FTS5: the rooms the viewer may read, operators resolved to ids, "
        "`count(*)` and the top 20 by `rank` (bm25) for `fts_messages MATCH` with `room_id IN (...)`, or the newest "
        "20 from the messages table when there are no words.",
        f"- Every query runs once on each engine to warm up, then {runs} rounds; in each round every query runs on "
        "the three engines one after another, so a busy moment on the shared machine hits all three. The session "
        "is emptied after each search, as at the end of a request. Wall time by `time.perf_counter()`; p50 and p95 "
        f"over all queries' runs together. {agree}",
        "",
    ]


def _indexing(results: dict) -> list[str]:
    bulk, online, speed = results["bulk"], results["online"], rates(results)
    whoosh_ms, fts_ms = speed["burst_ms"].get("whoosh", [0]), speed["burst_ms"].get("fts5", [0])
    burst_cpu = sum(row[2] for row in online["bursts"]["whoosh"]) / max(
        1, sum(r[0] for r in online["bursts"]["whoosh"])
    )
    drain = online["drain"]["whoosh"]
    batch = results["settings"]["batch"]
    return [
        "### Indexing",
        "",
        "| | Whoosh (civicnet) | SQLite FTS5 | FTS5 ÷ Whoosh |",
        "|---|---:|---:|---:|",
        f"| bulk index: members, rooms, messages | {bulk['whoosh']['docs']:,} docs in {bulk['whoosh']['seconds']:.1f} s: "
        f"**{fmt_number(speed['bulk']['whoosh'])} docs/s** | {bulk['fts5']['docs']:,} rows in {bulk['fts5']['seconds']:.1f} s: "
        f"**{fmt_number(speed['bulk']['fts5'])} rows/s** | {fmt_number(divide(speed['bulk']['fts5'], speed['bulk']['whoosh']))}x |",
        f"| size on disk | {_mb(bulk['whoosh']['bytes'])} | {_mb(bulk['fts5']['bytes'])} | |",
        f"| online: a backlog of {online['posted']:,} indexed at once | **{fmt_number(speed['drain']['whoosh'])} docs/s** "
        f"({drain['cpu_seconds'] * 1000 / max(1, drain['docs']):.2f} ms CPU each) | {fmt_number(speed['drain']['fts5'])} "
        f"docs/s | {fmt_number(divide(speed['drain']['fts5'], speed['drain']['whoosh']))}x |",
        f"| online: batches of {batch}, each indexed as it is committed | **{fmt_number(speed['burst']['whoosh'])} docs/s** "
        f"({burst_cpu * 1000:.2f} ms CPU each; a batch takes {fmt_ms(percentile(whoosh_ms, 0.5))} ms at p50, "
        f"{fmt_ms(max(whoosh_ms))} ms at most) | {fmt_number(speed['burst']['fts5'])} docs/s ({fmt_ms(percentile(fts_ms, 0.5))} "
        f"ms a batch) | {fmt_number(divide(speed['burst']['fts5'], speed['burst']['whoosh']))}x |",
        "",
        f"(Posting the {online['posted']:,} messages through the ORM, outbox rows included, took "
        f"{online['posting_s']:.2f} s; it is not part of either engine's time.)",
        "",
        *_indexer_share(results, burst_cpu, drain["cpu_seconds"] / max(1, drain["docs"])),
    ]


def _indexer_share(results: dict, burst_cpu: float, drain_cpu: float) -> list[str]:
    """The indexer runs in each server process: what its CPU takes from the fan-out's."""
    inbound, ceiling = results["fanout"]["inbound"], results["fanout"]["ceiling"]
    if not (inbound and ceiling):
        return []
    batch = results["settings"]["batch"]
    keeps_up = (rates(results)["burst"]["whoosh"] or 0) > inbound
    return [
        ("Faster than the messages arrive, but not free" if keeps_up else "Not free either")
        + ": the indexer runs inside each server process "
        f"(`indexer.start`), so its CPU comes out of the fan-out's. At {inbound} messages/s, indexing in batches of "
        f"{batch} takes {inbound * burst_cpu:.0%} of a core ({inbound * drain_cpu:.0%} once batches grow to "
        f"thousands). At civicnet's fan-out ceiling of {ceiling} messages/s, where the server already uses a whole "
        f"core, it would need another {ceiling * burst_cpu:.0%} of a core ({ceiling * drain_cpu:.0%} in large "
        "batches): in one process, indexing lowers the ceiling. With `SEARCH_INDEXER` off in the servers and the "
        "indexing done in a process of its own (`flask search update` does one pass; the writer lock already lets "
        "processes take turns), the second core would pay for it instead.",
        "",
    ]


def percentile(values: list[float], share: float) -> float:
    from search_timing import percentile as pick

    return pick(values, share)


def _queries(results: dict) -> list[str]:
    wall = pooled(results)
    lines = [
        "### Queries",
        "",
        "| | p50 | p95 | p95 ÷ FTS5's |",
        "|---|---:|---:|---:|",
    ]
    for engine, label in ENGINES.items():
        ratio = divide(wall[engine]["p95_ms"], wall["fts5"]["p95_ms"])
        lines.append(
            f"| {label} | {fmt_ms(wall[engine]['p50_ms'])} ms | {fmt_ms(wall[engine]['p95_ms'])} ms | {fmt_number(ratio, 1)}x |"
        )
    lines += [
        "",
        "Each query (wall time, p50 / p95 in ms; matches: messages the viewer may find):",
        "",
        "| query | what civicnet is asked | matches | civicnet's search | bare Whoosh | FTS5 | civicnet ÷ FTS5 at p95 |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in results["queries"]:
        counts = row["counts"]
        matches = (
            f"{counts['fts5']:,}" if len(set(counts.values())) == 1 else " / ".join(f"{v:,}" for v in counts.values())
        )
        cells = " | ".join(f"{fmt_ms(row[e]['p50_ms'])} / {fmt_ms(row[e]['p95_ms'])}" for e in ENGINES)
        ratio = divide(row["whoosh"]["p95_ms"], row["fts5"]["p95_ms"])
        lines.append(f"| {row['label']} | `{row['text']}` | {matches} | {cells} | {fmt_number(ratio, 0)}x |")
    return [*lines, ""]


def _where_the_time_goes(results: dict) -> list[str]:
    taken = results["breakdown"]
    counts = {row["label"]: row["counts"]["fts5"] for row in results["queries"]}
    header = " | ".join(f"`{b['text']}` ({counts.get(b['label'], 0):,} matches)" for b in taken)
    # The steps are those of services._ask_whoosh today; see _next_steps for what changed after the first run.
    lines = [
        "### Where civicnet's search spends its time",
        "",
        f"The steps of `services.search` for the messages tab, timed one by one (`bench/search_timing.py`, "
        f"`breakdown()`, which repeats `_ask_whoosh`'s steps; median of {taken[0]['runs']} runs each), for the two "
        "slowest queries and the rare word:",
        "",
        f"| step | {header} |",
        "|---|" + "---:|" * len(taken),
    ]
    for step in taken[0]["steps_ms"]:
        lines.append(f"| {step} | " + " | ".join(f"{fmt_ms(b['steps_ms'][step])} ms" for b in taken) + " |")
    return [*lines, "", *_explain(results), ""]


def _explain(results: dict) -> list[str]:
    taken = {b["label"]: b["steps_ms"] for b in results["breakdown"]}
    rows = {row["label"]: row for row in results["queries"]}
    worst = taken[results["breakdown"][0]["label"]]
    most = max(results["breakdown"], key=lambda b: rows[b["label"]]["counts"]["fts5"])["label"]
    many, matches = taken[most], rows[most]["counts"]["fts5"]
    counting = many["tab counts (every match as a set, unscored)"]
    paging = many["page of 20, no facets (match + score or sort)"]
    return [
        f"- **Every match is still walked twice, in Python.** For `{rows[most]['text']}` ({matches:,} matching "
        f"messages) the tab counts take {fmt_ms(counting)} ms and the page of 20 {fmt_ms(paging)} ms. The counts "
        "come from `docs_for_query` (no scoring) and set operations in C, but Whoosh's matchers still step "
        "through every posting in Python, and phrases decode positions for each candidate (`whoosh.query.spans`); "
        "the page then walks the message matches again to score them. FTS5 does the same walks in C.",
        f"- **Who may see what** costs {fmt_ms(worst['permission sets (visibility, exclusions)'])} ms: the large "
        "sets (open documents, private-room documents, each kind, the suspended members) are built once per index "
        "version and reused; a search adds the viewer's own private rooms and any exclusions.",
        "- **Facets** read the sortable `room` and `created` columns for each match, so they grow with the "
        "matches rather than with the index.",
        f"- Loading, checking and highlighting the 20 hits ({fmt_ms(worst['load the 20 rows, check, highlight'])} ms) "
        f"and the facet labels ({fmt_ms(worst['facet labels (when the page renders)'])} ms) are small.",
    ]


def _next_steps(results: dict) -> list[str]:
    wall = pooled(results)
    met = divide(wall["whoosh"]["p95_ms"], wall["fts5"]["p95_ms"]) <= P95_GOAL
    bare = divide(wall["whoosh_bare"]["p95_ms"], wall["fts5"]["p95_ms"])
    return [
        "### What would be next" if met else "### What would be next (the query goal is missed)",
        "",
        "Already done, after the first run of this benchmark (civicnet's p95 went from 787 ms to the figure above): "
        "the date facet is counted from the `created` column of the matches instead of a `QueryFacet` of "
        "`DateRange`s (which built the set of every document in each range on every search); the tab counts come "
        "from unscored document sets instead of a second grouped search; the suspended members' set is kept per "
        "index version and minute.",
        "",
        "- Fewer segments: online indexing leaves several, and each query is run once per segment. Merging them in a "
        "quiet moment (`writer.commit(optimize=True)`) would help, but takes seconds of a gevent server's event "
        "loop at this size, so it belongs in an operator's `flask search reindex` or a separate process.",
        *_floor(bare),
        "",
    ]


def _floor(bare: float | None) -> list[str]:
    """What is left once civicnet's own extra steps are gone: bare Whoosh against FTS5."""
    if bare is None or bare <= P95_GOAL:
        return [
            f"- Bare Whoosh, which does only what FTS5 does, is {fmt_number(bare, 1)}x FTS5's p95, within the goal: the "
            "changes above are where the distance lies."
        ]
    return [
        f"- **Past that, Whoosh's pure-Python walk over the matches is the floor**: bare Whoosh, which does only "
        f"what FTS5 does, is itself {fmt_number(bare, 1)}x FTS5's p95, against the goal of {P95_GOAL:g}x. If the goal "
        "stays, an FTS5 index (SQLite) or PostgreSQL full-text search fed by the same outbox would meet it: the "
        "outbox, `documents.py` and the permission rules carry over; `index.py`, `indexer.write_changes` and "
        "`services._ask_whoosh` would change."
    ]


def _sharing(loads: dict) -> str:
    return "The machine was quiet" if max(loads.values()) < 0.1 else "**The machine was shared**"


def _catching_up(online, drain, ceiling) -> str:
    """Why indexing batch by batch near the fan-out ceiling is not the end of the story."""
    if not (online and drain and ceiling) or online > ceiling or drain <= ceiling:
        return ""
    return (
        " Batch by batch, the indexer only about matches civicnet's fan-out ceiling; but when it falls behind its "
        "batches grow (up to 2,000 documents a commit) and it indexes at the backlog's rate, so it catches up, "
        "given the CPU (see the paragraph under Indexing)."
    )
