"""Response-time metrics against hand-computed cases; tamper detection; purge; CSV safety."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from socialdesk.config import AccessConfig
from socialdesk.core.audit.exports import safe_cell
from socialdesk.core.desk import Desk
from socialdesk.core.desk.access import AccessDenied
from socialdesk.core.store import audit_log

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)   # Monday, staffed (13:30-17:00 GMT)


def utc(text: str) -> str:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).isoformat(timespec="seconds")


#: (created, first response, by, closed, reason, category, urgent, language, kind)
CASES = {
    # Friday 22 May 2026 22:30 BST, after the 18:00-22:00 shift; Monday 25 May is a bank
    # holiday; answered Tuesday 09:00 BST. Elapsed 3 d 10.5 h = 4,950 min. Staffed: Saturday
    # 10:00-14:00 (240) + Tuesday 08:00-09:00 (60) = 300 min. Due after 120 staffed minutes =
    # Saturday 12:00 BST → missed.
    "friday_night": ("2026-05-22T21:30", "2026-05-26T08:00", "ann", None, None, "report", 0,
                     "cy", "message"),
    # Monday 23 Nov 2026 12:00 GMT, split shift 08:00-12:30 / 13:30-17:00, answered 15:00:
    # elapsed 180 min, staffed 30 + 90 = 120 min; concern target 480 → met.
    "split_shift": ("2026-11-23T12:00", "2026-11-23T15:00", "bryn", "2026-11-23T16:00",
                    "answered", "concern", 0, "en", "comment"),
    # Chat closed as "no reply needed": counted apart, no FRT, no SLA verdict.
    "no_reply": ("2026-11-23T09:00", None, None, "2026-11-23T09:05", "no reply needed",
                 "chat", 0, "en", "comment"),
    # Urgent, 30 staffed minutes old and unanswered: past its 15-minute SLA right now.
    "urgent_open": ("2026-11-23T13:30", None, None, None, None, "report", 1, "en", "message"),
}


def insert_cases(desk: Desk) -> dict[str, int]:
    ids = {}
    with desk.store.write():
        for name, (created, first, by, closed, reason, cat, urgent, lang, kind) in \
                CASES.items():
            cursor = desk.store.conn.execute(
                "insert into items (platform_id, kind, text, author_name, created_at, status, "
                "first_response_at, first_response_by, closed_at, close_reason, category, "
                "urgent, language, from_page) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (name, kind, f"text of {name}", f"Person {name}", utc(created),
                 "closed" if closed else ("answered" if first else "new"),
                 utc(first) if first else None, by, utc(closed) if closed else None, reason,
                 cat, urgent, lang))
            ids[name] = int(cursor.lastrowid or 0)
    desk.fill_due_times()
    return ids


@pytest.fixture
def sup(tmp_path: Path, config) -> Desk:
    team = replace(config, access=AccessConfig(members={"sian": "supervisor", "ann": "officer"}))
    desk = Desk(team, tmp_path / "m.db", actor="sian")
    desk.ids = insert_cases(desk)  # type: ignore[attr-defined]
    yield desk
    desk.close()


def group(report, dimension: str, key: str):
    return next(g for g in report.groups[dimension] if g.key == key)


def test_friday_night_before_bank_holiday_monday(sup: Desk) -> None:
    report = sup.report(now=NOW)
    welsh = group(report, "language", "cy")
    assert welsh.item_ids == [sup.ids["friday_night"]]
    assert welsh.frt_elapsed_median == pytest.approx(4950)
    assert welsh.frt_staffed_median == pytest.approx(300)
    assert (welsh.sla_met, welsh.sla_missed) == (0, 1)


def test_split_shift_counts_only_staffed_minutes(sup: Desk) -> None:
    report = sup.report(now=NOW)
    concern = group(report, "category", "concern")
    assert concern.frt_elapsed_median == pytest.approx(180)
    assert concern.frt_staffed_median == pytest.approx(120)
    assert concern.resolution_median == pytest.approx(240)
    assert (concern.sla_met, concern.sla_missed) == (1, 0)


def test_overall_counts_no_reply_apart_and_past_sla_now(sup: Desk) -> None:
    report = sup.report(now=NOW)
    overall = report.overall
    assert overall.count == 4 and overall.answered == 2 and overall.no_reply_needed == 1
    assert (overall.sla_met, overall.sla_missed) == (1, 2)       # urgent_open is a miss now
    assert overall.sla_share == pytest.approx(1 / 3)
    assert report.past_sla_now == [sup.ids["urgent_open"]]
    # median / p90 of the two answered items (staffed 300 and 120), linear interpolation
    assert overall.frt_staffed_median == pytest.approx(210)
    assert overall.frt_staffed_p90 == pytest.approx(120 + 0.9 * 180)
    officers = {g.key: g.item_ids for g in report.groups["officer"]}
    assert officers["ann"] == [sup.ids["friday_night"]]


def test_welsh_slower_is_called_out(sup: Desk) -> None:
    parity = sup.report(now=NOW).parity
    assert parity.welsh_slower and parity.text.startswith("WELSH IS SLOWER")


def test_window_limits_the_items(sup: Desk) -> None:
    report = sup.report(since=datetime(2026, 11, 1, tzinfo=UTC), now=NOW)
    assert sup.ids["friday_night"] not in report.overall.item_ids
    assert report.overall.count == 3


def test_purge_keeps_reports_identical_and_the_chain_verifiable(sup: Desk) -> None:
    sup.claim(sup.ids["urgent_open"])
    before = sup.report(now=NOW).as_dict()
    result = sup.purge(now=datetime(2027, 6, 1, tzinfo=UTC))   # 365 days: the May item
    assert result.items == 1
    row = sup.item_detail(sup.ids["friday_night"])
    assert row["text"] == "" and row["author_name"] is None and row["purged_at"]
    after = sup.report(now=NOW).as_dict()
    assert after.pop("audit_chain")["rows"] > before.pop("audit_chain")["rows"]  # purge audited
    assert after == before
    assert sup.verify_audit().ok
    assert sup.purge(dry_run=True, now=datetime(2027, 6, 1, tzinfo=UTC)).items == 0


def test_officers_cannot_export_or_purge(sup: Desk, tmp_path: Path) -> None:
    ann = Desk(sup.config, sup.db_path, actor="ann")
    report = ann.report(now=NOW)                        # looking is fine
    with pytest.raises(AccessDenied, match="Only a supervisor can export"):
        ann.export_report(report, tmp_path / "r.csv")
    with pytest.raises(AccessDenied, match="Only a supervisor can purge"):
        ann.purge(dry_run=True)
    assert not (tmp_path / "r.csv").exists()


def test_csv_export_is_safe_against_formula_injection(sup: Desk, tmp_path: Path) -> None:
    with sup.store.write():
        sup.store.conn.execute("update items set first_response_by = '=HYPERLINK(\"x\")' "
                               "where id = ?", (sup.ids["split_shift"],))
    rows = sup.export_report(sup.report(now=NOW), tmp_path / "r.csv")
    with (tmp_path / "r.csv").open(newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == rows
    keys = [r["key"] for r in table if r["dimension"] == "officer"]
    assert "'=HYPERLINK(\"x\")" in keys
    assert all(not r["key"].startswith(("=", "+", "-", "@")) for r in table)
    assert safe_cell(-3) == -3 and safe_cell("-3") == "'-3" and safe_cell(None) == ""


def _tamper(desk: Desk, sql: str, *params) -> None:
    with desk.store.write():
        desk.store.conn.execute(sql, params)


@pytest.mark.parametrize("kind", ["edit", "delete", "insert", "reorder", "edit_actor"])
def test_every_kind_of_tampering_is_found_at_its_row(sup: Desk, kind: str) -> None:
    for n in range(6):
        audit_log.append(sup.store, "sian", "claim", str(n), {"n": n})
    ids = [r[0] for r in sup.store.conn.execute("select id from audit_log order by id")]
    target = ids[3]
    assert sup.verify_audit().ok
    if kind == "edit":
        _tamper(sup, "update audit_log set payload = '{\"n\": 99}' where id = ?", target)
        expected = target
    elif kind == "edit_actor":
        _tamper(sup, "update audit_log set actor = 'someone' where id = ?", target)
        expected = target
    elif kind == "delete":
        _tamper(sup, "delete from audit_log where id = ?", target)
        expected = ids[4]
    elif kind == "insert":
        prev = sup.store.conn.execute("select hash from audit_log where id = ?",
                                      (ids[2],)).fetchone()[0]
        forged = audit_log.row_hash(prev, "2026-01-01T00:00:00+00:00", "x", "close", "1", "{}")
        _tamper(sup, "update audit_log set id = id + 1000 where id >= ?", target)
        _tamper(sup, "insert into audit_log (id, at, actor, action, subject, payload, "
                "prev_hash, hash) values (?, '2026-01-01T00:00:00+00:00', 'x', 'close', '1', "
                "'{}', ?, ?)", target, prev, forged)
        expected = target + 1000          # the forged row chains; the next one no longer does
    else:
        _tamper(sup, "update audit_log set id = -1 where id = ?", ids[3])
        _tamper(sup, "update audit_log set id = ? where id = ?", ids[3], ids[4])
        _tamper(sup, "update audit_log set id = ? where id = -1", ids[4])
        expected = ids[3]
    result = sup.verify_audit()
    assert not result.ok and result.broken_id == expected, result
    assert json.dumps(result.reason)


def test_scheduled_purge_acts_as_system_and_is_audited(sup: Desk) -> None:
    from socialdesk.core.desk.jobs import BackgroundJobs

    with sup.store.write():
        sup.store.conn.execute("update items set created_at = '2020-01-01T00:00:00+00:00' "
                               "where id = ?", (sup.ids["no_reply"],))
    officer = Desk(sup.config, sup.db_path, actor="ann")   # the worker's user needs no role
    BackgroundJobs(officer).run_purge()
    assert officer.item_detail(sup.ids["no_reply"])["purged_at"]
    last = officer.store.conn.execute(
        "select actor, action from audit_log order by id desc limit 1").fetchone()
    assert last == ("system", "purge") and officer.verify_audit().ok


def test_welsh_parity_flags_a_lower_share_within_sla_even_with_equal_medians() -> None:
    """56% vs 68% within SLA went unflagged when only medians were compared (issue 27)."""
    from socialdesk.core.audit.metrics import GroupStats, welsh_parity

    def group(key: str, met: int, missed: int) -> GroupStats:
        return GroupStats(key, met + missed, met + missed, 0, 30.0, 60.0, 30.0, 60.0, None,
                          None, met, missed)

    parity = welsh_parity(group("cy", 56, 44), group("en", 68, 32), "staffed")
    assert parity.welsh_slower and "56% Welsh vs 68% English" in parity.text
    # the cause comes first: here the medians alone would not flag Welsh (it said "WELSH IS
    # SLOWER: median first response 12 min … Welsh vs 13 min" in the demo)
    assert parity.text.startswith("WELSH IS SLOWER: fewer answered within SLA 56% Welsh")
    assert not welsh_parity(group("cy", 66, 34), group("en", 68, 32), "staffed").welsh_slower
