"""Helpers for the drop-in tests: sessions planned in the past (with time-machine) around the
seeded items of tests/ui_helpers.py, some of them answered.

With the inbox's clock at ``NOW`` (Monday 23 November 2026, 14:00 GMT):
- session 1 was held the Monday before, 18:00–19:30 ("Scams and fraud"), with four items in it;
- session 2 is running, 12:30–15:00 at Holyhead (Caergybi): the seeded items from 12:30 on are
  in it (five: the urgent one waiting, two answered, one closed without reply, one waiting);
- session 3 is planned for Wednesday 18:00–19:00 in Amlwch.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import time_machine

from socialdesk.core.desk import Desk
from tests.ui_helpers import NOW, seed_items

LAST_WEEK = datetime(2026, 11, 16, 19, 30, tzinfo=NOW.tzinfo)
#: the items of last week's session: (text, kind, language, category, urgent, author, minutes
#: before 19:30)
LAST_WEEK_ROWS = [
    ("Ges i alwad gan 'fanc' yn gofyn am fy PIN, ydy hyn yn sgam?", "message", "cy", "concern",
     0, "Glenys Owen", 85),
    ("Is it safe to pay a builder cash up front? He's asking for £2,000 today", "message", "en",
     "concern", 0, "Bill Evans", 60),
    ("My mum has just handed her bank card to a courier, he's outside now", "message", "en",
     "report", 1, "Sarah Lloyd", 40),
    ("Diolch am y sesiwn, defnyddiol iawn 👍", "comment", "cy", "chat", 0, "Huw Jones", 10),
]


def answer(desk: Desk, item_id: int, at: datetime, by: str) -> None:
    """The item got its first response at ``at`` (as a sent reply records it)."""
    with desk.store.write():
        desk.store.conn.execute(
            "update items set status = 'answered', first_response_at = ?, "
            "first_response_by = ? where id = ?", (at.isoformat(), by, item_id))


def close_without_reply(desk: Desk, item_id: int, at: datetime) -> None:
    """Closed as needing no reply."""
    with desk.store.write():
        desk.store.conn.execute(
            "update items set status = 'closed', close_reason = 'no reply needed', "
            "closed_at = ? where id = ?", (at.isoformat(), item_id))


def created(desk: Desk, item_id: int) -> datetime:
    return datetime.fromisoformat(desk.store.conn.execute(
        "select created_at from items where id = ?", (item_id,)).fetchone()[0])


def hold_sessions(desk: Desk, tmp_path: Path, seeded: list[int]) -> list[int]:
    """Plan the three sessions (as ``desk``'s officer) and answer some of their items; the
    returned ids are the sessions'. ``seeded`` are the ids of the seeded items."""
    with time_machine.travel(NOW - timedelta(days=10), tick=False):
        held = desk.dropins.plan("2026-11-16 18:00", "19:30", "Scams and fraud",
                                 topic_cy="Sgamiau a thwyll").session.id
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        running = desk.dropins.plan("2026-11-23 12:30", "15:00", "Holyhead").session.id
        planned = desk.dropins.plan("2026-11-25 18:00", "19:00", "Amlwch").session.id
    old = seed_items(desk, tmp_path / "last-week.jsonl", LAST_WEEK_ROWS, now=LAST_WEEK)
    answer(desk, old[0], created(desk, old[0]) + timedelta(minutes=7), "ann")
    answer(desk, old[1], created(desk, old[1]) + timedelta(minutes=12), "bryn")
    answer(desk, old[2], created(desk, old[2]) + timedelta(minutes=3), "ann")
    answer(desk, old[3], LAST_WEEK + timedelta(minutes=50), "ann")   # after the session
    # today's session: the Welsh report answered in 5 minutes, the chat in 12, the chat with
    # markup in its text closed without a reply; the urgent one and the neighbour wait
    answer(desk, seeded[1], created(desk, seeded[1]) + timedelta(minutes=5), "bryn")
    answer(desk, seeded[3], created(desk, seeded[3]) + timedelta(minutes=12), "ann")
    close_without_reply(desk, seeded[4], created(desk, seeded[4]) + timedelta(minutes=2))
    return [held, running, planned]
