"""Sync a page of 10,000 comments on 100 posts + 1,000 conversations into SQLite.

The fake page runs in its own process (`socialdesk fake-page`), as a real server would.
Measured in the same run:
- baseline: a minimal loop — httpx GETs following `next`, rows written with one executemany
  per page into a bare table (no parsing of authors/parents, no first responses, no cursors);
- socialdesk: `PageSync.run()` — full pass, then a no-change incremental re-sync, in its own
  process (its peak RSS); then both again on a page of about 100,000 items, and both again with
  the databases on a RAM disk (no fsync: the CPU's work alone).

Each run's CPU seconds (this process's: the client side, not the fake page's) are recorded beside
its wall time: on a shared machine they say more than the wall time.
``SOCIALDESK_BENCH_BEFORE=/path/to/an/older/checkout`` adds that code's full sync to each round
(same page, alternating), for a before/after from one run.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from bench.report import write_section
from socialdesk.config import load_config
from socialdesk.core.graph.client import GraphClient
from socialdesk.core.graph.token import PageToken
from socialdesk.core.ingest.sync import PageSync
from socialdesk.core.store import open_store

POSTS, COMMENTS, CONVERSATIONS = 100, 10_000, 1_000
#: The bigger page (posts, comments, conversations): about 100,000 items with the page's replies.
BIG = (600, 80_000, 6_000)
#: A RAM-backed folder: the same runs with no fsync show the CPU's share alone.
RAM_DISK = Path("/dev/shm")


def start_page(posts: int = POSTS, comments: int = COMMENTS, conversations: int = CONVERSATIONS
               ) -> tuple[subprocess.Popen[str], dict[str, str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "socialdesk", "fake-page", "--seed", "3", "--posts", str(posts),
         "--comments", str(comments), "--conversations", str(conversations)],
        stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, json.loads(proc.stdout.readline())


def baseline(info: dict[str, str], db: Path) -> tuple[float, int, int, float]:
    conn = sqlite3.connect(db)
    conn.execute("create table items (id text primary key, message text, created text)")
    http = httpx.Client(base_url=f"{info['url']}/v25.0",
                        headers={"Authorization": f"Bearer {info['token']}"})
    requests = rows = 0
    start, cpu = time.perf_counter(), time.process_time()

    def pages(url: str, params: dict[str, object] | None = None):
        nonlocal requests
        while url:
            requests += 1
            body = http.get(url, params=params).json()
            params = None
            yield body.get("data", [])
            url = body.get("paging", {}).get("next", "")

    for posts in pages(f"/{info['page_id']}/posts", {"limit": 100}):
        for post in posts:
            for comments in pages(f"/{post['id']}/comments", {"limit": 100}):
                conn.executemany("insert or replace into items values (?, ?, ?)",
                                 [(c.get("id"), c.get("message"), c.get("created_time"))
                                  for c in comments])
                rows += len(comments)
                conn.commit()
    for conversations in pages(f"/{info['page_id']}/conversations",
                               {"limit": 100, "fields": "messages.limit(25)"}):
        batch = [(m["id"], m.get("message"), m.get("created_time"))
                 for c in conversations for m in c["messages"]["data"]]
        conn.executemany("insert or replace into items values (?, ?, ?)", batch)
        rows += len(batch)
        conn.commit()
    return time.perf_counter() - start, rows, requests, time.process_time() - cpu


def socialdesk_sync(info: dict[str, str], db: Path) -> dict[str, float]:
    config = load_config(Path(__file__).resolve().parent.parent / "config" / "socialdesk.toml")
    page = replace(config.page, id=info["page_id"], graph_url=info["url"], page_size=100)
    store = open_store(db)
    client = GraphClient(info["url"], "v25.0", info["page_id"], PageToken(info["token"]))
    start, cpu = time.perf_counter(), time.process_time()
    first = PageSync(store, client, page).run(full=True)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert first.ok, first.error
    stored = store.conn.execute("select count(*) from items").fetchone()[0]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux
    start = time.perf_counter()
    again = PageSync(store, client, page).run(full=False)
    resync = time.perf_counter() - start
    posts = store.conn.execute("select count(*) from posts").fetchone()[0]
    return {"seconds": elapsed, "cpu": cpu, "stored": stored, "requests": first.requests,
            "resync_requests": again.requests, "resync_seconds": resync, "posts": posts,
            "rss_mib": rss}


#: A full sync in a fresh process with any checkout's socialdesk (wall and CPU seconds, items).
OLDER_SYNC = r"""
import json, sys, time
from dataclasses import replace
from pathlib import Path
from socialdesk.config import load_config
from socialdesk.core.graph.client import GraphClient
from socialdesk.core.graph.token import PageToken
from socialdesk.core.ingest.sync import PageSync
from socialdesk.core.store import open_store
info, db = json.loads(sys.argv[1]), Path(sys.argv[2])
config = load_config(Path("config") / "socialdesk.toml")
page = replace(config.page, id=info["page_id"], graph_url=info["url"], page_size=100)
store = open_store(db)
client = GraphClient(info["url"], "v25.0", info["page_id"], PageToken(info["token"]))
start, cpu = time.perf_counter(), time.process_time()
PageSync(store, client, page).run(full=True)
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
stored = store.conn.execute("select count(*) from items").fetchone()[0]
print(json.dumps({"seconds": elapsed, "cpu": cpu, "stored": stored}))
"""


def sync_in_subprocess(info: dict[str, str], db: Path, before: Path | None = None
                       ) -> dict[str, float]:
    """:func:`socialdesk_sync` in a fresh process, so its peak RSS is the sync's own (with
    ``before``: that checkout's full sync, :data:`OLDER_SYNC`)."""
    code = ("import json, sys; from pathlib import Path; from bench.ingest_bench import "
            "socialdesk_sync; print(json.dumps(socialdesk_sync(json.loads(sys.argv[1]), "
            "Path(sys.argv[2]))))") if before is None else OLDER_SYNC
    root = before or Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code, json.dumps(info), str(db)], cwd=root,
                         env={**os.environ, "PYTHONPATH": str(root)}, check=True,
                         capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def measure(sizes: tuple[int, int, int], rounds: int, folder: str | None = None
            ) -> dict[str, Any]:
    """Baseline and socialdesk against one fake page, alternating; the best of ``rounds``
    (the databases in ``folder``, default the system's temporary folder)."""
    before = os.environ.get("SOCIALDESK_BENCH_BEFORE")
    proc, info = start_page(*sizes)
    try:
        stats = httpx.get(f"{info['url']}/_fake/stats").json()
        base: list[tuple[float, int, int, float]] = []
        ours: list[dict[str, float]] = []
        older: list[dict[str, float]] = []
        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            for turn in range(rounds):
                base.append(baseline(info, Path(tmp) / f"base{turn}.db"))
                ours.append(sync_in_subprocess(info, Path(tmp) / f"desk{turn}.db"))
                if before:
                    older.append(sync_in_subprocess(info, Path(tmp) / f"old{turn}.db",
                                                    Path(before)))
    finally:
        proc.send_signal(signal.SIGINT if os.name != "nt" else signal.SIGTERM)
        proc.wait(30)
    best_base = min(base)
    best = min(ours, key=lambda run: run["seconds"])
    return {"stats": stats, "base": best_base, "ours": best,
            "rate": best["stored"] / best["seconds"], "base_rate": best_base[1] / best_base[0],
            "base_cpu": min(run[3] for run in base), "cpu": min(run["cpu"] for run in ours),
            "older": min(older, key=lambda run: run["seconds"]) if older else None,
            "older_cpu": min(run["cpu"] for run in older) if older else None}


