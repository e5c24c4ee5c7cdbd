"""The supervisor's screen driven by Pilot: figures, parity, grouping, drill-down, export."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from socialdesk.config import AccessConfig
from socialdesk.core.desk import Desk
from socialdesk.core.models import utc_now
from socialdesk.ui.screens.supervisor import SupervisorScreen
from tests.ui_helpers import make_app, settle
from tests.unit.test_metrics import insert_cases


@pytest.fixture
def sian(tmp_path: Path, config, monkeypatch) -> Desk:
    monkeypatch.setenv("SOCIALDESK_DATA_DIR", str(tmp_path / "data"))
    team = replace(config, access=AccessConfig(members={"sian": "supervisor", "ann": "officer"}))
    desk = Desk(team, tmp_path / "s.db", actor="sian")
    desk.ids = insert_cases(desk)  # type: ignore[attr-defined]
    yield desk
    desk.close()


async def open_supervisor(pilot, app) -> SupervisorScreen:
    await settle(pilot, app)
    await pilot.press("s")
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, SupervisorScreen)
    screen.window = 0          # all time: the seeded cases go back to May 2026
    screen.load_report()
    await settle(pilot, app)
    return screen


async def test_headline_parity_groups_and_drill_down(sian: Desk) -> None:
    app = make_app(sian, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_supervisor(pilot, app)
        headline = str(screen.query_one("#headline", Static).render())
        assert "4 contacts" in headline and "WELSH IS SLOWER" in headline
        groups = screen.query_one("#groups", DataTable)
        assert [groups.get_row_at(i)[0].plain for i in range(groups.row_count)] == \
            ["chat", "concern", "report"]
        await pilot.press("b", "b", "b")            # category → urgent → officer → language
        await settle(pilot, app)
        assert screen.dimension == "language"
        languages = [groups.get_row_at(i)[0].plain for i in range(groups.row_count)]
        groups.move_cursor(row=languages.index("cy"))
        groups.focus()
        await pilot.press("enter")
        await settle(pilot, app)
        drill = screen.query_one("#drill", DataTable)
        assert drill.row_count == 1
        assert drill.get_row_at(0)[0] == str(sian.ids["friday_night"])
        await pilot.press("escape")
        assert not isinstance(app.screen, SupervisorScreen)


async def test_export_for_supervisors_only(sian: Desk, tmp_path: Path) -> None:
    app = make_app(sian, clock=utc_now)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_supervisor(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        exported = list((tmp_path / "data" / "exports").glob("report-*.csv"))
        assert len(exported) == 1 and exported[0].read_text(encoding="utf-8").count("\n") > 5
    ann = Desk(sian.config, sian.db_path, actor="ann")
    app = make_app(ann, clock=utc_now)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_supervisor(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        notes = [n.message for n in app._notifications]
        assert any("Only a supervisor can export" in n for n in notes)
    assert len(list((tmp_path / "data" / "exports").glob("report-*.csv"))) == 1


async def test_drill_down_follows_the_period_opens_items_and_lists_past_sla(sian: Desk) -> None:
    """The items list went stale when the period changed, Enter on an item did nothing and
    "Past SLA now: N" had no list (issue 27, item 10)."""
    from socialdesk.ui.screens.inbox import InboxScreen
    from socialdesk.ui.widgets.inbox_table import InboxTable

    app = make_app(sian, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_supervisor(pilot, app)
        groups = screen.query_one("#groups", DataTable)
        await pilot.press("b", "b", "b")             # by language
        await settle(pilot, app)
        languages = [groups.get_row_at(i)[0].plain for i in range(groups.row_count)]
        groups.move_cursor(row=languages.index("cy"))
        groups.focus()
        await pilot.press("enter")                   # the Welsh contact: in May
        await settle(pilot, app)
        drill = screen.query_one("#drill", DataTable)
        title = str(screen.query_one("#drill-title", Static).render())
        assert drill.row_count == 1 and "all time" in title
        screen.window = 4                            # May is long gone: none left
        screen.load_report()
        await settle(pilot, app)
        assert drill.row_count == 0
        assert "last 4 weeks" in str(screen.query_one("#drill-title", Static).render())
        await pilot.press("p")                       # past SLA right now
        await settle(pilot, app)
        past = [int(str(drill.get_row_at(n)[0])) for n in range(drill.row_count)]
        assert past == screen.report.past_sla_now and past
        drill.focus()
        await pilot.press("enter")                   # open it in the inbox
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)
        assert app.screen.query_one(InboxTable).selected_id == past[0]


async def test_charts_start_at_zero_and_step_aside_on_a_short_terminal(sian: Desk) -> None:
    app = make_app(sian, clock=utc_now)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_supervisor(pilot, app)
        assert not screen.query_one("#charts").display
        groups = screen.query_one("#groups", DataTable)
        assert groups.region.height > 0 and groups.region.bottom <= 24
    with sian.store.write():  # every answer instantaneous: a median of 0 minutes
        sian.store.conn.execute("update items set first_response_at = created_at")
    app = make_app(sian, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_supervisor(pilot, app)
        assert screen.query_one("#charts").display
        chart = screen.query_one("#frt-chart")
        assert chart.plt.monitor.ylim[0] == [0.0, 1.0]   # not -1 to 1 around the zeros


async def test_members_and_policy_on_the_supervisor_screen(sian: Desk) -> None:
    """Supervisors manage members and policy from the screen (issue 19); officers look."""
    from socialdesk.ui.dialogs.team import TeamDialog

    app = make_app(sian, clock=utc_now)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_supervisor(pilot, app)
        await pilot.press("m")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, TeamDialog)
        members = dialog.query_one("#members", DataTable)
        assert [members.get_row_at(n)[0].plain for n in range(members.row_count)] == \
            ["ann", "sian"]
        await pilot.press("a")
        await settle(pilot, app)
        await pilot.press(*"gwen", "enter")
        await settle(pilot, app)
        await pilot.press("enter")                     # officer
        await settle(pilot, app)
        assert sian.team.members()["gwen"] == "officer"
        await pilot.press("p")
        await settle(pilot, app)
        app.screen.query_one("OptionList").highlighted = 2        # retention_days
        await pilot.press("enter")
        await settle(pilot, app)
        await pilot.press(*"400", "enter")
        await settle(pilot, app)
        assert sian.policy.retention_days == 400
    ann = Desk(sian.config, sian.db_path, actor="ann")
    app = make_app(ann, clock=utc_now)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_supervisor(pilot, app)
        await pilot.press("m", "a")
        await settle(pilot, app)
        await pilot.press(*"mallory", "enter")
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert any("Only a supervisor can change members" in n.message
                   for n in app._notifications)
        assert "mallory" not in ann.team.members()
