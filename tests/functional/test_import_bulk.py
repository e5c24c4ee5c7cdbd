"""A bulk import (issue 22): the items table's secondary indexes are set aside while it runs and
built once at its end, and places are tagged beside it in a process of its own. Whatever
happens — the end, Ctrl-C, a kill — the database ends with every index it had, the words of
every stored item searchable, and every item's places tagged."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from socialdesk.config import Config
from socialdesk.core.desk import Desk, intake
from socialdesk.core.places import item_places
from socialdesk.core.store import bulk_indexes, open_store
from socialdesk.core.store.settings import read_setting
from tests.functional.test_import_stop import (
    LINES,
    RUNNER,
    assert_search_finds_every_item,
    env,
    write_file,
)
from tests.functional.test_import_stop import (
    start_and_stop as stopping,
)

#: The real CLI with small batches, every import of more than 100 lines a bulk one.
BULK_RUNNER = RUNNER.replace("intake.FIRST_BATCH = intake.IMPORT_BATCH = 25; ",
                             "intake.FIRST_BATCH = intake.IMPORT_BATCH = 25; "
                             "intake.BULK_LINES = 100; ")


def items_schema(db: Path) -> list[tuple[str, str]]:
    """The items table's indexes (name and statement), in schema order."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select name, sql from sqlite_master where type = 'index' and "
                            "tbl_name = 'items' and sql is not null order by rowid").fetchall()
    finally:
        conn.close()


def fresh_schema(folder: Path) -> list[tuple[str, str]]:
    """The indexes of a new database's items table."""
    open_store(folder / "fresh.db").close()
    return items_schema(folder / "fresh.db")


def assert_places_tagged(db: Path) -> None:
    """Every item's places are in item_places, and the watermark says all are tagged."""
    store = open_store(db)
    try:
        rows = store.conn.execute("select id, text, post_text from items order by id").fetchall()
        expected = sorted((item_id, place, source) for item_id, text, post in rows
                          for place, source in item_places(text or "", post))
        assert sorted(store.conn.execute(
            "select item_id, place_id, source from item_places").fetchall()) == expected
        assert read_setting(store, "places")["through"] == rows[-1][0]
    finally:
        store.close()


def start_and_stop(tmp_path: Path, config: Path, source: Path,
                   sig: signal.Signals) -> subprocess.CompletedProcess[str]:
    """Run a bulk import and send ``sig`` once some batches are committed."""
    return stopping(tmp_path, config, source, sig, BULK_RUNNER)


