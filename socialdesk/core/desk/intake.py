"""Bringing items in from a file: JSONL or CSV, in batches, each with its audit row in its
own transaction, retention applied on the way in. (The page's items come in through
:meth:`socialdesk.core.desk.desk.Desk.sync_once`.)"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import socialdesk
from socialdesk.core.audit.sla import due_times
from socialdesk.core.desk import access
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.ingest.importer import ParsedLine, SkippedLine, read_import_file
from socialdesk.core.models import Item, Progress, to_iso, utc_now
from socialdesk.core.store import bulk_indexes
from socialdesk.core.store.items import existing_platform_ids, insert_new_items, last_item_id

#: Items per transaction: the first batch, doubling up to the last. Each commit writes every
#: index page its batch touched, and new items land all over the items table's indexes, so
#: few big batches cost far less than many small ones; the first ones are small so that a
#: short import commits early. A batch holds the write lock well under a second (other
#: writers wait for it) and Ctrl-C loses at most one.
FIRST_BATCH = 2_000
IMPORT_BATCH = 10_000
#: A bulk import sets the items table's secondary indexes aside and builds them once at its
#: end (:mod:`socialdesk.core.store.bulk_indexes`) when its file has at least this many
#: lines and at least :data:`BULK_SHARE` times as many as the table already holds. Building
#: an index costs far less a row than inserting rows into it one by one, but covers the rows
#: already there too. 100,000 lines into a table of 100,000 / 200,000 / 400,000 items: 8.1 /
#: 10.3 / 15.8 s of CPU set aside, 14.3 / 15.0 / 16.3 s kept (a loaded machine): even at
#: 0.25 a tie, so 0.5 leaves a margin (and the table's indexes aside no longer than pays).
BULK_LINES = 20_000
BULK_SHARE = 0.5


@dataclass
class ImportReport:
    """What an import did: new items, items already present, and the lines it could not read."""

    path: Path
    imported: int = 0
    duplicates: int = 0
    skipped: list[SkippedLine] = field(default_factory=list)

    @property
    def lines_read(self) -> int:
        """Lines that held a record (good or bad)."""
        return self.imported + self.duplicates + len(self.skipped)


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ctrl-C waits for the end of the block (then stops as usual): a batch, its commit and
    the progress report saying it is kept go together, so "kept N lines" is exactly what the
    database holds. Only the main thread hears Ctrl-C; elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return
    heard: list[int] = []
    signal.signal(signal.SIGINT, lambda number, _frame: heard.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if heard:
        raise KeyboardInterrupt


def import_file(context: DeskContext, path: Path,
                progress: Progress | None = None) -> ImportReport:
    """Import a JSONL or CSV file: new items inserted, duplicates counted, bad lines listed.

    Each batch is committed on its own, so an interrupted import keeps what it committed and
    can simply be run again; each batch is audited in its own transaction, with its items'
    words indexed for search and their first-response due times set (the search index and
    the due times never lag behind a committed batch). ``progress`` hears (lines read, lines
    in the file) after each committed batch. Lines older than
    the retention period are kept without their words or author (the policy holds for
    imports too).
    """
    context.require(access.Permission.IMPORT)
    store = context.store
    cutoff = to_iso(utc_now() - timedelta(days=context.policy.retention_days))
    events = read_import_file(path, context.config.team.zone)
    total = _count_lines(path)
    bulk_indexes.restore_abandoned(store)   # a bulk import that died: its indexes first
    bulk = _Bulk(context, total >= BULK_LINES and total >= BULK_SHARE * last_item_id(store))
    said: list[tuple[int, int]] = []

    def reporting(done: int, total: int) -> None:
        said[:] = [(done, total)]
        if progress:
            progress(done, total)

    def still_working() -> None:   # the end's work (indexes, tagging): never silent
        if progress and said:
            progress(*said[0])

    finished = False
    try:
        report = _import_events(context, path, events, cutoff, total, reporting, bulk)
        finished = True
    finally:
        bulk.end(finished, still_working)   # after a stop or an error too
    context.fill_due_times()   # other writers' items (this import's have theirs)
    return report


class _Bulk:
    """A bulk import's extras: the items table's indexes set aside and the tagging process
    beside it, both from the first batch that brings new items (a file imported again, all
    duplicates, pays for neither)."""

    def __init__(self, context: DeskContext, eligible: bool) -> None:
        self.context = context
        self.eligible = eligible
        self.holder = bulk_indexes.this_process()
        self.aside = False
        self.tagger: subprocess.Popen[bytes] | None = None

    def begin(self, batch: list[Item]) -> bool:
        """Before a batch is inserted, in its transaction: set the indexes aside when this is
        the first batch with new items; returns whether they are aside."""
        if self.eligible and not self.aside and \
                len(existing_platform_ids(self.context.store, [i.platform_id for i in batch])) \
                < len(batch):
            self.eligible = False
            self.aside = bool(bulk_indexes.set_aside(self.context.store, self.holder))
            self.tagger = _start_tagger(self.context)
        return self.aside

    def end(self, finished: bool, still_working: Callable[[], None]) -> None:
        """Put the indexes back (a second Ctrl-C waits for it) and let the tagger finish, or
        stop it when the import did not finish; ``still_working`` hears after each index
        and each second of waiting for the tagger (the progress shown stays alive)."""
        try:
            if self.aside:
                with _uninterrupted():
                    bulk_indexes.put_back(self.context.store, self.holder, still_working)
        except BaseException:   # Ctrl-C heard meanwhile: stop the tagger too
            if self.tagger is not None:
                _stop_tagger(self.tagger, False, still_working)
            raise
        if self.tagger is not None:
            _stop_tagger(self.tagger, finished, still_working)


def _start_tagger(context: DeskContext) -> subprocess.Popen[bytes] | None:
    """Tag the import's places beside it, in a process of its own
    (:mod:`socialdesk.core.store.tag_alongside`), for a desk that tags places (a member's);
    None when it cannot be started (the desk tags them afterwards, as for a small import)."""
    try:
        context.require(access.Permission.RUN_JOBS)
    except access.AccessDenied:
        return None
    env = dict(os.environ)
    here = Path(socialdesk.__file__).resolve().parent.parent   # a checkout's socialdesk, not
    if here.name not in ("site-packages", "dist-packages"):    # another one installed
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(here), env.get("PYTHONPATH")) if p)
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "socialdesk.core.store.tag_alongside",
             str(context.store.path)], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, env=env)   # its failure costs nothing: the desk tags
    except OSError:
        return None


def _stop_tagger(tagger: subprocess.Popen[bytes], finished: bool,
                 still_working: Callable[[], None]) -> None:
    """Let the tagger finish (its last pass after the import's last commit), or stop it
    now when the import stopped (what it committed stays tagged)."""
    if not finished:
        tagger.terminate()
    with contextlib.suppress(OSError):
        tagger.stdin.close()   # type: ignore[union-attr]
    with _uninterrupted():
        while True:
            try:
                tagger.wait(timeout=1)
                return
            except subprocess.TimeoutExpired:
                still_working()


def _import_events(context: DeskContext, path: Path, events: Iterator[ParsedLine | SkippedLine],
                   cutoff: str, total: int, progress: Progress | None,
                   bulk: _Bulk) -> ImportReport:
    """The batches of :func:`import_file`, each committed with its audit row."""
    store = context.store

    def due(created: list[str]) -> list[str]:   # a batch's new public items at once
        return due_times(context.sla, [(at, None, None) for at in created])
    report = ImportReport(path)
    batch: list[Item] = []
    last_line = 0

    skipped_before = batches = 0

    def flush() -> None:   # one batch and its audit row, in one transaction
        with _uninterrupted():
            commit()

    def commit() -> None:
        nonlocal skipped_before, batches
        with store.write():
            aside = bulk.begin(batch)
            new = insert_new_items(store, batch, cutoff, to_iso(utc_now()), due, aside)
            context.record("import", path.name, {
                "imported": new, "duplicates": len(batch) - new,
                "skipped": len(report.skipped) - skipped_before})
        report.imported += new
        report.duplicates += len(batch) - new
        skipped_before = len(report.skipped)
        batches += 1
        batch.clear()
        if progress:
            progress(last_line, total)

    for event in events:
        last_line = event.line
        if isinstance(event, ParsedLine):
            batch.append(event.item)
            if len(batch) >= min(IMPORT_BATCH, FIRST_BATCH << batches):
                flush()
        else:
            report.skipped.append(event)
    flush()
    return report
