"""The supervisor's report, read in one pass: every public item of a window as integer
columns (numpy arrays), its categories packed into one integer per row in SQL so that 500,000
items cost a few Python objects each instead of a dozen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import TYPE_CHECKING

from socialdesk.core.models import ANSWERED_ELSEWHERE, NO_REPLY_NEEDED, Progress, to_iso
from socialdesk.core.store.db import Store
from socialdesk.lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
else:   # imported on first use: the dashboard paints without it
    np = lazy_module("numpy", globals(), "np")

#: SLA verdicts: not yet due and unanswered, answered in time, missed, exempt (no reply
#: needed), answered elsewhere (a phone call, in person: no first response on the page).
PENDING, MET, MISSED, EXEMPT, ELSEWHERE = 0, 1, 2, 3, 4
CATEGORIES = ("report", "concern", "chat", "unclassified")
LANGUAGES = ("en", "cy", "mixed", "unknown")
KINDS = ("comment", "message")
OFFICER = "coalesce(first_response_by, assignee, '(nobody)')"


@dataclass(frozen=True)
class ReportRows:
    """The window's items as columns; times in Unix seconds, -1 where there is none."""

    ids: np.ndarray
    created: np.ndarray
    first: np.ndarray        # first response
    resolved: np.ndarray     # seconds from creation to closing
    verdict: np.ndarray
    codes: dict[str, np.ndarray]   # category, urgent, language, kind, officer → label index
    officers: list[str]            # the officer labels, "(nobody)" and "(other)" last


def _case(column: str, values: tuple[str, ...] | list[str]) -> tuple[str, list[str]]:
    """SQL mapping a text column to the position of its value (last position = other)."""
    whens = " ".join(f"when ? then {n}" for n in range(len(values) - 1))
    return f"(case {column} {whens} else {len(values) - 1} end)", list(values[:-1])


def officer_names(store: Store) -> list[str]:
    """Everyone who answered or holds an item, sorted, then "(nobody)" and "(other)"."""
    # Both columns are indexed: a skip through each index, one seek per distinct name (a
    # team's few), instead of reading all its entries (`select distinct` read 500,000 twice:
    # 0.09 s of a report at 500,000 items).
    found: set[str] = set()
    for column in ("first_response_by", "assignee"):
        name = ""
        while (row := store.conn.execute(f"select min({column}) from items where {column} > ?",
                                         (name,)).fetchone()) and row[0] is not None:
            name = row[0]
            found.add(name)
    return [*sorted(found), "(nobody)", "(other)"]


def _window(since: datetime | None, until: datetime | None) -> tuple[str, list[str]]:
    window, params = "", []
    if since:
        window += " and created_at >= ?"
        params.append(to_iso(since))
    if until:
        window += " and created_at < ?"
        params.append(to_iso(until))
    return window, params


def tagged_items(store: Store) -> list[tuple[str, np.ndarray]]:
    """Every tag with the ids of the items carrying it (ascending), read per tag from the
    (tag, item_id) index as one text of integers (no Python int per tag row). The caller
    keeps the ids of its own window's public items (which it already holds), so items are
    never joined here."""
    tags = [row[0] for row in store.conn.execute("select distinct tag from item_tags")]
    found = []
    for tag in sorted(tags):
        text = store.conn.execute("select group_concat(item_id) from item_tags where tag = ?",
                                  (tag,)).fetchone()[0]
        # read in the index's order, ascending already: the sort only makes sure of it
        found.append((tag, np.sort(np.fromstring(text or "", dtype=np.int64, sep=","))))
    return found


#: Items read between two progress calls of the report (about: the window is read in slices
#: of equal time, as many as it holds batches of this size).
BATCH = 10_000
COLUMNS = 4
#: No closing time (far below any real one: 1 January of year 1 is -62,135,596,800).
NEVER = -(10 ** 11)


def count_window(store: Store, since: datetime | None, until: datetime | None) -> int:
    """How many public items were created in [since, until) (from an index)."""
    window, params = _window(since, until)
    return int(store.conn.execute(f"select count(*) from items where from_page = 0 {window}",
                                  params).fetchone()[0])


