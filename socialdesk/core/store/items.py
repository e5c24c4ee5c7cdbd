"""Queries on the items table (every query parameterised)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from socialdesk.core.models import Item
from socialdesk.core.store.db import Store
from socialdesk.core.store.migrations import ITEM_COLUMNS


def existing_platform_ids(store: Store, platform_ids: list[str]) -> set[str]:
    """Which of these platform ids are already in the items table."""
    found: set[str] = set()
    for start in range(0, len(platform_ids), 500):
        chunk = platform_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(row[0] for row in store.conn.execute(
            f"select platform_id from items where platform_id in ({marks})", chunk))
    return found


def insert_new_items(store: Store, items: Iterable[Item]) -> int:
    """Insert items whose platform id is not in the DB yet; return how many were new.

    Existing rows are left untouched (importing a file twice adds nothing); a platform id
    repeated within ``items`` counts once. Runs inside the caller's transaction if there is one.
    """
    batch = list(items)
    if not batch:
        return 0
    with store.write():
        seen = existing_platform_ids(store, [item.platform_id for item in batch])
        rows = []
        for item in batch:
            if item.platform_id not in seen:
                seen.add(item.platform_id)
                rows.append(item.to_row())
        if rows:
            # One prepared executemany instead of sqlite-utils' insert_all: on 100,000 lines
            # insert_all spent a third of the import building multi-row SQL and checking
            # every value for JSON (measured with cProfile; see BENCHMARKS.md).
            columns = list(rows[0])
            names = ", ".join(f"[{c}]" for c in columns)
            marks = ", ".join(f":{c}" for c in columns)
            store.conn.executemany(f"insert into items ({names}) values ({marks})", rows)
        return len(rows)


def count_items(store: Store, **equals: Any) -> int:
    """Count items whose columns equal the given values, e.g. ``count_items(s, status="new")``."""
    unknown = set(equals) - set(ITEM_COLUMNS)
    if unknown:
        raise ValueError(f"not item columns: {sorted(unknown)}")
    where = " and ".join(f"[{column}] = ?" for column in equals) or "1"
    row = store.conn.execute(f"select count(*) from items where {where}",
                             list(equals.values())).fetchone()
    return int(row[0])


def fts_query(text: str) -> str:
    """Turn what a person typed into a safe FTS5 query: every word must match, as a prefix."""
    words = [w.replace('"', '""') for w in text.split()]
    return " ".join(f'"{w}"*' for w in words if w)


def search_items(store: Store, text: str, limit: int = 100) -> list[dict[str, Any]]:
    """Items whose text or author match all the typed words (newest first)."""
    query = fts_query(text)
    if not query:
        return []
    cursor = store.conn.execute(
        "select items.* from items join items_fts on items_fts.rowid = items.id "
        "where items_fts match ? order by items.created_at desc limit ?", (query, limit))
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
