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
from socialdesk.core.ingest import outbox
from socialdesk.core.ingest.outbox import Action
from socialdesk.core.services import Desk
from socialdesk.core.store import open_store
from socialdesk.fakepage.server import FakePage
from tests.ingest_helpers import db_ids, page_config, page_ids, start_fake, syncer
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


def integrity(db: Path) -> str:
    store = open_store(db)
    try:
        return str(store.conn.execute("pragma integrity_check").fetchone()[0])
    finally:
        store.close()


def crash_loop(op: str, db: Path, fake: FakePage, max_delay: float, seed: int,
               snapshot) -> dict[str, int]:
    """Kill the worker KILLS times at random moments, then let it finish; return counts.

    ``snapshot`` describes the DB after a kill: work done so far, or -1 when the kill came
    between a claim and its recorded outcome (a POST in flight).
    """
    rng = random.Random(seed)
    seen = {"kills": 0, "finished_before_kill": 0, "kills_mid_post": 0}
    states: set[int] = set()
    for _ in range(KILLS):
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
        seen["kills_mid_post"] += state < 0
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
    fake = start_fake(seed=301, posts=8, comments=1500, conversations=40)
    db = tmp_path / "crash-sync.db"
    try:
        open_store(db).close()
        def stored() -> int:
            s = open_store(db)
            try:
                return int(s.conn.execute("select count(*) from items").fetchone()[0])
            finally:
                s.close()

        seen = crash_loop("sync", db, fake, 0.8, 301, stored)
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
        texts = {}
        for n, item in enumerate(items):
            entry, _ = outbox.queue(store, item, Action.REPLY, f"Diolch #{n}", "tester")
            texts[entry] = f"Diolch #{n}"
        store.close()
        fake.plan.faults[:] = _faults(fake, "slow@reply=1")      # each POST takes 50 ms

        def in_flight() -> int:
            s = open_store(db)
            try:
                sending, sent = s.conn.execute(
                    "select sum(status = 'sending'), sum(status = 'sent') from outbox").fetchone()
                return -1 if sending else int(sent)
            finally:
                s.close()

        seen = crash_loop("send", db, fake, 0.9, 302, in_flight)
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
                  access=replace(config.access, members={"rhian": "supervisor"}))
    desk = Desk(cfg, db, actor="rhian")
    texts = {}
    for n in range(25):
        post_id = desk.posts.add(f"p{n}", f"Neges {n}", f"Message {n}", "2099-01-01 09:00")
        desk.posts.approve(post_id)
        texts[post_id] = f"Neges {n}\n\nMessage {n}"
    with desk.store.write():
        desk.store.conn.execute("update scheduled_posts set due_at = ?",
                                ((datetime.now(UTC) - timedelta(minutes=1)).isoformat(),))
    desk.close()
    fake.plan.faults[:] = _faults(fake, "slow@publish=1")
    try:
        def in_flight() -> int:
            s = open_store(db)
            try:
                running, done = s.conn.execute(
                    "select sum(status = 'publishing'), sum(status = 'published') "
                    "from post_runs").fetchone()
                return -1 if running else int(done or 0)
            finally:
                s.close()

        seen = crash_loop("publish", db, fake, 0.7, 303, in_flight)
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


def _faults(fake: FakePage, spec: str) -> list:
    from socialdesk.fakepage.faults import parse_fault

    return [parse_fault(spec, 1)]
