"""Safe to deploy on a shared host (issue 19): identity from the OS account, roles and policy
held by the database, every command through the same checks."""

from __future__ import annotations

import json
import re
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
    assert re.search(r"require_approval +true", shown.out)
    assert re.search(r"retention_days +365", shown.out)


def test_supervisors_change_members_and_policy_in_the_audit_chain(run_cli, tmp_path) -> None:
    env = {"SOCIALDESK_CONFIG": str(team_config(tmp_path, "sup.toml",
                                                {os_account(): "supervisor"}))}
    assert run_cli("init", env=env).code == 0
    added = run_cli("members", "add", "gwen", "officer", env=env)
    assert added.code == 0 and "gwen is now officer (new member)" in added.out
    assert "gwen" in run_cli("members", env=env).out
    assert run_cli("policy", "set", "retention_days", "400", env=env).code == 0
    assert re.search(r"retention_days +400", run_cli("policy", env=env).out)
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


def test_files_are_private_to_the_desk(tmp_path, officer_env) -> None:
    """The DB, its WAL and the exports were created 0644: every account could read them."""
    import os
    import stat
    import subprocess
    import sys

    data = tmp_path / "data"
    env = {**os.environ, **officer_env, "SOCIALDESK_DATA_DIR": str(data),
           "SOCIALDESK_DB": str(data / "desk.db")}
    sup = team_config(tmp_path, "sup.toml", {os_account(): "supervisor"})
    env["SOCIALDESK_CONFIG"] = str(sup)
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"text": "Beic wedi ei ddwyn"}) + "\n", encoding="utf-8")

    def run(*args: str) -> None:
        proc = subprocess.run([sys.executable, "-m", "socialdesk", *args], env=env,
                              capture_output=True, text=True, timeout=120,
                              preexec_fn=lambda: os.umask(0o022))  # a careless login shell
        assert proc.returncode == 0, proc.stderr

    run("import", str(path))
    run("report", "--csv", str(data / "export.csv"))

    def mode(p: Path) -> int:
        return stat.S_IMODE(p.stat().st_mode)

    assert mode(data) == 0o700
    for name in ("desk.db", "desk.db-wal", "desk.db-shm", "export.csv"):
        file = data / name
        if file.exists():
            assert mode(file) & 0o077 == 0, (name, oct(mode(file)))
    assert mode(data / "desk.db") == 0o600 and mode(data / "export.csv") == 0o600


ODD_TOKEN = "EAAb+c/d=e.f_g-h~i0123456789"


def test_a_token_is_checked_when_loaded_and_never_echoed(tmp_path) -> None:
    """A token file with two lines (old and new) made the HTTP layer echo the token escaped,
    into sync_state, the audit chain, stderr and the status bar; a non-ASCII token gave a
    traceback. A token with + / = . _ - ~ works."""
    import os
    import subprocess
    import sys

    from tests.ingest_helpers import start_fake

    fake = start_fake(seed=7, token=ODD_TOKEN, posts=1, comments=3, conversations=1)
    token_file = tmp_path / "token"
    config = team_config(tmp_path, "page.toml", {os_account(): "supervisor"},
                         f'id = ""=>id = "{fake.page_id}";'
                         f'graph_url = "https://graph.facebook.com"=>graph_url = "{fake.url}";'
                         f'token_file = ""=>token_file = "{token_file}"')
    env = {k: v for k, v in os.environ.items() if k != "SOCIALDESK_PAGE_TOKEN"}
    env.update(SOCIALDESK_CONFIG=str(config), SOCIALDESK_DB=str(tmp_path / "t.db"),
               SOCIALDESK_DATA_DIR=str(tmp_path / "data"))

    def sync(extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "socialdesk", "sync", "--once"],
                              env={**env, **(extra or {})}, capture_output=True, text=True,
                              timeout=60)

    try:
        token_file.write_text(f"OLDTOKEN12345\n{ODD_TOKEN}\n", encoding="utf-8")
        token_file.chmod(0o600)
        two = sync()
        assert two.returncode == 1 and "more than one line" in two.stderr
        assert_one_sentence(two.stderr)
        accented = sync({"SOCIALDESK_PAGE_TOKEN": "EAAbé" + ODD_TOKEN})
        assert accented.returncode == 1 and "cannot hold" in accented.stderr
        assert_one_sentence(accented.stderr)
        token_file.write_text(ODD_TOKEN + "\n", encoding="utf-8")
        ok = sync()
        assert ok.returncode == 0, ok.stderr
        for result in (two, accented, ok):
            assert ODD_TOKEN not in result.stdout + result.stderr
            assert "OLDTOKEN12345" not in result.stdout + result.stderr
        raw = b"".join(p.read_bytes() for p in tmp_path.glob("t.db*"))
        assert ODD_TOKEN.encode() not in raw and b"OLDTOKEN12345" not in raw
    finally:
        fake.stop()


def test_redaction_catches_escaped_quoted_and_bearer_forms() -> None:
    from urllib.parse import quote

    from socialdesk.core.graph.token import REDACTED, redact

    for shown in (ODD_TOKEN, repr(ODD_TOKEN), quote(ODD_TOKEN, safe=""),
                  f"Authorization: Bearer {ODD_TOKEN}", json.dumps({"t": ODD_TOKEN})):
        cleaned = redact(f"error: {shown} !", ODD_TOKEN)
        assert ODD_TOKEN not in cleaned and quote(ODD_TOKEN, safe="") not in cleaned
        assert REDACTED in cleaned