def before_after(small: dict[str, Any]) -> str:
    """The older checkout's full sync beside this one's, from the same rounds."""
    old = small["older"]
    if old is None:
        return ""
    return (f"Before/after in the same rounds (`SOCIALDESK_BENCH_BEFORE`: the older checkout's "
            f"full sync against the same page, alternating; best of each): before "
            f"{old['seconds']:.2f} s wall, {small['older_cpu']:.2f} CPU s, "
            f"{old['stored'] / old['seconds']:,.0f} items/s; after {small['ours']['seconds']:.2f} s "
            f"wall, {small['cpu']:.2f} CPU s, {small['rate']:,.0f} items/s. CPU per item: "
            f"baseline {small['base_cpu']:.2f} s, socialdesk {small['older_cpu'] / small['base_cpu']:.2f}"
            f"× that before, {small['cpu'] / small['base_cpu']:.2f}× after.")


def cpu_only(memory: dict[str, Any] | None) -> str:
    """The same page with both databases on a RAM disk: no fsync, the CPU's work alone."""
    if memory is None:
        return ""
    ratio = memory["rate"] / memory["base_rate"]
    return (f"Both databases on a RAM disk ({RAM_DISK}; no fsync, best of 2): baseline "
            f"{memory['base_rate']:,.0f} items/s, socialdesk {memory['rate']:,.0f} items/s, "
            f"**{ratio:.2f}×**. On a disk the baseline pays more per page than socialdesk (its "
            f"rollback journal syncs several times a commit, socialdesk's WAL once, and "
            f"socialdesk commits ~10 pages at a time); in memory only the work counts: every "
            f"socialdesk item goes into ~20 indexes and the full-text index, the baseline's "
            f"into one.")