def test_a_bulk_import_ends_with_every_index_searchable_words_and_places_tagged(
        tmp_path: Path, team_config_file: Path) -> None:
    source = write_file(tmp_path / "bulk.jsonl")
    run = subprocess.run([sys.executable, "-c", BULK_RUNNER, "import", str(source)],
                         env=env(tmp_path, team_config_file), capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    assert f"imported {LINES}, duplicate 0, skipped 0" in run.stdout
    assert items_schema(tmp_path / "d.db") == fresh_schema(tmp_path)
    assert assert_search_finds_every_item(tmp_path / "d.db") == LINES
    assert_places_tagged(tmp_path / "d.db")
    conn = sqlite3.connect(tmp_path / "d.db")
    assert conn.execute("select count(*) from items where sla_due_at is null").fetchone()[0] == 0
    assert conn.execute("select count(*) from items_indexes_aside").fetchone()[0] == 0
    conn.close()


def test_a_bulk_import_killed_midway_gets_its_indexes_back_at_the_next_open(
        tmp_path: Path, team_config_file: Path) -> None:
    source = write_file(tmp_path / "kill.jsonl")
    killed = start_and_stop(tmp_path, team_config_file, source, signal.SIGKILL)
    assert killed.returncode == -signal.SIGKILL
    assert items_schema(tmp_path / "d.db") != fresh_schema(tmp_path)   # it died with them aside
    kept = assert_search_finds_every_item(tmp_path / "d.db")   # opens the database: put back
    assert 200 <= kept < LINES
    assert items_schema(tmp_path / "d.db") == fresh_schema(tmp_path)
    again = subprocess.run([sys.executable, "-c", BULK_RUNNER, "import", str(source)],
                           env=env(tmp_path, team_config_file), capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"imported {LINES - kept}, duplicate {kept}, skipped 0" in again.stdout
    assert assert_search_finds_every_item(tmp_path / "d.db") == LINES
    assert items_schema(tmp_path / "d.db") == fresh_schema(tmp_path)
    assert_places_tagged(tmp_path / "d.db")


def test_ctrl_c_in_a_bulk_import_puts_the_indexes_back_before_it_stops(
        tmp_path: Path, team_config_file: Path) -> None:
    source = write_file(tmp_path / "stop.jsonl")
    stopped = start_and_stop(tmp_path, team_config_file, source, signal.SIGINT)
    assert stopped.returncode == 130, stopped.stderr
    assert "kept" in stopped.stderr and "Traceback" not in stopped.stderr
    assert items_schema(tmp_path / "d.db") == fresh_schema(tmp_path)   # before any next open
    conn = sqlite3.connect(tmp_path / "d.db")
    assert conn.execute("select count(*) from items_indexes_aside").fetchone()[0] == 0
    conn.close()
    assert 200 <= assert_search_finds_every_item(tmp_path / "d.db") < LINES


def test_the_import_itself_tags_places_beside_it(tmp_path: Path, config: Config,
                                                   monkeypatch) -> None:
    """Places are tagged by the import (in its tagging process), not left to the desk."""
    monkeypatch.setattr(intake, "BULK_LINES", 100)
    source = write_file(tmp_path / "tag.jsonl")
    desk = Desk(config, tmp_path / "d.db", actor="tester")
    try:
        report = intake.import_file(desk.context, source)   # not desk.import_file: no tag_new
        assert report.imported == LINES
    finally:
        desk.close()
    assert_places_tagged(tmp_path / "d.db")


def test_indexes_aside_stay_aside_for_a_live_import_and_come_back_for_a_dead_one(
        tmp_path: Path) -> None:
    store = open_store(tmp_path / "d.db")
    fresh = items_schema(tmp_path / "d.db")
    try:
        mine = bulk_indexes.this_process()
        assert bulk_indexes.set_aside(store, mine)
        assert bulk_indexes.set_aside(store, mine) == []   # once at a time
        assert bulk_indexes.restore_abandoned(store) == 0   # this process is alive
        assert items_schema(tmp_path / "d.db") != fresh
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        store.conn.execute(f"update {bulk_indexes.TABLE} set holder = ?",
                           (mine.rsplit(":", 1)[0] + f":{dead.pid}",))
        assert bulk_indexes.restore_abandoned(store) == len(fresh) - 1   # all but the unique
        assert items_schema(tmp_path / "d.db") == fresh
        assert bulk_indexes.aside_now(store) == []
    finally:
        store.close()


def test_a_small_import_into_a_big_table_keeps_its_indexes(desk: Desk, tmp_path: Path,
                                                          monkeypatch) -> None:
    """Only an import big beside the table sets indexes aside (building them again would
    cost more than the rows it brings)."""
    monkeypatch.setattr(intake, "BULK_LINES", 10)
    source = write_file(tmp_path / "first.jsonl")
    desk.import_file(source)
    small = tmp_path / "small.jsonl"
    small.write_text("".join(f'{{"text": "Seen in Amlwch {n}", "kind": "message"}}\n'
                             for n in range(20)), encoding="utf-8")
    seen: list[str] = []
    monkeypatch.setattr(bulk_indexes, "set_aside",
                        lambda store, holder: seen.append(holder) or [])
    assert desk.import_file(small).imported == 20
    assert seen == []


def test_a_file_imported_again_sets_nothing_aside(desk: Desk, tmp_path: Path,
                                                  monkeypatch) -> None:
    """All duplicates: no index is built again, no tagging process started."""
    monkeypatch.setattr(intake, "BULK_LINES", 10)
    source = write_file(tmp_path / "twice.jsonl")
    desk.import_file(source)
    calls: list[str] = []
    monkeypatch.setattr(bulk_indexes, "set_aside",
                        lambda store, holder: calls.append("aside") or [])
    monkeypatch.setattr(intake, "_start_tagger", lambda context: calls.append("tagger"))
    report = desk.import_file(source)
    assert (report.imported, report.duplicates) == (0, LINES)
    assert calls == []


def test_other_writers_items_are_searchable_and_indexed_beside_a_bulk_import(
        tmp_path: Path, team_config_file: Path, monkeypatch) -> None:
    """A sync writing between a bulk import's batches: its items are searchable at once
    (the words' trigger is in place between batches) and in every index at the end."""
    from tests.functional import test_import_stop

    monkeypatch.setattr(test_import_stop, "PAUSING_RUNNER", test_import_stop.PAUSING_RUNNER.replace(
        "intake.FIRST_BATCH = intake.IMPORT_BATCH = 25; ",
        "intake.FIRST_BATCH = intake.IMPORT_BATCH = 25; intake.BULK_LINES = 100; "))
    assert "BULK_LINES" in test_import_stop.PAUSING_RUNNER
    test_import_stop.test_other_writers_items_are_indexed_while_an_import_runs(
        tmp_path, team_config_file)
    assert items_schema(tmp_path / "d.db") == fresh_schema(tmp_path)
    conn = sqlite3.connect(tmp_path / "d.db")
    assert conn.execute("select count(*) from items indexed by idx_items_created_at "
                        "where created_at > ''").fetchone()[0] == LINES + 40
    conn.close()


def test_the_end_of_a_bulk_import_keeps_the_progress_alive(desk: Desk, tmp_path: Path,
                                                          monkeypatch) -> None:
    """Building the indexes again (and waiting for the tagger) is heard by the progress,
    after each index: the bar keeps moving, never silent at 100 %."""
    monkeypatch.setattr(intake, "BULK_LINES", 100)
    source = write_file(tmp_path / "alive.jsonl")
    heard: list[tuple[int, int]] = []
    desk.import_file(source, progress=lambda done, total: heard.append((done, total)))
    finals = [call for call in heard if call == (LINES, LINES)]
    assert len(finals) > len(fresh_schema(tmp_path)) - 1   # the last batch, then each index


def test_queries_that_name_an_index_work_while_a_bulk_import_runs(desk: Desk, tmp_path: Path,
                                                                 monkeypatch) -> None:
    """A query naming an index (INDEXED BY) fails outright when it is missing: the inbox with
    a marked person, the classifier's backlog, retention and the SLA alerts run while a bulk
    import does. Between its batches (indexes aside), each such index is still there, and the
    backlog's and due times' queries answer (they failed with 'no such index' before)."""
    import re

    from socialdesk.core.models import InboxFilter
    from socialdesk.core.store import predictions

    named = set()
    for source_file in (Path(__file__).parents[2] / "socialdesk").rglob("*.py"):
        named |= set(re.findall(r"indexed by (idx_items_\w+)", source_file.read_text("utf-8")))
    assert named
    monkeypatch.setattr(intake, "BULK_LINES", 100)
    monkeypatch.setattr(intake, "FIRST_BATCH", 25)
    monkeypatch.setattr(intake, "IMPORT_BATCH", 25)
    source = write_file(tmp_path / "named.jsonl")
    seen: list[set[str]] = []

    def between_batches(done: int, total: int) -> None:
        if done < total and bulk_indexes.aside_now(desk.store):
            present = {row[0] for row in desk.store.conn.execute(
                "select name from sqlite_master where type = 'index' and tbl_name = 'items'")}
            seen.append(named - present)
            assert predictions.pending_count(desk.store) >= 0   # the classifier's backlog
            desk.fill_due_times()                               # due times still missing
            desk.inbox_ids(InboxFilter(view="todo"), limit=50)

    desk.import_file(source, progress=between_batches)
    assert seen, "the import never set its indexes aside"
    assert all(not missing for missing in seen), seen

