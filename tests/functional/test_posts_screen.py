"""The Posts screen as officers and supervisors use it (Pilot, real SQLite file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static, TextArea

from socialdesk.core.desk import Desk
from socialdesk.ui.dialogs.choice import ChoiceDialog
from socialdesk.ui.dialogs.post_form import PostFormDialog
from socialdesk.ui.screens.posts import PostsScreen
from socialdesk.ui.widgets.banner import PauseBanner
from socialdesk.ui.widgets.status import StatusBar
from tests.ui_helpers import make_app, members_config, settle

CY = "Cofiwch gloi eich ceir heno."
EN = "Remember to lock your cars tonight."


@pytest.fixture
def desks(tmp_path: Path, config) -> tuple[Desk, Desk]:
    """Officer ann's and supervisor sian's desks on one DB with two posts."""
    cfg = members_config(config)
    ann = Desk(cfg, tmp_path / "desk.db", actor="ann")
    sian = Desk(cfg, tmp_path / "desk.db", actor="sian")
    ann.posts.add("[bold red]lock[/] your car", CY, EN, "2099-06-02 17:00")
    ann.posts.add("No Welsh yet", "", EN, "2099-06-01 09:00")
    yield ann, sian
    ann.close()
    sian.close()


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def open_posts(pilot, app) -> PostsScreen:
    await settle(pilot, app)
    await pilot.press("t")
    await settle(pilot, app)
    assert isinstance(app.screen, PostsScreen)
    return app.screen


def agenda_rows(screen: PostsScreen) -> list[list[str]]:
    table = screen.query_one("#agenda", DataTable)
    return [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]


async def test_agenda_shows_drafts_by_due_time_with_both_texts_welsh_first(desks) -> None:
    ann, _ = desks
    app = make_app(ann)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_posts(pilot, app)
        rows = agenda_rows(screen)
        assert [r[0] for r in rows] == ["2", "1"]                  # by due time
        assert rows[0][1] == "Mon 01 Jun 09:00 BST" and rows[0][3] == "en"
        assert rows[1][2] == "draft: to approve" and rows[1][3] == "cy+en"
        assert rows[1][4] == "[bold red]lock[/] your car"         # literal, not markup
        screen.query_one("#agenda", DataTable).move_cursor(row=1)
        await settle(pilot, app)
        detail = str(screen.query_one("#post-detail", Static).render())
        assert detail.index("Cymraeg") < detail.index(CY) < detail.index("English") < \
            detail.index(EN)
        assert "[bold red]lock[/]" in detail


async def test_officer_approval_is_refused_supervisor_approves(desks) -> None:
    ann, sian = desks
    app = make_app(ann)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_posts(pilot, app)
        screen.query_one("#agenda", DataTable).move_cursor(row=1)
        await settle(pilot, app)
        await pilot.press("a")
        await settle(pilot, app)
        assert any("Only a supervisor can approve" in n for n in notes(app))
        assert ann.posts.get(1)["status"] == "draft"
    app = make_app(sian)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_posts(pilot, app)
        await pilot.press("a")                 # first row: the post without Welsh
        await settle(pilot, app)
        assert any("no Welsh text" in n for n in notes(app))
        screen.query_one("#agenda", DataTable).move_cursor(row=1)
        await settle(pilot, app)
        await pilot.press("a")
        await settle(pilot, app)
        assert sian.posts.get(1)["status"] == "approved"
        assert any(r[2] == "approved" for r in agenda_rows(screen))


async def test_crisis_pause_is_visible_to_every_dashboard(desks) -> None:
    ann, sian = desks
    app = make_app(sian)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_posts(pilot, app)
        await pilot.press("P")
        box = screen.query_one("#pause-reason", Input)
        assert box.has_focus
        await pilot.press(*"Major incident [red]Llangefni[/]")
        await pilot.press("enter")
        await settle(pilot, app)
        banner = screen.query_one(PauseBanner)
        assert banner.has_class("-active")
        assert "Major incident [red]Llangefni[/]" in str(banner.render())
    assert ann.posts.pause_state().reason == "Major incident [red]Llangefni[/]"
    officer = make_app(ann)
    async with officer.run_test(size=(160, 50)) as pilot:
        await settle(pilot, officer)
        bar = str(officer.screen.query_one(StatusBar).render())
        assert "PAUSED by sian" in bar
        screen = await open_posts(pilot, officer)
        assert screen.query_one(PauseBanner).has_class("-active")
        await pilot.press("R")                 # officers cannot resume
        await settle(pilot, officer)
        assert any("Only a supervisor can resume" in n for n in notes(officer))
        assert ann.posts.pause_state().paused


async def test_new_post_from_a_template_with_live_preview(desks) -> None:
    ann, _ = desks
    app = make_app(ann)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_posts(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        assert isinstance(app.screen, ChoiceDialog)
        options = app.screen.query_one("OptionList")
        index = next(n for n, value in enumerate(app.screen.choices)
                     if value[0] == "bike-marking")
        options.highlighted = index
        await pilot.press("enter")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, PostFormDialog)
        for field, value in (("place", "Holyhead"), ("place_cy", "Caergybi"),
                             ("date", "2099-06-06"), ("time", "10:00-14:00")):
            form.query_one(f"#ph-{field}", Input).value = value
        form.query_one("#when", Input).value = "2099-03-29 01:30"      # clocks go forward
        await settle(pilot, app)
        preview = str(form.query_one("#preview", Static).render())
        assert "does not exist" in preview and "02:30 BST" in preview
        assert "Caergybi" in form.query_one("#cy", TextArea).text
        assert "dydd Sadwrn 6 Mehefin" in form.query_one("#cy", TextArea).text
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, PostsScreen)
        post = ann.posts.get(3)
        assert post["template"] == "bike-marking" and post["status"] == "draft"
        assert "Caergybi" in post["text_cy"] and "Holyhead" in post["text_en"]
        assert post["due_at"] == "2099-03-29T01:30:00+00:00"


def burst(app, *keys: str) -> None:
    """Keys as a terminal delivers a fast typist's burst: all queued before any is handled."""
    from textual import events

    names = {"-": "minus", ":": "colon", " ": "space"}
    for key in keys:
        app.post_message(events.Key(key if len(key) > 1 else names.get(key, key),
                                    key if len(key) == 1 else None))


