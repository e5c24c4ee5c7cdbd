"""A worker process for the crash tests: it syncs, sends or publishes against a page until
the job is done, and is killed with SIGKILL at random moments by the test.

    python -m tests.reliability.crash_worker sync|send|publish DB URL PAGE_ID

The token comes from $CRASH_TOKEN. Sync runs incremental passes, as the jobs do. An entry
left in ``sending`` / ``publishing`` by a killed predecessor is taken up only after the
stale-claim wait — the production one (2 minutes) unless $CRASH_STALE_SECONDS shortens it
for the fast suite — so restarts inside the wait must leave it alone. The worker prints
``posting`` just before each POST (the harness aims some kills at a POST in flight) and
finishes when nothing is left but claims still inside the wait (``done``) or nothing at all.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from socialdesk.config import load_config
from socialdesk.core.graph.client import GraphClient
from socialdesk.core.graph.token import PageToken
from socialdesk.core.ingest.sync import PageSync
from socialdesk.core.outbox import sender as outbox
from socialdesk.core.schedule import publisher
from socialdesk.core.store import open_store

REPO = Path(__file__).resolve().parents[2]


def main(op: str, db: str, url: str, page_id: str) -> int:
    """Run ``op`` until there is nothing left to do; print one line per round."""
    stale = os.environ.get("CRASH_STALE_SECONDS")
    if stale is not None:
        outbox.STALE_SENDING = publisher.STALE_PUBLISHING = timedelta(seconds=float(stale))
    wait = max(outbox.STALE_SENDING, publisher.STALE_PUBLISHING).total_seconds()
    final = os.environ.get("CRASH_FINAL") == "1"   # the last run: wait the claims out
    config = load_config(REPO / "config" / "socialdesk.toml")
    page = replace(config.page, id=page_id, graph_url=url, page_size=10)
    store = open_store(db)
    client = GraphClient(url, "v25.0", page_id, PageToken(os.environ["CRASH_TOKEN"]),
                         timeout=2.0, sleep=lambda s: None)
    post = client.post

    def announced_post(path: str, data: dict[str, object]) -> dict[str, object]:
        print("posting", flush=True)
        return post(path, data)

    client.post = announced_post  # type: ignore[method-assign]
    print("ready", flush=True)
    deadline = time.monotonic() + 60 + (wait if final else 0)
    while time.monotonic() < deadline:
        if op == "sync":
            done = PageSync(store, client, page).run(full=False).ok
        elif op == "send":
            outbox.OutboxSender(store, client, page_id).run()
            done = left(store, "outbox", "queued", "sending", final)
        else:
            posts = replace(config.posts, grace_minutes=24 * 60)
            publisher.Publisher(store, client, posts, config.team.zone).run()
            done = left(store, "scheduled_posts", "approved", "publishing", final)
        print("round", flush=True)
        if done:
            print("done", flush=True)
            return 0
        time.sleep(0.2)  # times are stored to the second: let a claim age
    print("not done in time", file=sys.stderr, flush=True)
    return 1


def left(store, table: str, waiting: str, claimed: str, final: bool) -> bool:  # type: ignore[no-untyped-def]
    """Done: nothing waiting, and (unless this is the final run) only claims that the
    stale-claim wait still protects."""
    counts = dict(store.conn.execute(f"select status, count(*) from {table} "
                                     "group by status").fetchall())
    return not counts.get(waiting) and (not final or not counts.get(claimed))


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:5]))
