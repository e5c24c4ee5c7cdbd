"""Fixtures of the functional tests: a team's desk with seeded items, the dashboard opened on
it, and a fake page on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialdesk.core.desk import Desk
from socialdesk.core.models import utc_now
from tests.ingest_helpers import start_fake
from tests.ui_helpers import make_app, members_config, seed_items, settle


@pytest.fixture
def team_desk(tmp_path: Path, config) -> Desk:
    """Officer ann's desk on a DB holding the seeded items."""
    desk = Desk(members_config(config), tmp_path / "desk.db", actor="ann")
    # Real time: the outbox checks Facebook's windows (e.g. private replies within 7 days).
    desk.seeded = seed_items(desk, tmp_path / "seed.jsonl", now=utc_now())  # type: ignore[attr-defined]
    yield desk
    desk.close()


@pytest.fixture
async def dashboard(team_desk: Desk):
    """(app, pilot): ann's dashboard at 160×50 on the seeded items, loaded and settled."""
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        yield app, pilot


@pytest.fixture
def fake_page():
    """A small fake page on 127.0.0.1 (stopped afterwards)."""
    page = start_fake(seed=5, posts=2, comments=6, conversations=0)
    yield page
    page.stop()
