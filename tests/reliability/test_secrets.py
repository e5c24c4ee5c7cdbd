"""The page token never appears in what socialdesk writes or shows: CLI output and logs
(also on error paths), the database file and its WAL, exports, the data dir, object reprs
that a traceback with locals would print, and the dashboard's screens and notifications —
as written, URL-encoded or JSON-escaped, for plain tokens and tokens with ``+/=._-~``. A token
that cannot be one (characters no token holds, two lines) is refused in one sentence that
never shows it."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from rich.pretty import pretty_repr

from socialdesk.core.graph.client import GraphClient
from socialdesk.core.graph.token import PageToken
from tests.conftest import assert_one_sentence, os_account
from tests.ingest_helpers import set_faults, start_fake

REPO = Path(__file__).resolve().parents[2]
TOKEN = "EAAGsecretPageTokenZZ9x7" + "q" * 40
#: Real page tokens are letters and digits; check_token also accepts ``+/=._~-`` (base64 and
#: URL-safe punctuation), so those must not leak in any encoding either.
ODD_TOKEN = "EAAG+odd/Token=with.dots_and-dash~" + "q" * 30

#: socialdesk has no log-level option or variable (cli/__init__.py, cli/base.py and the
#: sync/worker commands in cli/page.py set up no logging: the library modules log through
#: ``logging`` and leave handlers to whoever hosts them). So each command runs in a fresh
#: interpreter that first sends DEBUG logging of socialdesk, httpx and httpcore (request
#: URLs, response headers, connection events) to the file $SOCIALDESK_TEST_LOG, then calls
#: socialdesk.cli.main — what ``python -m socialdesk`` runs. The levels are set on the named
#: loggers too, so nothing that turns the root logger down hides them.
LOGGED_CLI = """\
import logging, os
logging.basicConfig(filename=os.environ["SOCIALDESK_TEST_LOG"], level=logging.DEBUG,
                    format="%(name)s %(levelname)s %(message)s")
for name in ("socialdesk", "httpx", "httpcore"):
    logging.getLogger(name).setLevel(logging.DEBUG)
