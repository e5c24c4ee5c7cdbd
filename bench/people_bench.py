"""People with 100,000 items: the contact history, and what the person columns and the
safeguarding order cost the inbox.

The desk of the dashboard benchmark (100,000 imported items, labelled at random) with a
page-scoped author id on every item (5,000 people, ~20 items each), plus one person who wrote
600 times from two linked ids. Measured in process on a fresh connection, median of 15 runs:

- person view: ``desk.people.person`` (every item of the person with its first answer, their
  ids, their marker) — the contact-history screen's whole query work
- inbox ids: the To do and All views' ordered ids, as before this change (one indexed query
  per status group) and now (plus the marked people's items moved up), with 0 and 50 markers
- inbox rows: one screenful (60 rows) by primary key, without and with the person columns
  (earlier contacts and the marker flag, correlated through idx_items_person)
- detail: ``desk.item_detail`` with the contact counts
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from bench.dashboard_bench import ITEMS, build_db
from bench.report import team_config, write_section

RUNS = 15
HEAVY = 600


def timed(work: Callable[[], object]) -> float:
    """Median milliseconds of ``work`` over RUNS runs (after one warm-up)."""
    work()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def prepare(db: Path) -> None:
    """Author ids for everyone, and one person who wrote 600 times from two ids."""
    from socialdesk.config import load_config
    from socialdesk.core.desk import Desk

    desk = Desk(load_config(team_config(db.parent)), db, actor="bench")
    with desk.store.write():
        desk.store.conn.execute("update items set author_id = 'psid-' || substr(author_name, 8)")
        desk.store.conn.execute(
            "update items set author_id = case when (id / 160) % 2 = 0 then 'psid-heavy' "
            "else 'psid-heavy-2' end, author_name = 'Heavy Writer' where id % 160 = 7")
    desk.people.link("psid-heavy", "psid-heavy-2")
    desk.close()


def run() -> None:
    """Run the people benchmark and record it in BENCHMARKS.md."""
    from socialdesk.config import load_config
    from socialdesk.core.desk import Desk
    from socialdesk.core.models import InboxFilter, utc_now
    from socialdesk.core.store import inbox

    with tempfile.TemporaryDirectory() as tmp:
        db, _imported, _due = build_db(Path(tmp))
        prepare(db)
        desk = Desk(load_config(team_config(db.parent)), db, actor="bench")
        store = desk.store
        heavy = len(desk.person_items("psid-heavy"))
        typical = len(desk.person_items("psid-42"))
        person_heavy = timed(lambda: desk.people.person("psid-heavy"))
        person_typical = timed(lambda: desk.people.person("psid-42"))

        def ids_before(view: str) -> list[int]:   # inbox_ids as it was: no safeguarding order
            chosen, found = InboxFilter(view=view), []
            wanted = set(inbox.VIEWS[view])
            for statuses, order in inbox.GROUPS:
                if not wanted.isdisjoint(statuses):
                    where, params = inbox.where_clause(chosen, "bench", statuses)
                    found += [r[0] for r in store.conn.execute(
                        f"select id from items where {where} order by {order}", params)]
            return found

        todo_before = timed(lambda: ids_before("todo"))
        all_before = timed(lambda: ids_before("all"))
        todo_now = timed(lambda: desk.inbox_ids(InboxFilter(view="todo")))
        all_now = timed(lambda: desk.inbox_ids(InboxFilter(view="all")))
        review = (utc_now().date() + timedelta(days=90)).isoformat()
        for n in range(50):
            desk.people.set_marker(f"psid-{n * 97}", "vulnerable adult", "bench", review)
        desk.people.set_marker("psid-heavy", "repeat victim", "bench", review)
        todo_marked = timed(lambda: desk.inbox_ids(InboxFilter(view="todo")))
        all_marked = timed(lambda: desk.inbox_ids(InboxFilter(view="all")))
        screen = desk.inbox_ids(InboxFilter(view="todo"))[:60]
        marks = ",".join("?" * len(screen))
        rows_before = timed(lambda: store.conn.execute(
            f"select {inbox.BASE_ROW_COLUMNS} from items where id in ({marks})",
            screen).fetchall())
        rows_now = timed(lambda: desk.inbox_rows(screen))
        heavy_item = int(desk.person_items("psid-heavy")[0]["id"])   # type: ignore[call-overload]
        detail = timed(lambda: desk.item_detail(heavy_item))
        desk.close()
    body = f"""\
{ITEMS:,} items (the dashboard benchmark's desk) with 5,000 people (~20 items each) and one
person who wrote {heavy} times from two linked ids; in process, fresh connection, median of
{RUNS} runs.

| measure | ms |
|---|---:|
| person view, {heavy} items over 2 linked ids (items, first answers, marker) | {person_heavy:.1f} |
| person view, a typical person ({typical} items) | {person_typical:.1f} |
| detail pane of their newest item (with the contact counts) | {detail:.1f} |

Goal: the person view under 200 ms with {ITEMS:,} items.

The inbox, before and after this change (ids: the whole ordered list of a view; rows: one
screenful of 60 by primary key):

| inbox | before | after, no markers | after, 51 markers |
|---|---:|---:|---:|
| To do ids | {todo_before:.1f} | {todo_now:.1f} | {todo_marked:.1f} |
| All ids | {all_before:.1f} | {all_now:.1f} | {all_marked:.1f} |
| 60 rows (after: + earlier contacts and the marker flag) | {rows_before:.2f} | — | {rows_now:.2f} |
"""
    write_section("People (issue 23)", body)
