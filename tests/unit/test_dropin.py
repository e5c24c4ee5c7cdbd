"""Drop-in sessions in the core (``desk.dropins``): planning drafts the bilingual announcement
through the safety-post workflow, moving and cancelling follow it, roles and the audit chain,
and a session's figures. A real SQLite file; times fixed with time-machine."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from socialdesk.config import Config
from socialdesk.core.desk import Desk
from socialdesk.core.desk.access import AccessDenied
from socialdesk.core.desk.dropin import DropinError, summary_lines
from socialdesk.core.desk.jobs import BackgroundJobs
from socialdesk.errors import UserError
from tests.dropin_helpers import hold_sessions
from tests.ui_helpers import NOW, members_config, seed_items

MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)   # the Monday before the session


@pytest.fixture
def desks(tmp_path: Path, config: Config):
    """ann and bryn (officers) and sian (supervisor) on one database, on Monday morning."""
    made = {name: Desk(members_config(config), tmp_path / "desk.db", actor=name)
            for name in ("ann", "bryn", "sian", "stranger")}
    with time_machine.travel(MONDAY, tick=False):
        yield made
    for desk in made.values():
        desk.close()


def actions(desk: Desk) -> list[tuple[str, str, str]]:
    return [(r[0], r[1], r[2]) for r in desk.store.conn.execute(
        "select actor, action, subject from audit_log where action like 'dropin%' "
        "or action like 'post%' order by id")]


def test_planning_drafts_both_languages_and_schedules_it_a_day_before(desks) -> None:
    ann = desks["ann"]
    result = ann.dropins.plan("2026-12-08 18:00", "19:30", "Holyhead")
    session = result.session
    assert session.topic == "Holyhead" and session.topic_cy == "Caergybi"   # the gazetteer
    assert session.state(MONDAY) == "planned" and session.planned_by == "ann"
    post = ann.posts.get(result.post_id)
    assert post["status"] == "draft" and not result.approved      # a supervisor approves it
    assert post["due_at"] == "2026-12-07T18:00:00+00:00"          # 24 hours before
    assert post["text_cy"].startswith("💬 Sesiwn galw heibio rithiol.")
    assert "🗓️ Caergybi\n📅 dydd Mawrth 8 Rhagfyr, 18:00–19:30" in post["text_cy"]
    assert "🗓️ Holyhead\n📅 Tuesday 8 December, 18:00–19:30" in post["text_en"]
    assert "{" not in post["text_cy"] + post["text_en"]
    assert post["template"] == "dropin-announce" and "Holyhead" in post["title"]
    assert [p["kind"] for p in session.posts] == ["announce"]
    assert actions(ann) == [("ann", "post_add", str(result.post_id)),
                            ("ann", "dropin_plan", str(session.id))]
    assert ann.verify_audit().ok
    # the supervisor approves it like any safety post
    desks["sian"].posts.approve(result.post_id)
    assert ann.dropins.get(session.id).announcement["status"] == "approved"


def test_a_session_soon_is_announced_as_soon_as_it_can_be_approved(desks) -> None:
    ann = desks["ann"]
    result = ann.dropins.plan("2026-12-07 17:00", "18:00", "Scams", topic_cy="Sgamiau")
    assert result.announce_at == datetime(2026, 12, 7, 10, 16, tzinfo=UTC)
    given = ann.dropins.plan("2026-12-09 17:00", "18:00", "Amlwch",
                             announce="2026-12-08 09:30")
    assert given.announce_at == datetime(2026, 12, 8, 9, 30, tzinfo=UTC)
    with pytest.raises(DropinError, match="too soon to announce"):
        ann.dropins.plan("2026-12-07 10:10", "11:00", "Llangefni")


@pytest.mark.parametrize(("start", "end", "topic", "extra", "words"), [
    ("2026-12-04 18:00", "19:00", "Holyhead", {}, "has passed"),
    ("2026-12-08 18:00", "17:00", "Holyhead", {}, "must end after it starts"),
    ("2026-12-08 08:00", "2026-12-08 21:00", "Holyhead", {}, "at most 12 hours"),
    ("2026-12-08 18:00", "19:00", "   ", {}, "Say what the session is about"),
    ("2026-12-08 18:00", "19:00", "Scams {place}", {}, "braces"),
    ("2026-12-08 18:00", "19:00", "x" * 200, {}, "under 120 characters"),
    ("next tuesday", "19:00", "Holyhead", {}, "not a local time"),
    ("2026-12-08 18:00", "7pm", "Holyhead", {}, "not a local time"),
    ("2026-12-08 18:00", "19:00", "Holyhead", {"announce": "2026-12-08 18:30"},
     "not before the session"),
])
def test_bad_plans_are_one_sentence_and_save_nothing(desks, start, end, topic, extra,
                                                     words) -> None:
    ann = desks["ann"]
    with pytest.raises(UserError, match=words) as caught:
        ann.dropins.plan(start, end, topic, **extra)
    assert str(caught.value).count(". ") == 0 and str(caught.value).endswith(".")
    assert ann.dropins.sessions() == [] and ann.posts.all() == []


def test_overlapping_sessions_are_refused(desks) -> None:
    ann = desks["ann"]
    ann.dropins.plan("2026-12-08 18:00", "19:30", "Holyhead")
    with pytest.raises(DropinError, match="already planned at that time"):
        desks["bryn"].dropins.plan("2026-12-08 19:00", "20:00", "Amlwch")
    desks["bryn"].dropins.plan("2026-12-08 19:30", "20:30", "Amlwch")   # back to back is fine
    assert len(ann.dropins.sessions()) == 2 and len(ann.posts.all()) == 2


def test_without_required_approval_the_announcement_is_approved_at_once(
        tmp_path: Path, config: Config) -> None:
    relaxed = members_config(replace(config, posts=replace(config.posts,
                                                           require_approval=False)))
    with time_machine.travel(MONDAY, tick=False):
        desk = Desk(relaxed, tmp_path / "relaxed.db", actor="ann")
        result = desk.dropins.plan("2026-12-08 18:00", "19:30", "Holyhead")
        assert result.approved and desk.posts.get(result.post_id)["status"] == "approved"
        moved = desk.dropins.move(result.session.id, "2026-12-08 19:00", "20:00")
        assert moved.approved and moved.post_id == result.post_id   # redrafted, approved again
        desk.close()


def test_moving_redrafts_the_waiting_announcement_and_revokes_its_approval(desks) -> None:
    ann, sian = desks["ann"], desks["sian"]
    planned = ann.dropins.plan("2026-12-08 18:00", "19:30", "Holyhead")
    sian.posts.approve(planned.post_id)
    moved = ann.dropins.move(planned.session.id, "2026-12-10 17:00", "18:00")
    assert moved.post_id == planned.post_id and moved.post_kind == "announce"
    assert "redrafted" in moved.note
    post = ann.posts.get(planned.post_id)
    assert post["status"] == "draft"                      # edited: approval revoked
    assert post["due_at"] == "2026-12-09T17:00:00+00:00"
    assert "dydd Iau 10 Rhagfyr, 17:00–18:00" in post["text_cy"]
    assert "Thursday 10 December, 17:00–18:00" in post["text_en"]
    session = ann.dropins.get(planned.session.id)
    assert session.start == datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
    assert [a[1] for a in actions(ann)][-2:] == ["post_edit", "dropin_move"]


def test_cancelling_cancels_the_announcement_that_has_not_gone_out(desks) -> None:
    ann = desks["ann"]
    planned = ann.dropins.plan("2026-12-08 18:00", "19:30", "Holyhead")
    result = ann.dropins.cancel(planned.session.id, "  officer  unwell ")
    assert result.post_id is None and "cancelled before going out" in result.note
    assert ann.posts.get(planned.post_id)["status"] == "cancelled"
    session = ann.dropins.get(planned.session.id)
    assert session.state(MONDAY) == "cancelled" and session.cancel_reason == "officer unwell"
    assert [a[1] for a in actions(ann)][-2:] == ["post_cancel", "dropin_cancel"]
    with pytest.raises(DropinError, match="was cancelled by ann"):
        ann.dropins.cancel(planned.session.id)
    with pytest.raises(DropinError, match="was cancelled"):
        ann.dropins.move(planned.session.id, "2026-12-09 18:00", "19:00")
    # the window is free again
    ann.dropins.plan("2026-12-08 18:00", "19:00", "Amlwch")


def test_only_the_planner_or_a_supervisor_may_move_or_cancel(desks) -> None:
    ann, bryn, sian = desks["ann"], desks["bryn"], desks["sian"]
    planned = ann.dropins.plan("2026-12-08 18:00", "19:30", "Holyhead")
    with pytest.raises(AccessDenied, match="ann planned drop-in session 1, so only they or a "
                                           "supervisor can cancel it"):
        bryn.dropins.cancel(planned.session.id)
    with pytest.raises(AccessDenied, match="can move it"):
        bryn.dropins.move(planned.session.id, "2026-12-09 18:00", "19:00")
    with pytest.raises(AccessDenied, match="read-only"):
        desks["stranger"].dropins.plan("2026-12-09 18:00", "19:00", "Amlwch")
    assert len(ann.dropins.sessions()) == 1
    sian.dropins.cancel(planned.session.id)
    assert ann.dropins.get(planned.session.id).cancelled_by == "sian"
    assert desks["stranger"].dropins.report(planned.session.id).contacts == 0   # may look


def test_a_started_session_can_no_longer_be_moved_or_cancelled(desks) -> None:
    ann = desks["ann"]
    planned = ann.dropins.plan("2026-12-07 17:00", "18:00", "Holyhead")
    with time_machine.travel(datetime(2026, 12, 7, 17, 5, tzinfo=UTC), tick=False):
        assert ann.dropins.running().id == planned.session.id
        with pytest.raises(DropinError, match="has started \\(running\\)"):
            ann.dropins.cancel(planned.session.id)
    with time_machine.travel(datetime(2026, 12, 7, 19, 0, tzinfo=UTC), tick=False):
        assert ann.dropins.running() is None
        with pytest.raises(DropinError, match="has started \\(over\\)"):
            ann.dropins.move(planned.session.id, "2026-12-09 18:00", "19:00")


def test_headline_says_no_session_and_when_the_next_is(desks) -> None:
    ann = desks["ann"]
    assert ann.dropins.headline() == "No drop-in session is running, and none is planned."
    ann.dropins.plan("2026-12-08 18:00", "19:30", "Holyhead")
    assert ann.dropins.headline() == (
        "No drop-in session is running; the next is session 1, Tue 08 Dec 2026 18:00–19:30 "
        "GMT (Caergybi / Holyhead).")


def test_the_figures_of_a_held_and_a_running_session(tmp_path: Path, config: Config) -> None:
    desk = Desk(members_config(config), tmp_path / "desk.db", actor="ann")
    seeded = seed_items(desk, tmp_path / "seed.jsonl")
    held, running, planned = hold_sessions(desk, tmp_path, seeded)
    last_week = desk.dropins.report(held, NOW)
    assert last_week.state == "over" and last_week.contacts == 4 and last_week.people == 4
    assert last_week.categories == {"report": 1, "concern": 2, "chat": 1, "unclassified": 0}
    assert last_week.languages == {"cy": 2, "en": 2, "mixed": 0, "unknown": 0}
    assert last_week.kinds == {"comment": 1, "message": 3}
    assert (last_week.answered_in_session, last_week.answered_later, last_week.waiting) == (
        3, 1, 0)
    assert last_week.median_minutes == 9.5          # 3, 7, 12 and 60 minutes
    assert last_week.answered_by == {"ann": 3, "bryn": 1}
    urgent = last_week.urgent
    assert (urgent.count, urgent.answered_in_session, urgent.slowest_minutes) == (1, 1, 3.0)
    lines = dict(summary_lines(last_week, desk.config.team.zone))
    assert lines["Urgent"] == ("1 — answered in the session — first response median 3m, "
                               "slowest 3m")
    assert lines["Languages"] == "Welsh 2 · English 2 · mixed 0"
    assert lines["Session"] == ("1 — Mon 16 Nov 2026 18:00–19:30 GMT — Sgamiau a thwyll / "
                                "Scams and fraud")
    live = desk.dropins.live(NOW)
    assert live is not None and live.session.id == running and live.state == "running"
    assert live.contacts == 5 and live.answered == 2 and live.waiting == 2
    assert live.closed_without_reply == 1 and live.median_minutes == 8.5
    assert live.urgent.waiting == 1
    assert [i["id"] for i in live.items] == seeded[4::-1]     # from 12:30, oldest first
    assert desk.dropins.report(planned, NOW).contacts == 0
    # a session cancelled (before it started) held nothing, whatever came in at its time
    with desk.store.write():
        desk.store.conn.execute("update dropin_sessions set cancelled_at = ?, cancelled_by = "
                                "'sian' where id = ?", (NOW.isoformat(), held))
    assert desk.dropins.report(held, NOW).contacts == 0
    assert [f.session.id for f in desk.dropins.summaries(NOW)] == [running, held]
    # JSON has the figures and which items, never the people's words
    data = last_week.as_dict(desk.config.team.zone)
    assert data["item_ids"] and "items" not in data and data["urgent"]["count"] == 1
    assert "PIN" not in str(data)
    desk.close()


def test_the_session_follows_the_clock_through_a_night(desks) -> None:
    ann = desks["ann"]
    result = ann.dropins.plan("2026-12-08 23:00", "2026-12-09 01:00", "Night economy")
    assert result.session.window(ann.config.team.zone) == (
        "Tue 08 Dec 2026 23:00–Wed 09 Dec 01:00 GMT")
    assert result.session.end - result.session.start == timedelta(hours=2)


def test_the_end_of_a_session_is_told_to_the_supervisors_once(tmp_path: Path,
                                                              config: Config) -> None:
    desk = Desk(members_config(config), tmp_path / "desk.db", actor="ann")
    seeded = seed_items(desk, tmp_path / "seed.jsonl")
    held, _running, _planned = hold_sessions(desk, tmp_path, seeded)
    sian = Desk(desk.config, desk.db_path, actor="sian")
    bryn = Desk(desk.config, desk.db_path, actor="bryn")
    assert desk.dropins.summarise_ended(NOW) == []     # last week's is too old to tell now
    after = NOW.replace(hour=15, minute=1)
    jobs = BackgroundJobs(desk)                         # the alerts job tells it
    with time_machine.travel(after, tick=False):
        jobs.run_alerts()
    version = sian.data_version()
    assert desk.dropins.summarise_ended(after + timedelta(minutes=1)) == []   # once
    assert sian.data_version() == version              # and nothing was written again
    text = ("Drop-in session 2 (Caergybi / Holyhead) has ended: 5 contacts, 2 answered in the "
            "session (median 8m), 2 STILL WAITING for an answer; urgent: 1 — STILL WAITING. "
            "s, then i, shows its summary.")

    def told(d: Desk) -> list[str]:
        return [n.text for n in d.notices.recent() if n.kind == "dropin_summary"]

    assert told(sian) == [text]
    assert told(desk) == [text]                         # ann planned it
    assert told(bryn) == []
    assert held not in desk.dropins.summarise_ended(after)
    for d in (desk, sian, bryn):
        d.close()


@pytest.mark.parametrize("values", [[], [7.0], [3.0, 1.0], [0.0, 10.0, 20.0, 30.0, 40.0],
                                    [float(n * n % 17) for n in range(23)]])
def test_a_sessions_p90_is_the_reports_p90(values: list[float]) -> None:
    """The session summary and the supervisor report give one p90 for the same times (the
    session's own nearest-rank p90 said 40 where the report said 36 for 0, 10, … 40)."""
    import numpy as np

    from socialdesk.core.desk.dropin.figures import p90

    expected = float(np.percentile(values, 90)) if values else None
    assert p90(values) == (pytest.approx(expected) if values else None)
