"""Snooze (w), notes with @mentions (@), the Mentioned and Snoozed views (5, 6) and handover
notes (H, and at sign-in) in the dashboard, driven by Pilot on a real SQLite file."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from textual.widgets import Input, TextArea

from socialdesk.core.desk import Desk
from socialdesk.core.desk.jobs import BackgroundJobs
from socialdesk.core.models import utc_now
from socialdesk.ui.dialogs.ask import AskDialog
from socialdesk.ui.dialogs.handover import HandoverDialog
from socialdesk.ui.dialogs.snooze import SnoozeDialog
from socialdesk.ui.screens.inbox import InboxScreen
from socialdesk.ui.widgets.sidebar import FilterSidebar
from tests.functional.test_dashboard import inbox, notes, other, select, table
from tests.ui_helpers import SEED, make_app, settle

URGENT, WELSH, NEIGHBOUR = 0, 1, 2


def detail_text(app) -> str:
    return str(inbox(app).query_one("#detail-body").render())


async def wait_for(pilot, app, check, seconds: float = 5.0) -> bool:
    for _ in range(int(seconds / 0.1)):
        if check():
            return True
        await pilot.pause(0.1)
        await settle(pilot, app, rounds=1)
    return check()


async def test_w_snoozes_out_of_to_do_and_it_comes_back_with_a_notice(team_desk: Desk) -> None:
    item = team_desk.seeded[NEIGHBOUR]
    with time_machine.travel(utc_now(), tick=True) as traveller:
        app = make_app(team_desk, clock=utc_now)
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(pilot, app)
            await select(pilot, app, item)
            await pilot.press("w")
            await settle(pilot, app)
            dialog = app.screen
            assert isinstance(dialog, SnoozeDialog)
            await pilot.press("enter")   # the first quick choice: in 1 hour
            assert dialog.query_one("#when", Input).value == "+1h"
            assert "→ back in To do" in str(dialog.query_one("#resolved").render())
            dialog.query_one("#note", Input).value = "ring her daughter [bold]first[/]"
            await pilot.press("enter")
            await settle(pilot, app)
            assert isinstance(app.screen, InboxScreen)
            assert item not in table(app).ids
            assert app.desk_state.open_count == len(SEED) - 1
            sidebar = inbox(app).query_one(FilterSidebar)
            assert sidebar.counts.get("view", "todo") == len(SEED) - 1
            assert sidebar.counts.get("view", "snoozed") == 1
            assert any(n.startswith(f"#{item} snoozed until ") for n in notes(app))
            await pilot.press("6")
            await settle(pilot, app)
            assert table(app).ids == [item]
            await select(pilot, app, item)
            body = detail_text(app)
            assert "Snoozed until " in body and "by ann (ring her daughter [bold]first[/])" in body
            assert "snoozed until" in body.split("History")[-1]
            await pilot.press("1")
            await settle(pilot, app)
            assert item not in table(app).ids
            # an hour later nothing needs to run for the item to be back in To do, on screen
            # without a key press...
            traveller.shift(timedelta(hours=1, minutes=1))
            assert await wait_for(pilot, app, lambda: item in table(app).ids)
            assert app.desk_state.open_count == len(SEED)
            # ...and the worker's job (another process) tells ann, through the database
            assert BackgroundJobs(other(team_desk, "bryn")).run_snoozes() == [item]
            assert await wait_for(pilot, app, lambda: any(
                n.startswith(f"#{item} is back in To do: snoozed until") for n in notes(app)))
            toast = next(n for n in app._notifications if n.message.startswith(f"#{item} is"))
            assert toast.title == "Back from snooze" and "ring her daughter" in toast.message


async def test_an_urgent_item_cannot_be_snoozed(team_desk: Desk, dashboard) -> None:
    app, pilot = dashboard
    await select(pilot, app, team_desk.seeded[URGENT])
    await pilot.press("w")
    await settle(pilot, app)
    assert isinstance(app.screen, InboxScreen)
    assert any("is urgent, so it cannot be snoozed" in n for n in notes(app))
    assert team_desk.seeded[URGENT] in table(app).ids


async def test_w_on_a_snoozed_item_brings_it_back_and_bad_times_keep_the_dialog(
        team_desk: Desk, dashboard) -> None:
    app, pilot = dashboard
    item = team_desk.seeded[WELSH]
    await select(pilot, app, item)
    await pilot.press("w")
    await settle(pilot, app)
    dialog = app.screen
    dialog.query_one("#when", Input).value = "yesterday"
    dialog.query_one("#when", Input).focus()
    await pilot.press("enter")
    await settle(pilot, app)
    assert app.screen is dialog
    assert "not a time socialdesk understands" in str(dialog.query_one("#resolved").render())
    dialog.query_one("#when", Input).value = "tomorrow 09:00"
    await pilot.press("enter")
    await settle(pilot, app)
    assert item not in table(app).ids
    await pilot.press("6")
    await settle(pilot, app)
    await select(pilot, app, item)
    await pilot.press("w")
    await settle(pilot, app)
    await pilot.press("enter")   # the first choice is now "Back now"
    await settle(pilot, app)
    assert table(app).ids == []
    await pilot.press("1")
    await settle(pilot, app)
    assert item in table(app).ids
    assert any(n == f"#{item} is back in To do." for n in notes(app))


async def test_a_mention_shows_in_the_other_officers_dashboard(team_desk: Desk) -> None:
    item = team_desk.seeded[NEIGHBOUR]
    bryn = other(team_desk, "bryn")
    app_a, app_b = make_app(team_desk, clock=utc_now), make_app(bryn, clock=utc_now)
    async with app_a.run_test(size=(160, 50)) as pilot_a, \
            app_b.run_test(size=(160, 50)) as pilot_b:
        await settle(pilot_a, app_a)
        await settle(pilot_b, app_b)
        await select(pilot_a, app_a, item)
        await pilot_a.press("at")
        await settle(pilot_a, app_a)
        assert isinstance(app_a.screen, AskDialog)
        app_a.screen.query_one(Input).value = "@bryn you know the family: can you ring?"
        await pilot_a.press("enter")
        await settle(pilot_a, app_a)
        assert any(n == f"Note added to #{item}; bryn told." for n in notes(app_a))
        assert "@bryn you know the family" in detail_text(app_a).split("Notes (internal)")[1]
        # bryn's dashboard polls the database: the notice comes without a key press
        expected = f"ann mentioned you on #{item}: @bryn you know the family: can you ring?"
        for _ in range(50):
            await pilot_a.pause(0.0)
            await pilot_b.pause(0.1)
            if expected in notes(app_b):
                break
        assert expected in notes(app_b)
        assert next(n for n in app_b._notifications if n.message == expected).title == \
            "Mentioned"
        assert expected not in notes(app_a)
        await pilot_b.press("5")
        await settle(pilot_b, app_b)
        assert table(app_b).ids == [item]
        assert inbox(app_b).query_one(FilterSidebar).counts.get("view", "mentioned") == 1


async def test_an_unknown_mention_is_refused_in_one_sentence(team_desk: Desk, dashboard) -> None:
    app, pilot = dashboard
    await select(pilot, app, team_desk.seeded[WELSH])
    await pilot.press("at")
    await settle(pilot, app)
    app.screen.query_one(Input).value = "ask @gareth"
    await pilot.press("enter")
    await settle(pilot, app)
    assert any(n == "@gareth is not a member of this desk; mention one of: @ann, @bryn, "
               "@sian." for n in notes(app))
    assert team_desk.item_detail(team_desk.seeded[WELSH])["notes"] == []


async def test_handover_notes_show_at_the_next_sign_in_until_dismissed(team_desk: Desk) -> None:
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:   # ann's shift: nothing to hand over
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)
    bryn = other(team_desk, "bryn")
    app = make_app(bryn, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:   # bryn writes one with H
        await settle(pilot, app)
        await pilot.press("H")
        await settle(pilot, app)
        assert isinstance(app.screen, HandoverDialog)
        app.screen.query_one(TextArea).text = "Amlwch: [red]daughter[/] rings back after 4"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert any(n.startswith("Handover note #1 saved") for n in notes(app))
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:   # ann's next sign-in
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, HandoverDialog)
        body = str(dialog.query_one("#notes-body").render())
        assert "bryn" in body and "Amlwch: [red]daughter[/] rings back after 4" in body
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:   # shown once
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)
