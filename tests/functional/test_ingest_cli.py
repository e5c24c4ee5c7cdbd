"""The ingest commands as a user runs them: fake-page, sync, reply, outbox, worker, demo."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from socialdesk.core.desk import Desk
from socialdesk.core.desk.jobs import BackgroundJobs
from socialdesk.core.outbox import sender as outbox
from tests.conftest import assert_one_sentence, os_account
from tests.ingest_helpers import page_config, start_fake


@pytest.fixture
def fake_page_process(tmp_path: Path):
    """`socialdesk fake-page` in a subprocess; yields its announced JSON."""
    proc = subprocess.Popen([sys.executable, "-m", "socialdesk", "fake-page", "--seed", "7",
                             "--fault", "server_error=0.2", "--fault", "duplicates=0.3"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    info = json.loads(line)
    yield info
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(10) == 0


def page_env(tmp_path: Path, info: dict) -> dict[str, str]:
    config = tmp_path / "page.toml"
    config.write_text(f'[page]\nid = "{info["page_id"]}"\ngraph_url = "{info["url"]}"\n'
                      f'page_size = 20\n[members]\n"{os_account()}" = "officer"\n')
    return {"SOCIALDESK_CONFIG": str(config), "SOCIALDESK_PAGE_TOKEN": info["token"]}


def test_fake_page_cli_sync_reply_and_outbox(tmp_path, run_cli, fake_page_process) -> None:
    info = fake_page_process
    assert info["url"].startswith("http://127.0.0.1:") and info["token"]
    env = page_env(tmp_path, info)
    first = run_cli("sync", "--once", env=env)
    assert first.code == 0, first.err
    assert first.out.startswith("full sync:") and " new," in first.out
    stats = httpx.get(f"{info['url']}/_fake/stats").json()
    assert stats["faults"]["server_error"] > 0  # retried through real 500s
    import sqlite3

    db = sqlite3.connect(tmp_path / "cli.db")
    stored = db.execute("select count(*) from items").fetchone()[0]
    assert stored == stats["comments"] + stats["messages"]
    item = db.execute("select id from items where kind='comment' and from_page=0 and "
                      "platform_id not like 'noid:%' limit 1").fetchone()[0]
    replied = run_cli("reply", str(item), "Diolch — we've passed this to the team.", "--send",
                      env=env)
    assert replied.code == 0, replied.err
    assert "queued as outbox #1" in replied.out and "1 sent" in replied.out
    listed = run_cli("outbox", env=env)
    assert "#1" in listed.out and "sent" in listed.out
    assert httpx.get(f"{info['url']}/_fake/stats").json()["replies_received"] == 1

    def hidden() -> bool:
        comments = httpx.get(f"{info['url']}/_fake/dump").json()["comments"]
        pid = db.execute("select platform_id from items where id = ?", (item,)).fetchone()[0]
        return bool(next(c for c in comments if c.get("id") == pid).get("is_hidden"))

    # hide, show again, hide again: each goes out (a second hide is not swallowed as a
    # duplicate of the first, issue 20), and `unhide` exists (issue 27, item 2)
    for command, state in (("hide", True), ("unhide", False), ("hide", True)):
        toggled = run_cli(command, str(item), "--send", env=env)
        assert toggled.code == 0 and " queued as outbox" in toggled.out, toggled.err
        for _ in range(5):     # this page answers some POSTs with a 500: later rounds retry
            if hidden() is state:
                break
            run_cli("outbox", "send", env=env)
        assert hidden() is state
    for result in (first, replied, listed):
        assert info["token"] not in result.out + result.err
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("cli.db*"))
    assert info["token"].encode() not in raw  # never stored


def test_sync_without_token_or_with_bad_token_is_one_sentence(tmp_path, run_cli,
                                                              fake_page_process) -> None:
    env = page_env(tmp_path, fake_page_process)
    missing = run_cli("sync", "--once", env={**env, "SOCIALDESK_PAGE_TOKEN": ""})
    assert missing.code == 1 and "SOCIALDESK_PAGE_TOKEN" in missing.err
    assert_one_sentence(missing.err)
    wrong = run_cli("sync", "--once", env={**env, "SOCIALDESK_PAGE_TOKEN": "EAAwrong-token"})
    assert wrong.code == 1 and "renew" in wrong.err and "EAAwrong-token" not in wrong.err
    assert_one_sentence(wrong.err)
    no_page = run_cli("sync", "--once")
    assert no_page.code == 1 and "[page] id is not set" in no_page.err


def test_worker_lease_lets_only_one_process_run_jobs(tmp_path, config) -> None:
    fake = start_fake(seed=91)
    try:
        from dataclasses import replace

        cfg = replace(config, page=page_config(config, fake))
        os.environ[cfg.page.token_env] = fake.token
        one, two = (Desk(cfg, tmp_path / "w.db", actor="tester"),
                    Desk(cfg, tmp_path / "w.db", actor="gethin"))
        events: list[str] = []
        first = BackgroundJobs(one, listener=lambda e: events.append(f"1:{type(e).__name__}"))
        second = BackgroundJobs(two, listener=lambda e: events.append(f"2:{type(e).__name__}"))
        assert first.run_sync() is not None
        assert second.run_sync() is None and "2:RunElsewhere" in events
        assert first.run_sync() is not None  # the holder renews
        first.shutdown()
        assert second.run_sync() is not None  # released → the other may take over
    finally:
        os.environ.pop("SOCIALDESK_PAGE_TOKEN", None)
        fake.stop()


def test_worker_syncs_and_sends_on_its_timer(tmp_path, config, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    fake = start_fake(seed=92)
    try:
        from dataclasses import replace

        cfg = replace(config, page=page_config(config, fake))
        os.environ[cfg.page.token_env] = fake.token
        desk = Desk(cfg, tmp_path / "t.db", actor="gethin")
        jobs = BackgroundJobs(desk, sync_interval=0.5, send_interval=0.2)
        jobs.start()
        try:
            deadline = time.time() + 20
            query = "select id from items where kind = 'message' and from_page = 0"
            while time.time() < deadline and not desk.store.conn.execute(query).fetchone():
                time.sleep(0.1)
            item = desk.store.conn.execute(query).fetchone()[0]
            desk.queue_answer(item, outbox.Action.MESSAGE, "Helo, diolch am gysylltu.")
            while time.time() < deadline and fake.stats()["private_messages_received"] == 0:
                time.sleep(0.1)
        finally:
            jobs.shutdown()
        assert fake.stats()["private_messages_received"] == 1
        assert fake.token not in caplog.text
        actions = [r[0] for r in sqlite_rows(tmp_path / "t.db", "select action from audit_log")]
        assert "sync" in actions and "queue_message" in actions and "send" in actions
    finally:
        os.environ.pop("SOCIALDESK_PAGE_TOKEN", None)
        fake.stop()


def sqlite_rows(path: Path, sql: str) -> list[tuple]:
    import sqlite3

    return sqlite3.connect(path).execute(sql).fetchall()


@pytest.mark.slow
def test_demo_shows_live_classified_items_from_the_fake_page(tmp_path: Path, data_dir,
                                                              team_config_file) -> None:
    env = {**os.environ, "SOCIALDESK_DATA_DIR": str(data_dir), "SOCIALDESK_CONFIG":
           str(team_config_file), "PYTHONUNBUFFERED": "1"}   # no minutes of fine-tuning
    env.pop("SOCIALDESK_DB", None)
    db = tmp_path / "demo.db"
    proc = subprocess.Popen([sys.executable, "-m", "socialdesk", "demo", "--headless",
                             "--rate", "120", "--db", str(db)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")),
                              daemon=True)
    reader.start()
    deadline = time.time() + 90
    while time.time() < deadline and sum(line[:3] in DAYS for line in lines) < 45:
        time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)
    reader.join(timeout=5)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    out = "".join(lines)
    assert "fake page at http://127.0.0.1:" in out
    items = [line for line in lines if line[:3] in DAYS]
    assert len(items) >= 45  # the seeded page, then live arrivals
    assert any(" report " in line or " concern " in line or " chat " in line for line in items)
    assert not any("unclassified" in line for line in items)
    assert db.exists()


DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
