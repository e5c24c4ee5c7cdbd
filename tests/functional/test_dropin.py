"""Drop-in sessions end to end: the announcement goes through the real safety-post workflow to
the fake page (approval, Welsh first, the crisis pause), moving and cancelling after it went out
draft the follow-up posts, and the `socialdesk dropin` commands (run in-process so that
time-machine holds the clock)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from socialdesk.cli import main
from socialdesk.config import Config
from tests.conftest import BUNDLED_CONFIG, assert_one_sentence, os_account
from tests.functional.test_posts import Desks
from tests.ingest_helpers import page_config, start_fake

MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def page_desks(tmp_path: Path, config: Config):
    """An officer (tester) and a supervisor (rhian) on one database, publishing to a fake
    page."""
    fake = start_fake(posts=3, comments=5, conversations=1)
    members = {**config.access.members, "rhian": "supervisor"}
    cfg = replace(config, page=page_config(config, fake),
                  access=replace(config.access, members=members))
    desks = Desks(cfg, tmp_path / "dropin.db", fake)
    yield desks
    fake.stop()
    desks.officer.close()
    desks.supervisor.close()


def test_the_announcement_goes_out_welsh_first_and_a_move_after_it_is_announced_too(
        page_desks: Desks) -> None:
    d = page_desks
    with time_machine.travel(MONDAY, tick=True) as clock:
        planned = d.officer.dropins.plan("2026-12-09 18:00", "19:30", "Holyhead")
        assert d.round().published == []              # a draft: nothing goes out
        d.supervisor.posts.approve(planned.post_id)
        clock.move_to(at("2026-12-08 18:00:05"))
        assert d.round().published == [planned.post_id]
        [text] = d.published()
        assert text.startswith("💬 Sesiwn galw heibio rithiol.")
        assert text.index("dydd Mercher 9 Rhagfyr") < text.index("Wednesday 9 December")
        # moved after it went out: the page is told with a new post, the old one stands
        moved = d.officer.dropins.move(planned.session.id, "2026-12-10 18:00", "19:00")
        assert moved.post_kind == "moved" and moved.post_id != planned.post_id
        assert "has gone out" in moved.note
        assert moved.announce_at == at("2026-12-08 18:16")
        # moved again before the new-time post went out: that post is redrafted, still soon
        again = d.officer.dropins.move(planned.session.id, "2026-12-11 18:00", "19:00")
        assert (again.post_id, again.post_kind) == (moved.post_id, "moved")
        assert again.announce_at == at("2026-12-08 18:16") and "redrafted" in again.note
        d.supervisor.posts.approve(moved.post_id)
        clock.move_to(at("2026-12-08 18:16:05"))
        assert d.round().published == [moved.post_id]
        assert d.published()[1].startswith("🔁 Newid amser: mae ein sesiwn galw heibio "
                                           "rithiol wedi symud.")
        assert "📅 New time: Friday 11 December, 18:00–19:00" in d.published()[1]
        assert "📅 Amser newydd: dydd Gwener 11 Rhagfyr, 18:00–19:00" in d.published()[1]
        # cancelled now: both went out, so a cancellation post is drafted
        cancelled = d.officer.dropins.cancel(planned.session.id, "storm warning")
        assert cancelled.post_kind == "cancelled" and cancelled.post_id is not None
        post = d.officer.posts.get(cancelled.post_id)
        assert post["status"] == "draft" and post["text_cy"].startswith(
            "❌ Mae'n ddrwg gennym ni — bu'n rhaid canslo ein sesiwn galw heibio rithiol")
        kinds = [p["kind"] for p in d.officer.dropins.get(planned.session.id).posts]
        assert kinds == ["announce", "moved", "cancelled"]
        assert d.supervisor.verify_audit().ok


def test_the_crisis_pause_holds_a_drop_in_announcement_like_any_post(
        page_desks: Desks) -> None:
    d = page_desks
    with time_machine.travel(MONDAY, tick=True) as clock:
        planned = d.officer.dropins.plan("2026-12-07 18:00", "19:00", "Amlwch",
                                         announce="2026-12-07 12:00")
        d.supervisor.posts.approve(planned.post_id)
        d.supervisor.posts.pause("Major incident at Llangefni")
        clock.move_to(at("2026-12-07 12:00:05"))
        assert d.round().paused and d.published() == []
        d.supervisor.posts.resume()
        assert d.round().published == [planned.post_id]


# ── the command line ─────────────────────────────────────────────────────────────────────────


def config_file(tmp_path: Path, role: str) -> Path:
    """The bundled config with the account running the tests as ``role`` (and sioned as the
    supervisor who creates the database)."""
    path = tmp_path / f"{role}.toml"
    path.write_text(BUNDLED_CONFIG.read_text(encoding="utf-8").replace(
        "[members]\n", f'[members]\n"{os_account()}" = "{role}"\nsioned = "supervisor"\n'
        'gethin = "officer"\n'), encoding="utf-8")
    return path


@pytest.fixture
def cli(tmp_path: Path, monkeypatch, capsys):
    """Run `socialdesk …` in this process as an officer on Monday morning."""
    monkeypatch.setenv("SOCIALDESK_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("SOCIALDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SOCIALDESK_CONFIG", str(config_file(tmp_path, "officer")))

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    with time_machine.travel(MONDAY, tick=False):
        assert run("import", str(empty_import(tmp_path)))[0] == 0    # the database exists
        yield run


def empty_import(tmp_path: Path) -> Path:
    path = tmp_path / "none.jsonl"
    path.write_text("", encoding="utf-8")
    return path


def test_cli_plan_list_and_report(cli) -> None:
    code, out, err = cli("dropin", "plan", "--start", "2026-12-08 18:00", "--end", "19:30",
                         "--topic", "Scams and fraud", "--topic-cy", "Sgamiau a thwyll")
    assert code == 0, err
    assert out.splitlines()[0] == ("drop-in session 1 planned: Tue 08 Dec 2026 18:00–19:30 "
                                   "GMT — Sgamiau a thwyll / Scams and fraud")
    assert ("post 1 (announce) goes out Mon 07 Dec 2026 18:00 GMT; it is a draft: a "
            "supervisor approves it ('socialdesk posts approve 1')") in out
    code, out, _err = cli("dropin")                                  # list is the default
    assert code == 0 and "planned" in out.splitlines()[1] and "1 draft" in out
    code, out, _err = cli("posts", "show", "1")
    assert "Sesiwn galw heibio rithiol" in out and "dydd Mawrth 8 Rhagfyr" in out
    code, out, _err = cli("dropin", "list", "--json")
    [session] = json.loads(out)
    assert session["state"] == "planned" and session["posts"][0]["status"] == "draft"
    code, out, _err = cli("dropin", "report", "1")
    assert code == 0 and out.splitlines()[1].startswith("State           not started yet")
    report = json.loads(cli("dropin", "report", "1", "--json")[1])
    assert report["contacts"] == 0 and report["session"]["topic_cy"] == "Sgamiau a thwyll"


def test_cli_report_of_a_held_session(cli, tmp_path: Path) -> None:
    assert cli("dropin", "plan", "--start", "2026-12-07 13:00", "--end", "15:00", "--topic",
               "Holyhead")[0] == 0
    seed_items_file = tmp_path / "held.jsonl"
    rows = [{"text": "Mae rhywun yn trio drysau ceir rŵan", "kind": "message",
             "created_at": "2026-12-07T13:10:00Z"},
            {"text": "Thanks for doing this!", "kind": "comment", "post": "Drop-in today",
             "created_at": "2026-12-07T14:40:00Z"},
            {"text": "Before the session", "created_at": "2026-12-07T12:00:00Z"}]
    seed_items_file.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert cli("import", str(seed_items_file))[0] == 0
    with sqlite3.connect(tmp_path / "cli.db") as conn:       # labelled and answered
        conn.execute("update items set language = 'cy', category = 'report', urgent = 1, "
                     "status = 'answered', first_response_at = '2026-12-07T13:14:00+00:00', "
                     "first_response_by = 'gethin' where text like 'Mae rhywun%'")
        conn.execute("update items set language = 'en', category = 'chat' where text like "
                     "'Thanks%'")
    with time_machine.travel(at("2026-12-07 16:00"), tick=False):
        code, out, err = cli("dropin", "report", "1")
        assert code == 0, err
        lines = {line[:16].strip(): line[16:] for line in out.splitlines()}
        assert lines["Contacts"] == "2 from 2 people not known by name (1 comment, 1 message)"
        assert lines["Answered by"] == "gethin 1"
        assert lines["Categories"] == "report 1 · concern 0 · chat 1"
        assert lines["Languages"] == "Welsh 1 · English 1 · mixed 0"
        assert lines["Answered"] == ("1 in the session · 0 later · 0 closed, no reply · "
                                     "1 waiting")
        assert lines["Urgent"] == ("1 — answered in the session — first response median 4m, "
                                   "slowest 4m")
        report = json.loads(cli("dropin", "report", "1", "--json")[1])
        assert report["state"] == "over" and report["answered_by"] == {"gethin": 1}
        assert report["urgent"]["slowest_minutes"] == 4.0 and len(report["item_ids"]) == 2


def test_cli_move_cancel_and_refusals_in_one_sentence(cli, tmp_path: Path) -> None:
    assert cli("dropin", "plan", "--start", "2026-12-08 18:00", "--end", "19:30", "--topic",
               "Holyhead")[0] == 0
    for args, words in [
        (("dropin", "plan", "--start", "2026-12-08 19:00", "--end", "20:00", "--topic", "x"),
         "already planned at that time"),
        (("dropin", "plan", "--start", "2026-12-01 19:00", "--end", "20:00", "--topic", "x"),
         "has passed"),
        (("dropin", "plan", "--start", "tomorrow", "--end", "20:00", "--topic", "x"),
         "not a local time"),
        (("dropin", "cancel", "7"), "There is no drop-in session 7"),
        (("dropin", "report", "7"), "There is no drop-in session 7"),
    ]:
        code, _out, err = cli(*args)
        assert code == 1 and words in err, err
        assert_one_sentence(err)
    code, out, err = cli("dropin", "move", "1", "--start", "2026-12-09 18:00", "--end", "19:00")
    assert code == 0 and "redrafted for the new time" in out, err
    code, out, err = cli("dropin", "cancel", "1", "--reason", "storm")
    assert code == 0 and "was cancelled before going out" in out, err
    code, out, _err = cli("dropin", "list")
    assert "cancelled" in out.splitlines()[1]
    with pytest.raises(SystemExit) as usage:                       # bad usage: exit 2
        cli("dropin", "plan", "--start", "2026-12-08 18:00")
    assert usage.value.code == 2
    actions = [r[0] for r in sqlite3.connect(tmp_path / "cli.db").execute(
        "select action from audit_log where action like 'dropin%' order by id")]
    assert actions == ["dropin_plan", "dropin_move", "dropin_cancel"]


def test_cli_another_officers_session_is_cancelled_by_a_supervisor(cli, tmp_path: Path) -> None:
    from socialdesk.config import load_config
    from socialdesk.core.desk import Desk

    config = load_config(config_file(tmp_path, "officer"))
    gethin = Desk(config, tmp_path / "cli.db", actor="gethin")
    session = gethin.dropins.plan("2026-12-08 18:00", "19:30", "Amlwch").session.id
    gethin.close()
    code, _out, err = cli("dropin", "cancel", str(session))
    assert code == 1 and "gethin planned drop-in session 1, so only they or a supervisor "\
        "can cancel it" in err
    assert_one_sentence(err)
    sioned = Desk(config, tmp_path / "cli.db", actor="sioned")   # makes this account one
    sioned.team.set_member(os_account(), "supervisor")
    sioned.close()
    code, out, err = cli("dropin", "cancel", str(session))
    assert code == 0 and "cancelled before going out" in out, err



def test_cli_session_report_carries_the_audit_chain(cli, tmp_path: Path) -> None:
    """Issue 19 (review): every report carries the chain's row count and head — the drop-in
    session's report (text and JSON) did not."""
    assert cli("dropin", "plan", "--start", "2026-12-08 18:00", "--end", "19:30",
               "--topic", "Scams")[0] == 0
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        rows = conn.execute("select hash from audit_log order by id").fetchall()
    report = json.loads(cli("dropin", "report", "1", "--json")[1])
    assert report["audit_chain"] == {"rows": len(rows), "head": rows[-1][0]}
    out = cli("dropin", "report", "1")[1]
    assert f"Audit chain     {len(rows):,} rows, head {rows[-1][0]}" in out.splitlines()
