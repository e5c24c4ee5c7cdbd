"""Issue 28 parts 1 and 2: the out-of-hours acknowledgement, SLA alerts and escalation.

The acknowledgement goes out over real HTTP to the fake page and comes back with the next
sync; it must never count as the item's first response. Times are fixed with time_machine
(the desk's own clock) or passed to the job as ``now``.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import time_machine

from socialdesk.config import AlertsConfig, Config, Shift, StaffedHours
from socialdesk.core.desk import Desk
from socialdesk.core.desk.alerts import AUTOMATIC
from socialdesk.core.models import to_iso
from socialdesk.core.outbox.sender import Action
from tests.ingest_helpers import client_for, page_config
from tests.ui_helpers import make_app, members_config, settle

TUESDAY_NIGHT = datetime(2026, 11, 24, 3, 10, tzinfo=UTC)   # 03:10 in London (GMT)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def add_item(desk: Desk, text: str, created: datetime, *, kind: str = "message",
             language: str = "en", category: str | None = "concern", urgent: bool = False,
             author: str = "7001", assignee: str | None = None) -> int:
    """A page item as sync and the model would leave it (with its SLA due time)."""
    with desk.store.write():
        cursor = desk.store.conn.execute(
            "insert into items (platform_id, kind, source, text, created_at, author_id, "
            "author_name, thread_id, language, category, urgent, status, assignee, from_page) "
            "values (?, ?, 'graph', ?, ?, ?, 'Someone Jones', ?, ?, ?, ?, ?, ?, 0)",
            (f"m_{text[:12]}_{created.timestamp()}", kind, text, to_iso(created), author,
             f"t_{author}" if kind == "message" else None, language, category,
             None if category is None else int(urgent),
             "claimed" if assignee else "new", assignee))
    desk.fill_due_times()
    return int(cursor.lastrowid)


def automatic(desk: Desk) -> list[dict]:
    rows = desk.store.conn.execute(
        "select item_id, action, text, created_by, automatic from outbox order by id")
    return [dict(zip(("item", "action", "text", "by", "automatic"), r, strict=True))
            for r in rows]


@pytest.fixture
def night_desk(tmp_path: Path, config: Config) -> Desk:
    desk = Desk(members_config(config), tmp_path / "alerts.db", actor="ann")
    yield desk
    desk.close()


# ── the out-of-hours acknowledgement ─────────────────────────────────────────────────────

def test_a_message_at_night_gets_one_bilingual_acknowledgement_per_person(night_desk) -> None:
    first = add_item(night_desk, "There's a woman screaming in the flat below", TUESDAY_NIGHT,
                     urgent=True, category="report")
    add_item(night_desk, "still going on", TUESDAY_NIGHT + timedelta(minutes=4))
    other = add_item(night_desk, "Mae rhywun yn curo ar y drws", TUESDAY_NIGHT, language="cy",
                     author="7002")
    with time_machine.travel(TUESDAY_NIGHT + timedelta(minutes=6), tick=False):
        report = night_desk.alerts.run()
        assert night_desk.alerts.run().acknowledged == []      # never twice
    assert report.acknowledged == [first, other]    # not "still going on": same person
    sent = {row["item"]: row for row in automatic(night_desk)}
    assert set(sent) == {first, other}
    english, welsh = sent[first]["text"], sent[other]["text"]
    assert sent[first]["automatic"] == 1 and sent[first]["by"] == AUTOMATIC
    assert sent[first]["action"] == "message"
    # urgent: the 999 line first of all, in the writer's language, then Welsh
    assert english.startswith("[Automatic reply] If anyone is in danger right now, call 999")
    assert english.index("[Ateb awtomatig]") > english.index("101")
    assert "Tuesday 24 November at 08:00" in english and "ddydd Mawrth 24 Tachwedd am 08:00" \
        in english
    # a Welsh writer reads Welsh first; not urgent: no danger line before the body
    assert welsh.startswith("[Ateb awtomatig] Diolch am eich neges.")
    assert "999" in welsh and "101" in welsh and welsh.index("[Automatic reply]") > 0
    assert night_desk.item_detail(first)["status"] == "new"    # still To do
    history = [h["action"] for h in night_desk.item_detail(first)["history"]]
    assert "acknowledged" in history


def test_no_acknowledgement_in_staffed_hours_or_when_switched_off(night_desk) -> None:
    monday_noon = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
    add_item(night_desk, "daytime message", monday_noon)
    night = add_item(night_desk, "night message", TUESDAY_NIGHT, author="7003")
    with time_machine.travel(monday_noon + timedelta(minutes=5), tick=False):
        assert night_desk.alerts.run().acknowledged == []      # the team is on
    with time_machine.travel(TUESDAY_NIGHT + timedelta(minutes=5), tick=False):
        night_desk.context.actor = "sian"                     # a supervisor switches it off
        night_desk.team.set_policy("acknowledge_out_of_hours", "false")
        assert night_desk.alerts.run().acknowledged == []
        night_desk.team.set_policy("acknowledge_out_of_hours", "true")
        assert night_desk.alerts.run().acknowledged == [night]


def test_comments_get_no_public_acknowledgement_unless_the_policy_says(night_desk) -> None:
    comment = add_item(night_desk, "anyone else hear that bang in Holyhead?", TUESDAY_NIGHT,
                       kind="comment")
    with time_machine.travel(TUESDAY_NIGHT + timedelta(minutes=5), tick=False):
        assert night_desk.alerts.run().acknowledged == []
        night_desk.context.actor = "sian"
        night_desk.team.set_policy("acknowledge_comments", "true")
        assert night_desk.alerts.run().acknowledged == [comment]
    assert automatic(night_desk)[0]["action"] == "reply"


def test_the_next_closed_period_acknowledges_the_same_person_again(night_desk) -> None:
    add_item(night_desk, "first night", TUESDAY_NIGHT)
    with time_machine.travel(TUESDAY_NIGHT + timedelta(minutes=5), tick=False):
        assert len(night_desk.alerts.run().acknowledged) == 1
    next_night = TUESDAY_NIGHT + timedelta(days=1)
    later = add_item(night_desk, "second night", next_night)
    with time_machine.travel(next_night + timedelta(minutes=5), tick=False):
        assert night_desk.alerts.run().acknowledged == [later]


def test_an_unclassified_message_waits_for_the_model_then_is_acknowledged(night_desk) -> None:
    item = add_item(night_desk, "help", TUESDAY_NIGHT, category=None)
    with time_machine.travel(TUESDAY_NIGHT + timedelta(minutes=1), tick=False):
        assert night_desk.alerts.run().acknowledged == []
    with time_machine.travel(TUESDAY_NIGHT + timedelta(minutes=3), tick=False):
        assert night_desk.alerts.run().acknowledged == [item]


def _live_night_desk(tmp_path: Path, config: Config, fake_page) -> tuple[Desk, object, int]:
    """A desk on the fake page whose staff are never on now, with one message acknowledged
    (queued, not sent)."""
    never_now = {day: (Shift(time(0, 0), time(0, 1)),) for day in WEEKDAYS}
    config = replace(members_config(config), page=page_config(config, fake_page),
                     staffed_hours=StaffedHours(never_now, frozenset()))
    desk = Desk(config, tmp_path / "live.db", actor="ann")
    client = client_for(fake_page)
    message = fake_page.state.add_message(None, datetime.now(UTC).timestamp() - 300)
    message.text = "Someone is trying the doors of the cars on our street"
    assert desk.sync_once(client=client).ok
    item = desk.find_item(message.id)
    with desk.store.write():
        desk.store.conn.execute("update items set category = 'report', urgent = 0, "
                                "language = 'en' where id = ?", (item,))
    assert desk.alerts.run().acknowledged == [item]
    return desk, client, item


def test_the_acknowledgement_is_sent_to_the_page_and_is_no_first_response(
        tmp_path: Path, config: Config, fake_page) -> None:
    """Over loopback: queued, sent, found again by sync — the item keeps no first response,
    stays To do, and the officer's later answer is its first response."""
    desk, client, item = _live_night_desk(tmp_path, config, fake_page)
    assert desk.send_outbox(client).sent == 1
    assert any("[Automatic reply]" in m.text for m in fake_page.state.conversations[-1].messages)
    assert desk.sync_once(client=client).ok       # the page's message comes back
    detail = desk.item_detail(item)
    assert detail["first_response_at"] is None and detail["status"] == "new"
    desk.answer(item, "Thanks, we're looking at it now.", Action.MESSAGE)
    assert desk.send_outbox(client).sent == 1
    detail = desk.item_detail(item)
    assert detail["first_response_at"] is not None and detail["first_response_by"] == "ann"
    desk.close()


