"""Safe to deploy on a shared host (issue 19): identity from the OS account, roles and policy
held by the database, every command through the same checks."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from socialdesk.config import load_config
from socialdesk.core.desk import Desk
from socialdesk.core.desk.access import AccessDenied
from tests.conftest import BUNDLED_CONFIG, assert_one_sentence, os_account


def team_config(tmp_path: Path, name: str, members: dict[str, str], extra: str = "") -> Path:
    """The bundled config with these members (and any extra replacements)."""
    lines = "".join(f'"{who}" = "{role}"\n' for who, role in members.items())
    text = BUNDLED_CONFIG.read_text(encoding="utf-8").replace("[members]\n",
                                                              f"[members]\n{lines}")
    for old, new in (pair.split("=>") for pair in extra.split(";") if pair):
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def officer_env(tmp_path: Path) -> dict[str, str]:
    """The tests' account is an officer on a team whose supervisor is sioned."""
    config = team_config(tmp_path, "team.toml", {os_account(): "officer", "sioned": "supervisor"})
    return {"SOCIALDESK_CONFIG": str(config)}


def audit_actors(tmp_path: Path) -> list[str]:
    return [r[0] for r in sqlite3.connect(tmp_path / "cli.db").execute(
        "select actor from audit_log order by id")]


def test_user_and_logname_do_not_change_who_acts(run_cli, officer_env, tmp_path) -> None:
    """USER=<a supervisor> socialdesk purge acted as that supervisor."""
    assert run_cli("init", env=officer_env).code == 0
    for variable in ("USER", "LOGNAME", "USERNAME"):
        result = run_cli("purge", env={**officer_env, variable: "sioned"})
        assert result.code == 1 and f"Only a supervisor can purge; {os_account()} is an " \
            "officer" in result.err
        assert_one_sentence(result.err)
    assert "sioned" not in audit_actors(tmp_path)


def test_a_private_config_cannot_raise_roles_or_change_the_policy(run_cli, officer_env,
                                                                  tmp_path) -> None:
    """--config my.toml with a private [members] made anyone a supervisor, turned approval
    off and set retention, on the team's real database."""
    assert run_cli("init", env=officer_env).code == 0
    mine = team_config(tmp_path, "mine.toml", {os_account(): "supervisor"},
                       "require_approval = true=>require_approval = false;days = 365=>days = 1")
    for env in ({"SOCIALDESK_CONFIG": str(mine)}, officer_env):
        args = ("--config", str(mine)) if env is officer_env else ()
        result = run_cli(*args, "purge", env=env)
        assert result.code == 1 and "Only a supervisor can purge" in result.err
        assert "differ and are ignored" in result.err     # one sentence says so
    shown = run_cli("policy", env={"SOCIALDESK_CONFIG": str(mine)})
    assert "require_approval   true" in shown.out and "retention_days     365" in shown.out


def test_supervisors_change_members_and_policy_in_the_audit_chain(run_cli, tmp_path) -> None:
    env = {"SOCIALDESK_CONFIG": str(team_config(tmp_path, "sup.toml",
                                                {os_account(): "supervisor"}))}
    assert run_cli("init", env=env).code == 0
    added = run_cli("members", "add", "gwen", "officer", env=env)
    assert added.code == 0 and "gwen is now officer (new member)" in added.out
    assert "gwen" in run_cli("members", env=env).out
    assert run_cli("policy", "set", "retention_days", "400", env=env).code == 0
    assert "retention_days     400" in run_cli("policy", env=env).out
    bad = run_cli("policy", "set", "retention_days", "forever", env=env)
    assert bad.code == 1 and "whole number of days" in bad.err
    last = run_cli("members", "set", os_account(), "officer", env=env)
    assert last.code == 1 and "only supervisor" in last.err
    actions = [r[0] for r in sqlite3.connect(tmp_path / "cli.db").execute(
        "select action from audit_log")]
    assert "member_set" in actions and "policy_set" in actions
    assert run_cli("audit", "verify", env=env).code == 0


def test_a_fresh_install_makes_its_creator_the_first_supervisor(run_cli, tmp_path) -> None:
    """The bundled config names nobody: whoever creates the team database supervises it;
    other accounts stay read-only."""
    env = {"SOCIALDESK_CONFIG": str(BUNDLED_CONFIG)}
    assert run_cli("init", env=env).code == 0
    assert f"{os_account()}" in run_cli("members", env=env).out
    other = Desk(load_config(BUNDLED_CONFIG), tmp_path / "cli.db", actor="visitor")
    with pytest.raises(AccessDenied, match="read-only access"):
        other.require("claim")
    other.close()


def test_every_command_goes_through_the_same_checks(run_cli, officer_env, tmp_path) -> None:
    """`socialdesk reply` ignored another officer's claim; sync had no role check; an action
    missing from the access table was allowed."""
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"text": "my bike was stolen last night", "kind": "message"})
                    + "\n", encoding="utf-8")
    assert run_cli("import", str(path), env=officer_env).code == 0
    config = load_config(officer_env["SOCIALDESK_CONFIG"])
    gwen_adds = Desk(config, tmp_path / "cli.db", actor="sioned")
    gwen_adds.team.set_member("gwen", "officer")
    Desk(config, tmp_path / "cli.db", actor="gwen").claim(1)
    replied = run_cli("reply", "1", "On our way", env=officer_env)
    assert replied.code == 1 and "already claimed by gwen" in replied.err
    visitor = Desk(config, tmp_path / "cli.db", actor="visitor")
    with pytest.raises(AccessDenied, match="read-only"):
        visitor.sync_once()
    with pytest.raises(AccessDenied, match="not an action socialdesk knows"):
        Desk(config, tmp_path / "cli.db", actor="sioned").require("frobnicate")


def test_the_retention_job_uses_the_databases_policy(tmp_path, config) -> None:
    """The retention job ran with each process's own [retention] days."""
    from dataclasses import replace
    from datetime import UTC, datetime

    team = Desk(config, tmp_path / "r.db", actor="tester")
    with team.store.write():
        team.store.conn.execute(
            "insert into items (platform_id, kind, text, created_at, status, from_page) "
            "values ('old', 'message', 'ten days old', ?, 'new', 0)",
            (datetime(2026, 11, 27, tzinfo=UTC).isoformat(),))
    short = replace(config, retention_days=1)
    other = Desk(short, tmp_path / "r.db", actor="tester")
    assert other.policy.retention_days == 365
    assert other.purge_expired().items == 0