from socialdesk.cli import main
raise SystemExit(main())
"""


def token_forms(token: str) -> set[str]:
    """The token as an output, log line or file could hold it: as written, URL-encoded (path
    or query: ``quote``, form bodies: ``quote_plus``) and JSON-escaped. (For a token
    check_token accepts, the JSON form equals the written one — it refuses ``"``, ``\\``,
    control characters and non-ASCII — but it is checked in case that ever changes.)"""
    return {token, quote(token, safe=""), quote_plus(token), json.dumps(token)[1:-1],
            json.dumps(token, ensure_ascii=False)[1:-1]}


def leaked(token: str, text: str | bytes) -> list[str]:
    """The forms of ``token`` found in ``text``."""
    if isinstance(text, bytes):
        return [form for form in token_forms(token) if form.encode() in text]
    return [form for form in token_forms(token) if form in text]


def config_for(tmp_path: Path, fake, user: str, token_file: str = "",
               extra: dict[str, str] | None = None) -> Path:
    text = (REPO / "config" / "socialdesk.toml").read_text(encoding="utf-8")
    text = text.replace('id = ""', f'id = "{fake.page_id}"', 1)
    text = text.replace('graph_url = "https://graph.facebook.com"', f'graph_url = "{fake.url}"')
    text = text.replace('token_file = ""', f'token_file = "{token_file}"')
    text = text.replace("[members]\n", f'[members]\n"{user}" = "supervisor"\n')
    for old, new in (extra or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "socialdesk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def everything_written(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def _add(tally, key: str, amount: int) -> None:
    tally["secrets"][key] = tally["secrets"].get(key, 0) + amount


@pytest.mark.parametrize("token", [TOKEN, ODD_TOKEN], ids=["alphanumeric", "odd-characters"])
def test_cli_outputs_logs_database_exports_and_data_dir_never_hold_the_token(
        tmp_path: Path, tally, token: str) -> None:
    # Rate limits ask for 5 minutes, longer than the client waits: a rate-limited sync stops
    # at once (no back-off sleeps). Faults are aimed per step below, so every exit is known.
    fake = start_fake(seed=501, token=token, posts=3, comments=30, conversations=4,
                      rate_limit_minutes=5)
    home = tmp_path / "home"
    log_file = tmp_path / "cli.log"
    # page_size 5: lists come in pages, so the next links — which carry access_token, as
    # Graph's do — are followed. self_approval: the one test account approves its own posts.
    config = config_for(tmp_path, fake, os_account(),
                        extra={"page_size = 100": "page_size = 5",
                               "self_approval = false": "self_approval = true"})
    env = {**os.environ, "SOCIALDESK_CONFIG": str(config),
           "SOCIALDESK_DB": str(home / "desk.db"), "SOCIALDESK_DATA_DIR": str(home / "data"),
           "SOCIALDESK_PAGE_TOKEN": token, "SOCIALDESK_TEST_LOG": str(log_file),
           "PYTHONWARNINGS": "default"}
    outputs: list[str] = []

    def run(code: int, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a command with DEBUG logging; it must exit with ``code`` (1: one sentence)."""
        proc = subprocess.run([sys.executable, "-c", LOGGED_CLI, *args], env=env,
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
        outputs.append(proc.stdout + proc.stderr)
        assert proc.returncode == code, (args, proc.returncode, proc.stdout[-1500:],
                                         proc.stderr[-1500:])
        if code == 1:
            assert_one_sentence(proc.stderr)
        return proc

    def sql(statement: str, *params: object) -> list[tuple]:
        conn = sqlite3.connect(home / "desk.db")
        try:
            with conn:
                return conn.execute(statement, params).fetchall()
        finally:
            conn.close()

    def make_due(post_id: int) -> None:
        sql("update scheduled_posts set due_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now', "
            "'-1 minute') where id = ?", post_id)

    try:
        (home / "data").mkdir(parents=True)
        # 1. A clean first sync: exit 0, and the items really are in the database.
        synced = run(0, "sync", "--once")
        items = sql("select count(*) from items")[0][0]
        assert "full sync: " in synced.stdout and items >= 30, (synced.stdout, items)
        item, second = (row[0] for row in sql(
            "select id from items where kind = 'comment' and from_page = 0 and "
            "platform_id not like 'noid:%' order by id limit 2"))
        assert "the outbox is empty" in run(0, "outbox").stdout
        # 2. The reply POST is applied on the page, then the connection drops (reset@reply=1):
        # the outbox cannot know, looks on the page, finds the reply there and counts it
        # sent — one POST, exit 0.
        set_faults(fake, "reset@reply=1")
        replied = run(0, "reply", str(item), "Diolch, we are on it", "--send")
        assert "outbox: 1 sent, 0 failed, 0 uncertain" in replied.stdout, replied.stdout
        assert fake.plan.counts() == {"reset": 1} and fake.requests["reply"] == 1
        set_faults(fake)
        assert "outbox: 1 sent" in run(0, "hide", str(item), "--send").stdout
        assert run(0, "outbox", "list").stdout.count(" sent ") == 2
        # 3. A safety post, published although the connection drops after its POST
        # (reset@publish=1): the feed check finds it — one POST, exit 0.
        run(0, "posts", "add", "--cy", "Neges", "--en", "Message", "--at", "2099-01-01 10:00")
        run(0, "posts", "approve", "1")
        make_due(1)
        set_faults(fake, "reset@publish=1")
        assert "published 1 " in run(0, "posts", "publish").stdout
        assert fake.plan.counts() == {"reset": 1} and fake.requests["publish"] == 1
        set_faults(fake)
        listed = json.loads(run(0, "posts", "list", "--json").stdout)
        assert [p["status"] for p in listed["posts"]] == ["published"]
        run(0, "report", "--csv", str(home / "data" / "report.csv"))
        assert (home / "data" / "report.csv").stat().st_size > 100
        assert json.loads(run(0, "report", "--json").stdout)["overall"]["count"] > 0
        assert "audit log OK" in run(0, "audit", "verify").stdout
        # 4. The token expires: a sync, a due safety post and a reply to send each stop with
        # one sentence, exit 1 (the reply stays queued).
        run(0, "posts", "add", "--cy", "Ail", "--en", "Second", "--at", "2099-01-02 10:00")
        run(0, "posts", "approve", "2")
        make_due(2)
        fake.plan.expired = True
        for args in (("sync", "--once"), ("posts", "publish"),
                     ("reply", str(second), "second answer", "--send")):
            assert "renew" in run(1, *args).stderr
        # 5. Renewed (the same token is good again). Facebook rate-limits comment lists for
        # 5 minutes: the sync pauses, exit 1; the queued reply and the due post go out.
        fake.plan.expired = False
        set_faults(fake, "rate_limit@comments=1")
        assert "rate limited" in run(1, "sync", "--once").stderr
        set_faults(fake)
        assert "outbox: 1 sent" in run(0, "outbox", "send").stdout
        assert "published 1 " in run(0, "posts", "publish").stdout
        requests = fake.request_count
    finally:
        fake.stop()
    joined = "\n".join(outputs)
    assert not leaked(token, joined)
    assert "Traceback" not in joined, joined[joined.find("Traceback") - 300:][:3000]
    log = log_file.read_text(encoding="utf-8")
    assert not leaked(token, log), [line for line in log.splitlines()
                                    if leaked(token, line)][:5]
    # The log is no empty talk: httpx logged every request the fake page answered (all but
    # the two POSTs whose connection was dropped) with its URL — the paging links followed
    # too — httpcore its DEBUG events, socialdesk its syncs and the dropped POSTs.
    assert log.count("httpx INFO HTTP Request: ") == requests - 2
    assert f"HTTP Request: GET {fake.url}/v25.0/{fake.page_id}/conversations?" in log
    assert "&after=" in log and "HTTP Request: POST " in log
    assert "httpcore.http11 DEBUG send_request_headers" in log
    assert "socialdesk.sync INFO" in log and "socialdesk.outbox WARNING" in log
    written = everything_written(home)
    assert not leaked(token, written) and len(written) > 10_000
    _add(tally, "tokens tried (full no-leak checks)", 1)
    _add(tally, "cli commands scanned", len(outputs))
    _add(tally, "log bytes scanned", len(log.encode()))
    _add(tally, "bytes of DB, WAL, exports scanned", len(written))


#: Tokens check_token refuses (a character no page token holds), by what is wrong; each holds
#: a marker that must not be shown either.
REFUSED = {what: f"EAAGrefusedMarker{odd}" + "q" * 20 for what, odd in (
    ("space", " space"), ("percent", "%2Bpercent"), ("quote", '"quote'),
    ("backslash", "\\backslash"), ("non-ascii", "café"), ("tab", "\ttab"))}


@pytest.mark.parametrize("token", list(REFUSED.values()), ids=list(REFUSED))
def test_a_token_with_characters_no_token_holds_is_refused_without_showing_it(
        tmp_path: Path, tally, token: str) -> None:
    # The fake page takes this very token: had socialdesk accepted it, the sync would work.
    fake = start_fake(seed=504, token=token, posts=1, comments=2, conversations=0)
    token_file = tmp_path / "page-token"
    token_file.write_text(token + "\n", encoding="utf-8")
    token_file.chmod(0o600)
    base = {k: v for k, v in os.environ.items() if k != "SOCIALDESK_PAGE_TOKEN"}
    base.update(SOCIALDESK_DB=str(tmp_path / "d.db"), SOCIALDESK_DATA_DIR=str(tmp_path / "data"))
    try:
        for where, env in (
                ("the environment variable SOCIALDESK_PAGE_TOKEN",
                 {**base, "SOCIALDESK_PAGE_TOKEN": token,
                  "SOCIALDESK_CONFIG": str(config_for(tmp_path, fake, os_account()))}),
                (f"the file {token_file}",
                 {**base, "SOCIALDESK_CONFIG": str(config_for(tmp_path, fake, os_account(),
                                                              str(token_file)))})):
            proc = subprocess.run([sys.executable, "-m", "socialdesk", "sync", "--once"],
                                  env=env, capture_output=True, text=True, timeout=60)
            assert proc.returncode == 1, (where, proc.stdout, proc.stderr)
            assert_one_sentence(proc.stderr)
            assert f"The page token in {where} holds characters a page token cannot hold" \
                in proc.stderr, proc.stderr
            shown = proc.stdout + proc.stderr
            assert not leaked(token, shown) and "refusedMarker" not in shown
        assert fake.request_count == 0
    finally:
        fake.stop()
    _add(tally, "tokens refused when loaded", 1)


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_a_two_line_token_file_is_refused_naming_the_file_and_showing_neither_line(
        tmp_path: Path, tally, newline: str) -> None:
    other = "EAAGsecondLineOtherSecret" + "z" * 30
    # The first line is the page's real token: had socialdesk used it, the sync would work.
    fake = start_fake(seed=505, token=TOKEN, posts=1, comments=2, conversations=0)
    token_file = tmp_path / "page-token"
    token_file.write_bytes(f"{TOKEN}{newline}{other}{newline}".encode())
    token_file.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if k != "SOCIALDESK_PAGE_TOKEN"}
    env.update(SOCIALDESK_CONFIG=str(config_for(tmp_path, fake, os_account(),
                                                str(token_file))),
               SOCIALDESK_DB=str(tmp_path / "d.db"), SOCIALDESK_DATA_DIR=str(tmp_path / "data"))
    try:
        proc = subprocess.run([sys.executable, "-m", "socialdesk", "sync", "--once"],
                              env=env, capture_output=True, text=True, timeout=60)
        requests = fake.request_count
    finally:
        fake.stop()
    assert proc.returncode == 1 and requests == 0, (proc.stdout, proc.stderr)
    assert_one_sentence(proc.stderr)
    assert f"The page token in the file {token_file} holds more than one line" in proc.stderr
    shown = proc.stdout + proc.stderr
    assert not leaked(TOKEN, shown) and not leaked(other, shown)
    assert "EAAG" not in shown
    _add(tally, "tokens refused when loaded", 1)


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


