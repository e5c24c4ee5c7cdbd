"""Places named by items (table item_places): tagging items with the gazetteer, the
hotspots query (reports and concerns by place and week) and a place's items.

Tagging follows a watermark (the highest item id tagged, and the gazetteer's version, in
sync_state under ``places``): import and sync tag what they brought in, and the first look
after this migration tags the items already there, :data:`TAG_BATCH` at a time, each batch
its own short transaction so that other officers' writes are never held up for long. When
prompts/places.toml changes, every item is tagged again. A text edited on the page is tagged
again by the sync that brings the edit (:func:`retag_edited`, in its transaction).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from socialdesk.core.models import to_iso
from socialdesk.core.places import item_places, load_gazetteer
from socialdesk.core.store.db import Store
from socialdesk.core.store.settings import read_setting, write_setting

WATERMARK = "places"
TAG_BATCH = 5_000
PLACE_CATEGORIES = ("report", "concern")


def tag_new_items(store: Store, batch: int = TAG_BATCH) -> int:
    """Tag every item not tagged yet with the places of its text and its post; returns how
    many items were read."""
    version = load_gazetteer().version
    mark = read_setting(store, WATERMARK)
    through = int(mark.get("through", 0)) if mark.get("version") == version else -1
    if through < 0:   # a new gazetteer: every item again
        with store.write():
            store.conn.execute("delete from item_places")
            write_setting(store, WATERMARK, {"through": 0, "version": version})
        through = 0
    done = 0
    while True:
        rows = store.conn.execute(
            "select id, text, post_text from items where id > ? order by id limit ?",
            (through, batch)).fetchall()
        if not rows:
            return done
        found = [(item_id, place, source) for item_id, text, post in rows
                 for place, source in item_places(text or "", post)]
        with store.write():
            store.conn.executemany(
                "insert or ignore into item_places (item_id, place_id, source) "
                "values (?, ?, ?)", found)
            through = rows[-1][0]
            write_setting(store, WATERMARK, {"through": through, "version": version})
        done += len(rows)


def places_of_item(store: Store, item_id: int) -> list[tuple[str, str]]:
    """(place id, source) of one item, the item's own text first."""
    return [(row[0], row[1]) for row in store.conn.execute(
        "select place_id, source from item_places where item_id = ? "
        "order by source = 'post', rowid", (item_id,))]


@dataclass(frozen=True)
class PlaceWeeks:
    """One place's reports and concerns: this period, the one before, and by week (oldest
    week first; the last is the week that ends at the period's end)."""

    place_id: str
    current: int
    previous: int
    weeks: list[int]
    item_ids: list[int]


def hotspot_counts(store: Store, since: datetime, until: datetime, weeks: int,
                   categories: tuple[str, ...] = PLACE_CATEGORIES) -> list[PlaceWeeks]:
    """Items of ``categories`` by place: in [since, until), in the period of equal length
    before it, and in each of the ``weeks`` weeks ending at ``until``. Each item counts once
    for a place, whether its text or its post named it."""
    length = until - since
    start = min(since - length, until - timedelta(days=7 * weeks))
    marks = ", ".join("?" for _ in categories)
    rows = store.conn.execute(
        f"select p.place_id, i.id, i.created_at from items i "
        f"join item_places p on p.item_id = i.id "
        f"where i.created_at >= ? and i.created_at < ? and i.from_page = 0 "
        f"and i.category in ({marks})",
        (to_iso(start), to_iso(until), *categories)).fetchall()
    since_s, before_s = to_iso(since), to_iso(since - length)
    by_place: dict[str, dict[int, str]] = {}
    for place_id, item_id, created in rows:
        by_place.setdefault(place_id, {})[item_id] = created
    # week k (0 = oldest) holds [edges[k], edges[k + 1]): ISO strings compare as times
    edges = [to_iso(until - timedelta(days=7 * (weeks - k))) for k in range(weeks + 1)]
    found = []
    for place_id, items in by_place.items():
        current = [i for i, at in items.items() if at >= since_s]
        previous = sum(1 for at in items.values() if before_s <= at < since_s)
        spark = [0] * weeks
        for at in items.values():
            week = bisect_right(edges, at) - 1
            if 0 <= week < weeks:
                spark[week] += 1
        if current or previous:
            found.append(PlaceWeeks(place_id, len(current), previous, spark,
                                    sorted(current, key=lambda i: items[i], reverse=True)))
    return found


ITEM_FIELDS = ("id", "created_at", "kind", "category", "urgent", "language", "text", "status",
               "first_response_at", "first_response_by", "assignee", "close_reason")


def items_of_place(store: Store, place_id: str) -> list[dict[str, Any]]:
    """The items that name a place (in their text or their post), newest first."""
    cursor = store.conn.execute(
        f"select {', '.join('i.' + f for f in ITEM_FIELDS)} from items i "
        "where i.id in (select item_id from item_places where place_id = ?) "
        "and i.from_page = 0 order by i.created_at desc, i.id desc", (place_id,))
    return [dict(zip(ITEM_FIELDS, row, strict=True)) for row in cursor]


def retag_edited(store: Store, edited: list[tuple[str, str]]) -> None:
    """The places of items whose text was edited on the page ((platform id, new text)), in
    the caller's transaction: the text's places again; the post's stay. An item not tagged
    yet is left to :func:`tag_new_items`."""
    for platform_id, text in edited:
        row = store.conn.execute("select id, post_text from items where platform_id = ?",
                                 (platform_id,)).fetchone()
        if row is None:
            continue
        store.conn.execute("delete from item_places where item_id = ? and source = 'text'",
                           (row[0],))
        store.conn.executemany(
            "insert or ignore into item_places (item_id, place_id, source) values (?, ?, ?)",
            [(row[0], place, source) for place, source in item_places(text or "", row[1])
             if source == "text"])
