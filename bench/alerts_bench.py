"""The alerts job at scale (issue 28): one turn of out-of-hours acknowledgements, SLA alerts
and escalations over 500,000 items, as the worker runs it every 30 seconds.

The items of the supervisor benchmark (two years, 70% answered) plus 2,000 recent ones still
waiting (2% urgent), a quarter of them messages that arrived at night. Measured: the first turn
(writes the notices and queues the acknowledgements) and a quiet turn (everything already said,
the cost paid every 30 s). Baseline in the same run: the bare SQL that finds the waiting items
due in the alert window — the floor for looking at all.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.audit_bench import CONFIG, ITEMS, fill_items
from bench.report import write_section

RECENT = 2_000
NOW = datetime(2027, 1, 5, 3, 30, tzinfo=UTC)   # a Tuesday night: nobody on the desk


def fill_recent(desk) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(11)
    rows = []
    for n in range(RECENT):
        created = NOW - timedelta(minutes=rng.randrange(1, 24 * 60))
        kind = "message" if rng.random() < 0.25 else "comment"
        rows.append((f"r{n}", kind, "graph", "x", created.isoformat(timespec="seconds"),
                     rng.choice(["report", "concern", "chat"]), int(rng.random() < 0.02),
                     rng.choice(["en", "en", "cy", "mixed"]), f"{9000 + n}",
                     f"t{n}" if kind == "message" else None))
    with desk.store.write():
        desk.store.conn.executemany(
            "insert into items (platform_id, kind, source, text, created_at, status, category, "
            "urgent, language, author_id, thread_id, from_page) "
            "values (?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, 0)", rows)
    desk.fill_due_times()


def run() -> None:
    """Run the alerts benchmark and record it in BENCHMARKS.md."""
    from socialdesk.config import load_config
    from socialdesk.core.desk import Desk

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "alerts.db"
        desk = Desk(load_config(CONFIG), path, actor="bench")
        fill_items(desk)
        fill_recent(desk)
        start = time.perf_counter()
        first = desk.alerts.run(now=NOW)
        first_s = time.perf_counter() - start
        quiet = []
        for _ in range(5):
            start = time.perf_counter()
            again = desk.alerts.run(now=NOW)
            quiet.append(time.perf_counter() - start)
        assert not again.anything
        notices = desk.store.conn.execute("select count(*) from notifications").fetchone()[0]
        desk.close()
        conn = sqlite3.connect(path)
        floor = []
        for _ in range(5):
            start = time.perf_counter()
            conn.execute(
                "select id from items where from_page = 0 and status in ('new', 'claimed') and "
                "first_response_at is null and sla_due_at between ? and ?",
                ((NOW - timedelta(hours=12)).isoformat(), (NOW + timedelta(minutes=30))
                 .isoformat())).fetchall()
            floor.append(time.perf_counter() - start)
        conn.close()
    best_quiet, best_floor = min(quiet), min(floor)
    body = f"""\
{ITEMS:,} items over two years plus {RECENT:,} recent ones still waiting, at 03:30 on a
Tuesday (nobody on the desk).

| measure | ms |
|---|---:|
| first turn: {len(first.acknowledged)} acknowledgements queued, {first.alerted} SLA notices, {len(first.escalated)} escalations ({notices} notices) | {first_s * 1000:.0f} |
| a quiet turn (all said already: the cost every 30 s), best of 5 | {best_quiet * 1000:.1f} |
| baseline: the bare SQL for the waiting items in the alert window, best of 5 | {best_floor * 1000:.1f} |

Quiet turn / baseline: {best_quiet / max(best_floor, 1e-9):.1f}×.
"""
    write_section("Alerts job: acknowledgements, SLA alerts, escalation (issue 28)", body)