def test_demo_refuses_to_replace_a_database_it_did_not_make(run_cli, officer_env,
                                                            tmp_path) -> None:
    """`socialdesk --db <the team's DB> demo` deleted that database and its WAL."""
    team_db = tmp_path / "team.db"
    assert run_cli("init", "--db", str(team_db), env=officer_env).code == 0
    before = team_db.read_bytes()
    refused = run_cli("demo", "--headless", "--db", str(team_db), env=officer_env, timeout=60)
    assert refused.code == 1 and "is not a demo database" in refused.err
    assert_one_sentence(refused.err)
    assert team_db.read_bytes() == before


def test_a_purge_stays_purged_and_leaves_no_bytes_behind(tmp_path, config) -> None:
    """After purge the next full sync wrote the purged text and names back, for good; and the
    purged text stayed readable in the raw bytes of the DB and WAL files."""
    from dataclasses import replace
    from datetime import timedelta

    from socialdesk.core.models import utc_now
    from tests.ingest_helpers import client_for, page_config, start_fake

    fake = start_fake(seed=9, posts=3, comments=20, conversations=6)
    try:
        desk = Desk(replace(config, page=page_config(config, fake)), tmp_path / "p.db",
                    actor="tester")
        client = client_for(fake)
        assert desk.sync_once(client=client).ok
        secret = "Zebedee-Quixote-Wobblewick lost her purse at Caergybi"
        conversation = fake.state.conversations[0]
        message = fake.state.add_message(conversation, utc_now().timestamp() - 3600)
        message.text = secret
        assert desk.sync_once(client=client).ok
        db_files = list(tmp_path.glob("p.db*"))
        assert any(secret.encode() in p.read_bytes() for p in db_files)
        supervisor = Desk(desk.config, desk.db_path, actor="sioned")
        report = supervisor.purge(now=utc_now() + timedelta(days=366))   # a year later
        assert report.items > 0
        raw = b"".join(p.read_bytes() for p in tmp_path.glob("p.db*"))
        for word in (secret, "Zebedee-Quixote-Wobblewick", "Wobblewick"):
            assert word.encode() not in raw and word.lower().encode() not in raw, word
        assert desk.sync_once(full=True, client=client).ok        # the page still has it
        item = desk.store.conn.execute("select text, author_name, purged_at from items "
                                       "where platform_id = ?", (message.id,)).fetchone()
        assert item[0] == "" and item[1] is None and item[2] is not None
    finally:
        fake.stop()


def test_items_older_than_retention_are_not_ingested_with_their_words(tmp_path, config) -> None:
    from dataclasses import replace
    from datetime import timedelta

    from socialdesk.core.models import to_iso, utc_now
    from tests.ingest_helpers import client_for, page_config, start_fake

    fake = start_fake(seed=10, posts=3, comments=20, conversations=4)
    try:
        short = replace(config, retention_days=2, page=page_config(config, fake))
        desk = Desk(short, tmp_path / "o.db", actor="tester")
        assert desk.sync_once(client=client_for(fake)).ok
        cutoff = to_iso(utc_now() - timedelta(days=2))
        rows = desk.store.conn.execute(
            "select created_at, text, author_name, purged_at from items where from_page = 0")
        old = [r for r in rows if r[0] < cutoff]
        assert old and all(r[1] == "" and r[2] is None and r[3] for r in old)
    finally:
        fake.stop()


def test_the_audit_chain_is_anchored_outside_the_database(run_cli, tmp_path) -> None:
    """`audit verify` said OK for a chain cut short at its tail; the head was printed by
    verify only and kept nowhere."""
    import csv as csv_module

    env = {"SOCIALDESK_CONFIG": str(team_config(tmp_path, "sup.toml",
                                                {os_account(): "supervisor"}))}
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps({"text": f"message {n}"}) for n in range(3)) + "\n",
                    encoding="utf-8")
    assert run_cli("import", str(path), env=env).code == 0
    ok = run_cli("audit", "verify", env=env)
    assert ok.code == 0
    rows, head = ok.out.split("audit log OK: ")[1].split(" rows, head ")
    anchors = (tmp_path / "cli.db.anchors").read_text()
    assert f"rows={rows} head={head.strip()}" in anchors
    report = json.loads(run_cli("report", "--json", env=env).out)
    assert report["audit_chain"] == {"rows": int(rows), "head": head.strip()}
    exported = tmp_path / "r.csv"
    assert run_cli("report", "--csv", str(exported), env=env).code == 0
    last = list(csv_module.DictReader(exported.open(encoding="utf-8")))[-1]
    assert last["dimension"] == "audit chain" and last["key"] == head.strip()
    own = tmp_path / "my-anchor.log"
    own.write_text(anchors)
    db = sqlite3.connect(tmp_path / "cli.db")       # cut the tail: the last rows vanish
    db.execute("delete from audit_log where id > (select max(id) - 2 from audit_log)")
    db.commit()
    cut = run_cli("audit", "verify", "--anchor", str(own), env=env)
    assert cut.code == 1 and "cut short at its tail" in cut.err
    assert_one_sentence(cut.err)
