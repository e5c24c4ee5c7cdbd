"""Tags and bulk actions in the dashboard (issue 28, parts 4 and 5), driven by Pilot on a real
SQLite file: mark rows with space or visual mode, close them with one reason, undo the batch,
tag with suggestions, filter by tag, merge duplicates."""

from __future__ import annotations

from socialdesk.core.desk import Desk
from socialdesk.core.models import InboxFilter
from socialdesk.ui.dialogs.choice import ChoiceDialog
from socialdesk.ui.dialogs.confirm import ConfirmDialog
from socialdesk.ui.dialogs.tag_picker import TagDialog
from socialdesk.ui.screens.inbox import InboxScreen
from socialdesk.ui.widgets.detail import DetailPane
from socialdesk.ui.widgets.inbox_table import MARK, InboxTable
from socialdesk.ui.widgets.sidebar import FilterSidebar
from tests.ui_helpers import settle


def inbox(app) -> InboxScreen:
    assert isinstance(app.screen, InboxScreen), app.screen
    return app.screen


def table(app) -> InboxTable:
    return inbox(app).query_one(InboxTable)


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def statuses(desk: Desk, ids: list[int]) -> list[str]:
    return [desk.item_detail(i)["status"] for i in ids]  # type: ignore[index]


def tags_of(desk: Desk, item_id: int) -> list[str]:
    return list(desk.item_detail(item_id)["tags"])  # type: ignore[index]


async def go_to(pilot, app, item_id: int) -> None:
    t = table(app)
    t.set_cursor(t.ids.index(item_id))
    await settle(pilot, app)


async def test_mark_three_rows_close_them_with_one_reason_and_undo(team_desk: Desk,
                                                                   dashboard) -> None:
    app, pilot = dashboard
    t = table(app)
    t.focus()
    chosen = t.ids[1:4]
    await go_to(pilot, app, chosen[0])
    for _ in chosen:
        await pilot.press("space", "down")
    await settle(pilot, app)
    assert t.marked_ids == chosen
    assert "3 marked" in inbox(app).sub_title
    line = t.render_line(1).text
    assert MARK in line
    await pilot.press("d")
    await settle(pilot, app)
    assert isinstance(app.screen, ChoiceDialog) and "Close 3 items" in app.screen.title_text
    app.screen.dismiss("no reply needed")
    await settle(pilot, app)
    assert statuses(team_desk, chosen) == ["closed"] * 3
    assert t.marked_ids == [] and not set(chosen) & set(t.ids)   # gone from To do
    rows = team_desk.store.conn.execute(
        "select subject from audit_log where action = 'close'").fetchall()
    assert sorted(int(r[0]) for r in rows) == sorted(chosen)
    await pilot.press("z")
    await settle(pilot, app)
    assert statuses(team_desk, chosen) == ["new"] * 3
    assert any("Undone: close of" in n for n in notes(app))
    assert set(chosen) <= set(t.ids)


async def test_visual_mode_marks_the_rows_the_cursor_passes_and_escape_clears(
        team_desk: Desk, dashboard) -> None:
    app, pilot = dashboard
    t = table(app)
    t.focus()
    await go_to(pilot, app, t.ids[2])
    await pilot.press("v", "down", "down")
    await settle(pilot, app)
    assert t.visual and t.marked_ids == t.ids[2:5]
    assert "3 marked (visual)" in inbox(app).sub_title
    await pilot.press("up")
    assert t.marked_ids == t.ids[2:4]
    await pilot.press("v", "down", "down")   # visual off: the marks stay, the cursor moves
    assert not t.visual and t.marked_ids == t.ids[2:4]
    await pilot.press("escape")
    await settle(pilot, app)
    assert t.marked_ids == [] and "marked" not in inbox(app).sub_title