# ── SLA alerts and escalation ────────────────────────────────────────────────────────────

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)   # staffed


def notices(desk: Desk, user: str) -> list[tuple[str, int, str]]:
    desk.context.actor = user
    return [(n.kind, n.item_id, n.text) for n in desk.notices.after(0)]


def test_sla_soon_then_passed_go_to_the_assignee_once_each(night_desk) -> None:
    mine = add_item(night_desk, "concern for ann", MONDAY, assignee="ann")   # due 120 min later
    everyone = add_item(night_desk, "report for all", MONDAY, category="report", author="72")
    due = night_desk.item_detail(mine)["sla_due_at"]
    assert due == to_iso(MONDAY + timedelta(minutes=480)) or due   # concern target
    report_due = datetime.fromisoformat(night_desk.item_detail(everyone)["sla_due_at"])
    with time_machine.travel(report_due - timedelta(minutes=20), tick=False):
        night_desk.alerts.run()
        night_desk.alerts.run()
    assert [(k, i) for k, i, _ in notices(night_desk, "bryn")] == [("sla_soon", everyone)]
    text = notices(night_desk, "bryn")[0][2]
    assert text.startswith(f"#{everyone} (report, English message) must be answered by")
    assert "report for all" not in text                     # never the words
    with time_machine.travel(report_due + timedelta(minutes=1), tick=False):
        night_desk.alerts.run()
    assert [k for k, _, _ in notices(night_desk, "bryn")] == ["sla_soon", "sla_passed"]
    mine_due = datetime.fromisoformat(night_desk.item_detail(mine)["sla_due_at"])
    with time_machine.travel(mine_due - timedelta(minutes=10), tick=False):
        night_desk.alerts.run()
    assert ("sla_soon", mine) in [(k, i) for k, i, _ in notices(night_desk, "ann")]
    assert mine not in [i for _, i, _ in notices(night_desk, "bryn")]   # ann's, not bryn's


