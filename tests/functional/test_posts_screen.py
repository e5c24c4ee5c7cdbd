"""The Posts screen as officers and supervisors use it (Pilot, real SQLite file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static, TextArea

from socialdesk.core.desk import Desk
from socialdesk.ui.dialogs.choice import ChoiceDialog
from socialdesk.ui.dialogs.post_form import PostFormDialog
from socialdesk.ui.screens.posts import PauseBanner, PostsScreen
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
