"""Classifying a backlog (issue 22): the waiting items are read a page at a time from their
index, each page committed before the next, progress after each; a stop (Ctrl-C, quitting)
keeps what is committed and says what is left, and the next run classifies the rest.

The real classifier (a small recipe trained in seconds, MiniLM from the installed package) on
real database files; pages are made small so that a few hundred items make several pages.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from socialdesk import paths
from socialdesk.cli import main
from socialdesk.cli import output as cli_output
from socialdesk.config import load_config
from socialdesk.core.desk import Desk
from socialdesk.core.desk import model as model_desk
from socialdesk.core.desk.events import Classifying
from socialdesk.core.desk.jobs import BackgroundJobs
from socialdesk.core.store import predictions
from tests.conftest import with_small_model

pytestmark = pytest.mark.slow

ITEMS = 120
PAGE = 25
TEXTS = ["Someone smashed my car window on Stryd Fawr last night",
         "Diolch yn fawr am eich help heddiw",
         "Is this text about a parcel a scam?",
         "Mae plant yn reidio beics ar y palmant bob nos",
         "There's a man trying car doors on our street right now"]


@pytest.fixture
def backlog(tmp_path: Path, team_config_file: Path, monkeypatch, small_model: Path) -> Path:
    """A database of ITEMS imported items waiting for the model, and a small model (a copy of
    the session's, trained once) in a private data dir (so the CLI finds it); pages of PAGE
    items."""
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(with_small_model(small_model, tmp_path / "data")))
    monkeypatch.setattr(model_desk, "CLASSIFY_BATCH", PAGE)
    source = tmp_path / "items.jsonl"
    source.write_text("".join(json.dumps({"id": f"m{n}", "kind": "message",
                                          "text": f"{TEXTS[n % len(TEXTS)]} #{n}"}) + "\n"
                              for n in range(ITEMS)), encoding="utf-8")
    db = tmp_path / "desk.db"
    desk = Desk(load_config(team_config_file), db)
    assert desk.import_file(source).imported == ITEMS
    desk.close()
    return db


def _desk(db: Path, team_config_file: Path) -> Desk:
    return Desk(load_config(team_config_file), db)


def _classified(db: Path, team_config_file: Path) -> int:
    desk = _desk(db, team_config_file)
    try:
        return int(desk.store.conn.execute(
            "select count(*) from items where model_version is not null").fetchone()[0])
    finally:
        desk.close()


def test_progress_after_each_committed_page_and_a_stop_keeps_them(backlog, team_config_file):
    desk = _desk(backlog, team_config_file)
    seen: list[tuple[int, int, int]] = []

    def progress(done: int, total: int) -> None:
        committed = desk.store.conn.execute(
            "select count(*) from items where model_version is not null").fetchone()[0]
        seen.append((done, total, committed))
        if done >= 2 * PAGE:
            raise KeyboardInterrupt  # Ctrl-C arriving after the second page

    with pytest.raises(KeyboardInterrupt):
        desk.model.classify_pending(progress=progress)
    assert seen == [(PAGE, ITEMS, PAGE), (2 * PAGE, ITEMS, 2 * PAGE)]  # each page committed
    assert desk.model.pending_count() == ITEMS - 2 * PAGE
    # the next run takes the rest, where the first stopped
    rest: list[tuple[int, int]] = []
    assert desk.model.classify_pending(progress=lambda d, t: rest.append((d, t))) \
        == ITEMS - 2 * PAGE
    assert rest[-1] == (ITEMS - 2 * PAGE, ITEMS - 2 * PAGE) and len(rest) == 3
    assert desk.model.pending_count() == 0
    due = desk.store.conn.execute("select count(*) from items where sla_due_at is null "
                                  "and from_page = 0").fetchone()[0]
    assert due == 0  # every page got its due times with its predictions
    desk.close()


def test_a_limit_classifies_that_many_urgent_first(backlog, team_config_file):
    desk = _desk(backlog, team_config_file)
    last = desk.store.conn.execute("select max(id) from items").fetchone()[0]
    with desk.store.write():   # a cue-urgent item waits at the end of the queue
        desk.store.conn.execute("update items set urgent = 1 where id = ?", (last,))
    assert desk.model.classify_pending(limit=PAGE + 3) == PAGE + 3
    done = [r[0] for r in desk.store.conn.execute(
        "select id from items where model_version is not null order by id")]
    assert len(done) == PAGE + 3 and last in done and done[:-1] == list(range(1, PAGE + 3))
    desk.close()


def test_waiting_items_are_read_from_their_index(backlog, team_config_file):
    """A page of the backlog is read from the pending index, never by sorting every waiting
    item (100,000 waiting: 0.27 s a page before, 0.5 ms with the index)."""
    desk = _desk(backlog, team_config_file)
    plan = " ".join(str(row[-1]) for row in desk.store.conn.execute(
        "explain query plan select id, text, post_text, kind from items indexed by "
        f"idx_items_pending where {predictions.PENDING} order by urgent desc, id limit 5"))
    assert "idx_items_pending" in plan and "TEMP B-TREE" not in plan
    assert [r[0] for r in predictions.pending_items(desk.store, 3)] == [1, 2, 3]
    desk.close()


class CtrlCOnSecondPage(cli_output.WorkProgress):
    """The command's progress display, with Ctrl-C pressed as the second page is reported."""

    def __call__(self, done: int, total: int) -> None:
        super().__call__(done, total)
        if done >= 2 * PAGE:
            raise KeyboardInterrupt


def test_cli_ctrl_c_says_what_is_kept_and_left_and_classify_pending_does_the_rest(
        backlog, team_config_file, capsys, monkeypatch):
    def cli(*args: str) -> tuple[int, str, str]:
        code = main(["--config", str(team_config_file), "--db", str(backlog), *args])
        out, err = capsys.readouterr()
        return code, out, err

    original = cli_output.WorkProgress
    monkeypatch.setattr(cli_output, "WorkProgress", CtrlCOnSecondPage)
    code, out, err = cli("classify", "--pending")
    assert code == 130, err
    assert (f"socialdesk: stopped: classifying kept {2 * PAGE} of {ITEMS} items done, "
            f"{ITEMS - 2 * PAGE} left; 'socialdesk classify --pending' classifies the rest "
            "(so do the dashboard and the worker).") in err
    assert "Traceback" not in err
    assert _classified(backlog, team_config_file) == 2 * PAGE
    monkeypatch.setattr(cli_output, "WorkProgress", original)
    code, out, err = cli("classify", "--pending")
    assert code == 0, err
    assert out.strip() == f"classified {ITEMS - 2 * PAGE} waiting items"
    assert _classified(backlog, team_config_file) == ITEMS
    code, out, _ = cli("classify", "--pending")
    assert code == 0 and out.strip() == "no items were waiting"
    code, _, err = cli("classify", "--pending", "some text")
    assert code == 1 and "takes no TEXT" in err


def test_the_worker_classifies_a_backlog_with_progress_and_quitting_stops_it(
        backlog, team_config_file, monkeypatch):
    from socialdesk.core.desk import jobs as jobs_module

    monkeypatch.setattr(jobs_module, "CLASSIFY_PROGRESS_SECONDS", 0.0)
    desk = _desk(backlog, team_config_file)
    desk.model.auto_classify = True
    events: list[Classifying] = []
    first, go_on = threading.Event(), threading.Event()

    def listen(event: object) -> None:
        if isinstance(event, Classifying):
            events.append(event)
            first.set()
            go_on.wait(30)

    jobs = BackgroundJobs(desk, listener=listen, classify_backlog=True)
    worker = threading.Thread(target=jobs.run_classify)
    worker.start()
    assert first.wait(120)
    jobs.shutdown()        # quitting while a page is reported
    go_on.set()
    worker.join(60)
    assert not worker.is_alive()
    assert events == [Classifying(PAGE, ITEMS)]              # no "finished": it was stopped
    assert _classified(backlog, team_config_file) == PAGE    # the committed page is kept
    # the next start classifies the rest and says when it is done
    events.clear()
    again = _desk(backlog, team_config_file)
    again.model.auto_classify = True
    jobs = BackgroundJobs(again, listener=lambda e: events.append(e)  # type: ignore[arg-type]
                          if isinstance(e, Classifying) else None, classify_backlog=True)
    assert jobs.run_classify() == ITEMS - PAGE
    assert events[-1] == Classifying(ITEMS - PAGE, ITEMS - PAGE, finished=True)
    assert events[-1].text() == f"classified {ITEMS - PAGE} waiting items"
    assert events[0].text() == f"classifying {PAGE} of {ITEMS - PAGE} waiting items"
    jobs.shutdown()


async def test_the_dashboard_classifies_its_backlog_with_progress_in_the_status_bar(
        backlog, team_config_file, monkeypatch):
    import asyncio
    from zoneinfo import ZoneInfo

    from socialdesk.ui import app as app_module
    from socialdesk.ui.app import build_app
    from socialdesk.ui.widgets.status import DeskState, status_line

    # the timer that looks for waiting items fires many times while the backlog runs: it must
    # neither cancel the running classification nor start a second one
    monkeypatch.setattr(app_module, "CLASSIFY_EVERY_SECONDS", 0.05)
    desk = _desk(backlog, team_config_file)
    app = build_app(desk, background=False, load_model=True)
    shown: list[str] = []
    async with app.run_test(size=(160, 50)) as pilot:
        app.watch(app, "desk_state", lambda state: shown.append(state.backlog))
        for _ in range(1200):   # the model loads, then the backlog is classified page by page
            if f"Classified {ITEMS} waiting item(s)." in [n.message for n in app._notifications]:
                break
            await asyncio.sleep(0.1)
        await pilot.pause()
        assert app.desk_state.backlog == ""                  # done: the bar is back to normal
        notices = [n.message for n in app._notifications if "waiting item" in n.message]
    progress = [text for n, text in enumerate(shown) if text and text not in shown[:n]]
    assert progress == [f"classifying {done} of {ITEMS}"
                        for done in (*range(PAGE, ITEMS, PAGE), ITEMS)], shown
    assert notices == [f"Classified {ITEMS} waiting item(s)."]
    assert _classified(backlog, team_config_file) == ITEMS
    line = status_line(DeskState(backlog=progress[0]), ZoneInfo("Europe/London")).plain
    assert f"· classifying {PAGE} of {ITEMS}" in line
