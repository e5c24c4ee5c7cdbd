"""A worker process for the crash tests: it syncs, sends or publishes against a page until
the job is done, and is killed with SIGKILL at random moments by the test.

    python -m tests.reliability.crash_worker sync|send|publish DB URL PAGE_ID

The token comes from $CRASH_TOKEN. Only one such worker runs at a time, so an entry it finds
in ``sending`` / ``publishing`` when it starts was left by a killed predecessor: the harness
treats those as stale at once instead of after the production delay (2 minutes, which
protects a live sender in another process).
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
    outbox.STALE_SENDING = timedelta(0)
    publisher.STALE_PUBLISHING = timedelta(0)
    config = load_config(REPO / "config" / "socialdesk.toml")
    page = replace(config.page, id=page_id, graph_url=url, page_size=10)
    store = open_store(db)
    client = GraphClient(url, "v25.0", page_id, PageToken(os.environ["CRASH_TOKEN"]),
                         timeout=2.0, sleep=lambda s: None)
    print("ready", flush=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if op == "sync":
            done = PageSync(store, client, page).run(full=True).ok
        elif op == "send":
            outbox.OutboxSender(store, client, page_id).run()
            done = store.conn.execute("select count(*) from outbox where status in "
                                      "('queued', 'sending')").fetchone()[0] == 0
        else:
            posts = replace(config.posts, grace_minutes=24 * 60)
            publisher.Publisher(store, client, posts, config.team.zone).run()
            done = store.conn.execute("select count(*) from scheduled_posts where status in "
                                      "('approved', 'publishing')").fetchone()[0] == 0
        print("round", flush=True)
        if done:
            print("done", flush=True)
            return 0
        time.sleep(0.05)  # times are stored to the second: let a predecessor's claim age
    print("not done after 60 s", file=sys.stderr, flush=True)
    return 1


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:5]))
