"""Issue 27 reviewed again on the screens added since (drop-in, referral, reply library,
handover, snooze, supervisor drill-down): what an officer meets on a first day."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, TextArea

from socialdesk.config import AccessConfig
from socialdesk.core.desk import Desk
from socialdesk.core.models import utc_now
from socialdesk.ui.dialogs.ask import AskDialog
from socialdesk.ui.dialogs.composer import ComposerDialog
from socialdesk.ui.dialogs.confirm import ConfirmDialog
from socialdesk.ui.dialogs.dropin_plan import DropinPlanDialog
from socialdesk.ui.dialogs.handover import HandoverDialog
from socialdesk.ui.dialogs.referral import ReferralDialog
from socialdesk.ui.dialogs.reply_form import ReplyFormDialog
from socialdesk.ui.dialogs.snooze import SnoozeDialog
from socialdesk.ui.screens.inbox import InboxScreen
from socialdesk.ui.screens.supervisor import SupervisorScreen
from socialdesk.ui.widgets.inbox_table import InboxTable
from tests.conftest import assert_one_sentence
from tests.ui_helpers import make_app, settle
from tests.unit.test_metrics import insert_cases

# ── an item's history is that item's ──────────────────────────────────────────────────────


def test_an_items_history_holds_no_other_objects_rows(team_desk: Desk) -> None:
    """Item #1's history showed "post_add", "post_approve" and "dropin_plan": a safety post's,
    a drop-in session's, a handover note's number is its audit subject too."""
    item = team_desk.seeded[0]
    sian = Desk(team_desk.config, team_desk.db_path, actor="sian")
    post = team_desk.posts.add("Lock your car", "Clowch eich car", "Lock your car",
                          "2030-01-07 10:00")
    sian.posts.approve(post)
    note = sian.handover.write("Quiet night")
    team_desk.claim(item)
    assert item == post == note == 1   # the same number, three different things
    history = [row["action"] for row in team_desk.item_detail(item)["history"]]
    assert history == ["claim"]
    evidence = sian.timeline([item], "Stryd Fawr", names=False)
    assert "claimed by ann" in evidence
    assert not any(word in evidence for word in ("post_", "post add", "handover"))
    sian.close()


# ── supervisor drill-down: Enter opens the item ───────────────────────────────────────────


@pytest.fixture
def sian(tmp_path: Path, config, monkeypatch) -> Desk:
    monkeypatch.setenv("SOCIALDESK_DATA_DIR", str(tmp_path / "data"))
    team = replace(config, access=AccessConfig(members={"sian": "supervisor", "ann": "officer"}))
    desk = Desk(team, tmp_path / "s.db", actor="sian")
    insert_cases(desk)
    yield desk
    desk.close()


async def test_past_sla_then_enter_opens_the_first_item_without_reaching_for_the_list(
        sian: Desk) -> None:
    """p listed the items past SLA, but the cursor stayed on the groups table: Enter then
    drilled into a group instead of opening the item the list's title promised."""
    app = make_app(sian, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("s")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, SupervisorScreen)
        screen.window = 0
        screen.load_report()
        await settle(pilot, app)
        await pilot.press("p")
        await settle(pilot, app)
        past = screen.report.past_sla_now
        assert past
        assert app.focused is screen.query_one("#drill", DataTable)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)
        assert app.screen.query_one(InboxTable).selected_id == past[0]


# ── Esc on a filled form asks ─────────────────────────────────────────────────────────────


async def test_escape_on_a_written_answer_asks_before_throwing_it_away(team_desk: Desk,
                                                                        dashboard) -> None:
    app, pilot = dashboard
    await pilot.press("r")
    await settle(pilot, app)
    composer = app.screen
    assert isinstance(composer, ComposerDialog)
    area = composer.query_one(TextArea)
    area.load_text("Rang them back: officer on the way to Stryd Fawr.")
    await pilot.press("escape")
    await settle(pilot, app)
    assert isinstance(app.screen, ConfirmDialog)
    await pilot.press("n")                          # a slip: the answer is still there
    await settle(pilot, app)
    assert app.screen is composer and "officer on the way" in area.text
    await pilot.press("escape")
    await settle(pilot, app)
    await pilot.press("y")
    await settle(pilot, app)
    assert isinstance(app.screen, InboxScreen)
    assert team_desk.store.conn.execute("select count(*) from outbox").fetchone()[0] == 0


def _referral(desk: Desk) -> ReferralDialog:
    item = desk.seeded[0]
    return ReferralDialog(item, desk.referrals.agencies[0], desk.referrals.draft(item),
                          desk.referrals.draft(item, include_author=True), "Gareth Hughes")