def test_an_answered_item_raises_no_sla_alert(night_desk) -> None:
    item = add_item(night_desk, "answered already", MONDAY, category="report")
    with night_desk.store.write():
        night_desk.store.conn.execute("update items set first_response_at = ? where id = ?",
                                      (to_iso(MONDAY + timedelta(minutes=5)), item))
    with time_machine.travel(MONDAY + timedelta(hours=3), tick=False):
        night_desk.alerts.run()
    assert notices(night_desk, "ann") == []


class Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_unclaimed_urgent_escalates_to_supervisors_webhook_and_mail(
        tmp_path: Path, config: Config) -> None:
    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    Hook.received = []
    mail = tmp_path / "mail"
    config = replace(members_config(config), alerts=AlertsConfig(
        escalate_urgent_after_minutes=10, webhook_url=f"http://127.0.0.1:{server.server_port}/x",
        mail_dir=str(mail), mail_to="duty@example.org"))
    desk = Desk(config, tmp_path / "esc.db", actor="ann")
    urgent = add_item(desk, "He has a knife and is outside my door", MONDAY, urgent=True,
                      category="report")
    claimed = add_item(desk, "fire next door", MONDAY, urgent=True, category="report",
                       author="73", assignee="bryn")
    try:
        with time_machine.travel(MONDAY + timedelta(minutes=9), tick=False):
            assert desk.alerts.run().escalated == []
        with time_machine.travel(MONDAY + timedelta(minutes=11), tick=False):
            report = desk.alerts.run()
            assert desk.alerts.run().escalated == []           # once
    finally:
        server.shutdown()
    assert report.escalated == [urgent] and report.problems == []
    escalated = [i for k, i, _ in notices(desk, "sian") if k == "escalated"]
    assert escalated == [urgent] and claimed not in escalated   # bryn has the other one
    assert "escalated" not in [k for k, _, _ in notices(desk, "ann")]   # officers: not theirs
    assert [h["item"] for h in Hook.received] == [urgent]
    assert "knife" not in json.dumps(Hook.received)          # no words leave the desk
    files = list(mail.glob("*.eml"))
    assert len(files) == 1 and oct(files[0].stat().st_mode & 0o777) == "0o600"
    assert "duty@example.org" in files[0].read_text() and "knife" not in files[0].read_text()
    desk.close()


