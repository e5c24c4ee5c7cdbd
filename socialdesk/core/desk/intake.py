"""Bringing items in from a file: JSONL or CSV, in batches, each with its audit row in its
own transaction, retention applied on the way in. (The page's items come in through
:meth:`socialdesk.core.desk.desk.Desk.sync_once`.)"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from socialdesk.core.desk import access
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.ingest.importer import ParsedLine, SkippedLine, read_import_file
from socialdesk.core.models import Item, Progress, to_iso, utc_now
from socialdesk.core.store.items import insert_new_items

#: Items per transaction: the first batch, doubling up to the last. Each commit writes every
#: index page its batch touched, and new items land all over the items table's indexes, so
#: few big batches cost far less than many small ones; the first ones are small so that a
#: short import commits early. A batch holds the write lock well under a second (other
#: writers wait for it) and Ctrl-C loses at most one.
FIRST_BATCH = 2_000
IMPORT_BATCH = 10_000


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
    total = _count_lines(path) if progress else 0
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
            new = insert_new_items(store, batch, cutoff, to_iso(utc_now()),
                                   context.sla.new_item_due)
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
    context.fill_due_times()   # other writers' items (this import's have theirs)
    return report
