"""The supervisor's report, read in one pass: every public item of a window as integer
columns (numpy arrays), its categories packed into one integer per row in SQL so that 500,000
items cost a few Python objects each instead of a dozen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from socialdesk.core.models import ANSWERED_ELSEWHERE, NO_REPLY_NEEDED, to_iso
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


def tag_pairs(store: Store, since: datetime | None, until: datetime | None
              ) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(item ids, tag labels, tag code per pair) of the tagged public items created in
    [since, until): one row per item and tag, read from the small item_tags table joined to
    items by primary key (the untagged majority of items is never touched)."""
    window, params = _window(since, until)
    # CROSS JOIN keeps item_tags outside: one primary-key lookup per tag row, instead of a
    # walk over every item looking each up in item_tags (500,000 items: 0.5 → 0.1 s).
    rows = store.conn.execute(
        "select item_tags.item_id, item_tags.tag from item_tags cross join items on items.id "
        f"= item_tags.item_id where items.from_page = 0 {window}", params).fetchall()
    labels = sorted({tag for _, tag in rows})
    code = {tag: n for n, tag in enumerate(labels)}
    return (np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)), labels,
            np.fromiter((code[r[1]] for r in rows), dtype=np.int64, count=len(rows)))


def report_rows(store: Store, since: datetime | None, until: datetime | None,
                now: datetime) -> ReportRows:
    """Every public item created in [since, until) with its times and SLA verdict at ``now``."""
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
    rows = store.conn.execute(
        f"select id, unixepoch(created_at), ifnull(unixepoch(first_response_at), -1), "
        f"ifnull(unixepoch(closed_at) - unixepoch(created_at), -1), {packed} "
        f"from items where from_page = 0 {window}",
        [to_iso(now), *p_cat, *p_lang, *p_off, *params]).fetchall()
    columns = [np.array(c, dtype=np.int64) for c in zip(*rows, strict=True)] if rows else \
        [np.zeros(0, dtype=np.int64) for _ in range(5)]
    ids, created, first, resolved, bits = columns
    return ReportRows(
        ids=ids, created=created, first=first, resolved=resolved, verdict=bits & 7,
        codes={"category": (bits >> 3) & 3, "urgent": (bits >> 5) & 1,
               "language": (bits >> 6) & 3, "kind": (bits >> 8) & 1, "officer": bits >> 9},
        officers=officers)


def past_sla_now(store: Store, now: str) -> list[int]:
    """Open, unanswered public items whose first response was due before ``now``, most
    overdue first."""
    return [row[0] for row in store.conn.execute(
        "select id from items where from_page = 0 and status in ('new', 'claimed') "
        "and first_response_at is null and sla_due_at < ? order by sla_due_at", (now,))]
