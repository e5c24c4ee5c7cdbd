"""Helpers for the dashboard tests: a desk with members, seeded items, a fixed clock."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.worker import WorkerState

from socialdesk.config import AccessConfig, Config
from socialdesk.core.desk import Desk
from socialdesk.ui.app import SocialDeskApp, build_app

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)   # a Monday afternoon, staffed
MEMBERS = {"ann": "officer", "bryn": "officer", "sian": "supervisor"}

#: (text, kind, language, category, urgent, author, minutes ago)
SEED = [
    ("Someone is trying car doors on Stryd Fawr, Llangefni right now, hood up, grey jacket",
     "message", "en", "report", 1, "Gareth Hughes", 6),
    ("Mae 'na rywun yn gwerthu cyffuriau tu allan i'r Spar ym Mhorthaethwy bob nos",
     "message", "cy", "report", 0, "Elin Wyn", 25),
    ("worried about my elderly neighbour in Amlwch, haven't seen her since Thursday",
     "message", "en", "concern", 0, "Dave Roberts", 50),
    ("Diolch yn fawr am eich help ddoe, chwarae teg i chi!", "comment", "cy", "chat", 0,
     "Nia Parry", 70),
    ("[bold red]x[/] and [@click=app.quit]y[/]", "comment", "en", "chat", 0,
     "[link=http://evil]Mallory[/]", 90),
    ("Quads racing up and down the beach at Benllech again, someone's going to get hurt. "
     "Dw i wedi cael llond bol!", "comment", "mixed", "concern", 0, "Tom Jones", 120),
    ("Is this text from 'Royal Mail' about a parcel fee a scam?", "message", "en", "concern",
     0, "Mary Williams", 160),
]
POST = "Lock your cars tonight: thefts from vehicles in Llangefni this week."


def members_config(config: Config, **keys: str) -> Config:
    """The config with the test team as members (and any remapped keys)."""
    return replace(config, access=AccessConfig(members=dict(MEMBERS)),
                   keys={**config.keys, **keys})


def seed_items(desk: Desk, path: Path, rows: list[tuple] = SEED,
               now: datetime = NOW) -> list[int]:
    """Import the rows, label them as the model would, and return their ids (seed order)."""
    with path.open("w", encoding="utf-8") as handle:
        for text, kind, _lang, _cat, _urgent, author, ago in rows:
            handle.write(json.dumps({
                "text": text, "kind": kind, "author": author, "post": POST,
                "created_at": (now - timedelta(minutes=ago)).isoformat()}) + "\n")
    desk.import_file(path)
    ids = [row[0] for row in desk.store.conn.execute(
        "select id from items order by id desc limit ?", (len(rows),)).fetchall()][::-1]
    with desk.store.write():
        for item_id, (_text, kind, lang, cat, urgent, _a, _ago) in zip(ids, rows, strict=True):
            desk.store.conn.execute(
                "update items set category = ?, urgent = ?, language = ?, confidence = 0.91, "
                "probabilities = ?, model_version = 'test', sla_due_at = null, urgent_cues = ?, "
                "source = 'graph', platform_id = ?, thread_id = ?, author_id = ? where id = ?",
                (cat, urgent, lang, json.dumps({c: 0.91 if c == cat else 0.045
                                                 for c in ("report", "concern", "chat")}),
                 json.dumps(["'right now' + a crime in progress"] if urgent else []),
                 f"{'m' if kind == 'message' else '900'}_{item_id}_{path.stem}",
                 f"t_{item_id}_{path.stem}" if kind == "message" else None,
                 f"{7000 + item_id}", item_id))
    desk.fill_due_times()
    return ids


def make_app(desk: Desk, clock=lambda: NOW) -> SocialDeskApp:
    """The dashboard without page sync or model (both tested elsewhere)."""
    return build_app(desk, background=False, load_model=False, clock=clock)


async def settle(pilot, app: SocialDeskApp, rounds: int = 3) -> None:
    """Let workers finish and their messages be handled: each round waits for the workers,
    then for every message queued on the app and its screen to be handled (which may start
    more workers: the next round waits for those), not for a fixed time."""
    for _ in range(rounds):
        for _wait in range(400):
            if not any(w.state in (WorkerState.PENDING, WorkerState.RUNNING)
                       for w in app.workers):
                break
            await pilot.pause(0.01)
        await pilot.pause()