@pytest.mark.parametrize("token", [TOKEN, ODD_TOKEN], ids=["alphanumeric", "odd-characters"])
def test_reprs_a_traceback_with_locals_would_print_hide_the_token(token: str) -> None:
    client = GraphClient("http://127.0.0.1:9", "v25.0", "1", PageToken(token))
    try:
        for shown in (repr(client), pretty_repr(client), repr(client.token),
                      pretty_repr({"self": client, "token": client.token})):
            assert not leaked(token, shown)
    finally:
        client.close()


@pytest.mark.parametrize("screen_key", ["", "t", "s"])
async def test_dashboard_screens_never_show_the_token(tmp_path: Path, config, monkeypatch,
                                                      screen_key: str) -> None:
    from dataclasses import replace

    from socialdesk.config import AccessConfig
    from socialdesk.core.desk import Desk
    from socialdesk.core.desk.events import SyncPhase
    from socialdesk.ui.app import build_app
    from socialdesk.ui.widgets.inbox_table import InboxTable
    from tests.ingest_helpers import page_config
    from tests.ui_helpers import settle

    fake = start_fake(seed=503, token=TOKEN, posts=2, comments=10, conversations=2,
                      faults=("server_error=0.3", "token_expired=#12"))
    monkeypatch.setenv(config.page.token_env, TOKEN)
    live = replace(config, page=page_config(config, fake),
                   access=AccessConfig(members={"tester": "supervisor"}))
    desk = Desk(live, tmp_path / "ui.db", actor="tester")
    app = build_app(desk, load_model=False)

    def synced() -> bool:   # a pass over the page finished (server errors and all) and the
        table = app.screen.query_one(InboxTable)    # inbox shows what it brought
        return app.desk_state.sync.phase not in (SyncPhase.STARTING, SyncPhase.OFF) \
            and len(table.ids) > 0

    try:
        async with app.run_test(size=(160, 50)) as pilot:
            for _ in range(150):   # not a fixed 6 s: the first pass takes about one
                if synced():
                    break
                await pilot.pause(0.2)
            assert synced(), app.desk_state.sync
            if screen_key:
                await pilot.press(screen_key)
            await settle(pilot, app)
            screen = app.export_screenshot()
            notes = " ".join(n.message for n in app._notifications)
            assert {"": "Claim", "t": "Needs", "s": "Period"}[screen_key] in screen
            assert TOKEN not in screen and TOKEN not in notes
    finally:
        fake.stop()
