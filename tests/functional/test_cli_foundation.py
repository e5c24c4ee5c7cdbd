"""The CLI as a user runs it: real subprocesses, real temp DB files."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, assert_one_sentence


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)
                              for r in records) + "\n", encoding="utf-8")
    return path


def db_count(tmp_path: Path) -> int:
    return sqlite3.connect(tmp_path / "cli.db").execute("select count(*) from items").fetchone()[0]


def test_import_is_idempotent_and_reports_counts(tmp_path: Path, run_cli) -> None:
    path = write_jsonl(tmp_path / "page.jsonl", [
        {"id": "c1", "kind": "comment", "text": "Well done all 👏", "post": "Bike marking"},
        {"id": "m1", "kind": "message", "text": "Mae rhywun wedi dwyn fy meic o Lidl Llangefni"},
        {"text": "Is this text about a parcel a scam?", "author": "Bethan"},
    ])
    first = run_cli("import", str(path))
    assert first.code == 0, first.err
    assert first.out.startswith("imported 3, duplicate 0, skipped 0")
    second = run_cli("import", str(path))
    assert second.code == 0 and second.out.startswith("imported 0, duplicate 3, skipped 0")
    assert db_count(tmp_path) == 3
    actions = sqlite3.connect(tmp_path / "cli.db").execute(
        "select action, payload from audit_log order by id").fetchall()
    # the first run also records the configuration it ran with (config changes are audited)
    assert [a for a, _ in actions] == ["team_seeded", "config", "import", "import"]
    assert json.loads(actions[2][1]) == {"imported": 3, "duplicates": 0, "skipped": 0}


def test_malformed_lines_skipped_listed_and_exit_1(tmp_path: Path, run_cli) -> None:
    path = write_jsonl(tmp_path / "page.jsonl", [
        {"text": "good one"}, "{oops", {"text": ""}, {"text": "good two"}])
    result = run_cli("import", str(path))
    assert result.code == 1
    assert "imported 2, duplicate 0, skipped 2" in result.out
    assert "skipped line 2: not valid JSON" in result.out
    assert "skipped line 3: 'text' is missing or empty" in result.out
    assert_one_sentence(result.err)
    assert "2 lines of" in result.err
    assert db_count(tmp_path) == 2


def test_many_bad_lines_are_summarised(tmp_path: Path, run_cli) -> None:
    path = write_jsonl(tmp_path / "junk.jsonl", ["{bad"] * 30 + [{"text": "ok"}])
    result = run_cli("import", str(path))
    assert result.code == 1 and "… and 10 more skipped lines" in result.out
    assert db_count(tmp_path) == 1


@pytest.mark.parametrize(("args", "needle"), [
    (["import", "nothing.jsonl"], "no such file"),
    (["import", "sheet.xlsx"], "unknown file type"),
])
def test_unusable_import_file_is_one_sentence(tmp_path: Path, run_cli, args, needle) -> None:
    (tmp_path / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    result = run_cli(*args)
    assert result.code == 1 and needle in result.err
    assert_one_sentence(result.err)


def test_bad_config_is_one_sentence_naming_the_key(tmp_path: Path, run_cli) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[sla]\nurgent = "asap"\n')
    for args in (["config", "check"], ["import", "x.jsonl"]):
        result = run_cli(*args, env={"SOCIALDESK_CONFIG": str(bad)})
        assert result.code == 1
        assert_one_sentence(result.err)
        assert str(bad) in result.err and "[sla] urgent" in result.err and "'asap'" in result.err


def test_config_flag_after_the_command_and_check_ok(tmp_path: Path, run_cli) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[team]\nname = "Tîm Ynys Môn"\n[members]\nrhian = "supervisor"\n')
    result = run_cli("config", "check", "--config", str(good))
    assert result.code == 0, result.err
    assert "OK" in result.out and "Tîm Ynys Môn" in result.out and "1 members" in result.out


def test_newer_database_is_one_sentence(tmp_path: Path, run_cli) -> None:
    db = tmp_path / "cli.db"
    conn = sqlite3.connect(db)
    conn.execute("pragma user_version = 999")
    conn.close()
    path = write_jsonl(tmp_path / "a.jsonl", [{"text": "x"}])
    result = run_cli("import", str(path))
    assert result.code == 1 and "upgrade socialdesk" in result.err
    assert_one_sentence(result.err)


def test_locked_database_is_one_sentence_and_loses_nothing(tmp_path: Path, run_cli) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [{"text": "x"}])
    assert run_cli("import", str(path)).code == 0
    holder = sqlite3.connect(tmp_path / "cli.db", isolation_level=None)
    holder.execute("begin exclusive")
    try:
        path2 = write_jsonl(tmp_path / "b.jsonl", [{"text": "y"}])
        result = run_cli("import", str(path2), env={"SOCIALDESK_BUSY_TIMEOUT_MS": "300"})
    finally:
        holder.execute("rollback")
    assert result.code == 1 and "is busy" in result.err
    assert_one_sentence(result.err)
    assert run_cli("import", str(path2)).code == 0
    assert db_count(tmp_path) == 2


def test_bad_usage_exits_2(run_cli) -> None:
    assert run_cli("frobnicate").code == 2
    assert run_cli("import").code == 2
    assert run_cli("config").code == 2


def test_locate_names_every_place(tmp_path: Path, run_cli) -> None:
    result = run_cli("locate")
    assert result.code == 0
    for label in ("config", "prompts", "data dir", "database"):
        assert label in result.out
    assert str(tmp_path / "cli.db") in result.out


def test_installed_wheel_finds_bundled_config_and_prompts(tmp_path: Path) -> None:
    """`pip install .` (not editable): locate and config check work from another directory."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(wheels), str(REPO)], check=True, capture_output=True)
    (wheel,) = wheels.glob("socialdesk-*.whl")
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(target)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "socialdesk", *args], cwd=elsewhere,
                              env=env, capture_output=True, text=True)

    located = run("locate")
    assert located.returncode == 0, located.stderr
    bundled = target / "socialdesk" / "_bundled"
    assert f"prompts        {bundled / 'prompts'}" in located.stdout
    assert f"default config {bundled / 'config' / 'socialdesk.toml'}" in located.stdout
    checked = run("config", "check")
    assert checked.returncode == 0 and "OK" in checked.stdout, checked.stderr


def test_dashboard_outside_a_terminal_is_one_sentence(run_cli) -> None:
    """On a desk that exists (a missing one is its own sentence, said first)."""
    assert run_cli("init").code == 0
    result = run_cli()
    assert result.code == 1
    assert_one_sentence(result.err)
    assert "needs a terminal" in result.err
