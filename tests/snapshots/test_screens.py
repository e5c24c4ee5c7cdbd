"""What the main screens look like at fixed sizes (pytest-textual-snapshot).

Times are fixed (the seeded items and the app's clock use the same Monday afternoon), so the
pictures only change when the dashboard does. Update on purpose with ``--snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from socialdesk.core.desk import Desk
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


def test_posts_screen(snap_compare, snap_desk: Desk) -> None:
    posts = snap_desk.posts
    posts.add("Bike marking, Llangefni", "Marcio beiciau am ddim: Neuadd y Dref.",
              "Free bike marking: Town Hall.", "2099-06-06 10:00")
    posts.add("English only so far", "", "Lock your car tonight.", "2099-06-05 17:00")
    with snap_desk.store.write():   # a post that went out, and one the page never confirmed
        snap_desk.store.conn.execute(
            "insert into post_runs (post_id, due_at, status, attempts, platform_ids, "
            "last_error) values (1, '2099-06-01T08:00:00+00:00', 'uncertain', 1, '{}', "
            "'timed out; not found on the page''s feed — check the page, then retry or dismiss')")

    async def open_posts(pilot) -> None:
        await settle(pilot, pilot.app)
        await pilot.press("t")
        await settle(pilot, pilot.app)

    assert snap_compare(make_app(snap_desk), terminal_size=(140, 40), run_before=open_posts)


async def _tagged_with_marks(pilot) -> None:
    """Two tagged items, three rows marked in visual mode (the cursor on the third)."""
    await settle(pilot, pilot.app)
    desk = pilot.app.screen.desk
    table = pilot.app.screen.query_one(InboxTable)
    desk.tag([table.ids[1]], ["drugs", "menai-bridge"])
    desk.tag([table.ids[2]], ["welfare"])
    pilot.app.screen.reload()
    await settle(pilot, pilot.app)
    table.focus()
    table.set_cursor(1)
    await pilot.press("v", "down", "down")
    await settle(pilot, pilot.app)


@pytest.mark.parametrize("size", [(160, 50), (80, 24)], ids=["wide", "80x24"])
def test_inbox_with_marked_rows(snap_compare, snap_desk: Desk, size) -> None:
    assert snap_compare(make_app(snap_desk), terminal_size=size, run_before=_tagged_with_marks)


@pytest.mark.parametrize("size", [(160, 50), (80, 24)], ids=["wide", "80x24"])
def test_tag_dialog(snap_compare, snap_desk: Desk, size) -> None:
    async def open_tags(pilot) -> None:
        await settle(pilot, pilot.app)
        table = pilot.app.screen.query_one(InboxTable)
        table.set_cursor(1)      # the Welsh message: drugs … ym Mhorthaethwy
        await settle(pilot, pilot.app)
        await pilot.press("number_sign")
        await settle(pilot, pilot.app)

    assert snap_compare(make_app(snap_desk), terminal_size=size, run_before=open_tags)
