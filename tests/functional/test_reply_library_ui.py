"""The reply library in the dashboard: an officer picks a template in the composer (ctrl+t),
a supervisor keeps the library (shift+R), driven by Pilot on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import DataTable, Input, OptionList, TextArea

from socialdesk.core.desk import Desk
from socialdesk.core.models import utc_now
from socialdesk.ui.dialogs.composer import ComposerDialog
from socialdesk.ui.dialogs.reply_form import ReplyFormDialog
from socialdesk.ui.dialogs.reply_picker import ReplyPicker
from socialdesk.ui.screens.reply_library import ReplyLibraryScreen
from socialdesk.ui.widgets.inbox_table import InboxTable
from tests.ui_helpers import make_app, members_config, seed_items, settle

#: A Welsh scam call from Holyhead, and an English one from Menai Bridge.
ROWS = [
    ("Ges i alwad ffôn sgam bore 'ma gan rywun yn deud bod nhw o'r banc, isio i mi roi fy "
     "ngherdyn i negesydd. Dw i'n byw yng Nghaergybi.", "message", "cy", "concern", 0,
     "Elin Wyn", 20),
    ("Had a call from 'my bank' asking me to move my savings to a safe account. I'm in "
     "Menai Bridge.", "message", "en", "concern", 0, "Mary Williams", 30),
]


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def desk_for(tmp_path: Path, config, actor: str) -> Desk:
    return Desk(members_config(config), tmp_path / "desk.db", actor=actor)


async def select(pilot, app, item_id: int) -> None:
    table = app.screen.query_one(InboxTable)
    table.set_cursor(table.ids.index(item_id))
    await settle(pilot, app)


async def open_picker(pilot, app, item_id: int, query: str) -> ReplyPicker:
    await select(pilot, app, item_id)
    await pilot.press("r")
    await settle(pilot, app)
    assert isinstance(app.screen, ComposerDialog)
    await pilot.press("ctrl+t")
    await settle(pilot, app)
    picker = app.screen
    assert isinstance(picker, ReplyPicker)
    picker.query_one(Input).value = query
    await settle(pilot, app)
    return picker


async def test_welsh_item_picks_a_welsh_scam_template_with_the_place_mutated(
        tmp_path: Path, config) -> None:
    desk = desk_for(tmp_path, config, "ann")
    welsh, _english = seed_items(desk, tmp_path / "seed.jsonl", ROWS, now=utc_now())
    app = make_app(desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        picker = await open_picker(pilot, app, welsh, "sgam negesydd")
        assert picker.shown and picker.shown[0].language == "cy"
        assert picker.shown[0].key == "scam-courier"
        await pilot.press("enter")
        await settle(pilot, app)
        composer = app.screen
        assert isinstance(composer, ComposerDialog)
        draft = composer.query_one(TextArea).text
        # the untouched default draft is replaced by the template, filled in Welsh
        assert draft.startswith("Helo Elin, diolch am holi — sgam ydy hwn.")
        assert "swyddogion lleol yng Nghaergybi am y galwadau" in draft
        assert "Hi " not in draft and "{" not in draft
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        text = desk.store.conn.execute(
            "select text from outbox where item_id = ?", (welsh,)).fetchone()[0]
        assert "yng Nghaergybi" in text
    desk.close()


async def test_english_search_finds_welsh_and_english_the_items_language_first(
        tmp_path: Path, config) -> None:
    desk = desk_for(tmp_path, config, "ann")
    welsh, english = seed_items(desk, tmp_path / "seed.jsonl", ROWS, now=utc_now())
    app = make_app(desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        picker = await open_picker(pilot, app, welsh, "scam")
        languages = [t.language for t in picker.shown]
        assert "en" in languages and languages[0] == "cy"
        assert languages == sorted(languages, key=lambda lang: lang != "cy")
        await pilot.press("escape", "escape")
        await settle(pilot, app)
        picker = await open_picker(pilot, app, english, "safe account")
        assert picker.shown[0].key == "scam-phone" and picker.shown[0].language == "en"
        await pilot.press("enter")
        await settle(pilot, app)
        draft = app.screen.query_one(TextArea).text
        assert draft.startswith("Hi Mary, well done for stopping to check.")
    desk.close()


async def test_a_gap_left_in_the_answer_is_not_sent(tmp_path: Path, config) -> None:
    desk = desk_for(tmp_path, config, "ann")
    welsh, _english = seed_items(desk, tmp_path / "seed.jsonl", ROWS, now=utc_now())
    app = make_app(desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await open_picker(pilot, app, welsh, "101 cyfeirnod ychwanegu")
        await pilot.press("enter")
        await settle(pilot, app)
        area = app.screen.query_one(TextArea)
        assert "rhoi'r cyfeirnod [cyfeirnod]" in area.text
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, ComposerDialog)
        assert any("Fill in [cyfeirnod] first" in n for n in notes(app))
        assert desk.store.conn.execute("select count(*) from outbox").fetchone()[0] == 0
        area.load_text(area.text.replace("[cyfeirnod]", "RC26-1234"))
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert desk.store.conn.execute("select count(*) from outbox").fetchone()[0] == 1
    desk.close()


async def test_supervisor_edits_a_template_and_the_composer_offers_the_new_version(
        tmp_path: Path, config) -> None:
    desk = desk_for(tmp_path, config, "sian")
    welsh, _english = seed_items(desk, tmp_path / "seed.jsonl", ROWS, now=utc_now())
    app = make_app(desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("R")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ReplyLibraryScreen)
        await pilot.press("slash")
        await pilot.press(*"sgam negesydd")
        await settle(pilot, app)
        assert screen.shown[0].key == "scam-courier" and screen.shown[0].language == "cy"
        screen.query_one(DataTable).focus()
        await pilot.press("e")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, ReplyFormDialog)
        area = form.query_one("#form-text", TextArea)
        area.load_text(area.text + " Cofion gorau {officer}.")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, ReplyLibraryScreen)
        template_id = screen.shown[0].id
        version, text = desk.store.conn.execute(
            "select version, text from reply_templates where id = ?", (template_id,)).fetchone()
        assert version == 2 and text.endswith("Cofion gorau {officer}.")
        payload = json.loads(desk.store.conn.execute(
            "select payload from audit_log where action = 'reply_template_saved' and "
            "actor = 'sian'").fetchone()[0])
        assert payload["version"] == 2 and payload["text"] == text
        await pilot.press("escape")
        await settle(pilot, app)
        await open_picker(pilot, app, welsh, "sgam negesydd")
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen.query_one(TextArea).text.endswith("Cofion gorau sian.")
    desk.close()


async def test_an_officer_may_look_at_the_library_but_not_change_it(
        tmp_path: Path, config) -> None:
    desk = desk_for(tmp_path, config, "ann")
    seed_items(desk, tmp_path / "seed.jsonl", ROWS, now=utc_now())
    app = make_app(desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("R")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ReplyLibraryScreen) and len(screen.shown) >= 24
        for key in ("e", "n", "x"):
            await pilot.press(key)
            await settle(pilot, app)
            assert app.screen is screen
        assert notes(app).count("Only a supervisor can edit the reply library; ann is an "
                                "officer.") == 3
        assert desk.store.conn.execute(
            "select count(*) from reply_templates where version > 1 or retired = 1"
        ).fetchone()[0] == 0


async def test_retired_template_leaves_the_picker(tmp_path: Path, config) -> None:
    desk = desk_for(tmp_path, config, "sian")
    welsh, _english = seed_items(desk, tmp_path / "seed.jsonl", ROWS, now=utc_now())
    courier = next(t for t in desk.library.templates()
                   if t.key == "scam-courier" and t.language == "cy")
    desk.library.retire(courier.id)
    app = make_app(desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        picker = await open_picker(pilot, app, welsh, "sgam")
        assert courier.id not in {t.id for t in picker.shown}
        assert len(picker.query_one(OptionList).options) == len(picker.shown) > 0
    desk.close()
