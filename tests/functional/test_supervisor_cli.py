"""`socialdesk report`, `audit verify` and `purge` as a supervisor and as an officer runs them."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import time
from pathlib import Path

from tests.conftest import BUNDLED_CONFIG, assert_one_sentence, os_account


def config_with_role(tmp_path: Path, role: str) -> Path:
    """The bundled config with the OS user running the tests as a member (and another
    supervisor, so that the account creating the database is not made one)."""
    path = tmp_path / f"{role}.toml"
    text = BUNDLED_CONFIG.read_text(encoding="utf-8").replace(
        "[members]\n", f'[members]\n"{os_account()}" = "{role}"\nsioned = "supervisor"\n')
    path.write_text(text, encoding="utf-8")
    return path


def created_by(tmp_path: Path, config: Path, account: str) -> None:
    """Another account creates the team database with this configuration (its team seeded)."""
    from socialdesk.config import load_config
    from socialdesk.core.desk import Desk

    desk = Desk(load_config(config), tmp_path / "cli.db", actor=account)
    desk.store.schema_version()
    desk.close()


def seed(run_cli, tmp_path: Path, env: dict[str, str] | None = None) -> None:
    lines = [{"text": "Beic wedi ei ddwyn yn Llangefni", "created_at": "2026-11-20T10:00:00Z"},
             {"text": "=cmd|' /C calc'!A0", "author": "=1+1", "created_at": "2026-11-21T10:00Z"}]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    assert run_cli("import", str(path), env=env).code == 0


def test_report_json_csv_and_drill_down_for_a_supervisor(run_cli, tmp_path: Path) -> None:
    env = {"SOCIALDESK_CONFIG": str(config_with_role(tmp_path, "supervisor"))}
    seed(run_cli, tmp_path, env)
    text = run_cli("report", env=env)
    assert text.code == 0, text.err
    assert "Response times" in text.out and "by language" in text.out
    data = json.loads(run_cli("report", "--json", "--by", "week", env=env).out)
    assert data["overall"]["count"] == 2 and list(data["by"]) == ["week"]
    assert data["sla_clock"] == "staffed" and "welsh_parity" in data
    ids = run_cli("report", "--items", "overall", env=env).out.split()
    assert len(ids) == 2
    out = tmp_path / "report.csv"
    exported = run_cli("report", "--csv", str(out), env=env)
    assert exported.code == 0, exported.err
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["dimension"] == "overall" and rows[0]["count"] == "2"
    actions = [r[0] for r in sqlite3.connect(tmp_path / "cli.db").execute(
        "select action from audit_log")]
    assert "export" in actions


def test_officer_is_refused_export_and_purge_in_one_sentence(run_cli, tmp_path: Path) -> None:
    env = {"SOCIALDESK_CONFIG": str(config_with_role(tmp_path, "officer"))}
    seed(run_cli, tmp_path, env)
    refused = run_cli("report", "--csv", str(tmp_path / "r.csv"), env=env)
    assert refused.code == 1 and "Only a supervisor can export" in refused.err
    assert_one_sentence(refused.err)
    assert not (tmp_path / "r.csv").exists()
    purge = run_cli("purge", "--dry-run", env=env)
    assert purge.code == 1 and "Only a supervisor can purge" in purge.err
    assert_one_sentence(purge.err)
    assert run_cli("report", "--items", "colour=red", env=env).code == 1


def test_audit_verify_ok_then_broken_with_exit_1(run_cli, tmp_path: Path) -> None:
    seed(run_cli, tmp_path)
    ok = run_cli("audit", "verify")
    assert ok.code == 0 and ok.out.startswith("audit log OK: 3 rows")  # team, config, import
    conn = sqlite3.connect(tmp_path / "cli.db")
    conn.execute("update audit_log set actor = 'nobody' where id = 2")
    conn.commit()
    broken = run_cli("audit", "verify")
    assert broken.code == 1
    assert_one_sentence(broken.err)
    assert "broken at row 2" in broken.err and "changed after it was written" in broken.err


def test_purge_dry_run_then_purge_as_supervisor(run_cli, tmp_path: Path) -> None:
    env = {"SOCIALDESK_CONFIG": str(config_with_role(tmp_path, "supervisor"))}
    seed(run_cli, tmp_path, env)       # kept a year: imported with their words
    assert run_cli("policy", "set", "retention_days", "1", env=env).code == 0
    before = json.loads(run_cli("report", "--json", env=env).out)["overall"]
    dry = run_cli("purge", "--dry-run", env=env)
    assert dry.code == 0 and dry.out.startswith("would purge 2 items")
    done = run_cli("purge", env=env)
    assert done.code == 0 and done.out.startswith("purged 2 items")
    texts = sqlite3.connect(tmp_path / "cli.db").execute("select text from items").fetchall()
    assert texts == [("",), ("",)]
    assert json.loads(run_cli("report", "--json", env=env).out)["overall"] == before
    assert run_cli("audit", "verify").code == 0


def test_unknown_users_get_no_access_when_configured(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "closed.toml"
    path.write_text(BUNDLED_CONFIG.read_text(encoding="utf-8").replace(
        'unknown_users = "read-only"', 'unknown_users = "none"'), encoding="utf-8")
    created_by(tmp_path, path, "sioned")          # sioned's desk: the tests' account is not on it
    result = run_cli("report", env={"SOCIALDESK_CONFIG": str(path)})
    assert result.code == 1 and "not a member of this desk" in result.err
    assert_one_sentence(result.err)


def test_read_only_users_cannot_change_anything_from_the_cli(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"text": "hello"}) + "\n", encoding="utf-8")
    env = {"SOCIALDESK_CONFIG": str(BUNDLED_CONFIG)}     # nobody is a member there
    created_by(tmp_path, BUNDLED_CONFIG, "sioned")       # who creates it is its supervisor
    refused = run_cli("import", str(path), env=env)
    assert refused.code == 1 and "read-only access" in refused.err
    assert_one_sentence(refused.err)
    assert run_cli("init", env=env).code == 0
    assert run_cli("report", env=env).code == 0          # looking is allowed
    assert run_cli("audit", "verify", env=env).code == 0


def test_read_only_commands_refuse_a_database_that_does_not_exist(run_cli, tmp_path) -> None:
    """A mistyped --db is one sentence and creates nothing (issue 27, item 3); only init,
    import, sync and demo create a database."""
    from tests.conftest import assert_one_sentence

    missing = tmp_path / "nonexistent" / "x.db"
    for args in (["report"], ["audit", "verify"], ["outbox"], ["posts", "list"],
                 ["reply", "1", "hello"]):
        result = run_cli(*args, "--db", str(missing))
        assert result.code == 1, (args, result.out, result.err)
        assert_one_sentence(result.err)
        assert "does not exist" in result.err and "socialdesk init" in result.err
        assert not missing.parent.exists()
    created = run_cli("init", "--db", str(missing))
    assert created.code == 0 and "created" in created.out and missing.is_file()
    again = run_cli("init", "--db", str(missing))
    assert again.code == 0 and "already exists" in again.out
    assert run_cli("report", "--db", str(missing)).code == 0


def test_report_refuses_a_reversed_window(run_cli) -> None:
    run_cli("init")
    result = run_cli("report", "--since", "2026-12-05", "--until", "2026-12-01")
    assert result.code == 1 and "--since 2026-12-05 is after --until 2026-12-01" in result.err


def test_purge_removes_exported_files_older_than_the_cutoff(run_cli, tmp_path: Path) -> None:
    """Referrals, timelines and named packs in exports/ hold personal data: retention removes
    the ones written before the cutoff, keeps newer ones and files written elsewhere."""
    env = {"SOCIALDESK_CONFIG": str(config_with_role(tmp_path, "supervisor"))}
    seed(run_cli, tmp_path, env)
    assert run_cli("policy", "set", "retention_days", "1", env=env).code == 0
    exports = tmp_path / "data" / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    old, new = exports / "referral-R1-item1-btp.eml", exports / "timeline-new.html"
    elsewhere = tmp_path / "kept-by-its-writer.eml"
    for path in (old, new, elsewhere):
        path.write_text("Dave Jones, 3 Stryd Fawr", encoding="utf-8")
    ten_days_ago = time.time() - 10 * 86_400
    os.utime(old, (ten_days_ago, ten_days_ago))
    os.utime(elsewhere, (ten_days_ago, ten_days_ago))
    dry = run_cli("purge", "--dry-run", env=env)
    assert dry.code == 0 and "and 1 exported files (exports/) written before then" in dry.out
    assert old.exists()
    done = run_cli("purge", env=env)
    assert done.code == 0 and "and 1 exported files (exports/)" in done.out
    assert not old.exists() and new.exists() and elsewhere.exists()
    logged = sqlite3.connect(tmp_path / "cli.db").execute(
        "select payload from audit_log where action = 'purge_exports'").fetchall()
    assert len(logged) == 1 and json.loads(logged[0][0])["files"] == 1
    assert "referral-R1" not in logged[0][0]           # how many, never which
    assert run_cli("audit", "verify").code == 0
    again = run_cli("purge", env=env)
    assert again.code == 0 and "exported files" not in again.out
