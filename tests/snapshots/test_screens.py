"""What the main screens look like at fixed sizes (pytest-textual-snapshot).

Times are fixed (the seeded items and the app's clock use the same Monday afternoon), so the
pictures only change when the dashboard does. Update on purpose with ``--snapshot-update``.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from socialdesk.core.desk import Desk
from socialdesk.core.models import InboxFilter
from socialdesk.ui.widgets.inbox_table import InboxTable
from tests.ui_helpers import NOW, make_app, members_config, seed_items, settle


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


@pytest.fixture
def alert_desk(snap_desk: Desk) -> Desk:
    """The seeded desk with an SLA notice and an escalation for everyone to see."""
    item = snap_desk.inbox_ids(InboxFilter())[0]
    snap_desk.notices.notify("t1", "*", "sla_soon", f"#{item} (report, English message) must "
                             "be answered by 14:15 (5 min left).", item)
    snap_desk.notices.notify("t2", "*", "sla_passed", f"#{item} (report, English message) has "
                             "passed its first-response target (14:15) with no answer.", item)
    with snap_desk.store.write():     # the picture must not depend on when the test runs
        snap_desk.store.conn.execute("update notifications set created_at = ?",
                                     (NOW.isoformat(),))
    return snap_desk


def _notices_open(pilot) -> None:
    async def run(pilot) -> None:
        await settle(pilot, pilot.app)
        await pilot.press("N")
        await settle(pilot, pilot.app)
    return run


def test_notices_wide(snap_compare, alert_desk: Desk) -> None:
    assert snap_compare(make_app(alert_desk), terminal_size=(160, 50),
                        run_before=_notices_open(None))


def test_notices_80x24(snap_compare, alert_desk: Desk) -> None:
    assert snap_compare(make_app(alert_desk), terminal_size=(80, 24),
                        run_before=_notices_open(None))


@pytest.fixture
def library_desk(snap_desk: Desk) -> Desk:
    """The snapshot desk with its reply library seeded at the seeded items' time (the library
    screen shows when each version was saved)."""
    with time_machine.travel(NOW, tick=False):
        snap_desk.library.templates()
    return snap_desk


async def _open_picker(pilot) -> None:
    """The composer on the Welsh message, the reply library searched for "cyffuriau"."""
    await settle(pilot, pilot.app)
    table = pilot.app.screen.query_one(InboxTable)
    welsh = next(i for i in table.ids if table.row(i)["language"] == "cy"
                 and table.row(i)["kind"] == "message")
    table.set_cursor(table.ids.index(welsh))
    await settle(pilot, pilot.app)
    await pilot.press("r")
    await settle(pilot, pilot.app)
    await pilot.press("ctrl+t")
    await settle(pilot, pilot.app)
    await pilot.press(*"cyffuriau")
    await settle(pilot, pilot.app)


@pytest.mark.parametrize("size", [(160, 50), (80, 24)], ids=["wide", "80x24"])
def test_reply_picker(snap_compare, library_desk: Desk, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(library_desk), terminal_size=size, run_before=_open_picker)


async def _open_library(pilot) -> None:
    await settle(pilot, pilot.app)
    await pilot.press("R")
    await settle(pilot, pilot.app)
    await pilot.press("down", "down")
    await settle(pilot, pilot.app)


@pytest.mark.parametrize("size", [(160, 50), (80, 24)], ids=["wide", "80x24"])
def test_reply_library_screen(snap_compare, library_desk: Desk,
                              size: tuple[int, int]) -> None:
    assert snap_compare(make_app(library_desk), terminal_size=size, run_before=_open_library)


def _add_photo_message(desk: Desk, tmp_path: Path) -> None:
    """A message that is nothing but a photo (and a shared link), as sync stores one."""
    path = tmp_path / "photo.jsonl"
    path.write_text(json.dumps({
        "text": "", "kind": "message", "author": "Iwan Pritchard", "id": "m_photo_1",
        "created_at": (NOW - timedelta(minutes=3)).isoformat(),
        "permalink": "https://www.facebook.com/104729318867301/inbox/2582605345287947/",
        "attachments": [
            {"type": "photo", "size": 54542, "width": 1920, "height": 1213,
             "mime_type": "image/jpeg",
             "url": "https://scontent.xx.fbcdn.net/v/t1.15752-9/216389199_651143215843581_n.jpg"},
            {"type": "link", "url": "https://www.bbc.co.uk/news/articles/anglesey-roadworks",
             "title": "Roadworks on the A55 across Anglesey"}]}) + "\n", encoding="utf-8")
    desk.import_file(path)
    with desk.store.write():
        desk.store.conn.execute(
            "update items set category = 'report', urgent = 0, language = 'en', "
            "confidence = 0.62, model_version = 'test' where platform_id = 'm_photo_1'")
    desk.fill_due_times()


async def _photo_selected(pilot) -> None:
    await settle(pilot, pilot.app)
    table = pilot.app.screen.query_one(InboxTable)
    photo = next(i for i in table.ids if not table.row(i)["text"])
    table.set_cursor(table.ids.index(photo))
    await settle(pilot, pilot.app)


def test_photo_message_wide(snap_compare, snap_desk: Desk, tmp_path: Path) -> None:
    _add_photo_message(snap_desk, tmp_path)
    assert snap_compare(make_app(snap_desk), terminal_size=(160, 50),
                        run_before=_photo_selected)


def test_photo_message_80x24(snap_compare, snap_desk: Desk, tmp_path: Path) -> None:
    _add_photo_message(snap_desk, tmp_path)
    assert snap_compare(make_app(snap_desk), terminal_size=(80, 24),
                        run_before=_photo_selected)


async def _snooze_dialog(pilot) -> None:
    await settle(pilot, pilot.app)
    table = pilot.app.screen.query_one(InboxTable)
    table.set_cursor(2)
    await settle(pilot, pilot.app)
    await pilot.press("w")
    await settle(pilot, pilot.app)
    pilot.app.screen.query_one("#when").value = "tomorrow 09:00"
    pilot.app.screen.query_one("#note").value = "ring her daughter after school"
    await settle(pilot, pilot.app)


@pytest.mark.parametrize("size", [(160, 50), (80, 24)])
def test_snooze_dialog(snap_compare, snap_desk: Desk, size) -> None:
    with time_machine.travel(NOW, tick=True):   # the quick choices name the next shift
        assert snap_compare(make_app(snap_desk), terminal_size=size, run_before=_snooze_dialog)


@pytest.mark.parametrize("size", [(160, 50), (80, 24)])
def test_handover_modal_at_sign_in(snap_compare, snap_desk: Desk, size) -> None:
    bryn = Desk(snap_desk.config, snap_desk.db_path, actor="bryn")
    with time_machine.travel(NOW - timedelta(hours=3), tick=False):
        bryn.handover.write("Amlwch: the neighbour's daughter rings back after 4; if she "
                            "has not, ring her (number in #3's notes).")
    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        bryn.handover.write("Quads at Benllech again [bold]twice[/] today — beach patrol "
                            "asked for Saturday.\nNothing urgent open.")
    with time_machine.travel(NOW, tick=True):
        assert snap_compare(make_app(snap_desk), terminal_size=size, run_before=_ready)


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


async def _timeline_dialog(pilot) -> None:
    """The E key on the urgent item: the choice of a timeline with or without names."""
    await settle(pilot, pilot.app)
    await pilot.press("E")
    await settle(pilot, pilot.app)


@pytest.mark.parametrize("size", [(160, 50), (80, 24)], ids=["wide", "80x24"])
def test_timeline_dialog(snap_compare, snap_desk: Desk, size) -> None:
    assert snap_compare(make_app(snap_desk), terminal_size=size, run_before=_timeline_dialog)


async def _referral_dialog(pilot) -> None:
    """F on the urgent item, British Transport Police chosen, a grade typed."""
    await settle(pilot, pilot.app)
    await pilot.press("F")
    await settle(pilot, pilot.app)
    await pilot.press("enter")
    await settle(pilot, pilot.app)
    await pilot.press(*"2bp")
    await settle(pilot, pilot.app)


@pytest.mark.parametrize("size", [(160, 50), (80, 24)], ids=["wide", "80x24"])
def test_referral_dialog(snap_compare, snap_desk: Desk, size) -> None:
    assert snap_compare(make_app(snap_desk), terminal_size=size, run_before=_referral_dialog)


#: reports and concerns over seven weeks, so that the spark lines rise and fall
PLACE_ROWS = [(text, "message", lang, cat, 0, "A", weeks * 7 * 24 * 60 + 90)
              for text, lang, cat, weeks in [
                  ("Car broken into in Holyhead", "en", "report", 0),
                  ("Galwad sgam yng Nghaergybi", "cy", "concern", 0),
                  ("Beic wedi ei ddwyn o Gaergybi", "cy", "report", 1),
                  ("Doors tried on Market Street", "en", "report", 2),
                  ("Worried about speeding in Amlwch", "en", "concern", 5),
                  ("Quad bikes in Amlwch again", "en", "report", 6),
                  ("Quad bikes on the beach at Benllech", "en", "report", 1),
                  ("Car stolen in Menai Bridge", "en", "report", 3),
                  ("Lladrad ym Mhorthaethwy", "cy", "report", 0),
                  ("Someone on the Britannia Bridge, worried", "en", "concern", 0)]]


@pytest.mark.parametrize("size", [(160, 50), (80, 24)])
def test_places_screen(snap_compare, snap_desk: Desk, tmp_path: Path, size) -> None:
    seed_items(snap_desk, tmp_path / "places.jsonl", PLACE_ROWS)

    async def open_places(pilot) -> None:
        await settle(pilot, pilot.app)
        await pilot.press("L")
        await settle(pilot, pilot.app)

    assert snap_compare(make_app(snap_desk), terminal_size=size, run_before=open_places)


def _people(desk: Desk, tmp_path: Path) -> None:
    """Dave (the Amlwch neighbour) wrote twice before, once from another account, and has a
    marker; Nia has a marker past its review date."""
    from tests.people_helpers import add_items

    table_ids = [row[0] for row in desk.store.conn.execute("select id from items order by id")]
    dave, nia = (str(desk.store.conn.execute("select author_id from items where id = ?",
                                             (table_ids[n],)).fetchone()[0]) for n in (2, 3))
    old = add_items(desk, tmp_path, [
        (dave, "Dave Roberts", "Her lights were off again last night, [b]no answer[/b] at the door",
         NOW - timedelta(days=9)),
        ("dave-2", "D Roberts", "It's Dave, on my wife's phone: still no sign of her",
         NOW - timedelta(days=4)),
        (nia, "Nia Parry", "Someone was in the yard again at 2am", NOW - timedelta(days=20))])
    with desk.store.write():
        desk.store.conn.execute(
            "update items set status = 'answered', first_response_at = ?, "
            "first_response_by = 'bryn' where id = ?",
            ((NOW - timedelta(days=9) + timedelta(minutes=40)).isoformat(), old[0]))
        desk.store.conn.execute(
            "update items set status = 'closed', close_reason = 'answered elsewhere' "
            "where id = ?", (old[1],))
    with time_machine.travel(NOW - timedelta(days=40), tick=False):
        desk.people.set_marker(nia, "repeat victim", "Third break-in at the farm this year",
                               (NOW - timedelta(days=2)).date().isoformat())
    with time_machine.travel(NOW - timedelta(days=8), tick=False):
        desk.people.link(dave, "dave-2")
        desk.people.set_marker(dave, "vulnerable adult", "Lives alone since his wife's "
                               "stroke; rings [i]most nights[/i]", "2027-01-15")


async def _open_person(pilot) -> None:
    await settle(pilot, pilot.app)
    table = pilot.app.screen.query_one(InboxTable)
    dave = next(i for i in table.ids if (table.row(i) or {}).get("author_name")
                == "Dave Roberts" and (table.row(i) or {}).get("earlier"))
    table.set_cursor(table.ids.index(dave))
    await settle(pilot, pilot.app)
    await pilot.press("P")
    await settle(pilot, pilot.app)


async def _open_markers(pilot) -> None:
    await settle(pilot, pilot.app)
    await pilot.press("M")
    await settle(pilot, pilot.app)


@pytest.mark.parametrize("size", [(160, 50), (80, 24)], ids=["wide", "80x24"])
def test_person_screen(snap_compare, snap_desk: Desk, tmp_path: Path, size) -> None:
    _people(snap_desk, tmp_path)
    with time_machine.travel(NOW, tick=False):
        assert snap_compare(make_app(snap_desk), terminal_size=size, run_before=_open_person)


@pytest.mark.parametrize("size", [(160, 50), (80, 24)], ids=["wide", "80x24"])
def test_markers_screen(snap_compare, snap_desk: Desk, tmp_path: Path, size) -> None:
    _people(snap_desk, tmp_path)
    with time_machine.travel(NOW, tick=False):
        assert snap_compare(make_app(snap_desk), terminal_size=size, run_before=_open_markers)


@pytest.mark.parametrize("size", [(160, 50), (80, 24)], ids=["wide", "80x24"])
def test_inbox_with_a_marked_person(snap_compare, snap_desk: Desk, tmp_path: Path,
                                    size) -> None:
    _people(snap_desk, tmp_path)

    async def dave_selected(pilot) -> None:
        await settle(pilot, pilot.app)
        table = pilot.app.screen.query_one(InboxTable)
        # Nia's newest (Dave's item was claimed just now: its history would show the time)
        nia = next(i for i in table.ids if (table.row(i) or {}).get("author_name")
                   == "Nia Parry" and (table.row(i) or {}).get("earlier"))
        table.set_cursor(table.ids.index(nia))
        await settle(pilot, pilot.app)

    with time_machine.travel(NOW, tick=False):
        assert snap_compare(make_app(snap_desk), terminal_size=size, run_before=dave_selected)


@pytest.mark.parametrize("size", [(160, 50), (80, 24)])
def test_inbox_while_a_backlog_is_classified(snap_compare, snap_desk: Desk,
                                             size: tuple[int, int]) -> None:
    """The status bar while the waiting items are classified in the background (issue 22)."""
    async def classifying(pilot) -> None:
        await settle(pilot, pilot.app)
        pilot.app.update_state(backlog="classifying 20,480 of 100,000")
        await settle(pilot, pilot.app)

    assert snap_compare(make_app(snap_desk), terminal_size=size, run_before=classifying)


@pytest.fixture
def snap_supervisor(tmp_path: Path, config) -> Desk:
    """Supervisor sian's desk with no items (the figures behind the dialog never change)."""
    desk = Desk(members_config(config), tmp_path / "sup.db", actor="sian")
    yield desk
    desk.close()