def _snooze(desk: Desk) -> SnoozeDialog:
    zone = desk.config.team.zone
    return SnoozeDialog("Snooze", desk.followup.when, zone, [("+3d", "In 3 days")])


#: (the dialog, the field typed in)
FORMS: dict[str, tuple[Callable[[Desk], ModalScreen[Any]], str]] = {
    "referral": (_referral, "#part-where"),
    "reply template": (lambda desk: ReplyFormDialog({"scams": {}}), "#form-title"),
    "drop-in session": (lambda desk: DropinPlanDialog(), "#plan-topic"),
    "handover note": (lambda desk: HandoverDialog("Handover", [], desk.config.team.zone,
                                                  writable=True), "#handover-text"),
    "snooze note": (_snooze, "#note"),
    "close note": (lambda desk: AskDialog("Closing #1: how was it answered?"), "#answer"),
}


@pytest.mark.parametrize("form", list(FORMS))
async def test_escape_on_any_filled_form_asks_and_an_untouched_one_just_closes(
        team_desk: Desk, dashboard, form: str) -> None:
    app, pilot = dashboard
    build, field = FORMS[form]
    results: list[Any] = []
    dialog = build(team_desk)
    app.push_screen(dialog, results.append)
    await settle(pilot, app)
    await pilot.press("escape")                     # nothing typed: closes at once
    await settle(pilot, app)
    assert isinstance(app.screen, InboxScreen) and results == [None]
    dialog = build(team_desk)
    app.push_screen(dialog, results.append)
    await settle(pilot, app)
    widget = dialog.query_one(field)
    widget.focus()
    await pilot.press(*"Llangefni")
    await settle(pilot, app)
    await pilot.press("escape")
    await settle(pilot, app)
    assert isinstance(app.screen, ConfirmDialog), form
    await pilot.press("n")
    await settle(pilot, app)
    assert app.screen is dialog and len(results) == 1
    typed = widget.text if isinstance(widget, TextArea) else widget.value
    assert "Llangefni" in typed
    await pilot.press("escape")
    await settle(pilot, app)
    await pilot.press("y")
    await settle(pilot, app)
    assert isinstance(app.screen, InboxScreen) and results == [None, None]
    assert isinstance(widget, (Input, TextArea))


# ── read-only commands and a database that does not exist ──────────────────────────────


def test_new_read_only_commands_refuse_a_database_that_does_not_exist(run_cli,
                                                                      tmp_path: Path) -> None:
    """`policy show` printed the configuration's policy, exit 0, for a mistyped --db (the
    policy is the database's); the dashboard on a terminal died with a traceback from inside
    the app (here, without one, it said it needs a terminal before looking); the commands
    added since issue 27 refuse it too."""
    missing = tmp_path / "nonexistent" / "x.db"
    for args in (["dashboard"], ["policy", "show"], ["members", "list"], ["places"], ["listening"],
                 ["dropin", "list"], ["refer", "list"], ["markers"], ["person", "1"],
                 ["replies", "list"], ["tags"], ["notices"], ["handover", "show"],
                 ["timeline", "--place", "Holyhead"]):
        result = run_cli(*args, "--db", str(missing))
        assert result.code == 1, (args, result.out, result.err)
        assert_one_sentence(result.err)
        assert "does not exist" in result.err, (args, result.err)
        assert not missing.parent.exists()


# ── templates right for the channel ──────────────────────────────────────────────────────


async def test_a_private_answer_is_not_offered_templates_asking_for_a_private_message(
        team_desk: Desk, dashboard) -> None:
    """The reply library offered a Messenger answer "Public: ASB noted, message us privately"
    ("send us a private message…", "don't name anyone here"); issue 27 item 5 for the
    library. A public reply still gets it; topics written only for public stay offered."""
    from socialdesk.ui.dialogs.reply_picker import ReplyPicker

    app, pilot = dashboard

    async def offered(item: int) -> set[str]:
        t = app.screen.query_one(InboxTable)
        t.set_cursor(t.ids.index(item))
        await settle(pilot, app)
        await pilot.press("r")
        await settle(pilot, app)
        await pilot.press("ctrl+t")
        await settle(pilot, app)
        picker = app.screen
        assert isinstance(picker, ReplyPicker)
        keys = {t.key for t in picker.shown}
        await pilot.press("escape")                 # the picker
        await settle(pilot, app)
        await pilot.press("escape")                 # the untouched composer
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)
        return keys

    in_private = await offered(team_desk.seeded[2])     # a message
    assert "asb-patrols" in in_private and "thanks-short" in in_private
    assert not in_private & {"asb-public", "scam-public-warning", "drugs-public",
                             "report-online-public"}
    in_public = await offered(team_desk.seeded[3])      # a comment: a public reply
    assert "asb-public" in in_public and "asb-patrols" not in in_public


