"""Drop-in sessions in the dashboard, driven by Pilot on a real SQLite file: ``i`` in the inbox
(the running session's view, kept up to date; outside a session, a sentence saying when the
next is) and ``i`` on the supervisor's screen (the sessions held, with their summaries).

The app's clock is ``NOW`` (tests/ui_helpers.py); the sessions are those of
tests/dropin_helpers.py."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from textual.widgets import DataTable, Input, Static

from socialdesk.core.desk import Desk
from socialdesk.ui.dialogs.dropin_plan import DropinPlanDialog
from socialdesk.ui.screens.dropin import DropinScreen
from socialdesk.ui.screens.dropin_sessions import DropinSummariesScreen
from socialdesk.ui.screens.inbox import InboxScreen
from tests.dropin_helpers import answer, hold_sessions
from tests.functional.test_dashboard import notes, other, table
from tests.ui_helpers import NOW, make_app, members_config, seed_items, settle


@pytest.fixture
def session_desk(tmp_path: Path, config) -> Desk:
    """ann's desk with the seeded items and the three sessions (one running at NOW)."""
    desk = Desk(members_config(config), tmp_path / "desk.db", actor="ann")
    desk.seeded = seed_items(desk, tmp_path / "seed.jsonl")   # type: ignore[attr-defined]
    desk.sessions = hold_sessions(desk, tmp_path, desk.seeded)  # type: ignore[attr-defined]
    yield desk
    desk.close()


def figures_text(app) -> str:
    return str(app.screen.query_one("#dropin-figures", Static).render())


async def test_i_outside_a_session_says_so_and_when_the_next_is(tmp_path: Path,
                                                                config) -> None:
    desk = Desk(members_config(config), tmp_path / "desk.db", actor="ann")
    seed_items(desk, tmp_path / "seed.jsonl")
    app = make_app(desk)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("i")
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)
        assert notes(app)[-1] == "No drop-in session is running, and none is planned."
        with time_machine.travel(NOW - timedelta(hours=1), tick=False):
            desk.dropins.plan("2026-11-24 18:00", "19:30", "Holyhead")
        await pilot.press("i")
        await settle(pilot, app)
        assert notes(app)[-1] == ("No drop-in session is running; the next is session 1, "
                                  "Tue 24 Nov 2026 18:00–19:30 GMT (Caergybi / Holyhead).")
        assert isinstance(app.screen, InboxScreen)
    desk.close()


async def test_the_inbox_says_when_a_session_starts(tmp_path: Path, config) -> None:
    desk = Desk(members_config(config), tmp_path / "desk.db", actor="ann")
    seed_items(desk, tmp_path / "seed.jsonl")
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        desk.dropins.plan("2026-11-23 14:30", "16:00", "Llangefni")
    clock = [NOW]
    app = make_app(desk, clock=lambda: clock[0])
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        inbox_screen = app.screen
        assert isinstance(inbox_screen, InboxScreen)
        assert "drop-in" not in inbox_screen.sub_title
        clock[0] = NOW + timedelta(minutes=31)               # the half-minute look
        inbox_screen.watch_dropin(clock[0])
        await settle(pilot, app)
        assert "drop-in live (i)" in inbox_screen.sub_title
        assert notes(app)[-1] == ("Drop-in session 1 has started (Llangefni, until 16:00): i "
                                  "shows it.")
        await pilot.press("i")
        await settle(pilot, app)
        assert isinstance(app.screen, DropinScreen)
        assert "nothing in yet" in app.screen.sub_title
        await pilot.press("escape")
        sync = other(desk, "bryn")
        seed_items(sync, tmp_path / "late.jsonl", [
            ("Ydy'r sesiwn dal ymlaen?", "comment", "cy", "chat", 0, "Gwen Hughes", 1)],
            now=NOW + timedelta(minutes=50))
        sync.close()
        clock[0] = NOW + timedelta(hours=3)                  # over
        inbox_screen.watch_dropin(clock[0])
        await settle(pilot, app)
        assert "drop-in" not in inbox_screen.sub_title
        assert notes(app)[-1] == ("Drop-in session 1 has ended with 1 item still waiting for "
                                  "an answer: s, then i, shows its summary.")
    desk.close()


