"""Sync a page of 10,000 comments on 100 posts + 1,000 conversations into SQLite.

The fake page runs in its own process (`socialdesk fake-page`), as a real server would.
Measured in the same run:
- baseline: a minimal loop — httpx GETs following `next`, rows written with one executemany
  per page into a bare table (no parsing of authors/parents, no first responses, no cursors);
- socialdesk: `PageSync.run()` — full pass, then a no-change incremental re-sync.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import httpx

from bench.report import write_section
from socialdesk.config import load_config
from socialdesk.core.graph.client import GraphClient
from socialdesk.core.graph.token import PageToken
from socialdesk.core.ingest.sync import PageSync
from socialdesk.core.store import open_store

POSTS, COMMENTS, CONVERSATIONS = 100, 10_000, 1_000


def start_page() -> tuple[subprocess.Popen[str], dict[str, str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "socialdesk", "fake-page", "--seed", "3", "--posts", str(POSTS),
         "--comments", str(COMMENTS), "--conversations", str(CONVERSATIONS)],
        stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, json.loads(proc.stdout.readline())


def baseline(info: dict[str, str], db: Path) -> tuple[float, int, int]:
    conn = sqlite3.connect(db)
    conn.execute("create table items (id text primary key, message text, created text)")
    http = httpx.Client(base_url=f"{info['url']}/v25.0",
                        headers={"Authorization": f"Bearer {info['token']}"})
    requests = rows = 0
    start = time.perf_counter()

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
    return time.perf_counter() - start, rows, requests


def socialdesk_sync(info: dict[str, str], db: Path) -> dict[str, float]:
    config = load_config(Path(__file__).resolve().parent.parent / "config" / "socialdesk.toml")
    page = replace(config.page, id=info["page_id"], graph_url=info["url"], page_size=100)
    store = open_store(db)
    client = GraphClient(info["url"], "v25.0", info["page_id"], PageToken(info["token"]))
    start = time.perf_counter()
    first = PageSync(store, client, page).run(full=True)
    elapsed = time.perf_counter() - start
    assert first.ok, first.error
    stored = store.conn.execute("select count(*) from items").fetchone()[0]
    start = time.perf_counter()
    again = PageSync(store, client, page).run(full=False)
    resync = time.perf_counter() - start
    posts = store.conn.execute("select count(*) from posts").fetchone()[0]
    return {"seconds": elapsed, "stored": stored, "requests": first.requests,
            "resync_requests": again.requests, "resync_seconds": resync, "posts": posts}


def run() -> None:
    """Run the ingest benchmark and record it in BENCHMARKS.md."""
    proc, info = start_page()
    try:
        stats = httpx.get(f"{info['url']}/_fake/stats").json()
        with tempfile.TemporaryDirectory() as tmp:
            base_s, base_rows, base_req = baseline(info, Path(tmp) / "base.db")
            ours = socialdesk_sync(info, Path(tmp) / "desk.db")
    finally:
        proc.send_signal(signal.SIGINT if os.name != "nt" else signal.SIGTERM)
        proc.wait(10)
    rate, base_rate = ours["stored"] / ours["seconds"], base_rows / base_s
    body = f"""\
Page: {stats['posts']} posts, {stats['comments']:,} comments (incl. {stats['page_replies']:,} replies by the
page), {stats['conversations']:,} conversations with {stats['messages']:,} messages; fake page in its own process.

| run | seconds | items | items/s | HTTP requests |
|---|---:|---:|---:|---:|
| baseline: minimal httpx + sqlite loop | {base_s:.2f} | {base_rows:,} | {base_rate:,.0f} | {base_req} |
| socialdesk full sync (`PageSync`) | {ours['seconds']:.2f} | {ours['stored']:,} | {rate:,.0f} | {ours['requests']:.0f} |
| socialdesk no-change re-sync | {ours['resync_seconds']:.2f} | 0 new | — | {ours['resync_requests']:.0f} |

socialdesk / baseline throughput: {rate / base_rate:.2f}×. Goal ≥ 2,000 items/s: {'met' if rate >= 2000 else 'NOT met'}.
No-change re-sync: {ours['resync_requests']:.0f} requests = one per post in the window ({ours['posts']:.0f}) + one per
page of the posts list (2: a full page of 100 is followed by the API's empty final page `{{"data": []}}`)
+ one conversations page — the issue's budget of "one request per post plus one per endpoint page".
"""
    write_section("Ingest (issue 4)", body)