def _slices(store: Store, since: datetime | None, until: datetime | None,
            count: int, batch: int = BATCH) -> list[tuple[str, list[str]]]:
    """The window cut into about ``count`` / ``batch`` slices of equal time, in order:
    (SQL condition, its parameters) each; together they hold every item of the window once,
    whatever its creation time looks like (the first slice has no lower bound of its own,
    the last no upper)."""
    window, params = _window(since, until)
    ends = [store.conn.execute(f"select {edge}(created_at) from items where from_page = 0 "
                               f"{window}", params).fetchone()[0] for edge in ("min", "max")]
    cuts: list[str] = []
    try:
        first, last = (datetime.fromisoformat(end) for end in ends)
        pieces = min(max(count // batch, 1), 10_000)
        step = (last - first) / pieces
        cuts = sorted({to_iso(first + step * n) for n in range(1, pieces)})
    except (TypeError, ValueError, OverflowError):   # empty, or times not as socialdesk
        cuts = []                                     # writes them: one slice
    bounds: list[str | None] = [None, *cuts, None]
    slices = []
    for low, high in pairwise(bounds):
        condition = window + (" and created_at >= ?" if low else "") + \
            (" and created_at < ?" if high else "")
        slices.append((condition, [*params, *(b for b in (low, high) if b)]))
    return slices


def report_rows(store: Store, since: datetime | None, until: datetime | None,
                now: datetime, progress: Progress | None = None,
                batch: int = BATCH) -> ReportRows:
    """Every public item created in [since, until) with its times and SLA verdict at ``now``.

    Read from the covering index in slices of time, each slice's rows as ONE text of
    integers (``group_concat``) parsed by numpy: no Python tuple or int per item, which cost
    more than SQLite's own work (500,000 items: 0.35 s of 0.7 s read as 2,000,000 ints
    through tuples; 0.25 s as text). 500,000 items hold 20 MB of arrays. ``progress`` gets
    (items read, items in the window) after each slice, of about ``batch`` items."""
    officers = officer_names(store)
    category, p_cat = _case("coalesce(category, 'unclassified')", CATEGORIES)
    language, p_lang = _case("coalesce(language, 'unknown')", LANGUAGES)
    officer, p_off = _case(OFFICER, officers)
    verdict = (f"(case when first_response_at is null and close_reason = '{NO_REPLY_NEEDED}' "
               f"then {EXEMPT} when first_response_at is null and close_reason = "
               f"'{ANSWERED_ELSEWHERE}' then {ELSEWHERE} "
               f"when first_response_at is not null then (case when sla_due_at is "
               f"null or first_response_at <= sla_due_at then {MET} else {MISSED} end) "
               f"when sla_due_at < ? then {MISSED} else {PENDING} end)")
    packed = (f"{verdict} + 8 * {category} + 32 * coalesce(urgent, 0) + 64 * {language} + "
              f"256 * (kind = 'message') + 512 * {officer}")
    # the codes ride in the low bits of the creation time (one integer less per item); the
    # closing time comes raw and is turned into a duration here (one date parsed less).
    # SQLite binds at most 32,766 parameters, so shift <= 24 and the product fits 63 bits.
    shift = 9 + max((len(officers) - 1).bit_length(), 1)
    total = count_window(store, since, until) if progress else 0
    # without a count, as many slices as the whole table would need (each costs a seek)
    size = total or int(store.conn.execute("select max(id) from items").fetchone()[0] or 0)
    parts, done = [], 0
    for condition, params in _slices(store, since, until, size, batch):
        text, rows = store.conn.execute(
            f"select group_concat(printf('%d,%d,%d,%d', id, "
            f"unixepoch(created_at) * {1 << shift} + {packed}, "
            f"ifnull(unixepoch(first_response_at), -1), ifnull(unixepoch(closed_at), {NEVER})"
            f"), ','), count(*) from items where from_page = 0 {condition}",
            [to_iso(now), *p_cat, *p_lang, *p_off, *params]).fetchone()
        if not rows:
            continue
        values = np.fromstring(text, dtype=np.int64, sep=",")
        if values.size != COLUMNS * rows:
            raise ValueError("the report's items could not be read")
        parts.append(values)
        done += rows
        if progress:
            progress(done, max(total, done))
    flat = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    del parts
    ids, stamped, first, closed = (np.ascontiguousarray(column)
                                   for column in flat.reshape(-1, COLUMNS).T)
    del flat
    created, bits = stamped >> shift, stamped & ((1 << shift) - 1)
    return ReportRows(
        ids=ids, created=created, first=first,
        resolved=np.where(closed == NEVER, -1, closed - created), verdict=bits & 7,
        codes={"category": (bits >> 3) & 3, "urgent": (bits >> 5) & 1,
               "language": (bits >> 6) & 3, "kind": (bits >> 8) & 1, "officer": bits >> 9},
        officers=officers)


def past_sla_now(store: Store, now: str) -> list[int]:
    """Open, unanswered public items whose first response was due before ``now``, most
    overdue first (items due at the same moment by id)."""
    # the partial index holds exactly these items, in this order (see migrations._v14)
    return [row[0] for row in store.conn.execute(
        "select id from items indexed by idx_items_past_sla where from_page = 0 and status "
        "in ('new', 'claimed') and first_response_at is null and sla_due_at < ? "
        "order by sla_due_at, id", (now,))]