async def _scrutiny_dialog(pilot) -> None:
    """S on the supervisor screen: which quarter's scrutiny pack (the app's clock: 2026Q4)."""
    await settle(pilot, pilot.app)
    await pilot.press("s")
    await settle(pilot, pilot.app)
    await pilot.press("S")
    await settle(pilot, pilot.app)


def _sessions(desk: Desk, tmp_path: Path) -> None:
    """The drop-in sessions of tests/dropin_helpers.py: last week's, one running, one planned."""
    from tests.dropin_helpers import hold_sessions

    ids = [row[0] for row in desk.store.conn.execute("select id from items order by id")]
    hold_sessions(desk, tmp_path, ids)


async def _open_dropin(pilot) -> None:
    await settle(pilot, pilot.app)
    await pilot.press("i")
    await settle(pilot, pilot.app)


async def _open_dropin_summaries(pilot) -> None:
    await settle(pilot, pilot.app)
    await pilot.press("s")
    await settle(pilot, pilot.app)
    await pilot.press("i")
    await settle(pilot, pilot.app)


@pytest.mark.parametrize("size", [(160, 50), (80, 24)], ids=["wide", "80x24"])
def test_scrutiny_dialog(snap_compare, snap_supervisor: Desk, size) -> None:
    assert snap_compare(make_app(snap_supervisor), terminal_size=size,
                        run_before=_scrutiny_dialog)