async def open_form(pilot, app, template: str) -> PostFormDialog:
    await open_posts(pilot, app)
    await pilot.press("n")
    await settle(pilot, app)
    options = app.screen.query_one("OptionList")
    options.highlighted = next(n for n, value in enumerate(app.screen.choices)
                               if value[0] == template)
    await pilot.press("enter")
    await settle(pilot, app)
    assert isinstance(app.screen, PostFormDialog)
    return app.screen


async def test_a_fast_tab_keeps_each_field_its_own_text(desks) -> None:
    """Typed right after Tab, text landed in the field being left (issue 27, item 8)."""
    ann, _ = desks
    app = make_app(ann)
    async with app.run_test(size=(160, 50)) as pilot:
        form = await open_form(pilot, app, "bike-marking")
        burst(app, *"Holyhead", "tab", *"Caergybi", "tab", *"2099-12-19", "tab",
              *"10:00-14:00")
        await settle(pilot, app)
        values = {i.id: i.value for i in form.query(Input)}
        assert values["ph-place"] == "Holyhead" and values["ph-place_cy"] == "Caergybi"
        assert values["ph-date"] == "2099-12-19" and values["ph-time"] == "10:00-14:00"


async def test_escape_asks_before_throwing_a_filled_form_away(desks) -> None:
    """Esc discarded a filled form without asking; a refused save keeps the form open."""
    from socialdesk.ui.dialogs.confirm import ConfirmDialog

    ann, _ = desks
    app = make_app(ann)
    async with app.run_test(size=(160, 50)) as pilot:
        form = await open_form(pilot, app, "bike-marking")
        await pilot.press(*"Holyhead")
        await pilot.press("ctrl+s")                     # no time yet: refused, form kept
        await settle(pilot, app)
        assert app.screen is form and any("Say when it goes out" in n for n in notes(app))
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")                          # keep it
        await settle(pilot, app)
        assert app.screen is form
        assert form.query_one("#ph-place", Input).value == "Holyhead"
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("y")
        await settle(pilot, app)
        assert isinstance(app.screen, PostsScreen) and len(ann.posts.all()) == 2


async def test_pause_needs_a_reason_and_resume_asks_first(desks) -> None:
    """A blank reason keeps the box open; resuming after a crisis pause asks (issue 27)."""
    from socialdesk.ui.dialogs.confirm import ConfirmDialog

    _, sian = desks
    app = make_app(sian)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_posts(pilot, app)
        await pilot.press("P")
        await pilot.press("enter")                       # no reason yet
        await settle(pilot, app)
        box = screen.query_one("#pause-reason", Input)
        assert box.has_class("-asking") and not sian.posts.pause_state().paused
        await pilot.press(*"Major incident", "enter")
        await settle(pilot, app)
        assert sian.posts.pause_state().paused
        await pilot.press("R")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot, app)
        assert sian.posts.pause_state().paused           # not resumed by a slip
        await pilot.press("R")
        await settle(pilot, app)
        await pilot.press("y")
        await settle(pilot, app)
        assert not sian.posts.pause_state().paused


async def test_the_palette_and_key_help_offer_this_screens_actions(desks) -> None:
    """ctrl+p on the Posts screen found nothing for "pause" (issue 27, item 7); ? lists the
    screen's keys."""
    from textual.widgets import DataTable as Table

    from socialdesk.ui.dialogs.key_help import KeyHelp

    _, sian = desks
    app = make_app(sian)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_posts(pilot, app)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"pause all")
        await pilot.pause(0.6)
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen is screen
        assert screen.query_one("#pause-reason", Input).has_class("-asking")
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("question_mark")
        await settle(pilot, app)
        assert isinstance(app.screen, KeyHelp)
        keys = app.screen.query_one(Table)
        shown = [str(keys.get_row_at(n)[1]) for n in range(keys.row_count)]
        assert "Pause all" in shown and "Approve" in shown
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is screen
