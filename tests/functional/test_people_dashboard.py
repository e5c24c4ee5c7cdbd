"""The contact history (shift+P), safeguarding markers in the inbox and the detail pane, and
the markers list (shift+M), driven by Pilot on a real SQLite file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import DataTable

from socialdesk.core.desk import Desk
from socialdesk.core.models import utc_now
from socialdesk.ui.screens.inbox import InboxScreen
from socialdesk.ui.screens.people import MarkersScreen, PersonScreen
from tests.functional.test_dashboard import inbox, select, table
from tests.people_helpers import add_items, days_ago
from tests.ui_helpers import make_app, settle

URGENT, NEIGHBOUR, THANKS = 0, 2, 3


def review() -> str:
    return (utc_now().date() + timedelta(days=30)).isoformat()


def author_of(desk: Desk, item_id: int) -> str:
    return str(desk.store.conn.execute("select author_id from items where id = ?",
                                       (item_id,)).fetchone()[0])


def earlier_contacts(desk: Desk, tmp_path: Path) -> list[int]:
    """Dave (the neighbour) wrote twice before this month's message, once from another
    account; the first was answered by bryn."""
    dave = author_of(desk, desk.seeded[NEIGHBOUR])
    now = utc_now()
    old = add_items(desk, tmp_path, [
        (dave, "Dave Roberts", "Her lights were off again [b]last night[/b]", days_ago(now, 9)),
        ("dave-2", "D Roberts", "It's Dave, on my wife's phone", days_ago(now, 4))])
    with desk.store.write():
        desk.store.conn.execute(
            "update items set status = 'answered', first_response_at = ?, "
            "first_response_by = 'bryn' where id = ?", (days_ago(now, 8.9).isoformat(), old[0]))
    desk.people.link(dave, "dave-2")
    return old


def detail_text(app) -> str:
    return str(inbox(app).query_one("#detail-body").render())


async def test_contact_history_opens_from_an_item_and_enter_goes_to_an_item(
        team_desk: Desk, tmp_path: Path) -> None:
    old = earlier_contacts(team_desk, tmp_path)
    item = team_desk.seeded[NEIGHBOUR]
    team_desk.people.set_marker(author_of(team_desk, item), "vulnerable adult",
                                "Neighbour [red]lives alone[/red]", review())
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await select(pilot, app, item)
        body = detail_text(app)
        assert "◆ SAFEGUARDING: vulnerable adult" in body
        assert "Neighbour [red]lives alone[/red]" in body   # plain text, not markup
        assert "3rd contact this month · 3 in all (with 1 linked id)" in body
        row = table(app).row(item)
        assert row is not None and row["earlier"] == 2 and row["marked"]
        line = table(app).format_row(row, 158).plain
        assert "◆Dave Rober…·2 " in line   # the count always fits the column
        await pilot.press("P")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, PersonScreen)
        history = screen.query_one(DataTable)
        assert history.row_count == 3
        assert [history.get_row_at(n)[0] for n in range(3)] == [str(item), str(old[1]),
                                                                 str(old[0])]
        assert "↳ " in str(history.get_row_at(2)[5]) and "bryn" in str(history.get_row_at(2)[5])
        assert "[b]last night[/b]" in str(history.get_row_at(2)[5])
        head = str(screen.query_one("#person-head").render())
        assert "Dave Roberts" in head and "dave-2" in head and "vulnerable adult" in head
        await pilot.press("down", "down", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)
        assert table(app).selected_id == old[0]


async def test_a_marked_persons_new_item_comes_right_after_urgent_ones(
        team_desk: Desk) -> None:
    thanks = team_desk.seeded[THANKS]
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        assert table(app).ids.index(thanks) > 1
        # another officer sets the marker from their own dashboard (another connection: the
        # same connection's commits do not move SQLite's data_version, which the inbox polls)
        bryn = Desk(team_desk.config, team_desk.store.path, actor="bryn")
        try:
            bryn.people.set_marker(author_of(team_desk, thanks), "repeat victim",
                                   "third burglary", review())
        finally:
            bryn.close()
        for _ in range(50):      # the inbox notices the change on its own (it polls each second)
            await pilot.pause(0.1)
            if table(app).ids.index(thanks) == 1:
                break
        await settle(pilot, app)
        ids = table(app).ids
        assert ids[0] == team_desk.seeded[URGENT] and ids[1] == thanks


async def test_link_unlink_and_the_marker_from_the_history_screen(team_desk: Desk,
                                                                  tmp_path: Path) -> None:
    earlier_contacts(team_desk, tmp_path)
    item = team_desk.seeded[NEIGHBOUR]
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await select(pilot, app, item)
        await pilot.press("P")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, PersonScreen)
        await pilot.press("down", "u")   # the row from dave-2
        await settle(pilot, app)
        assert screen.query_one(DataTable).row_count == 2
        assert team_desk.people.person_ids("dave-2") == ["dave-2"]
        await pilot.press("z")   # undone: linked again
        await settle(pilot, app)
        assert screen.query_one(DataTable).row_count == 3
        await pilot.press("down", "u")
        await settle(pilot, app)
        assert screen.query_one(DataTable).row_count == 2
        await pilot.press("k")
        await settle(pilot, app)
        await pilot.press("down", "enter")   # child at risk
        await settle(pilot, app)
        for text in ("grandchildren stay [weekends]", review()):
            await pilot.press(*text)
            await pilot.press("enter")
            await settle(pilot, app)
        assert isinstance(app.screen, PersonScreen)
        head = str(screen.query_one("#person-head").render())
        assert "child at risk" in head and "grandchildren stay [weekends]" in head
        await pilot.press("K")   # ann is an officer
        await settle(pilot, app)
        assert any("Only a supervisor can remove" in n.message for n in app._notifications)
        assert len(team_desk.people.markers()) == 1
        await pilot.press("escape", "M")
        await settle(pilot, app)
        assert isinstance(app.screen, MarkersScreen)
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("enter")   # the marked person's history
        await settle(pilot, app)
        assert isinstance(app.screen, PersonScreen)
