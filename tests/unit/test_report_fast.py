"""The streamed report (issue 22) against the report it replaced, on varied items: the same
figures, groups, item ids (in the same order), past-SLA list and parity sentence — with
out-of-hours and weekend items, bank holidays, a clock change, unanswered, no-reply and
answered-elsewhere items, tags on items outside the window and on the page's own items, and
windows holding no items at all."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from socialdesk.config import AccessConfig
from socialdesk.core.audit import metrics
from socialdesk.core.desk import Desk
from socialdesk.core.models import ANSWERED_ELSEWHERE, NO_REPLY_NEEDED
from socialdesk.core.store import reports
from socialdesk.core.store.db import Store

START = datetime(2026, 10, 10, tzinfo=UTC)   # the clocks go back on 25 October
NOW = datetime(2026, 12, 10, 12, tzinfo=UTC)
OFFICERS = ["ann", "bryn", "ceri", "dafydd", "=HYPERLINK(x)"]


# ── the report before issue 22, kept as the definition the new one must match ─────────────

def old_report_rows(store: Store, since, until, now, progress=None,
                    batch: int = 0) -> reports.ReportRows:
    """The report's rows as they were read before (one query; ``batch`` is not used)."""
    window, params = reports._window(since, until)
    officers = reports.officer_names(store)
    category, p_cat = reports._case("coalesce(category, 'unclassified')", reports.CATEGORIES)
    language, p_lang = reports._case("coalesce(language, 'unknown')", reports.LANGUAGES)
    officer, p_off = reports._case(reports.OFFICER, officers)
    verdict = (f"(case when first_response_at is null and close_reason = '{NO_REPLY_NEEDED}' "
               f"then 3 when first_response_at is null and close_reason = '{ANSWERED_ELSEWHERE}' "
               "then 4 when first_response_at is not null then (case when sla_due_at is "
               "null or first_response_at <= sla_due_at then 1 else 2 end) "
               "when sla_due_at < ? then 2 else 0 end)")
    packed = (f"{verdict} + 8 * {category} + 32 * coalesce(urgent, 0) + 64 * {language} + "
              f"256 * (kind = 'message') + 512 * {officer}")
    rows = store.conn.execute(
        f"select id, unixepoch(created_at), ifnull(unixepoch(first_response_at), -1), "
        f"ifnull(unixepoch(closed_at) - unixepoch(created_at), -1), {packed} "
        f"from items where from_page = 0 {window}",
        [now.isoformat(timespec="seconds"), *p_cat, *p_lang, *p_off, *params]).fetchall()
    columns = [np.array(c, dtype=np.int64) for c in zip(*rows, strict=True)] if rows else \
        [np.zeros(0, dtype=np.int64) for _ in range(5)]
    ids, created, first, resolved, bits = columns
    return reports.ReportRows(
        ids=ids, created=created, first=first, resolved=resolved, verdict=bits & 7,
        codes={"category": (bits >> 3) & 3, "urgent": (bits >> 5) & 1,
               "language": (bits >> 6) & 3, "kind": (bits >> 8) & 1, "officer": bits >> 9},
        officers=officers)


