"""kill -9 a worker process at random moments during sync, send and publish; restart it; the
invariants hold and the database passes ``PRAGMA integrity_check`` after every kill."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from socialdesk.config import Config
from socialdesk.core.desk import Desk
from socialdesk.core.outbox import sender as outbox
from socialdesk.core.outbox.sender import Action
from socialdesk.core.store import open_store
from socialdesk.fakepage.server import FakePage
from tests.ingest_helpers import (
    db_ids,
    page_config,
    page_ids,
    set_faults,
    start_fake,
    syncer,
)
from tests.reliability.conftest import scale

REPO = Path(__file__).resolve().parents[2]
KILLS = scale(6, 30)


def spawn(op: str, db: Path, fake: FakePage) -> subprocess.Popen[str]:
    env = {**os.environ, "CRASH_TOKEN": fake.token, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "tests.reliability.crash_worker", op,
                             str(db), fake.url, fake.page_id], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
    return proc


def row(db: Path, sql: str) -> tuple:
    """One row of a query, on a connection of its own (the worker may have died mid-write)."""
    store = open_store(db)
    try:
        return tuple(store.conn.execute(sql).fetchone())
    finally:
        store.close()


def integrity(db: Path) -> str:
    return str(row(db, "pragma integrity_check")[0])


def crash_loop(op: str, db: Path, fake: FakePage, max_delay: float, seed: int,
               snapshot, more_work=lambda n: None) -> dict[str, int]:
    """Kill the worker KILLS times at random moments, then let it finish; return counts.

    ``more_work(n)`` adds work before the n-th start (as traffic does), so that every start
    has something to be killed in the middle of. ``snapshot`` describes the DB after a kill:
    (work done so far, whether the kill came between a claim and its recorded outcome — a
    POST in flight).
    """
    rng = random.Random(seed)
    seen = {"kills": 0, "finished_before_kill": 0, "kills_mid_post": 0}
    states: set[tuple[int, bool]] = set()
    for n in range(KILLS):
        more_work(n)
        proc = spawn(op, db, fake)
        time.sleep(rng.uniform(0.0, max_delay))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            seen["kills"] += 1
        else:
            assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
            seen["finished_before_kill"] += 1
        proc.wait(10)
        assert integrity(db) == "ok"
        state = snapshot()
        states.add(state)
        seen["kills_mid_post"] += state[1]
    proc = spawn(op, db, fake)          # the last restart runs to the end
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read()            # (communicate() would miss what readline buffered)
    err = proc.stderr.read()
    assert proc.wait(120) == 0 and out.strip().endswith("done"), err
    assert integrity(db) == "ok"
    seen["distinct_states_at_kill"] = len(states)
    return seen


def test_sync_killed_anywhere_loses_nothing_and_duplicates_nothing(tmp_path: Path, config,
                                                                   tally) -> None:
    fake = start_fake(seed=301, rate=600, posts=8, comments=1500, conversations=40)
    db = tmp_path / "crash-sync.db"
    try:
        open_store(db).close()
        def stored() -> tuple[int, bool]:
            return int(row(db, "select count(*) from items")[0]), False

        seen = crash_loop("sync", db, fake, 0.8, 301, stored)
        fake.stop_traffic()             # the page stops changing: one last pass settles it
        store = open_store(db)
        assert syncer(store, fake, config).run(full=True).ok
        store.close()
        store = open_store(db)
        try:
            assert db_ids(store) == page_ids(fake)
            assert store.conn.execute("select count(*) - count(distinct platform_id) "
                                      "from items").fetchone()[0] == 0
        finally:
            store.close()
    finally:
        fake.stop()
    tally["crashes"]["sync"] = seen


def test_send_killed_anywhere_never_answers_twice(tmp_path: Path, config: Config,
                                                 tally) -> None:
    fake = start_fake(seed=302, posts=6, comments=120, conversations=4, slow_seconds=0.05)
    db = tmp_path / "crash-send.db"
    try:
        store = open_store(db)
        assert syncer(store, fake, config).run().ok
        items = [r[0] for r in store.conn.execute(
            "select id from items where kind = 'comment' and from_page = 0 and platform_id "
            "not like 'noid:%' order by id limit 60")]
        store.close()
        texts = {}

        def queue_more(n: int) -> None:
            s = open_store(db)
            try:
                for k in range(10):
                    text = f"Diolch #{n}.{k}"
                    entry, _ = outbox.queue(s, items[(n * 10 + k) % len(items)],
                                            Action.REPLY, text, "tester")
                    texts[entry] = text
            finally:
                s.close()

        set_faults(fake, "slow@reply=1")                          # each POST takes 50 ms

        def in_flight() -> tuple[int, bool]:
            sending, sent = row(db, "select sum(status = 'sending'), sum(status = 'sent') "
                                    "from outbox")
            return int(sent or 0), bool(sending)

        seen = crash_loop("send", db, fake, 0.6, 302, in_flight, queue_more)
        received = [r["message"] for r in httpx.get(f"{fake.url}/_fake/dump").json()["received"]
                    if r["kind"] == "reply"]
        store = open_store(db)
        try:
            for entry, text in texts.items():
                status = store.conn.execute("select status from outbox where id = ?",
                                            (entry,)).fetchone()[0]
                assert received.count(text) <= 1, text                   # never twice
                assert (received.count(text) == 1) == (status == "sent") or \
                    status == "uncertain", (text, status)
        finally:
            store.close()
    finally:
        fake.stop()
    tally["crashes"]["send"] = seen


def test_publish_killed_anywhere_never_posts_twice(tmp_path: Path, config: Config,
                                                  tally) -> None:
    fake = start_fake(seed=303, posts=2, comments=4, conversations=1, slow_seconds=0.05)
    db = tmp_path / "crash-publish.db"
    cfg = replace(config, page=page_config(config, fake),
                  access=replace(config.access, members={"rhian": "supervisor"}),
                  posts=replace(config.posts, self_approval=True))  # a one-supervisor team
    texts = {}

    def schedule_more(n: int) -> None:
        desk = Desk(cfg, db, actor="rhian")
        try:
            for k in range(6):
                cy, en = f"Neges {n}.{k}", f"Message {n}.{k}"
                post_id = desk.posts.add(f"p{n}.{k}", cy, en, "2099-01-01 09:00")
                desk.posts.approve(post_id)
                texts[post_id] = f"{cy}\n\n{en}"
            with desk.store.write():
                desk.store.conn.execute(
                    "update scheduled_posts set due_at = ? where due_at > ?",
                    ((datetime.now(UTC) - timedelta(minutes=1)).isoformat(timespec="seconds"),
                     "2098"))
        finally:
            desk.close()

    set_faults(fake, "slow@publish=1")
    try:
        def in_flight() -> tuple[int, bool]:
            running, done = row(db, "select sum(status = 'publishing'), "
                                    "sum(status = 'published') from post_runs")
            return int(done or 0), bool(running)

        seen = crash_loop("publish", db, fake, 0.5, 303, in_flight, schedule_more)
        published = [r["message"] for r in fake.state.received if r["kind"] == "publish"]
        store = open_store(db)
        try:
            for post_id, text in texts.items():
                status = store.conn.execute("select status from scheduled_posts where id = ?",
                                            (post_id,)).fetchone()[0]
                assert published.count(text) <= 1, text
                assert (published.count(text) == 1) == (status == "published") or \
                    status == "uncertain", (text, status)
        finally:
            store.close()
    finally:
        fake.stop()
    tally["crashes"]["publish"] = seen
