"""The items table's secondary indexes set aside for a bulk import, and put back (issue 22).

A bulk import into a table it will more than double pays far less to build each index once at
the end (one sort) than to insert every row into ~20 indexes as it goes (100,000 lines into a
new database: about 4 s of CPU less). The import commits batch by batch as before (Ctrl-C or
a crash keeps every committed batch, its words searchable: the full-text index is kept per
batch); only the ordinary secondary indexes wait. The unique index on ``platform_id`` stays
(it is what finds duplicates), and so does every other unique index.

Each index set aside is written down in ``items_indexes_aside`` (with the import that set it
aside: host and process id) in the same transaction that drops it, and each is put back in
its own short transaction that also rubs it out, so the list always says exactly which
indexes are missing. Should the import die before it puts them back, the next open of the
database (:func:`restore_abandoned`, from :func:`socialdesk.core.store.db.open_store`) or the
next import puts them back. While they are aside, readers get the same answers, only by
scanning; another writer's rows go into the table and the full-text index as usual.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socialdesk.core.store.db import Store

TABLE = "items_indexes_aside"
#: Indexes queries name (``INDEXED BY``): such a query fails outright without its index, so
#: these are never set aside, whoever asks (the inbox's marked people, the classifier's
#: backlog, retention, the SLA alerts and reports run while an import or a sync does).
NAMED_BY_QUERIES = frozenset({
    "idx_items_person", "idx_items_pending", "idx_items_unpurged", "idx_items_past_sla",
    "idx_items_due_missing"})


def this_process() -> str:
    """The holder name of this process: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(holder: str) -> bool:
    """Whether the process named ``holder`` may still be running (on another host: assume so;
    SQLite's WAL does not share a database across hosts, so that is never an import here)."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # someone else's live process
        return True
    return True


def set_aside(store: Store, holder: str, keep: Collection[str] = ()) -> list[str]:
    """Drop the items table's secondary indexes (not the unique ones, nor those named in
    ``keep`` or by queries: :data:`NAMED_BY_QUERIES`), writing each down for :func:`put_back`,
    in one write transaction; returns their names. Returns [] (and drops nothing) when indexes
    are already aside (another import or sync is running or died).

    An index kept that comes after one dropped in the schema is written down too (and stays
    in place meanwhile): :func:`put_back` builds it again after the ones before it, so the
    schema ends in its old order (the same plans as before)."""
    with store.write():
        if store.conn.execute(f"select 1 from {TABLE} limit 1").fetchone():
            return []
        found = store.conn.execute(
            "select name, sql from sqlite_master where type = 'index' and tbl_name = 'items' "
            "and sql is not null order by rowid").fetchall()
        ordinary = [(name, sql) for name, sql in found
                    if not sql.lstrip().upper().startswith("CREATE UNIQUE")]
        kept = NAMED_BY_QUERIES | set(keep)
        aside = [(name, sql) for name, sql in ordinary if name not in kept]
        if not aside:
            return []
        listed = ordinary[ordinary.index(aside[0]):]
        store.conn.executemany(f"insert into {TABLE} (name, sql, holder) values (?, ?, ?)",
                               [(name, sql, holder) for name, sql in listed])
        for name, _sql in aside:
            store.conn.execute(f'DROP INDEX "{name}"')
    return [name for name, _sql in aside]


def put_back(store: Store, holder: str | None = None,
             each: Callable[[], None] | None = None) -> int:
    """Build again the indexes set aside (by ``holder``; by anyone when None), each in its
    own transaction with its line of the list, in the order they had in the schema (SQLite
    picks the first of two indexes as good for a query: the same plans as before); returns
    how many were built. An index on the list that is there (kept by :func:`set_aside`) is
    built again too, in its place in that order. ``each`` hears after each one."""
    built = 0
    while True:
        with store.write():
            row = store.conn.execute(
                f"select name, sql from {TABLE} where ? is null or holder = ? order by rowid "
                "limit 1", (holder, holder)).fetchone()
            if row is None:
                return built
            name, sql = row
            store.conn.execute(f'DROP INDEX IF EXISTS "{name}"')
            store.conn.execute(sql)
            built += 1
            store.conn.execute(f"delete from {TABLE} where name = ?", (name,))
        if each is not None:
            each()


def aside_now(store: Store) -> list[str]:
    """The names of the indexes set aside right now (missing from the schema)."""
    try:
        return [row[0] for row in store.conn.execute(
            f"select name from {TABLE} where name not in (select name from sqlite_master "
            "where type = 'index') order by name")]
    except sqlite3.OperationalError:   # a database from before the list existed
        return []


def restore_abandoned(store: Store) -> int:
    """Put back the indexes set aside by an import that is no longer running (it died before
    it could); returns how many were built. Indexes of a running import stay aside."""
    try:
        holders = [row[0] for row in store.conn.execute(f"select distinct holder from {TABLE}")]
    except sqlite3.OperationalError:   # a database from before the list existed
        return 0
    return sum(put_back(store, holder) for holder in holders if not _alive(holder))


__all__ = ["NAMED_BY_QUERIES", "TABLE", "aside_now", "put_back", "restore_abandoned", "set_aside",
           "this_process"]
