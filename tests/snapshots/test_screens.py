"""What the main screens look like at fixed sizes (pytest-textual-snapshot).

Times are fixed (the seeded items and the app's clock use the same Monday afternoon), so the
pictures only change when the dashboard does. Update on purpose with ``--snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from socialdesk.core.services import Desk
from socialdesk.ui.widgets.inbox_table import InboxTable
from tests.ui_helpers import make_app, members_config, seed_items, settle


@pytest.fixture
def snap_desk(tmp_path: Path, config) -> Desk:
    desk = Desk(members_config(config), tmp_path / "desk.db", actor="ann")
    ids = seed_items(desk, tmp_path / "seed.jsonl")
    desk.claim(ids[2])
    yield desk
    desk.close()


async def _ready(pilot) -> None:
    await settle(pilot, pilot.app)


def test_inbox_wide(snap_compare, snap_desk: Desk) -> None:
    assert snap_compare(make_app(snap_desk), terminal_size=(160, 50), run_before=_ready)


def test_inbox_80x24(snap_compare, snap_desk: Desk) -> None:
    assert snap_compare(make_app(snap_desk), terminal_size=(80, 24), run_before=_ready)


def test_welsh_composer(snap_compare, snap_desk: Desk) -> None:
    async def open_composer(pilot) -> None:
        await settle(pilot, pilot.app)
        table = pilot.app.screen.query_one(InboxTable)
        welsh = next(i for i in table.ids if table.row(i)["language"] == "cy"
                     and table.row(i)["kind"] == "message")
        table.set_cursor(table.ids.index(welsh))
        await settle(pilot, pilot.app)
        await pilot.press("r")
        await settle(pilot, pilot.app)

    assert snap_compare(make_app(snap_desk), terminal_size=(120, 40), run_before=open_composer)


def test_close_reasons_dialog(snap_compare, snap_desk: Desk) -> None:
    async def open_close(pilot) -> None:
        await settle(pilot, pilot.app)
        await pilot.press("d")
        await settle(pilot, pilot.app)

    assert snap_compare(make_app(snap_desk), terminal_size=(100, 30), run_before=open_close)
