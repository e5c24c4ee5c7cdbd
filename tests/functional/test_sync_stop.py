"""Stopping a sync part-way (Ctrl-C): committed pages stay with their cursors, what is left is
said, and the next pass brings the rest without storing anything twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from socialdesk.config import Config
from socialdesk.core.store import open_store
from socialdesk.core.store.cursors import get_state
from tests.ingest_helpers import db_ids, page_ids, start_fake, syncer


def stored(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        try:
            return int(conn.execute("select count(*) from items").fetchone()[0])
        except sqlite3.OperationalError:   # not created yet
            return 0


def test_a_stopped_pass_keeps_its_pages_and_the_next_pass_brings_the_rest(
        tmp_path: Path, config: Config) -> None:
    fake = start_fake(seed=31, posts=6, comments=240, conversations=8)
    store = open_store(tmp_path / "stop.db")
    heard: list[tuple[int, int]] = []

    def stop_once_two_posts_are_done(done: int, total: int) -> None:
        heard.append((done, total))
        if done >= 2:
            raise KeyboardInterrupt

    try:
        first = syncer(store, fake, config, page_size=10)
        first.commit_items = 20   # two pages of ten a write
        with pytest.raises(KeyboardInterrupt):
            first.run(progress=stop_once_two_posts_are_done)
        assert heard[0] == (0, 6) and heard[-1] == (2, 6) and len(heard) > 3
        kept = store.conn.execute("select count(*) from items where kind = 'comment'"
                                  ).fetchone()[0]
        stats = fake.stats()
        assert 0 < kept < stats["comments"]
        first_post = store.conn.execute(
            "select post_id from items where kind = 'comment' limit 1").fetchone()[0]
        assert get_state(store, f"comments:{first_post}").cursor.get("after")

        # the first pass ever is a full one, and so is the next: it resumes the stopped one
        again = syncer(store, fake, config, page_size=10).run()
        assert again.ok and again.full, again.error
        assert db_ids(store) == page_ids(fake)
        total = store.conn.execute("select count(*), count(distinct platform_id) from items"
                                   ).fetchone()
        assert total[0] == total[1] == stats["comments"] + stats["messages"]
        whole = syncer(store, fake, config, page_size=10).run(full=True)
        assert whole.ok and whole.new == [] and whole.deleted == 0
        # the two posts read whole before the stop cost one request each, not all their pages
        assert again.requests <= whole.requests - 2 * 3
    finally:
        store.close()
        fake.stop()


def test_ctrl_c_in_socialdesk_sync_says_what_is_kept_and_a_second_run_finishes(
        tmp_path: Path, team_config_file: Path) -> None:
    fake = start_fake(seed=32, posts=40, comments=3_000, conversations=5)
    config = tmp_path / "page.toml"
    text = team_config_file.read_text(encoding="utf-8")
    for line, value in (('id = ""', f'id = "{fake.page_id}"'),
                        ('graph_url = "https://graph.facebook.com"', f'graph_url = "{fake.url}"'),
                        ("page_size = 100", "page_size = 5")):
        assert line in text
        text = text.replace(line, value, 1)
    config.write_text(text, encoding="utf-8")
    db = tmp_path / "cli.db"
    env = {**os.environ, "SOCIALDESK_DB": str(db), "SOCIALDESK_DATA_DIR": str(tmp_path / "d"),
           "SOCIALDESK_CONFIG": str(config), "SOCIALDESK_PAGE_TOKEN": fake.token}
    command = [sys.executable, "-m", "socialdesk", "sync", "--once"]
    try:
        proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while stored(db) < 200 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, (out, err)
        assert "Traceback" not in err
        assert "stopped: sync kept " in err and " of 40 posts done, " in err
        assert "run the same command again to sync the rest" in err
        kept = stored(db)
        stats = fake.stats()
        assert 0 < kept < stats["comments"] + stats["messages"]

        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stderr
        with sqlite3.connect(db) as conn:
            count, distinct = conn.execute(
                "select count(*), count(distinct platform_id) from items").fetchone()
        assert count == distinct == stats["comments"] + stats["messages"]
    finally:
        fake.stop()