# ── urgency is never dropped by a default ────────────────────────────────────────────────


async def test_reclassifying_an_urgent_item_keeps_it_urgent_unless_the_officer_says_not(
        team_desk: Desk, dashboard) -> None:
    """l on an urgent item put the cursor on "report" (not urgent): Enter to confirm the
    category took it out of the urgent count without a word."""
    from socialdesk.ui.dialogs.choice import ChoiceDialog

    app, pilot = dashboard
    item = team_desk.seeded[0]                      # urgent report
    t = app.screen.query_one(InboxTable)
    t.set_cursor(t.ids.index(item))
    await settle(pilot, app)
    await pilot.press("l")
    await settle(pilot, app)
    assert isinstance(app.screen, ChoiceDialog)
    assert "URGENT" in app.screen.title_text
    await pilot.press("enter")
    await settle(pilot, app)
    row = team_desk.item_detail(item)
    assert row["category"] == "report" and row["urgent"] == 1
    assert item in team_desk.desk_counts().open_urgent_ids


async def test_merging_an_urgent_duplicate_says_it_leaves_the_urgent_count(
        team_desk: Desk, dashboard) -> None:
    app, pilot = dashboard
    primary, duplicate = team_desk.seeded[0], team_desk.seeded[1]
    with team_desk.store.write():
        team_desk.store.conn.execute("update items set urgent = 1 where id = ?", (duplicate,))
    t = app.screen.query_one(InboxTable)
    await pilot.press("f5")
    await settle(pilot, app)
    t.set_cursor(t.ids.index(duplicate))
    await pilot.press("space")
    t.set_cursor(t.ids.index(primary))
    await settle(pilot, app)
    await pilot.press("x")
    await settle(pilot, app)
    assert isinstance(app.screen, ConfirmDialog)
    assert f"URGENT: #{duplicate} will leave To do and the urgent count" in app.screen.question


# ── notices do not pile over the detail pane ─────────────────────────────────────────────


async def test_several_notices_at_once_make_one_toast(team_desk: Desk, dashboard) -> None:
    """Three SLA/escalation notices arriving together made four toasts (three and "…and N
    earlier"), with the urgent one that is half an 80×24 screen over the detail pane."""
    app, pilot = dashboard
    before = len(app._notifications)
    urgent = team_desk.seeded[0]
    alerts = Desk(team_desk.config, team_desk.db_path, actor="sian")   # the alerts job
    for n, (kind, text) in enumerate([
            ("sla_passed", f"#{urgent} (urgent report) has passed its first-response target."),
            ("escalated", f"URGENT #{urgent} has waited 40 min and nobody has claimed it."),
            ("sla_soon", "#3 (concern) is due in 15 min."),
            ("sla_passed", "#2 (report) has passed its first-response target.")]):
        alerts.notices.notify(f"test-{n}", "ann", kind, text, urgent)
    alerts.close()
    from socialdesk.ui.screens.inbox import NOTICE_TITLES

    def shown() -> list:
        return [n for n in list(app._notifications)[before:]
                if n.title == "4 new notices" or n.title in NOTICE_TITLES.values()]

    for _ in range(100):                            # the poll reads them in a worker
        app.screen.check_for_changes()
        await settle(pilot, app)
        if shown():
            break
        await pilot.pause(0.05)
    await settle(pilot, app)
    toasts = shown()
    assert len(toasts) == 1, [t.message for t in toasts]
    assert toasts[0].title == "4 new notices" and toasts[0].severity == "error"
    assert f"Escalated: URGENT #{urgent} has waited" in toasts[0].message
    assert len(toasts[0].message.splitlines()) == 5     # three notices, how many more, N
    assert "…and 1 earlier notice(s)." in toasts[0].message


async def test_closing_an_urgent_item_says_it_leaves_the_urgent_count(team_desk: Desk,
                                                                      dashboard) -> None:
    """Bulk close skips urgent items "to be closed on their own, where the dialog names
    them"; the one-item dialog did not name them."""
    from socialdesk.ui.dialogs.choice import ChoiceDialog

    app, pilot = dashboard
    for item, said in ((team_desk.seeded[0], True), (team_desk.seeded[1], False)):
        t = app.screen.query_one(InboxTable)
        t.set_cursor(t.ids.index(item))
        await settle(pilot, app)
        await pilot.press("d")
        await settle(pilot, app)
        assert isinstance(app.screen, ChoiceDialog)
        assert ("URGENT: it leaves To do and the urgent count" in app.screen.title_text) is said
        await pilot.press("escape")
        await settle(pilot, app)