def goal(wall: float, cpu: float) -> str:
    """Whether the throughput goal is met: on a loaded machine the baseline's wall time grows
    more than the sync's (its fsync per page waits on a busy disk), so the CPU ratio must meet it
    too."""
    if wall >= 0.7 and cpu >= 0.7:
        return "met"
    if wall >= 0.7:
        return "met in wall time only, NOT in CPU seconds: the wall ratio reflects the load"
    return "NOT met"


def run() -> None:
    """Run the ingest benchmark and record it in BENCHMARKS.md."""
    small = measure((POSTS, COMMENTS, CONVERSATIONS), rounds=3)
    big = measure(BIG, rounds=1)
    memory = measure((POSTS, COMMENTS, CONVERSATIONS), rounds=2, folder=str(RAM_DISK)) \
        if RAM_DISK.is_dir() else None
    stats, ours = small["stats"], small["ours"]
    base_s, base_rows, base_req, _ = small["base"]
    rate, base_rate = small["rate"], small["base_rate"]
    ratio = rate / base_rate
    budget = ours["posts"] + 3
    bstats, bours = big["stats"], big["ours"]
    body = f"""\
Page: {stats['posts']} posts, {stats['comments']:,} comments (incl. {stats['page_replies']:,} replies by the
page), {stats['conversations']:,} conversations with {stats['messages']:,} messages; fake page in its own process.
Best of 3 runs each, baseline and socialdesk alternating against the same page; socialdesk runs in its
own process (peak RSS is the whole process: Python, httpx, SQLite and the sync).

| run | seconds | CPU s | items | items/s | HTTP requests | peak RSS |
|---|---:|---:|---:|---:|---:|---:|
| baseline: minimal httpx + sqlite loop | {base_s:.2f} | {small['base_cpu']:.2f} | {base_rows:,} | {base_rate:,.0f} | {base_req} | — |
| socialdesk full sync (`PageSync`) | {ours['seconds']:.2f} | {small['cpu']:.2f} | {ours['stored']:,.0f} | {rate:,.0f} | {ours['requests']:.0f} | {ours['rss_mib']:.0f} MiB |
| socialdesk no-change re-sync | {ours['resync_seconds']:.2f} | — | 0 new | — | {ours['resync_requests']:.0f} | — |

socialdesk / baseline throughput: **{ratio:.2f}×**; in CPU seconds (the client side of each): **{small['base_cpu'] / small['cpu']:.2f}×** (issue 22's goal ≥ 0.7×: {goal(ratio, small['base_cpu'] / small['cpu'])}). Load average over the last 5 minutes at the end: {os.getloadavg()[1]:.1f} on {os.cpu_count()} cores.
{before_after(small)}
{cpu_only(memory)}
No-change re-sync: {ours['resync_requests']:.0f} requests, budget {budget:.0f} = one per post in the window ({ours['posts']:.0f})
+ one per page of the posts list (2: a full page of 100 is followed by the API's empty final page
`{{"data": []}}`) + one conversations page: {'within' if ours['resync_requests'] <= budget else 'OVER'} budget.

Bigger page: {bstats['posts']} posts, {bstats['comments']:,} comments, {bstats['messages']:,} messages
(one run each):

| run | seconds | items | items/s | peak RSS |
|---|---:|---:|---:|---:|
| baseline | {big['base'][0]:.2f} | {big['base'][1]:,} | {big['base_rate']:,.0f} | — |
| socialdesk full sync | {bours['seconds']:.2f} | {bours['stored']:,.0f} | {big['rate']:,.0f} | {bours['rss_mib']:.0f} MiB |

Growth from {ours['stored']:,.0f} to {bours['stored']:,.0f} items ({bours['stored'] / ours['stored']:.1f}× the items): time
{bours['seconds'] / ours['seconds']:.1f}×, peak RSS {bours['rss_mib'] / ours['rss_mib']:.2f}× (socialdesk / baseline throughput
{big['rate'] / big['base_rate']:.2f}× at the bigger size). Memory stays flat: one write's worth of comments (~1,000
items) and the page fetched ahead are held at a time. Time grows faster than the items: each
item goes into ~20 indexes and the full-text index, and the bigger the table, the more distinct
pages each write touches (and copies to the WAL); the baseline's bare table has one index.

What issue 22's changes bought (profiled `PageSync.run()` in-process against the recorded page;
before: 0.20–0.31× here, 4,231–6,133 items/s on a quiet machine):
- items written by multi-row INSERTs (up to 500 rows a statement) instead of sqlite-utils' `insert_all` (which
  spent more time building statements than SQLite running them), cursors saved by one upsert
  statement instead of sqlite-utils' `upsert` (three schema queries a page);
- the first-response queries kept on their indexes (without ANALYZE SQLite read every page
  reply, or every public item, per page of 100: 3.9 → 0.2 ms a page at 13,731 items, and
  growing with the table before);
- a page comment's permalink checked by a regex fast path instead of `urlsplit`;
- the next comments page fetched in a thread while this one is stored (one request ahead at
  most; nothing is asked after a failure), so the page's answer time and SQLite's work overlap;
- comment pages written ~1,000 items to a transaction (each with its cursor) instead of one
  transaction and fsync per page of 100;
- (the round before) the conversations' next page, and its conversations' older messages, fetched in
  the thread while this page is written (the step stops at the high-water mark itself, so no
  page past it is asked for), and an attachment's stored form built from its fields instead of
  `dataclasses.asdict` (a deep copy of every value; ~4% of the pass's CPU). Profiled, what is
  left: SQLite's own work on each new item — ~27 indexes on `items` and the full-text index —
  is the largest share (about half of the writing thread's time), then making rows from the
  answers (`Item` → row dict: ~20%), then httpx and JSON in the fetching thread. Tried without
  gain: a write per 3,000 items instead of 1,000 (1.25 → 1.21 CPU s, within the noise), fetching
  several posts' comments at once with a pool of 2–4 clients (the fake page, like the sync, is
  one Python process: no faster here).
- (this round) a full pass that brings as many new items as the table held when it began (the
  first sync of a page into a new desk) sets 14 of the items table's 22 ordinary indexes aside
  and builds them once at its end, as a bulk import does (`core/ingest/sync_bulk.py`; a pass
  killed meanwhile leaves them to the next open). Kept: the unique ones, the pass's own reads
  (post, parent, thread: deletions and first responses stay one index probe, checked with
  EXPLAIN QUERY PLAN) and the five that queries name with INDEXED BY (the dashboard's, the
  classifier's: they would fail without them). It bought little or nothing at this size:
  an A/B alternating before the run (5 rounds, load 1.8) gave median 1.58 → 1.48 CPU s (best
  1.49 → 1.39), the before/after line above (best of 3, load 2.0) 1.51 → 1.52: within this
  machine's noise. At 13,731 rows every index fits in the cache, so inserting into one costs
  little more a row than building it again at the end. On the bigger page (107,446 items,
  before and after alternating, 3 rounds each, load 1.6–1.9) it pays: 15.73 / 16.68 / 17.82
  → 13.36 / 12.98 / 12.33 CPU s (best −22%), wall 20.6 → 17.0 s (best). A bigger page cache
  for the pass (32 or 64 MiB instead of SQLite's 2) was tried too: no gain beyond the noise. Issue 22's goal (≥ 0.7× in CPU
  seconds) is NOT met: 0.35× here; it needs the pass's CPU halved (≤ ~0.76 s). The pass's CPU is now
  about 0.40 s of httpx and JSON in the fetching thread (measured alone: the baseline's whole
  loop is 0.55 s), ~0.35 s making items and rows from the answers (`Item`, `to_row`), ~0.3 s
  of SQLite inserting into the table, the 8 indexes kept and the full-text index, ~0.1 s
  building the 14 again. Where it breaks even (a full sync of 13,731 new items into a table
  of N, CPU s aside / kept, best of 3): N = 14,000: 1.41 / 1.53; 28,000: 1.82 / 1.65;
  56,000: 2.53 / 2.20 — so a pass sets them aside only once its new items reach the table's
  size at its start (and 1,000).
"""
    write_section("Ingest (issue 4)", body)
