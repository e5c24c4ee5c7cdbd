"""The dashboard on a live fake page over loopback: what `make demo` shows a newcomer."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from socialdesk.config import AccessConfig
from socialdesk.core.desk import Desk
from socialdesk.core.desk.events import ModelPhase, SyncPhase
from socialdesk.ui.app import build_app
from socialdesk.ui.dialogs.composer import ComposerDialog
from socialdesk.ui.widgets.inbox_table import InboxTable
from socialdesk.ui.widgets.status import StatusBar
from tests.ingest_helpers import page_config, start_fake
from tests.ui_helpers import settle


def live_desk(config, fake, tmp_path: Path, monkeypatch) -> Desk:
    monkeypatch.setenv(config.page.token_env, fake.token)
    live = replace(config, page=replace(page_config(config, fake), sync_interval_seconds=10),
                   access=AccessConfig(members={"tester": "supervisor"}),
                   posts=replace(config.posts, self_approval=True))   # a one-supervisor team
    return Desk(live, tmp_path / "live.db", actor="tester")


async def wait_for(pilot, condition, seconds: float) -> bool:
    for _ in range(int(seconds / 0.2)):
        if condition():
            return True
        await pilot.pause(0.2)
    return condition()


@pytest.mark.slow
async def test_items_arrive_classified_within_a_minute_and_a_reply_is_sent(
        config, tmp_path: Path, monkeypatch, data_dir) -> None:
    fake = start_fake(rate=120, posts=6, comments=30, conversations=8)
    desk = live_desk(config, fake, tmp_path, monkeypatch)
    app = build_app(desk)
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            table = app.screen.query_one(InboxTable)

            def classified() -> bool:
                rows = [table.row(i) for i in table.ids[:30]]
                return len(table.ids) >= 30 and all(r and r["category"] for r in rows)
            assert await wait_for(pilot, classified, 60)
            status = app.desk_state
            assert status.sync.phase is SyncPhase.OK
            assert status.model.phase is ModelPhase.READY
            assert "ready" in str(app.screen.query_one(StatusBar).render())
            message = next(i for i in table.ids if table.row(i)["kind"] == "message")
            table.set_cursor(table.ids.index(message))
            await settle(pilot, app)
            await pilot.press("r")
            await settle(pilot, app)
            assert isinstance(app.screen, ComposerDialog)
            await pilot.press("ctrl+s")

            def sent() -> bool:
                return any(e["status"] == "sent" and e["item_id"] == message
                           for e in desk.outbox_entries())
            assert await wait_for(pilot, sent, 30)
            assert await wait_for(pilot, lambda: table.row(message)["status"] == "answered", 10)
            assert table.row(message)["sla_due_at"]
    finally:
        fake.stop()


async def test_expired_token_stops_sync_and_says_so(config, tmp_path: Path,
                                                    monkeypatch) -> None:
    fake = start_fake(faults=("token_expired=#1",), posts=2, comments=4, conversations=1)
    desk = live_desk(config, fake, tmp_path, monkeypatch)
    app = build_app(desk, load_model=False)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            bar = app.screen.query_one(StatusBar)

            def said() -> bool:   # the bar may learn it from the DB before the job reports
                return any("Sync stopped" in n.message for n in app._notifications)

            assert await wait_for(pilot, lambda: app.desk_state.sync.problem and said(), 15)
            assert app.desk_state.sync.phase is SyncPhase.STOPPED
            shown = str(bar.render())
            assert "stopped" in shown
            notes = [n.message for n in app._notifications]
            assert fake.token not in " ".join(notes) + shown
            requests = sum(fake.requests.values())
            await pilot.pause(1.5)
            assert sum(fake.requests.values()) == requests   # no retry storm
    finally:
        fake.stop()


async def test_the_dashboard_publishes_a_due_safety_post_and_shows_it(
        config, tmp_path: Path, monkeypatch) -> None:
    from datetime import UTC, datetime, timedelta

    from socialdesk.ui.screens.posts import PostsScreen

    fake = start_fake(posts=2, comments=4, conversations=1)
    desk = live_desk(config, fake, tmp_path, monkeypatch)
    post_id = desk.posts.add("how to report", "Ffoniwch 999 mewn argyfwng.",
                             "Ring 999 in an emergency.", "2099-01-01 09:00")
    desk.posts.approve(post_id)
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=4)
    with desk.store.write():     # due in 4 s (the form only takes minutes)
        desk.store.conn.execute("update scheduled_posts set due_at = ? where id = ?",
                                (due.isoformat(), post_id))
    app = build_app(desk, load_model=False)
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(pilot, app)
            await pilot.press("t")
            await settle(pilot, app)
            assert isinstance(app.screen, PostsScreen)

            def published() -> bool:
                return any(f"Safety post published: #{post_id}" in n.message
                           for n in app._notifications)
            assert await wait_for(pilot, published, 20)
            assert [r["message"] for r in fake.state.received if r["kind"] == "publish"] == [
                "Ffoniwch 999 mewn argyfwng.\n\nRing 999 in an emergency."]
            app.screen.reload()
            await settle(pilot, app)
            rows = app.screen.query_one("#agenda").row_count
            assert rows == 1 and str(app.screen.query_one("#agenda").get_row_at(0)[2]) == \
                "published"
    finally:
        fake.stop()
