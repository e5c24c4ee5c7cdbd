"""The head of the inbox (``limit``): the dashboard's first screen reads only the first ids,
and they must be exactly the whole list's first ones, safeguarding markers included."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest

from socialdesk.core.desk import Desk
from socialdesk.core.models import InboxFilter, utc_now
from tests.people_helpers import add_items, days_ago

VIEWS = [InboxFilter(view="todo"), InboxFilter(view="all"), InboxFilter(view="answered"),
         InboxFilter(view="closed"), InboxFilter(view="todo", urgent=True),
         InboxFilter(view="all", search="noise")]


@pytest.mark.parametrize("one_query", [500, 0], ids=["one-query", "many-markers"])
def test_the_head_is_the_first_ids_of_the_whole_list(desk: Desk, tmp_path: Path,
                                                     monkeypatch, one_query: int) -> None:
    from socialdesk.core.store import inbox

    monkeypatch.setattr(inbox, "MARKED_IN_ONE_QUERY", one_query)
    now = utc_now()
    rng = random.Random(7)
    authors = [f"a{n}" for n in range(12)]
    rows = [(rng.choice(authors), "P", f"item {n} {'noise' if n % 3 else 'quiet'}",
             days_ago(now, rng.random() * 3)) for n in range(80)]
    ids = add_items(desk, tmp_path, rows, urgent=tuple(rng.sample(range(80), 9)))
    with desk.store.write():
        for item_id in rng.sample(ids, 20):
            desk.store.conn.execute("update items set status = ? where id = ?",
                                    (rng.choice(["answered", "closed"]), item_id))
    review = (now + timedelta(days=30)).date().isoformat()
    for steps in range(3):        # no marker, one, then two people marked
        if steps:
            desk.people.set_marker(authors[steps], "repeat victim", "x", review)
        for chosen in VIEWS:
            whole = desk.inbox_ids(chosen)
            for limit in (1, 2, 5, 9, 10, 14, 30, 61, 200):
                assert desk.inbox_ids(chosen, limit) == whole[:limit], (steps, chosen, limit)