def test_a_webhook_that_fails_is_one_sentence_and_the_notice_stands(
        tmp_path: Path, config: Config) -> None:
    config = replace(members_config(config), alerts=AlertsConfig(
        escalate_urgent_after_minutes=10, webhook_url="http://127.0.0.1:9/nothing"))
    desk = Desk(config, tmp_path / "esc.db", actor="sian")
    urgent = add_item(desk, "help now", MONDAY, urgent=True, category="report")
    with time_machine.travel(MONDAY + timedelta(minutes=12), tick=False):
        report = desk.alerts.run()
    assert report.escalated == [urgent]
    assert report.problems == ["The escalation webhook at http://127.0.0.1:9 could not be "
                               "reached (ConnectError)."]             # never the secret path
    assert "escalated" in [k for k, _, _ in notices(desk, "sian")]
    desk.close()


# ── in the dashboards ────────────────────────────────────────────────────────────────────

def toasts(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_two_dashboards_both_show_an_alert_for_everyone_and_only_ann_hers(
        tmp_path: Path, config: Config) -> None:
    path = tmp_path / "two.db"
    ann = Desk(members_config(config), path, actor="ann")
    bryn = Desk(members_config(config), path, actor="bryn")
    team_item = add_item(ann, "report for all", MONDAY, category="report")
    anns = add_item(ann, "ann's concern", MONDAY, author="75", assignee="ann")
    app_ann, app_bryn = make_app(ann), make_app(bryn)
    async with app_ann.run_test(size=(160, 50)) as pilot_ann, \
            app_bryn.run_test(size=(160, 50)) as pilot_bryn:
        await settle(pilot_ann, app_ann)
        await settle(pilot_bryn, app_bryn)
        worker = Desk(members_config(config), path, actor="gethin-worker")
        worker.context.actor = "ann"
        team_due = datetime.fromisoformat(ann.item_detail(team_item)["sla_due_at"])
        ann_due = datetime.fromisoformat(ann.item_detail(anns)["sla_due_at"])
        worker.alerts.run(now=team_due + timedelta(minutes=1))
        worker.alerts.run(now=ann_due + timedelta(minutes=1))
        worker.close()
        for pilot, app in ((pilot_ann, app_ann), (pilot_bryn, app_bryn)):
            app.screen.check_for_changes()
            await settle(pilot, app)
        assert any(f"#{team_item} (report" in t and "passed" in t for t in toasts(app_ann))
        assert any(f"#{team_item} (report" in t and "passed" in t for t in toasts(app_bryn))
        assert any(f"#{anns} (concern" in t for t in toasts(app_ann))
        assert not any(f"#{anns} (concern" in t for t in toasts(app_bryn))
        shown = len(toasts(app_bryn))
        app_bryn.screen.reload()
        await settle(pilot_bryn, app_bryn)
        assert len(toasts(app_bryn)) == shown                 # each notice once
    # a dashboard opened later shows nothing it had shown already
    assert bryn.notices.last_read() >= max(n.id for n in bryn.notices.recent())
    ann.close()
    bryn.close()


async def test_past_sla_is_one_key_away_and_notices_are_listed(tmp_path: Path,
                                                               config: Config) -> None:
    desk = Desk(members_config(config), tmp_path / "keys.db", actor="ann")
    now = datetime.now(UTC)
    late = add_item(desk, "overdue report", now - timedelta(days=3), category="report")
    fresh = add_item(desk, "fresh chat", now - timedelta(minutes=1), category="chat",
                     author="76")
    desk.alerts.run()
    app = make_app(desk, clock=lambda: now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one("#inbox")
        assert set(table.ids) == {late, fresh}
        await pilot.press("b")
        await settle(pilot, app)
        assert table.ids == [late]
        note = str(app.screen.query_one("#filter-note").render())
        assert note.startswith("Filtered: Past SLA now — b again shows every item")
        await pilot.press("b")
        await settle(pilot, app)
        assert set(table.ids) == {late, fresh}
    desk.close()


def test_a_snoozed_item_raises_no_sla_alert_until_it_is_back(night_desk) -> None:
    item = add_item(night_desk, "waiting on a call back", MONDAY, category="report")
    due = datetime.fromisoformat(night_desk.item_detail(item)["sla_due_at"])
    with time_machine.travel(due - timedelta(minutes=40), tick=False):
        night_desk.snooze(item, "+3h")
    with time_machine.travel(due + timedelta(minutes=1), tick=False):
        night_desk.alerts.run()
    assert notices(night_desk, "ann") == []
    with time_machine.travel(due + timedelta(hours=2, minutes=30), tick=False):
        night_desk.alerts.run()
    assert [k for k, _, _ in notices(night_desk, "ann")] == ["sla_passed"]


def test_retention_forgets_who_was_acknowledged(night_desk) -> None:
    add_item(night_desk, "night message", TUESDAY_NIGHT)
    with time_machine.travel(TUESDAY_NIGHT + timedelta(minutes=5), tick=False):
        assert len(night_desk.alerts.run().acknowledged) == 1
    count = "select count(*) from acknowledgements"
    assert night_desk.store.conn.execute(count).fetchone()[0] == 1
    night_desk.context.actor = "sian"
    with time_machine.travel(TUESDAY_NIGHT + timedelta(days=400), tick=False):
        night_desk.purge()
    assert night_desk.store.conn.execute(count).fetchone()[0] == 0


def test_the_worker_job_runs_the_alerts_and_says_so(night_desk) -> None:
    from socialdesk.cli.page import event_line
    from socialdesk.core.desk.events import Alerted
    from socialdesk.core.desk.jobs import BackgroundJobs

    add_item(night_desk, "night message", TUESDAY_NIGHT)
    events: list = []
    jobs = BackgroundJobs(night_desk, events.append)
    with time_machine.travel(TUESDAY_NIGHT + timedelta(minutes=5), tick=False):
        jobs.run_alerts()
        jobs.run_alerts()                       # nothing new: nothing said
    alerted = [e for e in events if isinstance(e, Alerted)]
    assert len(alerted) == 1
    assert event_line(alerted[0]).startswith("alerts: 1 out-of-hours acknowledgement(s) queued")


# ── from the command line ────────────────────────────────────────────────────────────────

def test_cli_lists_notices_and_shows_the_acknowledgement_policy(run_cli, tmp_path: Path,
                                                                  team_config_file: Path) -> None:
    from socialdesk.config import load_config

    desk = Desk(load_config(team_config_file), tmp_path / "cli.db", actor="sioned")
    desk.fill_due_times()                           # the database exists, with nothing in it
    assert run_cli("notices").out.strip() == "no notices"
    item = add_item(desk, "report for all", MONDAY, category="report")
    desk.alerts.run(now=MONDAY + timedelta(hours=3))
    desk.close()
    listed = run_cli("notices")
    assert listed.code == 0
    assert f"sla_passed  #{item} (report, English message) has passed" in listed.out
    policy = run_cli("policy").out
    assert re.search(r"acknowledge_out_of_hours +true", policy)
    assert re.search(r"acknowledge_comments +false", policy)
    refused = run_cli("policy", "set", "acknowledge_out_of_hours", "false")
    assert refused.code == 1 and "Only a supervisor can change the policy" in refused.err


# ── the corners a review found ───────────────────────────────────────────────────────────

def test_an_acknowledgement_never_goes_out_once_the_team_is_back(tmp_path: Path,
                                                                 config: Config,
                                                                 fake_page) -> None:
    """Queued at night, the token refused until the morning: it must not tell people in
    the morning that nobody is reading."""
    desk, client, _item = _live_night_desk(tmp_path, config, fake_page)
    with desk.store.write():       # the opening it was written for has passed
        desk.store.conn.execute("update outbox set send_before = ?",
                                (to_iso(datetime.now(UTC) - timedelta(minutes=1)),))
    report = desk.send_outbox(client)
    assert report.sent == 0 and "the team was back" in report.details[0]
    assert desk.store.conn.execute("select status from outbox").fetchone()[0] == "cancelled"
    assert not any("[Automatic reply]" in m.text for c in fake_page.state.conversations
                   for m in c.messages)
    desk.close()


def test_an_acknowledgement_without_an_id_is_still_no_first_response(tmp_path: Path,
                                                                     config: Config,
                                                                     fake_page) -> None:
    """Sent, but the outcome stayed uncertain (no id kept): the page's message found by sync
    is known by its words in the thread, and still answers nothing."""
    desk, client, item = _live_night_desk(tmp_path, config, fake_page)
    assert desk.send_outbox(client).sent == 1
    with desk.store.write():
        desk.store.conn.execute("update outbox set platform_id = null, status = 'uncertain'")
    assert desk.sync_once(client=client).ok
    detail = desk.item_detail(item)
    assert detail["first_response_at"] is None and detail["status"] == "new"
    desk.close()


def test_no_acknowledgement_once_an_officer_has_answered_or_claimed(night_desk) -> None:
    answered = add_item(night_desk, "night report", TUESDAY_NIGHT, author="81")
    claimed = add_item(night_desk, "another", TUESDAY_NIGHT, author="82")
    with night_desk.store.write():   # a supervisor working late queued an answer already
        night_desk.store.conn.execute(
            "insert into outbox (item_id, action, text, idempotency_key, status, created_by, "
            "created_at) values (?, 'message', 'On our way', 'k1', 'queued', 'sian', ?)",
            (answered, to_iso(TUESDAY_NIGHT)))
    night_desk.claim(claimed)
    with time_machine.travel(TUESDAY_NIGHT + timedelta(minutes=5), tick=False):
        assert night_desk.alerts.run().acknowledged == []


def test_a_refused_acknowledgement_leaves_the_persons_slot_free(night_desk) -> None:
    """An item that cannot be answered on the page (no id there) must not use up the
    person's one acknowledgement of the night."""
    first = add_item(night_desk, "comment with no id", TUESDAY_NIGHT, kind="comment")
    with night_desk.store.write():
        night_desk.store.conn.execute("update items set platform_id = 'noid:1' where id = ?",
                                      (first,))
    later = add_item(night_desk, "then a message", TUESDAY_NIGHT + timedelta(minutes=2))
    night_desk.context.actor = "sian"
    night_desk.team.set_policy("acknowledge_comments", "true")
    with time_machine.travel(TUESDAY_NIGHT + timedelta(minutes=6), tick=False):
        assert night_desk.alerts.run().acknowledged == [later]


def test_retention_removes_old_acknowledgements_even_with_no_item_to_purge(night_desk) -> None:
    item = add_item(night_desk, "night message", TUESDAY_NIGHT)
    with time_machine.travel(TUESDAY_NIGHT + timedelta(minutes=5), tick=False):
        night_desk.alerts.run()
    with night_desk.store.write():   # the item went already; its acknowledgement row did not
        night_desk.store.conn.execute("update items set purged_at = ?, text = '' where id = ?",
                                      (to_iso(TUESDAY_NIGHT), item))
    night_desk.context.actor = "sian"
    with time_machine.travel(TUESDAY_NIGHT + timedelta(days=400), tick=False):
        report = night_desk.purge()
    assert report.items == 0 and report.traces >= 1
    assert night_desk.store.conn.execute(
        "select count(*) from acknowledgements").fetchone()[0] == 0


def test_read_only_accounts_do_not_write_when_they_look(night_desk) -> None:
    night_desk.notices.notify("k", "*", "sla_soon", "#1 must be answered soon")
    night_desk.context.actor = "visitor"          # not a member: read-only
    night_desk.notices.mark_read(99)
    assert night_desk.store.conn.execute(
        "select count(*) from sync_state where key like 'notices_read:%'").fetchone()[0] == 0
