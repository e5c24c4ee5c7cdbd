"""What the classifier reads and writes in the items table: items waiting for a model, items
no officer has touched (a better model may classify them again), the predictions themselves,
and the officers' corrections that teach the next model."""

from __future__ import annotations

from typing import Any

from socialdesk.core.store.db import Store
from socialdesk.core.store.items import settle_answered_comments

#: Items the classifier has not seen: the public's, still holding personal data.
PENDING = "model_version is null and from_page = 0 and purged_at is null"
#: Items no officer has touched: a later model may classify them again.
UNTOUCHED = ("status = 'new' and assignee is null and "
             "id not in (select item_id from corrections)")
#: Untouched items a model other than the one given (?) classified.
_UNTOUCHED_BY_ANOTHER = (f"from_page = 0 and purged_at is null and {UNTOUCHED} and "
                         "model_version is not null and model_version != ?")
#: What every prediction writes, whichever way the category and due time are decided (an
#: urgent flag is only ever raised by a model, never lowered).
PREDICTION_COLUMNS = ("urgent = max(coalesce(urgent, 0), :urgent), urgent_cues = :cues, "
                      "confidence = :confidence, probabilities = :probabilities, "
                      "language = :language, model_version = :version")
#: A first prediction: an officer's category stays; the due time is computed again.
FIRST_PREDICTION = "category = coalesce(category, :category), sla_due_at = null"
#: A later model's prediction of an untouched item: a changed category gets a new due time.
NEW_PREDICTION = ("sla_due_at = case when category = :category then sla_due_at end, "
                  "category = :category")

#: (id, text, post text, kind) of an item to classify.
ItemText = tuple[int, str, str | None, str]


def pending_items(store: Store, limit: int) -> list[ItemText]:
    """Up to ``limit`` items no model has seen, urgent ones (by cue) first, then the oldest:
    read from the pending index (a page, not a sort of every waiting item)."""
    return store.conn.execute(
        f"select id, text, post_text, kind from items indexed by idx_items_pending "
        f"where {PENDING} order by urgent desc, id limit ?", (limit,)).fetchall()


def pending_count(store: Store) -> int:
    """How many items wait for the classifier (counted in the pending index)."""
    return int(store.conn.execute(
        f"select count(*) from items indexed by idx_items_pending where {PENDING}").fetchone()[0])


def untouched_items(store: Store, version: str, after: int, limit: int) -> list[ItemText]:
    """Up to ``limit`` items after id ``after`` (in id order) still new, unclaimed and never
    corrected, classified by another model than ``version``."""
    return store.conn.execute(
        f"select id, text, post_text, kind from items where {_UNTOUCHED_BY_ANOTHER} "
        "and id > ? order by id limit ?", (version, after, limit)).fetchall()


def untouched_count(store: Store, version: str) -> int:
    """How many items :func:`untouched_items` would go through."""
    return int(store.conn.execute(f"select count(*) from items where {_UNTOUCHED_BY_ANOTHER}",
                                  (version,)).fetchone()[0])


def write_predictions(store: Store, rows: list[dict[str, Any]], assignments: str,
                      only_untouched: bool = False) -> None:
    """Write predictions (named parameters: id, category, urgent, cues, confidence,
    probabilities, language, version) in one transaction. ``assignments`` is
    :data:`FIRST_PREDICTION` or :data:`NEW_PREDICTION`; ``only_untouched`` checks again, as it
    writes, that no officer has acted on the item meanwhile. Non-urgent comments the page has
    already answered right under them become answered."""
    condition = f"and {UNTOUCHED}" if only_untouched else ""
    with store.write():
        store.conn.executemany(
            f"update items set {assignments}, {PREDICTION_COLUMNS} where id = :id {condition}",
            rows)
        settle_answered_comments(store, [row["id"] for row in rows])


def latest_corrections(store: Store) -> list[tuple[str, str, int, str | None, str, str | None]]:
    """The latest correction of each item still holding its text: (text, category, urgent,
    language, kind, post text)."""
    return store.conn.execute(
        "select i.text, c.new_category, c.new_urgent, i.language, i.kind, i.post_text "
        "from corrections c join items i on i.id = c.item_id "
        "where c.id in (select max(id) from corrections group by item_id) "
        "and i.purged_at is null and i.text != ''").fetchall()
