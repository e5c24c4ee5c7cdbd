"""The one facade the CLI and the UI call. Everything here works without Textual.

A :class:`Desk` binds a validated :class:`Config` to a database file and the acting OS user.
It opens one :class:`Store` per thread on demand (SQLite connections must not cross threads).
"""

from __future__ import annotations

import getpass
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from socialdesk import paths
from socialdesk.config import Config
from socialdesk.core.audit import log as audit_log
from socialdesk.core.ingest.importer import ParsedLine, SkippedLine, read_import_file
from socialdesk.core.models import Item
from socialdesk.core.store import Store, open_store
from socialdesk.core.store.items import insert_new_items

IMPORT_BATCH = 2_000

#: Called with (lines done, lines in total) while a long job runs.
Progress = Callable[[int, int], None]


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


def current_user() -> str:
    """The OS user acting (identity on the shared host)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


class Desk:
    """socialdesk's services for one config, one database and one acting user."""

    def __init__(self, config: Config, db_path: str | Path | None = None,
                 actor: str | None = None) -> None:
        self.config = config
        self.db_path = paths.db_file(db_path, config.database_path or None)
        self.actor = actor or current_user()
        self._local = threading.local()

    @property
    def store(self) -> Store:
        """This thread's connection to the database (opened and migrated on first use)."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.db_path)
            self._local.store = store
        return store

    def close(self) -> None:
        """Close this thread's connection, if open."""
        store = getattr(self._local, "store", None)
        if store is not None:
            store.close()
            self._local.store = None

    def import_file(self, path: str | Path, progress: Progress | None = None) -> ImportReport:
        """Import a JSONL or CSV file: new items inserted, duplicates counted, bad lines listed.

        Each batch is committed on its own, so an interrupted import keeps what it committed
        and can simply be run again.
        """
        path = Path(path)
        events = read_import_file(path, self.config.team.zone)
        total = _count_lines(path) if progress else 0
        report = ImportReport(path)
        batch: list[Item] = []
        last_line = 0

        def flush() -> None:
            new = insert_new_items(self.store, batch)
            report.imported += new
            report.duplicates += len(batch) - new
            batch.clear()
            if progress:
                progress(last_line, total)

        for event in events:
            last_line = event.line
            if isinstance(event, ParsedLine):
                batch.append(event.item)
                if len(batch) >= IMPORT_BATCH:
                    flush()
            else:
                report.skipped.append(event)
        flush()
        audit_log.append(self.store, self.actor, "import", str(path.name), {
            "imported": report.imported, "duplicates": report.duplicates,
            "skipped": len(report.skipped)})
        return report
