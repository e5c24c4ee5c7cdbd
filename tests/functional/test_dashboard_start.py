"""The dashboard's start-up: nothing the first screen does not need runs before it.

The first paint is the inbox with its rows. The model (onnxruntime, numpy), the page sync
(httpx, APScheduler) and the writes' helper library (sqlite-utils) are neither imported nor
started before it: each cost a part of the start-up (BENCHMARKS.md, Dashboard)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import socialdesk.ui.app
from socialdesk.core.desk import Desk
from socialdesk.ui.app import SocialDeskApp
from socialdesk.ui.screens.inbox import InboxScreen
from socialdesk.ui.widgets.inbox_table import InboxTable
from socialdesk.ui.widgets.sidebar import FilterSidebar
from tests.ui_helpers import SEED, settle

ROOT = Path(__file__).resolve().parents[2]
#: never imported before the first paint (what the dashboard's start imports)
HEAVY = ("numpy", "scipy", "sklearn", "onnxruntime", "tokenizers", "torch", "transformers",
         "httpx", "apscheduler", "sqlite_utils")


def test_the_dashboards_imports_leave_the_heavy_libraries_for_later(team_desk: Desk) -> None:
    """What `socialdesk` (the dashboard) imports to start, and what opening the desk and
    reading the first screen does, brings in none of them; the code needing them still
    works (it imports them on first use)."""
    script = """
import json, sys
import socialdesk.cli, socialdesk.ui.app
from socialdesk.config import load_config
import socialdesk.ui.app
from socialdesk.core.desk import Desk
from socialdesk.core.models import InboxFilter
desk = Desk(load_config(sys.argv[1]), sys.argv[2], actor="ann")
desk.inbox_rows(desk.inbox_ids(InboxFilter())[:50])
desk.facet_counts(InboxFilter())
early = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[3:]))
from socialdesk.core.graph.client import rate_limit_wait
import httpx
late = rate_limit_wait(httpx.Headers({})) is None and "numpy" not in sys.modules
from socialdesk.core.audit import hours
hours.np.zeros(1)
print(json.dumps({"early": early, "late": late, "np": "numpy" in sys.modules}))
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "config" / "socialdesk.toml"),
         str(team_desk.db_path), *HEAVY],
        capture_output=True, text=True, check=True, env=env, cwd=team_desk.db_path.parent).stdout
    result = json.loads(out.strip().splitlines()[-1])
    assert result == {"early": [], "late": True, "np": True}


class Watched(SocialDeskApp):
    """The dashboard, noting what the inbox showed when the model was asked to load."""

    CSS_PATH = str(Path(socialdesk.ui.app.__file__).with_name("app.tcss"))

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk, load_model=True)
        self.rows_at_model_start: int | None = None

    def start_model(self) -> None:  # type: ignore[override]
        inbox = next(s for s in self.screen_stack if isinstance(s, InboxScreen))
        self.rows_at_model_start = len(inbox.query_one(InboxTable).ids)


async def test_the_model_loads_after_the_first_rows_are_on_screen(team_desk: Desk) -> None:
    """Loading the model (seconds of CPU, holding the GIL) starts once the inbox's rows are
    on screen, once; the counts and the handover notes still come."""
    app = Watched(team_desk)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        assert app.rows_at_model_start == len(SEED)
        app.rows_at_model_start = None
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        inbox.reload()
        await settle(pilot, app)
        assert app.rows_at_model_start is None        # started once, not at every reload
        counts = inbox.query_one(FilterSidebar).counts
        assert counts is not None and counts.total == len(SEED)