@pytest.mark.parametrize("size", [(160, 50), (80, 24)], ids=["wide", "80x24"])
def test_listening_screen(snap_compare, snap_desk: Desk, tmp_path: Path, size) -> None:
    """Topics of concerns and chat (a deterministic embedding: the picture, not MiniLM)."""
    from tests.listening_helpers import WordsEmbedder, seed_listening

    seed_listening(snap_desk, tmp_path)
    snap_desk.listening.embedder = WordsEmbedder()

    async def open_listening(pilot) -> None:
        await settle(pilot, pilot.app)
        await pilot.press("y")
        for _wait in range(600):   # the topics, however busy the machine (settle gives up at 4 s)
            if getattr(pilot.app.screen, "heard", None) is not None:
                break
            await pilot.pause(0.05)
        await settle(pilot, pilot.app)

    assert snap_compare(make_app(snap_desk), terminal_size=size, run_before=open_listening)


@pytest.mark.parametrize("size", [(160, 50), (80, 24)], ids=["wide", "80x24"])
def test_dropin_session_view(snap_compare, snap_desk: Desk, tmp_path: Path, size) -> None:
    _sessions(snap_desk, tmp_path)
    with time_machine.travel(NOW, tick=False):
        assert snap_compare(make_app(snap_desk), terminal_size=size, run_before=_open_dropin)


@pytest.mark.parametrize("size", [(160, 50), (80, 24)], ids=["wide", "80x24"])
def test_dropin_summaries(snap_compare, snap_desk: Desk, tmp_path: Path, size) -> None:
    _sessions(snap_desk, tmp_path)
    with time_machine.travel(NOW, tick=False):
        assert snap_compare(make_app(snap_desk), terminal_size=size,
                            run_before=_open_dropin_summaries)


async def _open_dropin_plan(pilot) -> None:
    await _open_dropin_summaries(pilot)
    await pilot.press("n", *"2026-11-26 18:00", "enter", *"19:30", "enter")
    await settle(pilot, pilot.app)


@pytest.mark.parametrize("size", [(160, 50), (80, 24)], ids=["wide", "80x24"])
def test_dropin_plan_dialog(snap_compare, snap_desk: Desk, tmp_path: Path, size) -> None:
    _sessions(snap_desk, tmp_path)
    with time_machine.travel(NOW, tick=False):
        assert snap_compare(make_app(snap_desk), terminal_size=size,
                            run_before=_open_dropin_plan)
