"""`socialdesk tag / untag / tags / close / assign / merge` and `report --by tag`, run in
process through :func:`socialdesk.cli.main` on a real database file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from socialdesk.cli import main
from tests.conftest import BUNDLED_CONFIG, os_account

TEXTS = [
    "Is this text about a parcel fee a scam? Holyhead",
    "Another scam text in Caergybi, asking for my bank details",
    "Quads racing on the beach at Benllech again",
    "Diolch yn fawr!",
]


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
    source.write_text("".join(json.dumps({"text": text, "created_at":
                                          f"2026-11-2{n}T10:00:00Z"}) + "\n"
                              for n, text in enumerate(TEXTS)), encoding="utf-8")

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    assert run("import", str(source))[0] == 0
    return run


def db(tmp_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(tmp_path / "cli.db")


def test_tag_untag_and_the_tag_list(cli, tmp_path: Path) -> None:
    assert cli("tag", "1", "scam", "Caergybi") == (0, "tagged #1 scam, #1 holyhead\n", "")
    assert cli("tag", "1,2", "scam")[1] == "tagged #2 scam\n"
    code, out, _err = cli("tags")
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert lines["scam"].split()[1] == "2" and "Scam / Sgam" in lines["scam"]
    assert lines["holyhead"].split()[1] == "1" and "Holyhead / Caergybi" in lines["holyhead"]
    assert lines["road-safety"].split()[1] == "0"
    assert cli("untag", "1", "holyhead") == (0, "untagged #1 holyhead\n", "")
    assert db(tmp_path).execute("select item_id, tag from item_tags order by 1").fetchall() \
        == [(1, "scam"), (2, "scam")]


def test_an_unknown_tag_is_one_sentence_and_exit_1(cli) -> None:
    code, out, err = cli("tag", "1", "scamz")
    assert code == 1 and out == ""
    assert err.startswith("socialdesk: 'scamz' is not a tag") and err.count("\n") == 1


def test_close_several_names_the_skipped(cli, tmp_path: Path) -> None:
    assert cli("close", "4", "--reason", "no reply needed")[0] == 0
    code, out, err = cli("close", "3", "4", "--reason", "duplicate")
    assert code == 0
    assert out == "closed #3 (duplicate)\n"
    assert err == "socialdesk: Skipped #4 (already closed).\n"
    code, _out, err = cli("close", "4", "--reason", "duplicate")
    assert code == 1 and "Nothing was done" in err
    code, _out, err = cli("close", "1", "--reason", "whatever")
    assert code == 1 and "'whatever' is not a close reason" in err


def test_merge_and_assign(cli, tmp_path: Path) -> None:
    assert cli("merge", "1", "2", "1") == (
        0, "merged #2 into #1 (closed as duplicates)\n",
        "socialdesk: Skipped #1 (an item cannot be a duplicate of itself).\n")
    assert db(tmp_path).execute("select status, close_reason, duplicate_of from items "
                                "where id = 2").fetchone() == ("closed", "duplicate", 1)
    code, _out, err = cli("merge", "2", "3")
    assert code == 1 and "is itself a duplicate of #1" in err
    code, _out, err = cli("assign", "sioned", "1", "3")
    assert code == 1 and err.startswith("socialdesk: Only a supervisor can assign")


def test_report_by_tag_counts_an_item_in_each_of_its_tags(cli) -> None:
    cli("tag", "1", "scam", "holyhead")
    cli("tag", "2", "scam")
    data = json.loads(cli("report", "--json", "--by", "tag")[1])
    groups = {g["key"]: g["count"] for g in data["by"]["tag"]}
    # hand count: #1 scam + holyhead, #2 scam, #3 and #4 untagged
    assert groups == {"holyhead": 1, "scam": 2, "(no tag)": 2}
    assert data["overall"]["count"] == 4
    text = cli("report", "--by", "tag")[1]
    assert "by tag (an item with two tags counts in both groups)" in text
    assert sorted(cli("report", "--items", "tag=scam")[1].split()) == ["1", "2"]


def test_an_empty_item_list_is_one_sentence(cli) -> None:
    for args in (("tag", ",", "scam"), ("close", ",", "--reason", "duplicate"),
                 ("assign", "ann", ",")):
        code, _out, err = cli(*args)
        assert code == 1 and err == ("socialdesk: Say which items: their numbers (12 13 or "
                                     "12,13,14) or platform ids.\n")
