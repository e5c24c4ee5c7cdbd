"""Supervisor figures at scale: `report` over 500,000 items, `audit verify` over 1,000,000 rows.

Items are written straight into a real DB file (times spread over two years, a third answered
by socialdesk officers, some closed "no reply needed", due times computed by socialdesk), then
the report is built through the same service the CLI and dashboard use. Baseline in the same
run: one SQL aggregate (count and average elapsed FRT grouped by language) over the same rows —
the floor for touching every item once.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.report import write_section

ITEMS = 500_000
AUDIT_ROWS = 1_000_000
CONFIG = Path(__file__).resolve().parent.parent / "config" / "socialdesk.toml"


def fill_items(desk) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(5)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = []
    for n in range(ITEMS):
        created = start + timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
        answered = rng.random() < 0.7
        first = created + timedelta(minutes=rng.expovariate(1 / 240)) if answered else None
        closed = (first or created) + timedelta(hours=rng.randrange(1, 48)) \
            if rng.random() < 0.6 else None
        rows.append((f"b{n}", rng.choice(["comment", "message"]), "x",
                     created.isoformat(timespec="seconds"),
                     "closed" if closed else ("answered" if first else "new"),
                     first.isoformat(timespec="seconds") if first else None,
                     rng.choice(["ann", "bryn", "ceri", "dafydd"]) if first else None,
                     closed.isoformat(timespec="seconds") if closed else None,
                     None if first or not closed else "no reply needed",
                     rng.choice(["report", "concern", "chat"]), int(rng.random() < 0.02),
                     rng.choice(["en", "en", "cy", "mixed"])))
    with desk.store.write():
        desk.store.conn.executemany(
            "insert into items (platform_id, kind, text, created_at, status, first_response_at, "
            "first_response_by, closed_at, close_reason, category, urgent, language, from_page) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)", rows)
    desk.fill_due_times()


TAGGED_SHARE = 0.2


def fill_tags(desk) -> int:  # type: ignore[no-untyped-def]
    """Tag a fifth of the items (one tag, or two for a third of those); return the rows."""
    rng = random.Random(7)
    names = desk.config.tags.names
    rows = [(item_id, tag, "ann", "2026-01-01T00:00:00+00:00")
            for item_id in range(1, ITEMS + 1) if rng.random() < TAGGED_SHARE
            for tag in rng.sample(names, rng.choice([1, 1, 2]))]
    with desk.store.write():
        desk.store.conn.executemany(
            "insert into item_tags (item_id, tag, added_by, added_at) values (?, ?, ?, ?)",
            rows)
    return len(rows)


def fill_audit(desk) -> None:  # type: ignore[no-untyped-def]
    from socialdesk.core.store.audit_log import GENESIS, row_hash

    last = desk.store.conn.execute("select hash from audit_log order by id desc limit 1")
    head = last.fetchone()
    prev, rows = (head[0] if head else GENESIS), []
    for n in range(AUDIT_ROWS):
        at, payload = f"2026-01-01T00:{n % 60:02d}:00+00:00", f'{{"n": {n}}}'
        digest = row_hash(prev, at, "ann", "claim", str(n % 5000), payload)
        rows.append((at, "ann", "claim", str(n % 5000), payload, prev, digest))
        prev = digest
    with desk.store.write():
        desk.store.conn.executemany(
            "insert into audit_log (at, actor, action, subject, payload, prev_hash, hash) "
            "values (?, ?, ?, ?, ?, ?, ?)", rows)


def run() -> None:
    """Run the supervisor benchmarks and record them in BENCHMARKS.md."""
    from socialdesk.config import load_config
    from socialdesk.core.desk import Desk

    with tempfile.TemporaryDirectory() as tmp:
        desk = Desk(load_config(CONFIG), Path(tmp) / "audit.db", actor="bench")
        fill_items(desk)
        fill_audit(desk)
        timings = []
        for _ in range(3):
            start = time.perf_counter()
            report = desk.report()
            timings.append(time.perf_counter() - start)
        one_dim = time.perf_counter()
        desk.report(by=["language"])
        one_dim = time.perf_counter() - one_dim
        tag_rows = fill_tags(desk)
        by_tag = time.perf_counter()
        desk.report(by=["tag"])
        by_tag = time.perf_counter() - by_tag
        tagged_language = time.perf_counter()
        desk.report(by=["language"])   # the other groupings never read the tags
        tagged_language = time.perf_counter() - tagged_language
        conn = sqlite3.connect(Path(tmp) / "audit.db")
        start = time.perf_counter()
        conn.execute("select language, count(*), avg(unixepoch(first_response_at) - "
                     "unixepoch(created_at)) from items group by language").fetchall()
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        verified = desk.verify_audit()
        verify_s = time.perf_counter() - start
        desk.close()
    best = min(timings)
    body = f"""\
{ITEMS:,} items over two years (70% answered, 2% urgent, a quarter Welsh) and an audit log of
{AUDIT_ROWS:,} rows, in one DB file.

| measure | seconds |
|---|---:|
| `report` (all seven groupings, staffed + elapsed FRT, SLA, p90; no tags yet), best of 3 | {best:.2f} |
| `report --by language` | {one_dim:.2f} |
| `report --by tag`, a fifth of the items tagged ({tag_rows:,} tag rows) | {by_tag:.2f} |
| `report --by language` with those tags | {tagged_language:.2f} |
| baseline: one SQL aggregate over the same items | {baseline:.2f} |
| `audit verify` over {verified.rows:,} rows ({'OK' if verified.ok else 'BROKEN'}) | {verify_s:.2f} |

Report / baseline: {best / baseline:.1f}×. Goal: report over 500,000 items under 2 s.
Audit verify: {verified.rows / verify_s:,.0f} rows/s. Overall answered in this data:
{report.overall.answered:,} of {report.overall.count:,}; within SLA
{report.overall.sla_share or 0:.0%}.
"""
    write_section("Supervisor report and audit log (issue 8)", body)
