"""Helpers for the people tests: items of chosen authors at chosen times."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from socialdesk.core.desk import Desk


def add_items(desk: Desk, folder: Path, rows: list[tuple[str, str, str, datetime]],
              urgent: tuple[int, ...] = ()) -> list[int]:
    """Import (author id, name, text, created_at) rows, labelled as chat/concern by the
    model, and return their ids in order; ``urgent``: positions flagged urgent."""
    path = folder / f"people_{len(list(folder.glob('people_*.jsonl')))}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for author_id, name, text, at in rows:
            handle.write(json.dumps({"text": text, "kind": "message", "author": name,
                                     "created_at": at.isoformat(),
                                     "thread": f"t_{author_id}"}) + "\n")
    desk.import_file(path)
    ids = [row[0] for row in desk.store.conn.execute(
        "select id from items order by id desc limit ?", (len(rows),)).fetchall()][::-1]
    with desk.store.write():
        for n, (item_id, (author_id, _name, _text, _at)) in enumerate(zip(ids, rows,
                                                                          strict=True)):
            desk.store.conn.execute(
                "update items set author_id = ?, category = 'concern', language = 'en', "
                "urgent = ?, sla_due_at = null where id = ?",
                (author_id, int(n in urgent), item_id))
    desk.fill_due_times()
    return ids


def days_ago(now: datetime, days: float) -> datetime:
    """A moment ``days`` before ``now``."""
    return now - timedelta(days=days)
