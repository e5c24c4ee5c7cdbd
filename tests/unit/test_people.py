"""People: linked identities, contact counts, safeguarding markers (permissions, audit,
retention) and the inbox order of a marked person's items."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from socialdesk.core.desk import Desk
from socialdesk.core.desk.access import AccessDenied
from socialdesk.core.desk.people import PersonRefused
from socialdesk.core.models import InboxFilter, utc_now
from socialdesk.core.triage.actions import describe_history
from tests.people_helpers import add_items, days_ago


def review() -> str:
    return (utc_now().date() + timedelta(days=30)).isoformat()


@pytest.fixture
def people(desk: Desk, tmp_path: Path) -> list[int]:
    now = utc_now()
    return add_items(desk, tmp_path, [
        ("a1", "Alys", "first worry", days_ago(now, 40)),
        ("a1", "Alys", "second worry", days_ago(now, 10)),
        ("a2", "Alys J", "from her other account", days_ago(now, 5)),
        ("b1", "Bryn", "lost keys", days_ago(now, 3)),
        ("a1", "Alys", "third worry", days_ago(now, 1)),
    ])


def test_linking_merges_groups_and_unlinking_splits_one_id_out(desk: Desk, people,
                                                                tmp_path: Path) -> None:
    add_items(desk, tmp_path, [("a3", "A", "x", utc_now())])
    assert desk.people.person_ids("a1") == ["a1"]
    desk.people.link("a1", "a2")
    desk.people.link("b1", "a3")
    desk.people.link("a2", "a3")   # two groups become one
    assert desk.people.person_ids("a1") == ["a1", "a2", "a3", "b1"]
    desk.people.unlink("a1")   # the group is named after no author id, so the rest holds
    assert desk.people.person_ids("a1") == ["a1"]
    assert desk.people.person_ids("a3") == ["a3", "a2", "b1"]
    desk.people.unlink("a2")
    desk.people.unlink("a3")   # the last one left is a person by itself again
    assert desk.people.person_ids("b1") == ["b1"]
    with pytest.raises(PersonRefused, match="not linked"):
        desk.people.unlink("b1")


def test_person_items_newest_first_across_linked_ids_and_undo(desk: Desk, people) -> None:
    record = desk.people.link("a1", "a2")
    texts = [row["text"] for row in desk.person_items("a2")]
    assert texts == ["third worry", "from her other account", "second worry", "first worry"]
    assert set(desk.person_items("a1")[0]) >= {
        "id", "created_at", "kind", "category", "urgent", "language", "text", "status",
        "first_response_at", "first_response_by", "assignee", "close_reason", "post_id",
        "thread_id"}
    audit = desk.store.conn.execute(
        "select subject, payload from audit_log where action = 'link_person'").fetchone()
    assert audit == (str(people[4]), json.dumps({"with_item": people[2]}))   # no author ids
    history = desk.item_detail(people[4])["history"]   # the item's history says so
    assert f"linked with the person of #{people[2]} (one person)" in [
        describe_history(row["action"], row["payload"]) for row in history]
    assert desk.people.undo(record) == "Undone: link of a1 and a2."
    assert len(desk.person_items("a1")) == 3
    with pytest.raises(PersonRefused, match="already one person"):
        desk.people.link("a1", "a2") and desk.people.link("a2", "a1")
    with pytest.raises(PersonRefused, match="no author 'zz'"):
        desk.people.link("a1", "zz")


def test_contact_counts_in_the_detail(desk: Desk, people) -> None:
    desk.people.link("a1", "a2")
    detail = desk.item_detail(people[4])
    assert detail is not None
    person = detail["person"]
    assert (person["earlier"], person["month"], person["total"]) == (3, 3, 4)
    rows = desk.inbox_rows([people[4], people[3], people[0]])
    assert rows[people[4]]["earlier"] == 3 and rows[people[0]]["earlier"] == 0
    assert rows[people[3]]["earlier"] == 0


def test_markers_members_set_only_supervisors_remove(desk: Desk, people, config,
                                                     tmp_path: Path) -> None:
    marker = desk.people.set_marker("a1", "vulnerable adult", "Lives alone; scammed twice",
                                    review())
    assert desk.people.set_marker("a1", "repeat victim", "Scammed three times",
                                  review()) == marker   # a change, not a second marker
    with pytest.raises(AccessDenied, match="Only a supervisor can remove a safeguarding"):
        desk.people.remove_marker("a1")
    reader = Desk(config, tmp_path / "desk.db", actor="stranger")
    with pytest.raises(AccessDenied, match="read-only"):
        reader.people.set_marker("b1", "other", "x", review())
    supervisor = Desk(config, tmp_path / "desk.db", actor="sioned")
    assert supervisor.people.remove_marker("a1") == marker
    assert desk.people.markers() == []
    rows = desk.store.conn.execute(
        "select actor, action, subject, payload from audit_log where action like '%marker%' "
        "order by id").fetchall()
    assert [r[1] for r in rows] == ["set_marker", "change_marker", "remove_marker"]
    assert all("scammed" not in (r[3] or "").lower() and "lives" not in r[3].lower()
               for r in rows)
    assert json.loads(rows[0][3])["kind"] == "vulnerable adult"


def test_marker_refusals_are_one_sentence(desk: Desk, people) -> None:
    with pytest.raises(PersonRefused, match="kind is one of"):
        desk.people.set_marker("a1", "nosy", "x", review())
    with pytest.raises(PersonRefused, match="has passed"):
        desk.people.set_marker("a1", "other", "x", "2001-01-01")
    with pytest.raises(PersonRefused, match="date like"):
        desk.people.set_marker("a1", "other", "x", "next week")
    with pytest.raises(PersonRefused, match="reason"):
        desk.people.set_marker("a1", "other", "  ", review())


@pytest.mark.parametrize("one_query", [500, 0], ids=["one-query", "many-markers"])
def test_marked_person_rises_right_after_urgent(desk: Desk, tmp_path: Path, monkeypatch,
                                                one_query: int) -> None:
    from socialdesk.core.store import inbox

    monkeypatch.setattr(inbox, "MARKED_IN_ONE_QUERY", one_query)
    now = utc_now()
    ids = add_items(desk, tmp_path, [
        ("u1", "U", "urgent one", days_ago(now, 0.01)),
        ("c1", "C", "calm oldest", days_ago(now, 0.5)),
        ("c2", "C2", "calm older", days_ago(now, 0.4)),
        ("m1", "M", "marked newest", days_ago(now, 0.02)),
        ("m2", "M", "marked other id", days_ago(now, 0.03)),
    ], urgent=(0,))
    u, c1, c2, m1, m2 = ids
    before = desk.inbox_ids(InboxFilter(view="todo"))
    before_all = desk.inbox_ids(InboxFilter(view="all"))
    assert before[0] == u and set(before[-2:]) == {m1, m2}
    desk.people.link("m1", "m2")
    desk.people.set_marker("m1", "child at risk", "x", review())
    after = desk.inbox_ids(InboxFilter(view="todo"))
    assert after == [u, *[i for i in before if i in (m1, m2)], *[i for i in before
                                                                  if i in (c1, c2)]]
    # in their own inbox order (by due time, the same moment for both out of staffed hours,
    # then by id): the expectation is read from the view, not from the clock's hour
    assert desk.inbox_ids(InboxFilter(view="all"))[:3] == [
        u, *[i for i in before_all if i in (m1, m2)]]
    assert desk.inbox_rows([m2])[m2]["marked"] == 1 and not desk.inbox_rows([c1])[c1]["marked"]


def test_retention_blanks_the_reason_with_the_person(config, tmp_path: Path) -> None:
    officer = Desk(config, tmp_path / "desk.db", actor="tester")
    now = utc_now()
    add_items(officer, tmp_path, [("gone", "G", "old", days_ago(now, 2)),
                                  ("stays", "S", "old", days_ago(now, 2)),
                                  ("stays", "S", "new", now + timedelta(days=200))])
    officer.people.set_marker("gone", "vulnerable adult", "secret reason A", review())
    officer.people.set_marker("stays", "repeat victim", "secret reason B", review())
    officer.people.link("gone", "stays")
    officer.people.unlink("gone")
    officer.people.link("stays", "gone")   # a link too; "gone" has only old items
    officer.people.unlink("gone")
    supervisor = Desk(config, tmp_path / "desk.db", actor="sioned")
    report = supervisor.purge(now=now + timedelta(days=366 + 30))
    assert report.items == 2
    rows = supervisor.store.conn.execute(
        "select author_id, reason, removed_by from safeguarding_markers order by id").fetchall()
    assert rows == [("", "", "system"), ("stays", "secret reason B", None)]
    db = (tmp_path / "desk.db").read_bytes()
    assert b"secret reason A" not in db and b"secret reason B" in db
