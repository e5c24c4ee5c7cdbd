"""Stopping an import (issue 22): killed outright, the database keeps every committed batch
with its words searchable; stopped with Ctrl-C, the CLI says what is done and left, exits 130,
and running it again imports the rest — nothing lost, nothing twice."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from socialdesk.core.store import open_store
from socialdesk.core.store.items import search_items

LINES = 3_000
#: The real CLI, with small batches so that a few thousand lines make many commits.
RUNNER = ("import sys; import socialdesk.core.desk.intake as intake; "
          "intake.FIRST_BATCH = intake.IMPORT_BATCH = 25; "
          "from socialdesk.cli import main; raise SystemExit(main(sys.argv[1:]))")
#: The same, pausing 10 ms after each batch's commit (in the progress call that follows it),
#: as a slower disk would: SQLite's busy wait polls, so a writer waiting beside an import that
#: commits back to back could otherwise wait until the import ended (the test below then saw
#: no batch after the sync's writes, about one run in ten)
PAUSING_RUNNER = RUNNER.replace(
    "from socialdesk.cli import main;",
    "import time; import socialdesk.cli.output as out; shown = out.WorkProgress.__call__; "
    "out.WorkProgress.__call__ = lambda self, done, total: "
    "(shown(self, done, total), time.sleep(0.01))[0]; "
    "from socialdesk.cli import main;")


def word(n: int) -> str:
    """A word only line ``n`` has."""
    return f"marc{n:05d}"


def write_file(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for n in range(LINES):
            handle.write(json.dumps({
                "id": f"stop-{n}", "kind": "comment" if n % 2 else "message",
                "text": f"Car doors tried on Stryd y Bont, Llangefni {word(n)}",
                "author": f"Person {n % 97}",
                "created_at": f"2026-11-{1 + n % 28:02d}T{n % 24:02d}:00:00Z"}) + "\n")
    return path


def env(tmp_path: Path, config: Path) -> dict[str, str]:
    return {**os.environ, "SOCIALDESK_CONFIG": str(config), "SOCIALDESK_DB": str(tmp_path / "d.db"),
            "SOCIALDESK_DATA_DIR": str(tmp_path / "data")}


def items_stored(db: Path) -> int:
    try:
        conn = sqlite3.connect(db, timeout=5)
        try:
            return int(conn.execute("select count(*) from items").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:   # not created (or migrated) yet
        return 0


def start_and_stop(tmp_path: Path, config: Path, source: Path, sig: signal.Signals,
                   runner: str = RUNNER) -> subprocess.CompletedProcess[str]:
    """Run the import (the CLI as ``runner`` sets it up) and send ``sig`` once some batches
    are committed, well before the end."""
    proc = subprocess.Popen([sys.executable, "-c", runner, "import", str(source)],
                            env=env(tmp_path, config), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while items_stored(tmp_path / "d.db") < 200 and proc.poll() is None:
        assert time.monotonic() < deadline, "the import never committed a batch"
        time.sleep(0.01)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def assert_search_finds_every_item(db: Path) -> int:
    """Every stored item is found by its own word, and the index holds nothing else."""
    store = open_store(db)   # the next open
    try:
        rows = store.conn.execute("select id, text from items").fetchall()
        indexed = store.conn.execute("select count(*) from items_fts_docsize").fetchone()[0]
        assert indexed == len(rows)
        store.conn.execute("insert into items_fts(items_fts, rank) values('integrity-check', 1)")
        for item_id, text in rows:
            mine = re.search(r"marc\d{5}", text)
            assert mine is not None
            assert [r["id"] for r in search_items(store, mine.group())] == [item_id]
        return len(rows)
    finally:
        store.close()


def test_an_import_killed_midway_keeps_committed_items_searchable(
        tmp_path: Path, team_config_file: Path) -> None:
    source = write_file(tmp_path / "kill.jsonl")
    killed = start_and_stop(tmp_path, team_config_file, source, signal.SIGKILL)
    assert killed.returncode == -signal.SIGKILL
    kept = assert_search_finds_every_item(tmp_path / "d.db")
    assert 200 <= kept < LINES
    again = subprocess.run([sys.executable, "-m", "socialdesk", "import", str(source)],
                           env=env(tmp_path, team_config_file), capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"imported {LINES - kept}, duplicate {kept}, skipped 0" in again.stdout
    assert assert_search_finds_every_item(tmp_path / "d.db") == LINES


def test_ctrl_c_keeps_committed_batches_says_what_is_left_and_a_second_run_finishes(
        tmp_path: Path, team_config_file: Path) -> None:
    source = write_file(tmp_path / "stop.jsonl")
    stopped = start_and_stop(tmp_path, team_config_file, source, signal.SIGINT)
    assert stopped.returncode == 130, stopped.stderr
    said = re.search(r"socialdesk: stopped: importing stop\.jsonl kept ([\d,]+) of 3,000 lines "
                     r"done, ([\d,]+) left; run the same command again to do the rest\.",
                     stopped.stderr)
    assert said is not None, stopped.stderr
    done, left = (int(n.replace(",", "")) for n in said.groups())
    assert done + left == LINES and done >= 200
    assert "Traceback" not in stopped.stderr
    # every line before the last commit is in (each line one new item), none after it
    conn = sqlite3.connect(tmp_path / "d.db")
    assert conn.execute("select count(*) from items").fetchone()[0] == done
    assert conn.execute("select max(cast(substr(platform_id, 6) as integer)) from items"
                        ).fetchone()[0] == done - 1
    conn.close()
    again = subprocess.run([sys.executable, "-m", "socialdesk", "import", str(source)],
                           env=env(tmp_path, team_config_file), capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"imported {left}, duplicate {done}, skipped 0" in again.stdout
    conn = sqlite3.connect(tmp_path / "d.db")
    assert conn.execute("select count(*), count(distinct platform_id) from items").fetchone() \
        == (LINES, LINES)
    conn.close()
    assert assert_search_finds_every_item(tmp_path / "d.db") == LINES


def test_other_writers_items_are_indexed_while_an_import_runs(
        tmp_path: Path, team_config_file: Path) -> None:
    from datetime import UTC, datetime

    from socialdesk.core.models import Item, Kind
    from socialdesk.core.store.items import upsert_platform_items

    source = write_file(tmp_path / "beside.jsonl")
    proc = subprocess.Popen([sys.executable, "-c", PAUSING_RUNNER, "import", str(source)],
                            env=env(tmp_path, team_config_file), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while items_stored(tmp_path / "d.db") < 100:
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.01)
    store = open_store(tmp_path / "d.db")   # a sync writing between the import's batches
    for n in range(40):
        upsert_platform_items(store, [Item(
            platform_id=f"page-{n}", kind=Kind.COMMENT, source="graph",
            text=f"Seen in Amlwch {word(90_000 + n)}", created_at=datetime.now(UTC))], now="now")
    store.close()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert f"imported {LINES}, duplicate 0" in out
    conn = sqlite3.connect(tmp_path / "d.db")   # the page's items went in between batches
    assert conn.execute("select max(id) from items where source = 'import'").fetchone()[0] > \
        conn.execute("select max(id) from items where source = 'graph'").fetchone()[0]
    conn.close()
    assert assert_search_finds_every_item(tmp_path / "d.db") == LINES + 40
