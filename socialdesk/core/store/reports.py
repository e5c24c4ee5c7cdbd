"""The supervisor's report, read in one pass: every public item of a window as integer
columns (numpy arrays), its categories packed into one integer per row in SQL so that 500,000
items cost a few Python objects each instead of a dozen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import chain
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
    # Both columns are indexed: two tiny index scans instead of a pass over every item.
    found = {r[0] for column in ("first_response_by", "assignee")
             for r in store.conn.execute(f"select distinct {column} from items")}
    return [*sorted(name for name in found if name), "(nobody)", "(other)"]


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
    (tag, item_id) index: one integer per tag row and nothing else. The caller keeps the ids of
    its own window's public items (which it already holds), so items are never joined here."""
    tags = [row[0] for row in store.conn.execute("select distinct tag from item_tags")]
    return [(tag, np.fromiter(chain.from_iterable(store.conn.execute(
        "select item_id from item_tags where tag = ? order by item_id", (tag,))),
        dtype=np.int64)) for tag in sorted(tags)]


#: Items read between two progress calls of the report.
BATCH = 10_000
COLUMNS = 4
#: No closing time (far below any real one).
NEVER = -(1 << 62)


def count_window(store: Store, since: datetime | None, until: datetime | None) -> int:
    """How many public items were created in [since, until) (from an index)."""
    window, params = _window(since, until)
    return int(store.conn.execute(f"select count(*) from items where from_page = 0 {window}",
                                  params).fetchone()[0])


def report_rows(store: Store, since: datetime | None, until: datetime | None,
                now: datetime, progress: Progress | None = None) -> ReportRows:
    """Every public item created in [since, until) with its times and SLA verdict at ``now``.

    Streamed from one cursor straight into integer arrays (no Python tuple per item is kept):
    500,000 items hold 20 MB of arrays, not the 100+ MB of a fetched list. ``progress`` gets
    (items read, items in the window) after each batch."""
    window, params = _window(since, until)
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
    cursor = store.conn.execute(
        f"select id, unixepoch(created_at) * {1 << shift} + {packed}, "
        f"ifnull(unixepoch(first_response_at), -1), ifnull(unixepoch(closed_at), {NEVER}) "
        f"from items where from_page = 0 {window}",
        [to_iso(now), *p_cat, *p_lang, *p_off, *params])
    parts, done = [], 0
    while rows := cursor.fetchmany(BATCH):
        parts.append(np.fromiter(chain.from_iterable(rows), dtype=np.int64,
                                 count=COLUMNS * len(rows)))
        done += len(rows)
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
