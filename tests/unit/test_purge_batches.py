"""Purge in committed batches (issue 22): the same result as the one-transaction purge it
replaced, progress after each batch, and a stop (Ctrl-C) that keeps what was purged, says what
is left, and lets a second run finish — the full-text sweep included."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from socialdesk.cli import main
from socialdesk.config import AccessConfig
from socialdesk.core.audit import retention
from socialdesk.core.desk import Desk
from socialdesk.core.store import retention as stored
from tests.conftest import os_account

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
TABLES = {"items": "id", "outbox": "id", "item_notes": "id", "handover_notes": "id",
          "notifications": "id", "acknowledgements": "rowid"}


def seed(desk: Desk, count: int = 700) -> None:
    """Items over 580 days (the policy keeps 365), from the public and the page, a few
    already purged, with answers, notes and notices."""
    with desk.store.write():
        run = desk.store.conn.execute
        for n in range(count):
            created = (NOW - timedelta(days=700) + timedelta(hours=20 * n)).isoformat()
            run("insert into items (platform_id, kind, text, author_name, author_id, "
                "created_at, from_page, attachments, permalink_url, purged_at) "
                "values (?, 'comment', ?, ?, ?, ?, ?, ?, ?, ?)",
                (f"p{n}", f"secret{n} words of person {n}", f"Person {n}", f"a{n}", created,
                 int(n % 9 == 0), '[{"url": "x"}]', f"https://f/{n}",
                 created if n % 50 == 0 else None))
            if n % 3 == 0:
                run("insert into outbox (item_id, action, idempotency_key, text, status, "
                    "created_at, created_by) values (?, 'reply', ?, ?, 'sent', ?, 'ann')",
                    (n + 1, f"k{n}", f"answer to {n}", created))
            if n % 10 == 0:
                run("insert into item_notes (item_id, author, text, at) values (?, 'ann', ?, ?)",
                    (n + 1, f"note {n}", created))
                run("insert into notifications (key, recipient, kind, item_id, text, "
                    "created_at) values (?, 'ann', 'mention', ?, ?, ?)",
                    (f"n{n}", n + 1, f"notice {n}", created))


def dump(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {table: conn.execute(f"select * from {table} order by {key}").fetchall()
                for table, key in TABLES.items()}
    finally:
        conn.close()


def old_purge(desk: Desk, days: int) -> None:
    """The one-transaction blanking before issue 22 (items, answers, notes, notices)."""
    before, at = (NOW - timedelta(days=days)).isoformat(timespec="seconds"), NOW.isoformat(
        timespec="seconds")
    purgeable = "from_page in (0, 1) and purged_at is null and created_at < ?"
    with desk.store.write():
        run = desk.store.conn.execute
        run(f"update outbox set text = '' where item_id in (select id from items where "
            f"{purgeable})", (before,))
        run("update items set text = '', author_name = null, author_id = null, post_text = null, "
            "urgent_cues = null, attachments = null, permalink_url = null, snooze_note = null, "
            f"purged_at = ? where {purgeable}", (at, before))
        for table in ("item_notes", "handover_notes"):
            run(f"update {table} set text = '', purged_at = ? where purged_at is null "
                "and at < ?", (at, before))
        run("delete from acknowledgements where at < ?", (before,))
        run("update notifications set text = '' where text != '' and created_at < ?",
            (before,))


@pytest.fixture
def team(config):
    return replace(config, access=AccessConfig(members={"sian": "supervisor"}))


def test_batched_purge_leaves_what_the_one_transaction_purge_left(
        tmp_path: Path, team, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retention, "BATCH", 64)
    new, old = Desk(team, tmp_path / "new.db", actor="sian"), Desk(team, tmp_path / "old.db",
                                                                     actor="sian")
    seed(new)
    seed(old)
    seen: list[tuple[int, int]] = []
    result = new.purge(now=NOW, progress=lambda done, total: seen.append((done, total)))
    old_purge(old, new.policy.retention_days)
    new.close()
    old.close()
    assert dump(tmp_path / "new.db") == dump(tmp_path / "old.db")
    assert result.items > 300 and seen[-1] == (result.items, result.items)
    assert [done for done, _ in seen] == [min(n, result.items)
                                          for n in range(64, result.items + 64, 64)]


def test_a_stopped_purge_keeps_its_batches_and_a_second_run_finishes(
        tmp_path: Path, team, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retention, "BATCH", 100)
    desk = Desk(team, tmp_path / "d.db", actor="sian")
    seed(desk)
    total = desk.purge(now=NOW, dry_run=True).items

    def stop_after_three(done: int, _total: int) -> None:
        if done >= 300:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        desk.purge(now=NOW, progress=stop_after_three)
    purged_now = desk.store.conn.execute(
        "select count(*) from items where text = '' and purged_at = ?",
        (NOW.isoformat(timespec="seconds"),)).fetchone()[0]
    assert purged_now == 300
    assert desk.purge(now=NOW, dry_run=True).items == total - 300
    assert stored.sweep_pending(desk.store)     # the purged words may still be in the index
    assert desk.verify_audit().ok
    again = desk.purge(now=NOW)
    assert again.items == total - 300
    assert desk.purge(now=NOW, dry_run=True).items == 0
    assert not stored.sweep_pending(desk.store)
    assert desk.store.conn.execute("select count(*) from items_fts where items_fts match "
                                   "'secret1'").fetchone()[0] == 0
    rows = desk.store.conn.execute("select payload from audit_log where action = 'purge'"
                                   ).fetchall()
    assert len(rows) == 1 + 3 + (total - 300 + 99) // 100   # notes, then one row per batch
    desk.close()


def test_a_purge_stopped_before_its_sweep_is_swept_by_the_next_run(
        tmp_path: Path, team, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retention, "BATCH", 1000)
    desk = Desk(team, tmp_path / "d.db", actor="sian")
    seed(desk, 100)

    def stop(done: int, total: int) -> None:
        if done == total:
            raise KeyboardInterrupt   # every item blanked, the sweep not run yet

    with pytest.raises(KeyboardInterrupt):
        desk.purge(now=NOW, progress=stop)
    assert stored.sweep_pending(desk.store)
    assert desk.purge(now=NOW).items == 0 and not stored.sweep_pending(desk.store)
    desk.close()


def test_ctrl_c_in_the_purge_command_says_what_is_kept_and_left(
        tmp_path: Path, config, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C lands in the fourth batch's transaction: it is rolled back, three are kept, the
    command says so in one sentence and exits 130; the same command then does the rest."""
    team = replace(config, access=AccessConfig(members={os_account(): "supervisor"}))
    path = tmp_path / "team.toml"
    path.write_text(Path(config.source).read_text(encoding="utf-8").replace(
        "[members]\n", f'[members]\n"{os_account()}" = "supervisor"\n'), encoding="utf-8")
    monkeypatch.setenv("SOCIALDESK_DATA_DIR", str(tmp_path / "data"))
    desk = Desk(team, tmp_path / "cli.db", actor=os_account())
    seed(desk, 400)
    with desk.store.write():
        desk.store.conn.execute("update items set created_at = '2020-01-01T00:00:00+00:00'")
    total = desk.purge(dry_run=True).items
    desk.close()
    monkeypatch.setattr(retention, "BATCH", 50)
    real, calls = stored.blank_items, []

    def ctrl_c_in_the_fourth(*args):
        calls.append(1)
        result = real(*args)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return result

    monkeypatch.setattr(retention, "blank_items", ctrl_c_in_the_fourth)
    argv = ["--config", str(path), "--db", str(tmp_path / "cli.db"), "purge"]
    assert main(argv) == 130
    kept = sqlite3.connect(tmp_path / "cli.db").execute(
        "select count(*) from items where text = ''").fetchone()[0]
    assert kept == 150   # three batches of 50; the fourth was rolled back
    err = capsys.readouterr().err
    assert err == (f"socialdesk: stopped: purging kept 150 of {total:,} items done, "
                   f"{total - 150:,} left; run the same command again to do the rest.\n")
    monkeypatch.setattr(retention, "blank_items", real)
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith(f"purged {total - 150:,} items")
    left = sqlite3.connect(tmp_path / "cli.db").execute(
        "select count(*) from items where text != '' and purged_at is null").fetchone()[0]
    assert left == 0


def test_stopping_a_check_or_report_says_how_far_it_read_and_that_nothing_changed() -> None:
    from socialdesk.cli.output import Stopped
    from socialdesk.cli.supervisor import reading

    with pytest.raises(Stopped) as stopped, \
            reading("checking the audit log", "rows", "the whole check") as progress:
        progress(200_000, 1_000_000)
        raise KeyboardInterrupt
    assert str(stopped.value) == ("stopped: checking the audit log had read 200,000 of "
                                  "1,000,000 rows (20%); nothing was changed; run the same "
                                  "command again for the whole check.")
