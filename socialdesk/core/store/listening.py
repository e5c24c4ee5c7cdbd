"""Community listening's SQL: the items a period's topics are made of, the places they name,
and the embedding cache (table item_embeddings, migration v16).

The cache holds one float16 vector per item and embedding version; writing a version removes
the vectors of every other version (a new encoder or glossary makes them useless), so the
table never holds more than one vector per item.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from socialdesk.core.models import to_iso
from socialdesk.core.store.db import Store
from socialdesk.lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
else:   # imported on first use: the dashboard paints without it
    np = lazy_module("numpy", globals(), "np")

#: What the community raises: concerns and chat (reports go to the inbox's own figures).
LISTENED_CATEGORIES = ("concern", "chat")
#: Ids per query (SQLite's variable limit is far above; this keeps each statement small).
CHUNK = 900


@dataclass(frozen=True)
class HeardItem:
    """One item listening reads."""

    id: int
    created_at: str
    kind: str
    category: str
    language: str
    text: str


def heard_items(store: Store, start: datetime, until: datetime,
                categories: Sequence[str] = LISTENED_CATEGORIES) -> list[HeardItem]:
    """The people's items (not the page's own) of ``categories`` created in [start, until)
    that still have their text (not purged, not empty), oldest first."""
    marks = ", ".join("?" for _ in categories)
    rows = store.conn.execute(
        f"select id, created_at, kind, category, coalesce(language, 'en'), text from items "
        f"where created_at >= ? and created_at < ? and from_page = 0 and purged_at is null "
        f"and trim(coalesce(text, '')) != '' and category in ({marks}) "
        f"order by created_at, id", (to_iso(start), to_iso(until), *categories)).fetchall()
    return [HeardItem(*row) for row in rows]


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for at in range(0, len(ids), CHUNK):
        yield ids[at:at + CHUNK]


def places_of(store: Store, ids: Sequence[int]) -> dict[int, list[str]]:
    """The place ids each item names (its text or its post), each once."""
    found: dict[int, list[str]] = {}
    for part in _chunks(ids):
        marks = ", ".join("?" for _ in part)
        for item_id, place_id in store.conn.execute(
                f"select distinct item_id, place_id from item_places where item_id in ({marks}) "
                f"order by item_id, place_id", tuple(part)):
            found.setdefault(item_id, []).append(place_id)
    return found


def cached_vectors(store: Store, ids: Sequence[int], version: str) -> dict[int, np.ndarray]:
    """The cached vectors of ``ids`` for this embedding version (float32)."""
    found: dict[int, np.ndarray] = {}
    for part in _chunks(ids):
        marks = ", ".join("?" for _ in part)
        for item_id, blob in store.conn.execute(
                f"select item_id, vector from item_embeddings where version = ? "
                f"and item_id in ({marks})", (version, *part)):
            found[item_id] = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
    return found


def save_vectors(store: Store, ids: Sequence[int], vectors: np.ndarray, version: str) -> None:
    """Cache the vectors of ``ids`` (float16), in one transaction; vectors of any other
    version are removed first. An item purged since it was read gets none: its vector comes
    from the words the purge removed."""
    with store.write():
        store.conn.execute("delete from item_embeddings where version != ?", (version,))
        store.conn.executemany(
            "insert or replace into item_embeddings (item_id, version, vector) select ?, ?, ? "
            "where exists (select 1 from items where id = ? and purged_at is null)",
            [(int(i), version, v.astype(np.float16).tobytes(), int(i))
             for i, v in zip(ids, vectors, strict=True)])


def cached_count(store: Store) -> int:
    """Vectors in the cache (all versions)."""
    return int(store.conn.execute("select count(*) from item_embeddings").fetchone()[0])