async def test_tag_with_suggestions_first_then_filter_by_tag(team_desk: Desk,
                                                             dashboard) -> None:
    app, pilot = dashboard
    welsh = team_desk.seeded[1]   # drugs … ym Mhorthaethwy
    table(app).focus()
    await go_to(pilot, app, welsh)
    detail = str(inbox(app).query_one(DetailPane).query_one("#detail-body").render())
    assert "suggested tags (not applied; # to tag): #drugs #menai-bridge" in detail
    assert tags_of(team_desk, welsh) == []     # a suggestion is not a tag
    await pilot.press("number_sign")
    await settle(pilot, app)
    dialog = app.screen
    assert isinstance(dialog, TagDialog)
    options = dialog.query_one("#tag-list")
    assert [options.get_option_at_index(n).id for n in range(2)] == ["drugs", "menai-bridge"]
    await pilot.press("escape")          # nothing picked: nothing stored
    await settle(pilot, app)
    assert tags_of(team_desk, welsh) == []
    await pilot.press("number_sign")
    await settle(pilot, app)
    await pilot.press(*"porth", "enter")  # filter as you type: the Welsh name finds the tag
    await settle(pilot, app)
    assert tags_of(team_desk, welsh) == ["menai-bridge"]
    detail = str(inbox(app).query_one(DetailPane).query_one("#detail-body").render())
    assert "tags: #menai-bridge" in detail
    assert "#menai-bridge · " in table(app).render_line(table(app).ids.index(welsh)).text
    # the sidebar now offers the tag, with its count; picking it filters the inbox
    sidebar = inbox(app).query_one(FilterSidebar)
    index = next(n for n, c in enumerate(sidebar.choices) if c[:2] == ("tag", "menai-bridge"))
    assert str(sidebar.get_option_at_index(index).prompt).strip() == "#menai-bridge 1"
    sidebar.highlighted = index
    sidebar.action_select()
    await settle(pilot, app)
    assert inbox(app).chosen.tag == "menai-bridge" and table(app).ids == [welsh]
    # and "#drugs" in the search box finds nothing until the tag is on
    inbox(app).set_filter(InboxFilter(search="#menai-bridge"))
    await settle(pilot, app)
    assert table(app).ids == [welsh]


async def test_picking_a_tag_the_item_has_takes_it_off(team_desk: Desk, dashboard) -> None:
    app, pilot = dashboard
    item = team_desk.seeded[6]
    team_desk.tag([item], ["scam"])
    table(app).focus()
    await go_to(pilot, app, item)
    await pilot.press("number_sign")
    await settle(pilot, app)
    app.screen.dismiss("scam")
    await settle(pilot, app)
    assert tags_of(team_desk, item) == []


async def test_merge_marked_rows_into_the_item_under_the_cursor(team_desk: Desk,
                                                                dashboard) -> None:
    app, pilot = dashboard
    t = table(app)
    t.focus()
    primary, dups = team_desk.seeded[2], [team_desk.seeded[5], team_desk.seeded[6]]
    for dup in dups:
        await go_to(pilot, app, dup)
        await pilot.press("space")
    await go_to(pilot, app, primary)
    await pilot.press("x")
    await settle(pilot, app)
    assert isinstance(app.screen, ConfirmDialog)
    assert "Mark 2 items" in app.screen.question and f"duplicates of #{primary}" in \
        app.screen.question
    await pilot.press("y")
    await settle(pilot, app)
    for dup in dups:
        item = team_desk.item_detail(dup)
        assert item["status"] == "closed" and item["duplicate_of"] == primary  # type: ignore[index]
    await go_to(pilot, app, primary)
    detail = str(inbox(app).query_one(DetailPane).query_one("#detail-body").render())
    assert f"merged #{dups[0]}, #{dups[1]}" in detail
    assert f"merged duplicates: #{dups[0]}, #{dups[1]}" in detail
    await pilot.press("z")
    await settle(pilot, app)
    assert statuses(team_desk, dups) == ["new", "new"]


async def test_x_without_marks_says_what_to_do(team_desk: Desk, dashboard) -> None:
    app, pilot = dashboard
    table(app).focus()
    await pilot.press("x")
    await settle(pilot, app)
    assert any("Mark the duplicates first" in n for n in notes(app))


async def test_the_supervisors_screen_groups_by_tag(team_desk: Desk, dashboard) -> None:
    from textual.widgets import DataTable

    from socialdesk.ui.screens.supervisor import SupervisorScreen

    app, pilot = dashboard
    seeded = team_desk.seeded
    team_desk.tag(seeded[:2], ["llangefni"])
    team_desk.tag([seeded[1]], ["drugs"])
    await pilot.press("s")
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, SupervisorScreen)
    while screen.dimension != "tag":
        await pilot.press("b")
    await settle(pilot, app)
    assert "by tag (an item with two tags counts in both)" in screen.sub_title
    groups = screen.query_one("#groups", DataTable)
    rows = {str(groups.get_row_at(n)[0]): groups.get_row_at(n)[1]
            for n in range(groups.row_count)}
    assert rows == {"drugs": "1", "llangefni": "2", "(no tag)": str(len(seeded) - 2)}


async def test_hash_and_space_type_into_the_search_box(team_desk: Desk, dashboard) -> None:
    app, pilot = dashboard
    team_desk.tag([team_desk.seeded[6]], ["scam"])
    await pilot.press("slash", *"#scam royal", "enter")
    await settle(pilot, app)
    assert inbox(app).chosen.search == "#scam royal"
    assert table(app).ids == [team_desk.seeded[6]] and table(app).marked_ids == []
    assert not isinstance(app.screen, TagDialog)
