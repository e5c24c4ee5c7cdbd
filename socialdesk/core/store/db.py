"""Open the SQLite database safely: pragmas, migrations, version check, write transactions.

One :class:`Store` (one connection) per thread. Several processes (dashboards, workers) may use
the same file: WAL lets readers run beside one writer, ``busy_timeout`` makes writers wait for
each other, and every write runs in ``BEGIN IMMEDIATE`` so two writers never deadlock while
upgrading a read lock.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator, Sequence, Sized
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from socialdesk.core.store.migrations import LATEST_VERSION, MIGRATIONS
from socialdesk.errors import StoreError, storage_error
from socialdesk.lazy import without_modules
from socialdesk.paths import private_dir

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 10_000
T = TypeVar("T")
BUSY_TIMEOUT_ENV = "SOCIALDESK_BUSY_TIMEOUT_MS"


def busy_timeout_ms() -> int:
    """How long a writer waits for another process's lock (env override for tests/ops)."""
    try:
        return max(0, int(os.environ.get(BUSY_TIMEOUT_ENV, BUSY_TIMEOUT_MS)))
    except ValueError:
        return BUSY_TIMEOUT_MS


def _explain(path: Path, exc: sqlite3.Error) -> StoreError:
    """Turn a SQLite error a user (or the machine) can cause into one clear sentence."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StoreError(f"The database {path} is busy (locked by another process) "
                          f"for more than {busy_timeout_ms() / 1000:g} s; try again shortly.")
    return storage_error(path, exc)


class Store:
    """One connection to the socialdesk database, for use by one thread."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self._db: sqlite_utils.Database | None = None

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils on this connection, for the writes that use it (imported on first
        use: reading, as the dashboard does before its first paint, needs only sqlite3)."""
        if self._db is None:
            self._db = _sqlite_utils().Database(self.conn)
        return self._db

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """A write transaction (BEGIN IMMEDIATE … COMMIT, rolled back on error).

        Nested use joins the outer transaction. A SQLite error inside or at commit (a lock
        timeout, a full disk, an I/O error) becomes a :class:`StoreError` with one sentence;
        the transaction is rolled back — unless SQLite already did (it does after a full disk),
        so the real error is never hidden behind "cannot rollback".
        """
        if self.conn.in_transaction:
            yield self.db
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _explain(self.path, exc) from None
        try:
            yield self.db
        except sqlite3.Error as exc:
            self._rollback()
            raise _explain(self.path, exc) from None
        except BaseException:
            self._rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise _explain(self.path, exc) from None

    def _rollback(self) -> None:
        """Roll back if a transaction is still open; a failing rollback never hides the error
        that caused it."""
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def data_version(self) -> int:
        """SQLite's data_version: it moves when another connection commits to the file."""
        return int(self.conn.execute("pragma data_version").fetchone()[0])

    def schema_version(self) -> int:
        """The schema version stored in the file."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def _sqlite_utils() -> Any:
    """The sqlite_utils module. When it is first imported it would import numpy (and pandas)
    if installed, only to map their types to column types, which socialdesk never stores:
    numpy alone is a fifth of the dashboard's start-up. So they look absent to it, while no
    other thread could be importing them (the hiding is process-wide)."""
    if "sqlite_utils" not in sys.modules and threading.active_count() == 1:
        with without_modules("numpy", "pandas"):
            import sqlite_utils
    else:
        import sqlite_utils
    return sqlite_utils


def as_dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """All rows of a cursor as dicts keyed by column name."""
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def insert_row(store: Store, table: str, columns: dict[str, Any]) -> int:
    """Insert one row of named ``columns`` into ``table`` (a name from the schema, never
    from input); return its id (inside the caller's transaction, if any)."""
    names = ", ".join(columns)
    with store.write():
        cursor = store.conn.execute(
            f"insert into {table} ({names}) values "
            f"({', '.join(':' + name for name in columns)})", columns)
        return int(cursor.lastrowid or 0)


def update_row(store: Store, table: str, row_id: int, changes: dict[str, Any]) -> None:
    """Set named columns of the row ``row_id`` of ``table`` (inside the caller's transaction,
    if any)."""
    assignments = ", ".join(f"{name} = :{name}" for name in changes)
    with store.write():
        store.conn.execute(f"update {table} set {assignments} where id = :id",
                           {**changes, "id": row_id})


def chunks(values: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    """Slices of at most ``size``, to keep ``IN (?, …)`` under SQLite's variable limit."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def marks(values: Sized) -> str:
    """``?, ?, ?`` for a parameterised ``IN (…)``."""
    return ",".join("?" * len(values))


def _migrate(store: Store) -> None:
    found = store.schema_version()
    if found > LATEST_VERSION:
        raise StoreError(
            f"The database {store.path} has schema version {found}, newer than this socialdesk "
            f"understands ({LATEST_VERSION}); upgrade socialdesk to open it.")
    if found == LATEST_VERSION:
        return
    with store.write() as db:
        # Re-read inside the lock: another process may have migrated meanwhile.
        version = store.schema_version()
        for number in range(version + 1, LATEST_VERSION + 1):
            MIGRATIONS[number - 1](db)
            store.conn.execute(f"PRAGMA user_version = {number}")


def _restore_abandoned_indexes(store: Store) -> None:
    """Build again the items indexes an import set aside and died before it put back (see
    :mod:`socialdesk.core.store.bulk_indexes`); a lock held by another writer leaves them to
    the next open."""
    from socialdesk.core.store import bulk_indexes

    with contextlib.suppress(StoreError):
        bulk_indexes.restore_abandoned(store)


def open_store(path: str | Path, *, create: bool = True, mode: int = 0o600) -> Store:
    """Open (and if needed create and migrate) the database at ``path``.

    A new database file gets ``mode`` (SQLite gives its WAL and shared-memory files the
    same); a new folder for it is private too. Raises :class:`StoreError` with one sentence
    for anything a user can cause: a missing directory that cannot be made, a file that is
    not a database, a newer schema, a lock.
    """
    path = Path(path)
    try:
        exists = path.exists()
    except PermissionError:
        raise StoreError(f"The database {path} cannot be reached by this account (permission "
                         "denied); on a shared host, open socialdesk through its service "
                         "account.") from None
    if not create and not exists:
        raise StoreError(f"The database {path} does not exist (check --db or SOCIALDESK_DB; "
                         "'socialdesk init' creates a new one).")
    try:
        private_dir(path.parent)
        if not exists:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, mode))
            os.chmod(path, mode)
    except OSError as exc:
        raise StoreError(f"Cannot create the database {path} ({exc.strerror}).") from None
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a database file.")
    deadline = time.monotonic() + busy_timeout_ms() / 1000
    while True:
        try:
            with _OPENING:
                return _connect(path)
        except sqlite3.OperationalError as exc:
            # Switching a brand-new file to WAL and migrating it can meet another process
            # doing the same; SQLite then answers "locked" at once (no busy wait, to avoid a
            # deadlock). Try again until the busy timeout, like any other lock.
            busy = "locked" in str(exc).lower() or "busy" in str(exc).lower()
            if not busy or time.monotonic() > deadline:
                raise _explain(path, exc) from None
            time.sleep(0.05)
        except sqlite3.Error as exc:
            raise _explain(path, exc) from None


#: Threads of one process open (and migrate) one at a time; other processes are handled by
#: SQLite's locks and the retry above.
_OPENING = threading.Lock()


def _connect(path: Path) -> Store:
    timeout = busy_timeout_ms()
    conn = sqlite3.connect(path, timeout=timeout / 1000, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {timeout}")
        if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
            raise StoreError(f"The database {path} cannot use WAL mode "
                             "(is it on a network share?).")
        # FULL: a commit is on the disk before it returns, so a power cut cannot lose a claim
        # (an outbox entry taken for sending) and have it sent a second time
        conn.execute("PRAGMA synchronous = FULL")
        # what is deleted or blanked (a purge, an edit) is overwritten, not left in free pages
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA foreign_keys = ON")
        store = Store(path, conn)
        _restore_abandoned_indexes(store)   # before migrating: a migration may drop one
        _migrate(store)
    except BaseException:
        conn.close()
        raise
    return store