async def test_the_session_view_shows_the_window_and_follows_the_desk(
        session_desk: Desk) -> None:
    app = make_app(session_desk)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        assert app.screen.sub_title.startswith("inbox · drop-in live (i) · ")
        await pilot.press("i")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, DropinScreen)
        head = str(screen.query_one("#dropin-head", Static).render())
        assert head.startswith("Drop-in session 2 · Caergybi / Holyhead · Mon 23 Nov "
                               "12:30–15:00 GMT · 1h left")
        assert figures_text(app).startswith("In 5 from 5 people · answered 2 · waiting 2 · "
                                            "closed 1 · median reply 8m")
        assert "Urgent: 1 — STILL WAITING" in figures_text(app)
        rows = screen.query_one(DataTable)
        assert rows.row_count == 5                           # 12:30 on; not the older two
        first = rows.get_row_at(0)
        assert first[0] == "13:54" and str(first[2]) == "URGENT report"
        assert str(first[4]) == "waiting 6m"
        # the markup in a person's name and words is shown as it was written
        assert str(rows.get_row_at(4)[5]).startswith("[link=http://evil]")
        # bryn answers the urgent item in another dashboard: the view follows
        urgent = session_desk.seeded[0]                      # type: ignore[attr-defined]
        bryn = other(session_desk, "bryn")
        answer(bryn, urgent, NOW - timedelta(minutes=2), "bryn")
        bryn.close()
        await pilot.pause(1.2)                               # the data_version poll
        await settle(pilot, app)
        assert figures_text(app).startswith("In 5 from 5 people · answered 3 · waiting 1")
        assert "Urgent: 1 — answered in the session — first response median 4m" in \
            figures_text(app)
        assert str(rows.get_row_at(0)[4]) == "4m bryn"          # and who answered
        # Enter opens the item under the cursor in the inbox
        await pilot.press("down", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)
        assert table(app).selected_id == session_desk.seeded[1]   # type: ignore[attr-defined]


async def test_a_new_item_in_the_window_appears_in_the_view(session_desk: Desk,
                                                          tmp_path: Path) -> None:
    app = make_app(session_desk)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("i")
        await settle(pilot, app)
        assert app.screen.query_one(DataTable).row_count == 5
        sync = other(session_desk, "bryn")                   # another connection, as the sync
        seed_items(sync, tmp_path / "new.jsonl", [
            ("Oes rhywun ar gael i siarad am sgamiau?", "comment", "cy", "concern", 0,
             "Gwen Hughes", 1)])
        sync.close()
        await pilot.pause(1.2)
        await settle(pilot, app)
        rows = app.screen.query_one(DataTable)
        assert rows.row_count == 6 and str(rows.get_row_at(0)[6]).startswith("Oes rhywun")
        assert figures_text(app).startswith("In 6 from 6 people · answered 2 · waiting 3")


async def test_the_supervisor_screen_lists_sessions_with_their_summaries(
        session_desk: Desk) -> None:
    app = make_app(session_desk)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("s")
        await settle(pilot, app)
        await pilot.press("i")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, DropinSummariesScreen)
        sessions = screen.query_one(DataTable)
        assert sessions.row_count == 3                       # the one to come first
        assert [str(sessions.get_row_at(n)[0]) for n in range(3)] == ["3", "2", "1"]
        assert [str(sessions.get_row_at(n)[2]) for n in range(3)] == ["planned", "running",
                                                                      "over"]
        assert str(sessions.get_row_at(1)[7]) == "1: 1 waiting"
        summary = str(screen.query_one("#session-summary", Static).render())
        assert "Amlwch" in summary and "not started yet" in summary
        await pilot.press("down")
        await settle(pilot, app)
        summary = str(screen.query_one("#session-summary", Static).render())
        assert "Caergybi / Holyhead" in summary and "running" in summary
        await pilot.press("down")
        await settle(pilot, app)
        summary = str(screen.query_one("#session-summary", Static).render())
        lines = {line[:16].strip(): line[16:] for line in summary.splitlines()}
        assert lines["Session"].startswith("1 — Mon 16 Nov 2026 18:00–19:30 GMT — Sgamiau")
        assert lines["Contacts"] == "4 from 4 people (1 comment, 3 messages)"
        assert lines["Categories"] == "report 1 · concern 2 · chat 1"
        assert lines["Languages"] == "Welsh 2 · English 2 · mixed 0"
        assert lines["Answered"] == "3 in the session · 1 later · 0 closed, no reply · 0 waiting"
        assert lines["Urgent"].startswith("1 — answered in the session")
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "SupervisorScreen"


