"""The page token never appears in what socialdesk writes or shows: CLI output and logs
(also on error paths), the database file and its WAL, exports, the data dir, object reprs
that a traceback with locals would print, and the dashboard's screens and notifications."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from rich.pretty import pretty_repr

from socialdesk.core.graph.client import GraphClient
from socialdesk.core.graph.token import PageToken
from tests.conftest import os_account
from tests.ingest_helpers import start_fake

REPO = Path(__file__).resolve().parents[2]
TOKEN = "EAAGsecretPageTokenZZ9x7" + "q" * 40


def config_for(tmp_path: Path, fake, user: str, token_file: str = "") -> Path:
    text = (REPO / "config" / "socialdesk.toml").read_text(encoding="utf-8")
    text = text.replace('id = ""', f'id = "{fake.page_id}"', 1)
    text = text.replace('graph_url = "https://graph.facebook.com"', f'graph_url = "{fake.url}"')
    text = text.replace('token_file = ""', f'token_file = "{token_file}"')
    text = text.replace("[members]\n", f'[members]\n"{user}" = "supervisor"\n')
    path = tmp_path / "socialdesk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def everything_written(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_cli_outputs_database_exports_and_data_dir_never_hold_the_token(tmp_path: Path,
                                                                         tally) -> None:

    fake = start_fake(seed=501, token=TOKEN, posts=3, comments=30, conversations=4,
                      faults=("reset@reply=1", "server_error=0.15", "truncated_json=0.15",
                              "reset@publish=1"))
    home = tmp_path / "home"
    env = {**os.environ, "SOCIALDESK_CONFIG": str(config_for(tmp_path, fake,
                                                             os_account())),
           "SOCIALDESK_DB": str(home / "desk.db"), "SOCIALDESK_DATA_DIR": str(home / "data"),
           "SOCIALDESK_PAGE_TOKEN": TOKEN, "PYTHONWARNINGS": "default"}
    outputs: list[str] = []

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([sys.executable, "-m", "socialdesk", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
        outputs.append(proc.stdout + proc.stderr)
        return proc

    try:
        home.mkdir()
        for _ in range(3):
            run("sync", "--once")
        run("outbox")                   # (empty) — then answer a comment
        import sqlite3

        conn = sqlite3.connect(home / "desk.db")
        item = conn.execute("select id from items where kind = 'comment' and from_page = 0 and "
                            "platform_id not like 'noid:%' limit 1").fetchone()[0]
        conn.close()
        run("reply", str(item), "Diolch, we are on it", "--send")
        run("hide", str(item), "--send")
        run("outbox", "list")
        run("posts", "add", "--cy", "Neges", "--en", "Message", "--at", "2099-01-01 10:00")
        run("posts", "approve", "1")
        conn = sqlite3.connect(home / "desk.db")
        conn.execute("update scheduled_posts set due_at = "
                     "strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now', '-1 minute')")
        conn.commit()
        conn.close()
        run("posts", "publish")
        run("posts", "list", "--json")
        run("report", "--csv", str(home / "data" / "report.csv"))
        run("report", "--json")
        run("audit", "verify")
        fake.plan.expired = True                              # the token expires
        expired = run("sync", "--once")
        assert expired.returncode == 1 and "renew" in expired.stderr
        run("posts", "publish")
        run("reply", str(item), "second answer", "--send")
    finally:
        fake.stop()
    joined = "\n".join(outputs)
    assert TOKEN not in joined
    assert "Traceback" not in joined, joined[joined.find("Traceback") - 300:][:3000]
    written = everything_written(home)
    assert TOKEN.encode() not in written and len(written) > 10_000
    tally["secrets"]["cli commands scanned"] = len(outputs)
    tally["secrets"]["bytes of DB, WAL, exports scanned"] = len(written)


def test_token_file_must_be_private_and_is_never_copied(tmp_path: Path) -> None:
    fake = start_fake(seed=502, token=TOKEN, posts=1, comments=2, conversations=0)
    token_file = tmp_path / "page-token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "SOCIALDESK_PAGE_TOKEN"}
    env.update(SOCIALDESK_CONFIG=str(config_for(tmp_path, fake, os_account(),
                                                str(token_file))),
               SOCIALDESK_DB=str(tmp_path / "d.db"), SOCIALDESK_DATA_DIR=str(tmp_path / "data"))
    try:
        for mode, ok in ((0o644, False), (0o640, False), (0o600, True), (0o400, True)):
            token_file.chmod(mode)
            proc = subprocess.run([sys.executable, "-m", "socialdesk", "sync", "--once"],
                                  env=env, capture_output=True, text=True, timeout=60)
            assert (proc.returncode == 0) == ok, (oct(mode), proc.stderr)
            if not ok:
                assert "chmod 600" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
            assert TOKEN not in proc.stdout + proc.stderr
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o400
        assert TOKEN.encode() not in (tmp_path / "d.db").read_bytes()
    finally:
        fake.stop()


def test_reprs_a_traceback_with_locals_would_print_hide_the_token() -> None:
    client = GraphClient("http://127.0.0.1:9", "v25.0", "1", PageToken(TOKEN))
    try:
        for shown in (repr(client), pretty_repr(client), repr(client.token),
                      pretty_repr({"self": client, "token": client.token})):
            assert TOKEN not in shown
    finally:
        client.close()


@pytest.mark.parametrize("screen_key", ["", "t", "s"])
async def test_dashboard_screens_never_show_the_token(tmp_path: Path, config, monkeypatch,
                                                      screen_key: str) -> None:
    from dataclasses import replace

    from socialdesk.config import AccessConfig
    from socialdesk.core.desk import Desk
    from socialdesk.ui.app import build_app
    from tests.ingest_helpers import page_config
    from tests.ui_helpers import settle

    fake = start_fake(seed=503, token=TOKEN, posts=2, comments=10, conversations=2,
                      faults=("server_error=0.3", "token_expired=#12"))
    monkeypatch.setenv(config.page.token_env, TOKEN)
    live = replace(config, page=page_config(config, fake),
                   access=AccessConfig(members={"tester": "supervisor"}))
    desk = Desk(live, tmp_path / "ui.db", actor="tester")
    app = build_app(desk, load_model=False)
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            for _ in range(30):
                await pilot.pause(0.2)
            if screen_key:
                await pilot.press(screen_key)
            await settle(pilot, app)
            screen = app.export_screenshot()
            notes = " ".join(n.message for n in app._notifications)
            assert {"": "Claim", "t": "Needs", "s": "Period"}[screen_key] in screen
            assert TOKEN not in screen and TOKEN not in notes
    finally:
        fake.stop()
