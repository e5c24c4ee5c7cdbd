"""Snoozes, notes with @mentions and handover notes on a real database file."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from socialdesk.core.desk import Desk
from socialdesk.core.desk.access import AccessDenied
from socialdesk.core.desk.jobs import BackgroundJobs
from socialdesk.core.models import InboxFilter
from socialdesk.core.triage.actions import ActionRefused
from socialdesk.core.triage.when import BadWhen
from tests.ui_helpers import NOW, SEED, seed_items

URGENT, WELSH, NEIGHBOUR, CHAT = 0, 1, 2, 3


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def team(desk: Desk, tmp_path: Path, clock) -> Desk:
    desk.seeded = seed_items(desk, tmp_path / "seed.jsonl")  # type: ignore[attr-defined]
    return desk


def as_user(desk: Desk, actor: str) -> Desk:
    return Desk(desk.config, desk.db_path, actor=actor)


def todo(desk: Desk) -> list[int]:
    return desk.inbox_ids(InboxFilter(view="todo"))


def counts_agree(desk: Desk) -> None:
    """The status bar's to-do count, the sidebar's and the list are one number."""
    listed = len(todo(desk))
    assert desk.desk_counts().todo == listed
    assert desk.facet_counts(InboxFilter(view="todo")).view["todo"] == listed
    assert desk.facet_counts(InboxFilter(view="todo")).total == listed
    snoozed = desk.inbox_ids(InboxFilter(view="snoozed"))
    assert desk.facet_counts(InboxFilter(view="todo")).view.get("snoozed", 0) == len(snoozed)


def test_a_snoozed_item_leaves_to_do_and_comes_back_by_itself(team: Desk, clock) -> None:
    item = team.seeded[NEIGHBOUR]
    team.snooze(item, "+2h", note="ring her daughter after 4")
    assert item not in todo(team)
    assert team.inbox_ids(InboxFilter(view="snoozed")) == [item]
    assert team.desk_counts().todo == len(SEED) - 1
    counts_agree(team)
    detail = team.item_detail(item)
    assert detail["snoozed_by"] == "tester" and detail["snooze_note"] == "ring her daughter after 4"
    clock.shift(timedelta(hours=2, seconds=1))   # nothing runs: the query compares with now
    assert item in todo(team) and team.inbox_ids(InboxFilter(view="snoozed")) == []
    assert team.desk_counts().todo == len(SEED)
    counts_agree(team)


def test_mine_count_leaves_out_my_snoozed_items(team: Desk) -> None:
    item = team.seeded[WELSH]
    team.claim(item)
    assert team.desk_counts().mine == 1
    team.snooze(item, "tomorrow 09:00")
    assert team.desk_counts().mine == 0
    assert team.facet_counts(InboxFilter(view="todo")).owner.get("mine", 0) == 0


def test_the_audit_log_keeps_the_snooze_but_not_the_words_of_its_note(team: Desk) -> None:
    item = team.seeded[NEIGHBOUR]
    team.snooze(item, "+1h", note="Mrs Jones at 4 Stryd Fawr")
    payload = team.store.conn.execute(
        "select payload from audit_log where action = 'snooze'").fetchone()[0]
    assert "Stryd Fawr" not in payload
    assert json.loads(payload)["after"]["snooze_note"] == len("Mrs Jones at 4 Stryd Fawr")


def test_undo_and_unsnooze(team: Desk) -> None:
    item = team.seeded[NEIGHBOUR]
    record = team.snooze(item, "+1h")
    team.undo(record)
    assert item in todo(team) and team.item_detail(item)["snoozed_until"] is None
    team.snooze(item, "+1h")
    undo_back = team.unsnooze(item)
    assert item in todo(team)
    team.undo(undo_back)   # undoing the unsnooze snoozes it again
    assert item not in todo(team)
    with pytest.raises(ActionRefused, match=f"Item {team.seeded[WELSH]} is not snoozed."):
        team.unsnooze(team.seeded[WELSH])


def test_refusals_are_one_sentence(team: Desk) -> None:
    with pytest.raises(ActionRefused, match="is urgent, so it cannot be snoozed"):
        team.snooze(team.seeded[URGENT], "+1h")
    team.close_item(team.seeded[CHAT], "no reply needed")
    with pytest.raises(ActionRefused, match="is closed; only open items can be snoozed"):
        team.snooze(team.seeded[CHAT], "+1h")
    with pytest.raises(BadWhen, match="not in the future"):
        team.snooze(team.seeded[WELSH], "2020-01-01 09:00")
    with pytest.raises(BadWhen, match="not a time"):
        team.snooze(team.seeded[WELSH], "whenever")
    with pytest.raises(AccessDenied, match="read-only access"):
        as_user(team, "stranger").snooze(team.seeded[WELSH], "+1h")
    assert len(todo(team)) == len(SEED) - 1   # only the closed one left


def test_an_item_made_urgent_while_snoozed_is_back_at_once(team: Desk) -> None:
    item = team.seeded[NEIGHBOUR]
    team.snooze(item, "+3d")
    team.reclassify(item, "report", True)
    assert item in todo(team) and item in team.desk_counts().open_urgent_ids
    counts_agree(team)


def test_the_job_tells_the_snoozer_once_even_run_twice(team: Desk, clock) -> None:
    item = team.seeded[NEIGHBOUR]
    team.snooze(item, "in 30 min", note="call back")
    jobs = BackgroundJobs(as_user(team, "gethin"))   # whichever member runs the worker
    assert jobs.run_snoozes() == []                 # not yet
    clock.shift(timedelta(minutes=31))
    assert jobs.run_snoozes() == [item]
    assert jobs.run_snoozes() == []
    notices = team.notices.after(0)
    assert [(n.kind, n.item_id) for n in notices] == [("snooze_back", item)]
    assert notices[0].text.startswith(f"#{item} is back in To do: snoozed until Mon 23 Nov "
                                      "14:30") and "call back" in notices[0].text
    assert as_user(team, "gethin").notices.after(0) == []   # only the snoozer's
    assert team.item_detail(item)["snoozed_until"] is None
    ended = team.store.conn.execute(
        "select actor from audit_log where action = 'snooze_ended'").fetchall()
    assert ended == [("system",)]


def test_a_new_message_in_the_thread_brings_the_item_back(team: Desk, tmp_path: Path,
                                                           clock) -> None:
    item = team.seeded[WELSH]
    other = team.seeded[NEIGHBOUR]
    team.snooze(item, "+3d")
    team.snooze(other, "+3d")
    thread = team.item_detail(item)["thread_id"]
    clock.shift(timedelta(minutes=5))
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"text": "Mae o yna eto heno", "kind": "message",
                                "author": "Elin Wyn", "thread": thread,
                                "created_at": (NOW + timedelta(minutes=5)).isoformat()}) + "\n",
                    encoding="utf-8")
    team.import_file(more)
    assert BackgroundJobs(team).run_snoozes() == [item]
    assert item in todo(team) and other not in todo(team)
    (notice,) = team.notices.after(0)
    assert notice.kind == "snooze_back" and "the person wrote again" in notice.text


def test_a_note_mentions_a_member_who_is_notified(team: Desk) -> None:
    item = team.seeded[NEIGHBOUR]
    note_id, mentioned = team.add_note(item, "@gethin you know the family, can you ring? "
                                             "cc @Sioned. @gethin")
    assert mentioned == ["gethin", "sioned"]
    gethin = as_user(team, "gethin")
    (notice,) = gethin.notices.after(0)
    assert notice.kind == "mention" and notice.item_id == item
    assert notice.text.startswith(f"tester mentioned you on #{item}: @gethin you know")
    assert gethin.inbox_ids(InboxFilter(view="mentioned")) == [item]
    assert gethin.facet_counts(InboxFilter()).view["mentioned"] == 1
    assert team.inbox_ids(InboxFilter(view="mentioned")) == []
    detail = team.item_detail(item)
    assert [n["id"] for n in detail["notes"]] == [note_id]
    payload = team.store.conn.execute(
        "select payload from audit_log where action = 'note'").fetchone()[0]
    assert "family" not in payload and json.loads(payload)["mentions"] == ["gethin", "sioned"]
    team.close_item(item, "no reply needed")   # mentioned lists open items only
    assert gethin.inbox_ids(InboxFilter(view="mentioned")) == []


def test_an_unknown_mention_is_refused_listing_the_members(team: Desk) -> None:
    with pytest.raises(ActionRefused) as caught:
        team.add_note(team.seeded[WELSH], "ask @gareth about it")
    assert str(caught.value) == ("@gareth is not a member of this desk; mention one of: "
                                 "@gethin, @sioned, @tester.")
    assert team.item_detail(team.seeded[WELSH])["notes"] == []
    # an e-mail address is not a mention
    _id, mentioned = team.add_note(team.seeded[WELSH], "she wrote to pc.jones@example.org")
    assert mentioned == []


def test_handover_notes_show_once_at_each_members_next_start(team: Desk, clock) -> None:
    gethin = as_user(team, "gethin")
    assert gethin.handover.since_last_start() == []
    clock.shift(timedelta(hours=1))
    first = team.handover.write("Amlwch neighbour: daughter rings back after 4.")
    clock.shift(timedelta(minutes=1))
    second = team.handover.write("Quads at Benllech again — beach patrol asked.")
    notes = gethin.handover.since_last_start()
    assert [n["id"] for n in notes] == [second, first]   # newest first
    assert gethin.handover.since_last_start() == []       # shown once
    assert team.handover.since_last_start() == []          # not your own notes
    assert [n["id"] for n in team.handover.recent()] == [second, first]
    with pytest.raises(AccessDenied):
        as_user(team, "stranger").handover.write("hello")
    with pytest.raises(Exception, match="empty"):
        team.handover.write("   ")


def test_retention_blanks_notes_and_handover_notes(team: Desk, clock) -> None:
    team.add_note(team.seeded[NEIGHBOUR], "@gethin her address is 4 Stryd Fawr")
    team.handover.write("Mrs Jones, 4 Stryd Fawr: check on her")
    clock.shift(timedelta(days=400))
    fresh = team.handover.write("today's note stays")
    report = as_user(team, "sioned").purge()
    assert report.notes == 2
    texts = [r[0] for r in team.store.conn.execute("select text from item_notes")]
    handovers = dict(team.store.conn.execute("select id, text from handover_notes"))
    assert texts == [""] and handovers[fresh] == "today's note stays"
    assert sum("Stryd Fawr" in t for t in handovers.values()) == 0
    assert [r[0] for r in team.store.conn.execute("select text from notifications")] == [""]
