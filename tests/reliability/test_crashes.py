"""kill -9 a worker process at random moments during sync, send and publish; restart it; the
invariants hold and the database passes ``PRAGMA integrity_check`` after every kill."""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from socialdesk.config import Config
from socialdesk.core.desk import Desk
from socialdesk.core.outbox import sender as outbox
from socialdesk.core.outbox.sender import Action
from socialdesk.core.store import Store, open_store
from socialdesk.fakepage.server import FakePage
from tests.ingest_helpers import (
    db_ids,
    page_config,
    page_ids,
    set_faults,
    start_fake,
    syncer,
)
from tests.reliability.conftest import LONG, scale

REPO = Path(__file__).resolve().parents[2]
KILLS = scale(8, 120)
#: The stale-claim wait the workers use: shortened for the fast suite, the production one
#: (2 minutes) in the long run.
STALE_SECONDS = None if LONG else 4.0


class Worker:
    """A crash worker process, its stdout read line by line by a thread."""

    def __init__(self, op: str, db: Path, fake: FakePage, final: bool = False) -> None:
        env = {**os.environ, "CRASH_TOKEN": fake.token, "PYTHONPATH": str(REPO),
               "CRASH_FINAL": "1" if final else "0"}
        if STALE_SECONDS is not None:
            env["CRASH_STALE_SECONDS"] = str(STALE_SECONDS)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.crash_worker", op, str(db), fake.url,
             fake.page_id], env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.next_line(60) == "ready", self.error()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())
        self.lines.put("<eof>")

    def next_line(self, timeout: float) -> str | None:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def wait_for(self, wanted: str, timeout: float) -> bool:
        """Read lines until ``wanted`` (True) or the end / the timeout (False)."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            line = self.next_line(left)
            if line in (wanted, "<eof>", None):
                return line == wanted
        return False

    def error(self) -> str:
        return self.proc.stderr.read() if self.proc.stderr and self.proc.poll() is not None \
            else ""


def row(db: Path, sql: str) -> tuple:
    """One row of a query, on a connection of its own (the worker may have died mid-write)."""
    store = open_store(db)
    try:
        return tuple(store.conn.execute(sql).fetchone())
    finally:
        store.close()


def claims(db: Path, table: str, claimed: str) -> dict[int, str]:
    """Rows left claimed (id → when claimed): a POST was in flight when the holder died."""
    store = open_store(db)
    try:
        stamp = "updated_at" if table == "outbox" else "started_at"
        return dict(store.conn.execute(f"select id, {stamp} from {table} where status = ?",
                                       (claimed,)).fetchall())
    finally:
        store.close()


def waiting(store: Store, table: str, status: str) -> int:
    """How many rows wait to be sent or published: the harness tops the work up to a level
    (a killed worker does little, so adding a fixed amount per start would pile up work
    the final run could not finish inside its deadline)."""
    return int(store.conn.execute(f"select count(*) from {table} where status = ?",
                                  (status,)).fetchone()[0])


def status_counts(db: Path, table: str) -> dict[str, int]:
    """Rows of ``table`` by status (what a final run left undone)."""
    store = open_store(db)
    try:
        return dict(store.conn.execute(f"select status, count(*) from {table} group by status"))
    finally:
        store.close()


def integrity(db: Path) -> str:
    return str(row(db, "pragma integrity_check")[0])


def crash_loop(op: str, db: Path, fake: FakePage, max_delay: float, seed: int,
               claimed: tuple[str, str] | None = None, more_work=lambda n: None,
               post_seconds: float = 0.0) -> dict[str, int]:
    """Kill the worker KILLS times, then let it finish; return counts.

    ``more_work(n)`` tops the waiting work up before the n-th start (as traffic does), so
    that every start has something to be killed in the middle of. For send and publish
    (``claimed``: the table and its claimed status) every other kill waits for the worker
    to say ``posting`` and lands within ``post_seconds`` after it — a POST in flight — and
    the claims are followed: a claim left by a kill must be left alone by restarts inside
    the stale-claim wait and be taken up (checked on the page) after it.
    """
    rng = random.Random(seed)
    seen = {"kills": 0, "finished_before_kill": 0, "kills_mid_post": 0,
            "claims_left_alone_inside_the_wait": 0, "stale_claims_taken_up": 0}
    for n in range(KILLS):
        more_work(n)
        before = claims(db, *claimed) if claimed else {}
        started = time.time()
        worker = Worker(op, db, fake)
        if claimed and n % 2 == 0 and worker.wait_for("posting", 20):
            time.sleep(rng.uniform(0.0, post_seconds))
        else:
            time.sleep(rng.uniform(0.0, max_delay))
        if worker.proc.poll() is None:
            worker.proc.send_signal(signal.SIGKILL)
            seen["kills"] += 1
        else:
            assert worker.proc.returncode == 0, worker.error()
            seen["finished_before_kill"] += 1
        worker.proc.wait(10)
        assert integrity(db) == "ok"
        if claimed:
            after = claims(db, *claimed)
            seen["kills_mid_post"] += len(set(after) - set(before))
            for entry, when in before.items():
                fresh = started - datetime.fromisoformat(when).timestamp() < stale_wait() - 1
                if fresh and after.get(entry) == when:
                    seen["claims_left_alone_inside_the_wait"] += 1
                elif entry not in after:
                    seen["stale_claims_taken_up"] += 1
                    assert not fresh, f"a claim was taken inside the wait: {entry}"
    left = claims(db, *claimed) if claimed else {}
    worker = Worker(op, db, fake, final=True)   # the last run waits the claims out
    if not worker.wait_for("done", stale_wait() + 120):
        worker.proc.kill()
        worker.proc.wait(10)
        left_undone = f"{claimed[0]} by status: {status_counts(db, claimed[0])}" \
            if claimed else ""
        raise AssertionError(f"the final run did not finish: {worker.error()} {left_undone}")
    assert worker.proc.wait(30) == 0, worker.error()
    assert integrity(db) == "ok"
    if claimed:
        assert claims(db, *claimed) == {}
        seen["stale_claims_taken_up"] += len(left)
    return seen


def stale_wait() -> float:
    """The stale-claim wait the workers use, in seconds."""
    return STALE_SECONDS if STALE_SECONDS is not None else 120.0


def test_sync_killed_anywhere_loses_nothing_and_duplicates_nothing(tmp_path: Path, config,
                                                                   tally) -> None:
    fake = start_fake(seed=301, rate=600, posts=8, comments=1500, conversations=40)
    db = tmp_path / "crash-sync.db"
    try:
        open_store(db).close()
        seen = crash_loop("sync", db, fake, 0.8, 301)
        fake.stop_traffic()             # the page stops changing: one incremental pass
        store = open_store(db)
        try:
            assert syncer(store, fake, config).run(full=False).ok
            assert db_ids(store) == page_ids(fake)   # no cursor skipped a page
            audit = syncer(store, fake, config).run(full=True)   # the audit finds nothing
            assert audit.ok and audit.new == [] and audit.deleted == 0, audit
            assert store.conn.execute("select count(*) - count(distinct platform_id) "
                                      "from items").fetchone()[0] == 0
        finally:
            store.close()
    finally:
        fake.stop()
    tally["crashes"]["sync"] = seen


def test_send_killed_anywhere_never_answers_twice(tmp_path: Path, config: Config,
                                                 tally) -> None:
    fake = start_fake(seed=302, posts=6, comments=120, conversations=4, slow_seconds=0.3)
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
                for k in range(10 - waiting(s, "outbox", "queued")):
                    text = f"Diolch #{n}.{k}"
                    entry, _ = outbox.queue(s, items[(n * 10 + k) % len(items)],
                                            Action.REPLY, text, "tester")
                    texts[entry] = text
            finally:
                s.close()

        set_faults(fake, "slow@reply=1")      # each POST is applied, then answered 0.3 s later
        seen = crash_loop("send", db, fake, 0.6, 302, ("outbox", "sending"), queue_more, 0.3)
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
    assert seen["kills_mid_post"] >= scale(1, 50) and seen["stale_claims_taken_up"] >= 1
    assert seen["claims_left_alone_inside_the_wait"] >= 1
    tally["crashes"]["send"] = seen


def test_publish_killed_anywhere_never_posts_twice(tmp_path: Path, config: Config,
                                                  tally) -> None:
    fake = start_fake(seed=303, posts=2, comments=4, conversations=1, slow_seconds=0.3)
    db = tmp_path / "crash-publish.db"
    cfg = replace(config, page=page_config(config, fake),
                  access=replace(config.access, members={"rhian": "supervisor"}),
                  posts=replace(config.posts, self_approval=True))  # a one-supervisor team
    texts = {}

    def schedule_more(n: int) -> None:
        desk = Desk(cfg, db, actor="rhian")
        try:
            for k in range(6 - waiting(desk.store, "scheduled_posts", "approved")):
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
        seen = crash_loop("publish", db, fake, 0.5, 303, ("post_runs", "publishing"),
                          schedule_more, 0.3)
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
    assert seen["kills_mid_post"] >= scale(1, 50) and seen["stale_claims_taken_up"] >= 1
    assert seen["claims_left_alone_inside_the_wait"] >= 1
    tally["crashes"]["publish"] = seen