async def test_a_session_is_planned_and_cancelled_from_the_sessions_screen(
        session_desk: Desk) -> None:
    app = make_app(session_desk)
    with time_machine.travel(NOW, tick=True):
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(pilot, app)
            await pilot.press("s")
            await settle(pilot, app)
            await pilot.press("i", "n")
            await settle(pilot, app)
            assert isinstance(app.screen, DropinPlanDialog)
            # a mistake: the end before the start; the form comes back with what was typed
            await pilot.press(*"2026-11-26 18:00", "enter", *"17:00", "enter",
                              *"Beaumaris", "enter", "enter")
            await settle(pilot, app)
            assert notes(app)[-1] == "The session must end after it starts (17:00 is not " \
                                     "after 18:00)."
            dialog = app.screen
            assert isinstance(dialog, DropinPlanDialog)
            assert dialog.query_one("#plan-topic", Input).value == "Beaumaris"
            end = dialog.query_one("#plan-end", Input)
            end.value = "19:30"
            dialog.action_submit()
            await settle(pilot, app)
            assert isinstance(app.screen, DropinSummariesScreen)
            assert notes(app)[-1] == ("Drop-in session 4 planned: Thu 26 Nov 18:00–19:30 GMT. "
                                      "Its announcement (post 4) goes out Wed 25 Nov 18:00, "
                                      "once a supervisor approves it.")
            sessions = app.screen.query_one(DataTable)
            assert str(sessions.get_row_at(0)[0]) == "4"
            post = session_desk.posts.get(4)
            assert "Biwmares" in post["text_cy"] and "Beaumaris" in post["text_en"]
            # m on it: its times in the form (the topic shown, not editable), moved
            await pilot.press("m")
            await settle(pilot, app)
            dialog = app.screen
            assert isinstance(dialog, DropinPlanDialog) and dialog.moving == 4
            assert dialog.query_one("#plan-start", Input).value == "2026-11-26 18:00"
            assert dialog.query_one("#plan-topic", Input).disabled
            dialog.query_one("#plan-end", Input).value = "20:00"
            await pilot.press("enter", "enter")                # next line, then move
            await settle(pilot, app)
            assert notes(app)[-1] == ("Drop-in session 4 moved to Thu 26 Nov 18:00–20:00 GMT: "
                                      "its announcement (post 4) was redrafted for the new "
                                      "time.")
            assert "18:00–20:00" in session_desk.posts.get(4)["text_en"]
            # x on the new session: asks why, then cancels it and its announcement
            await pilot.press("x")
            await settle(pilot, app)
            await pilot.press(*"storm warning", "enter")
            await settle(pilot, app)
            assert notes(app)[-1] == ("Drop-in session 4 cancelled: its announcement (post 4) "
                                      "was cancelled before going out.")
            assert session_desk.posts.get(4)["status"] == "cancelled"
            assert str(sessions.get_row_at(0)[2]) == "cancelled"
            # a session that has started cannot be cancelled
            await pilot.press("down", "down")
            await settle(pilot, app)
            await pilot.press("x")
            await settle(pilot, app)
            assert notes(app)[-1] == ("Drop-in session 2 is running; only a session still to "
                                      "come can be cancelled.")


async def test_a_session_that_has_started_is_neither_moved_nor_cancelled(
        session_desk: Desk) -> None:
    app = make_app(session_desk)
    before = [(s.session.start, s.session.end) for s in session_desk.dropins.summaries()]
    with time_machine.travel(NOW, tick=True):
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(pilot, app)
            await pilot.press("s")
            await settle(pilot, app)
            await pilot.press("i")
            await settle(pilot, app)
            sessions = app.screen.query_one(DataTable)
            running = next(row for row in range(sessions.row_count)
                           if str(sessions.get_row_at(row)[0]) == "2")
            sessions.move_cursor(row=running)
            for key, done in (("m", "moved"), ("x", "cancelled")):
                await pilot.press(key)
                await settle(pilot, app)
                assert isinstance(app.screen, DropinSummariesScreen)   # no form, no question
                assert notes(app)[-1].startswith("Drop-in session 2 is ")
                assert notes(app)[-1].endswith(f"; only a session still to come can be {done}.")
    assert [(s.session.start, s.session.end)
            for s in session_desk.dropins.summaries()] == before
