"""snooze, unsnooze, note (@mentions) and handover from the command line, in process, on a
real database file."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from socialdesk.cli import main
from socialdesk.config import load_config
from socialdesk.core.desk import Desk
from socialdesk.core.models import InboxFilter, utc_now
from tests.conftest import assert_one_sentence, os_account


@pytest.fixture
def cli(tmp_path: Path, team_config_file: Path, capsys):
    """Run `socialdesk ARGS` in this process as the OS account (an officer); (code, out, err)."""
    db = tmp_path / "cli.db"

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--config", str(team_config_file), "--db", str(db), *args])
        out, err = capsys.readouterr()
        return code, out, err

    items = tmp_path / "items.jsonl"
    items.write_text("".join(json.dumps({
        "text": text, "kind": "message", "author": author, "thread": f"t{n}",
        "created_at": (utc_now() - timedelta(minutes=10 + n)).isoformat()}) + "\n"
        for n, (text, author) in enumerate([
            ("worried about my neighbour in Amlwch", "Dave Roberts"),
            ("my bike was taken from outside the Spar", "Elin Wyn")])), encoding="utf-8")
    assert run("import", str(items))[0] == 0
    run.desk = lambda actor: Desk(load_config(team_config_file), db, actor=actor)  # type: ignore[attr-defined]
    return run


def test_snooze_and_unsnooze(cli) -> None:
    code, out, err = cli("snooze", "1", "tomorrow", "09:00", "--note", "ring back")
    assert code == 0, err
    assert out.startswith("item 1 is snoozed until ") and "09:00 (Europe/London)" in out
    me = cli.desk(os_account())
    assert me.inbox_ids(InboxFilter(view="snoozed")) == [1]
    assert me.inbox_ids(InboxFilter(view="todo")) == [2]
    code, out, _ = cli("unsnooze", "1")
    assert code == 0 and out.strip() == "item 1 is back in To do"
    assert sorted(me.inbox_ids(InboxFilter(view="todo"))) == [1, 2]


@pytest.mark.parametrize(("args", "says"), [
    (("snooze", "1", "yesterday"), "'yesterday' is not a time socialdesk understands"),
    (("snooze", "1", "2020-01-01", "10:00"), "is not in the future"),
    (("snooze", "9", "+1h"), "There is no item '9'."),
    (("unsnooze", "2"), "Item 2 is not snoozed."),
    (("note", "1", "ask @nobody"), "@nobody is not a member of this desk; mention one of: "),
    (("handover", "write"), "Give the note as TEXT or with --file F"),
    (("handover", "write", "--file", "/nonexistent/handover.txt"), "cannot be read"),
])
def test_mistakes_are_one_sentence(cli, args, says) -> None:
    code, out, err = cli(*args)
    assert code == 1 and out == ""
    assert_one_sentence(err)
    assert says in err


def test_note_with_a_mention_notifies_that_member(cli) -> None:
    code, out, err = cli("note", "2", "@sioned can you look at this one? the Spar has CCTV")
    assert code == 0, err
    assert out.strip() == "note #1 added to item 2; told sioned"
    (notice,) = cli.desk("sioned").notices.after(0)
    assert notice.kind == "mention" and notice.item_id == 2
    assert notice.text.startswith(f"{os_account()} mentioned you on #2: @sioned can you")
    assert cli.desk("sioned").inbox_ids(InboxFilter(view="mentioned")) == [2]


def test_handover_write_and_show(cli, tmp_path: Path) -> None:
    assert cli("handover")[1].strip() == "(no handover notes)"
    code, out, _ = cli("handover", "write", "Amlwch: daughter rings back after 4")
    assert code == 0 and out.startswith("handover note #1 written")
    note = tmp_path / "handover.txt"
    note.write_text("Benllech quads:\n[bold]beach patrol[/] asked\x1b[31m\n", encoding="utf-8")
    assert cli("handover", "write", "--file", str(note))[0] == 0
    code, out, _ = cli("handover", "show")
    assert code == 0
    assert out.index("Benllech quads:") < out.index("Amlwch: daughter")   # newest first
    assert "[bold]beach patrol[/] asked⍰[31m" in out and "\x1b" not in out
    assert f" {os_account()}:" in out
    assert cli("handover", "show", "--all")[1] == out
    sioned = cli.desk("sioned")
    assert [n["id"] for n in sioned.handover.since_last_start()] == [2, 1]