def old_weeks(created, config):
    if created.size == 0:
        return [], np.zeros(0, dtype=np.int64)
    hours, inverse = np.unique(created // 3600, return_inverse=True)
    names = [f"{y}-W{w:02d}" for y, w, _ in
             (datetime.fromtimestamp(int(h) * 3600, config.team.zone).isocalendar()
              for h in hours)]
    labels, per_hour = np.unique(np.array(names), return_inverse=True)
    return labels.tolist(), per_hour[inverse]


def old_group_stats(table, dimension):
    codes = table.codes[dimension]
    order = np.argsort(codes, kind="stable")
    present, starts = np.unique(codes[order], return_index=True)
    bounds = [*starts.tolist(), int(codes.size)]
    labels = table.labels[dimension]
    groups = [metrics.summarise(labels[int(code)], table, order[bounds[n]:bounds[n + 1]])
              for n, code in enumerate(present)]
    return sorted(groups, key=lambda g: g.key)


def old_tag_groups(store, table, since, until):
    window, params = reports._window(since, until)
    rows = store.conn.execute(
        "select item_tags.item_id, item_tags.tag from item_tags cross join items on items.id "
        f"= item_tags.item_id where items.from_page = 0 {window}", params).fetchall()
    labels = sorted({tag for _, tag in rows})
    code = {tag: n for n, tag in enumerate(labels)}
    pair_ids = np.array([r[0] for r in rows], dtype=np.int64)
    pair_codes = np.array([code[r[1]] for r in rows], dtype=np.int64)
    order = np.argsort(table.ids, kind="stable")
    found = np.searchsorted(table.ids[order], pair_ids)
    known = found < table.ids.size
    known[known] = table.ids[order][found[known]] == pair_ids[known]
    positions, codes = order[found[known]], pair_codes[known]
    groups = [metrics.summarise(label, table, np.sort(positions[codes == n]))
              for n, label in enumerate(labels)]
    untagged = np.ones(table.ids.size, dtype=bool)
    untagged[positions] = False
    untagged = np.flatnonzero(untagged)
    if untagged.size:
        groups.append(metrics.summarise(metrics.NO_TAG, table, untagged))
    return [g for g in groups if g.count]


def old_past_sla_now(store, now):
    """(Items due at the same moment came in no stated order; now by id: the same list with
    its ties put in id order.)"""
    rows = store.conn.execute(
        "select id, sla_due_at from items where from_page = 0 and status in ('new', 'claimed') "
        "and first_response_at is null and sla_due_at < ? order by sla_due_at", (now,))
    return [item_id for item_id, _ in sorted(rows, key=lambda row: (row[1], row[0]))]


def old_report(desk: Desk, since, until, monkeypatch: pytest.MonkeyPatch) -> metrics.Report:
    with monkeypatch.context() as patch:
        patch.setattr(metrics, "report_rows", old_report_rows)
        patch.setattr(metrics, "_weeks", old_weeks)
        patch.setattr(metrics, "group_stats", old_group_stats)
        patch.setattr(metrics, "tag_groups",
                      lambda store, table: old_tag_groups(store, table, since, until))
        patch.setattr(metrics, "past_sla_now", old_past_sla_now)
        return metrics.build_report(desk.store, desk.config, since, until, NOW)


# ── varied items ─────────────────────────────────────────────────────────────────────────

def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def fill(desk: Desk, rng: random.Random, count: int) -> None:
    rows = []
    for n in range(count):
        # whole weeks of every hour: nights, weekends, the bank holiday of 28 Dec is not in
        # range but the clock change is; some at the very same second
        created = START + timedelta(minutes=rng.choice([rng.randrange(0, 60 * 24 * 60), 0]))
        answered = rng.random() < 0.6
        first = created + timedelta(minutes=rng.choice(
            [rng.expovariate(1 / 300), 0, 60 * 24 * 3])) if answered else None
        closed = (first or created) + timedelta(hours=rng.randrange(0, 72)) \
            if rng.random() < 0.5 else None
        reason = None if first or not closed else rng.choice(
            [NO_REPLY_NEEDED, ANSWERED_ELSEWHERE, "duplicate"])
        status = "closed" if closed else ("answered" if first else rng.choice(["new", "claimed"]))
        rows.append((f"r{n}", rng.choice(["comment", "message"]), iso(created), status,
                     iso(first) if first else None,
                     rng.choice(OFFICERS) if first and rng.random() < 0.9 else None,
                     rng.choice([*OFFICERS, None]), iso(closed) if closed else None, reason,
                     rng.choice(["report", "concern", "chat", None]),
                     rng.choice([0, 0, 0, 1, None]), rng.choice(["en", "cy", "mixed", None]),
                     int(rng.random() < 0.1)))
    with desk.store.write():
        desk.store.conn.executemany(
            "insert into items (platform_id, kind, text, created_at, status, first_response_at, "
            "first_response_by, assignee, closed_at, close_reason, category, urgent, language, "
            "from_page) values (?, ?, 'x', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        ids = [r[0] for r in desk.store.conn.execute("select id from items")]
        desk.store.conn.executemany(
            "insert or ignore into item_tags (item_id, tag, added_by, added_at) "
            "values (?, ?, 'ann', '2026-12-01T00:00:00+00:00')",
            [(i, rng.choice(["asb", "drugs", "roads", "scam"])) for i in ids
             if rng.random() < 0.3] + [(i, "drugs") for i in ids if rng.random() < 0.1])
    desk.fill_due_times()


def same(new: metrics.Report, old: metrics.Report) -> None:
    assert new.as_dict() == old.as_dict()
    assert new.overall.item_ids == old.overall.item_ids
    assert new.groups.keys() == old.groups.keys()
    for dimension, groups in new.groups.items():
        assert [g.key for g in groups] == [g.key for g in old.groups[dimension]], dimension
        for mine, theirs in zip(groups, old.groups[dimension], strict=True):
            assert mine == theirs
            assert mine.item_ids == theirs.item_ids, (dimension, mine.key)
            assert all(type(i) is int for i in mine.item_ids)


@pytest.fixture
def sup(tmp_path: Path, config) -> Desk:
    team = replace(config, access=AccessConfig(members={"sian": "supervisor"}))
    desk = Desk(team, tmp_path / "r.db", actor="sian")
    yield desk
    desk.close()


@pytest.mark.parametrize(("seed", "batch"), [(0, 10_000), (1, 10_000), (2, 7), (3, 7)])
def test_the_new_report_matches_the_old_one(sup: Desk, seed: int, batch: int,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    fill(sup, rng, 600)
    # read in slices of time (about 600 / batch of them): each item in exactly one
    windows = [(None, None), (START + timedelta(days=14), START + timedelta(days=30)),
               (START + timedelta(days=59, hours=23), None),
               (datetime(2030, 1, 1, tzinfo=UTC), None)]   # nothing in it
    seen: list[tuple[int, int]] = []
    for since, until in windows:
        seen.clear()
        new = metrics.build_report(sup.store, sup.config, since, until, NOW,
                                   progress=lambda done, total: seen.append((done, total)),
                                   batch=batch)
        same(new, old_report(sup, since, until, monkeypatch))
        assert seen[-1:] in ([], [(new.overall.count, new.overall.count)])
    with sup.store.write():
        sup.store.conn.execute("delete from item_tags")
    same(metrics.build_report(sup.store, sup.config, None, None, NOW),
         old_report(sup, None, None, monkeypatch))


def test_a_report_over_no_items_at_all(sup: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    new = metrics.build_report(sup.store, sup.config, None, None, NOW)
    same(new, old_report(sup, None, None, monkeypatch))
    assert new.overall.count == 0 and new.overall.item_ids == []


def test_reading_a_report_in_batches_reports_progress(sup: Desk,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    fill(sup, random.Random(9), 50)
    public = sup.store.conn.execute("select count(*) from items where from_page = 0"
                                    ).fetchone()[0]
    seen: list[tuple[int, int]] = []
    metrics.build_report(sup.store, sup.config, progress=lambda done, total: seen.append(
        (done, total)), batch=20)
    # slices of equal time: about public / 20 of them, each heard once it is read
    dones = [done for done, _ in seen]
    assert {total for _, total in seen} == {public}
    assert dones == sorted(set(dones)) and dones[-1] == public
    assert public // 20 // 2 <= len(seen) <= public // 20


def test_a_time_not_written_by_socialdesk_is_read_once(sup: Desk,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Slices are cut between the window's first and last creation times as socialdesk
    writes them; an item whose time is written otherwise still falls in exactly one."""
    fill(sup, random.Random(4), 200)
    with sup.store.write():
        sup.store.conn.execute("update items set created_at = replace(created_at, 'T', ' ') "
                               "where id % 7 = 0")
        sup.store.conn.execute("update items set created_at = '2026-10-20T12:00:00Z' "
                               "where id % 11 = 0")
    for since, until in [(None, None), (START + timedelta(days=10), None)]:
        same(metrics.build_report(sup.store, sup.config, since, until, NOW, batch=9),
             old_report(sup, since, until, monkeypatch))


@pytest.mark.parametrize("seed", range(5))
def test_median_and_p90_are_numpys_to_the_last_bit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for n in [1, 2, 3, 4, 5, 9, 10, 11, 21, 100, 101, 1001, *rng.integers(1, 3000, 30)]:
        for values in (rng.exponential(240, n), rng.integers(0, 5, n).astype(float),
                       np.round(rng.normal(0, 1e6, n), 3), np.full(n, 7.25)):
            expected = tuple(float(v) for v in np.percentile(values, [50, 90]))
            assert metrics._percentiles(values.copy()) == expected, (n, values)
    assert metrics._percentiles(np.zeros(0)) == (None, None)
