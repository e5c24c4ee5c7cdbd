"""`socialdesk person`, `person link|unlink`, `marker set|remove` and `markers`, run in
process through :func:`socialdesk.cli.main` on a real database file."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from socialdesk.cli import main
from socialdesk.config import load_config
from socialdesk.core.desk import Desk
from socialdesk.core.models import utc_now
from tests.conftest import BUNDLED_CONFIG, assert_one_sentence, os_account

#: (author id, name, text, days ago)
ROWS = [
    ("psid-1", "Glenys", "Someone keeps ringing me about my bank", 20),
    ("psid-1", "Glenys", "They rang again [bold]today[/]", 2),
    ("psid-9", "Glenys Owen", "It's me Glenys on my daughter's phone", 1),
    ("psid-5", "Huw", "Lost dog near Rhosneigr", 3),
]


def review() -> str:
    return (utc_now().date() + timedelta(days=60)).isoformat()


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run socialdesk in this process as an officer; returns (exit code, stdout, stderr)."""
    config = tmp_path / "socialdesk.toml"
    config.write_text(BUNDLED_CONFIG.read_text(encoding="utf-8").replace(
        "[members]\n", f'[members]\n"{os_account()}" = "officer"\nsioned = "supervisor"\n'),
        encoding="utf-8")
    monkeypatch.setenv("SOCIALDESK_CONFIG", str(config))
    monkeypatch.setenv("SOCIALDESK_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("SOCIALDESK_DATA_DIR", str(tmp_path / "data"))
    source = tmp_path / "in.jsonl"
    now = utc_now()
    source.write_text("".join(json.dumps({
        "text": text, "author": name, "kind": "message",
        "created_at": (now - timedelta(days=ago)).isoformat()}) + "\n"
        for _a, name, text, ago in ROWS), encoding="utf-8")

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    assert run("import", str(source))[0] == 0
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        for n, (author, *_rest) in enumerate(ROWS, start=1):
            conn.execute("update items set author_id = ? where id = ?", (author, n))
    return run


def test_person_history_link_and_unlink(cli, tmp_path: Path) -> None:
    code, out, err = cli("person", "psid-1")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Glenys · ids: psid-1 · 2 contacts"
    assert "#2" in lines[1] and "They rang again [bold]today[/]" in lines[1]   # newest first
    assert "#1" in lines[2]
    assert cli("person", "link", "psid-1", "3") == (
        0, "linked psid-1 and psid-9: psid-1, psid-9\n", "")   # an item number names its author
    out = cli("person", "4")[1]
    assert out.startswith("Huw · ids: psid-5 · 1 contact\n")
    out = cli("person", "psid-9")[1]
    assert out.splitlines()[0] == "Glenys Owen · ids: psid-9, psid-1 · 3 contacts"
    assert cli("person", "unlink", "psid-9")[1] == "psid-9 is a person by itself again\n"
    with sqlite3.connect(tmp_path / "cli.db") as conn:   # items named, never author ids
        audit = conn.execute("select action, subject, payload from audit_log "
                             "where action like '%person'").fetchall()
    assert audit == [("link_person", "2", '{"with_item": 3}'), ("unlink_person", "3", "{}")]
    assert cli("person", "psid-1")[1].splitlines()[0].endswith("2 contacts")


@pytest.mark.parametrize(("args", "words"), [
    (("person", "nobody"), "There is no person or item 'nobody'."),
    (("person", "link", "psid-1"), "Link takes two ids"),
    (("person", "link", "psid-1", "psid-1"), "two different author ids"),
    (("person", "unlink", "psid-5"), "psid-5 is not linked to anyone"),
    (("marker", "set", "psid-5", "--kind", "nosy", "--reason", "x", "--review", "2099-01-01"),
     "A marker's kind is one of: vulnerable adult, child at risk, repeat victim, other"),
    (("marker", "set", "psid-5", "--kind", "other", "--reason", "x", "--review", "soon"),
     "The review date must be a date like"),
    (("marker", "remove", "psid-5"), "Only a supervisor can remove a safeguarding marker"),
])
def test_mistakes_are_one_sentence(cli, capsys, args, words) -> None:
    code, _out, err = cli(*args)
    assert code == 1 and words in err
    assert_one_sentence(err)


def test_marker_set_list_and_remove_by_a_supervisor(cli, tmp_path: Path) -> None:
    code, out, _err = cli("marker", "set", "psid-1", "--kind", "vulnerable adult",
                          "--reason", "Lives alone, targeted by phone scams",
                          "--review", review())
    assert code == 0 and out == f"marker #1 on psid-1: vulnerable adult, review {review()}\n"
    out = cli("person", "2")[1]
    assert out.splitlines()[1].startswith("SAFEGUARDING: vulnerable adult · review ")
    assert "Lives alone, targeted by phone scams" in out
    listed = cli("markers")[1]
    assert "vulnerable adult" in listed and "psid-1" in listed and "Glenys" in listed
    assert cli("markers", "--due")[1] == "(no markers due for review)\n"
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        conn.execute("update safeguarding_markers set review_on = '2020-01-01'")
        payloads = " ".join(r[0] for r in conn.execute("select payload from audit_log"))
    assert "Lives alone" not in payloads
    assert "#1" in cli("markers", "--due")[1]
    config = load_config(tmp_path / "socialdesk.toml")
    Desk(config, tmp_path / "cli.db", actor="sioned").team.set_member(os_account(),
                                                                       "supervisor")
    assert cli("marker", "remove", "psid-1") == (0, "marker #1 on psid-1 removed\n", "")
    assert cli("markers")[1] == "(no markers)\n"
