"""Places (issue 23) end to end on real SQLite files: items tagged at import and sync and
old items backfilled; `socialdesk places` as a table, JSON and CSV; the hotspots screen, its
drill-down into the inbox, and the inbox's place filter, driven by Pilot."""

from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from socialdesk.cli import main
from socialdesk.config import Config
from socialdesk.core.desk import Desk
from socialdesk.core.models import InboxFilter
from socialdesk.core.store.places import WATERMARK
from socialdesk.core.store.settings import write_setting
from socialdesk.ui.screens.inbox import InboxScreen
from socialdesk.ui.screens.places import PlacesScreen
from socialdesk.ui.widgets.detail import DetailPane
from socialdesk.ui.widgets.inbox_table import InboxTable
from tests.conftest import BUNDLED_CONFIG, os_account
from tests.export_helpers import assert_exports_carry_the_chain
from tests.ingest_helpers import client_for, page_config
from tests.ui_helpers import NOW, make_app, members_config, seed_items, settle

WEEK = 7 * 24 * 60
#: (text, kind, language, category, urgent, author, minutes ago): Holyhead rising, Amlwch
#: falling, Benllech only in chat (not a hotspot)
ROWS = [
    ("Car broken into in Holyhead last night", "message", "en", "report", 0, "A", 60),
    ("Galwad sgam yng Nghaergybi bore 'ma", "message", "cy", "concern", 0, "B", 2 * 60),
    ("Someone trying doors on Market Street", "comment", "en", "report", 0, "C", 3 * 60),
    ("Beic wedi ei ddwyn o Gaergybi", "message", "cy", "report", 0, "D", WEEK + 60),
    ("Worried about speeding in Amlwch", "message", "en", "concern", 0, "E", 5 * WEEK),
    ("Quad bikes again in Amlwch", "message", "en", "report", 0, "F", 6 * WEEK),
    ("Lovely day in Benllech, diolch", "comment", "en", "chat", 0, "G", 120),
]


@pytest.fixture
def place_desk(tmp_path: Path, config: Config) -> Desk:
    desk = Desk(members_config(config), tmp_path / "places.db", actor="ann")
    desk.seeded = seed_items(desk, tmp_path / "seed.jsonl", ROWS)  # type: ignore[attr-defined]
    yield desk
    desk.close()


def test_import_tags_each_item_with_the_places_of_its_text_and_post(place_desk: Desk) -> None:
    ids = place_desk.seeded  # type: ignore[attr-defined]
    rows = place_desk.store.conn.execute(
        "select item_id, place_id, source from item_places order by item_id, source, place_id"
    ).fetchall()
    # the seed's post names Llangefni: every item carries it, from the post
    assert (ids[0], "holyhead", "text") in rows and (ids[0], "llangefni", "post") in rows
    assert (ids[1], "holyhead", "text") in rows            # yng Nghaergybi
    assert (ids[2], "market-street-holyhead", "text") in rows
    assert place_desk.item_detail(ids[1])["places"] == [   # type: ignore[index]
        {"id": "holyhead", "name": "Caergybi / Holyhead", "source": "text"},
        {"id": "llangefni", "name": "Llangefni", "source": "post"}]


def test_items_already_there_are_tagged_on_the_first_look(place_desk: Desk) -> None:
    with place_desk.store.write():   # as a database from before the gazetteer
        place_desk.store.conn.execute("delete from item_places")
        write_setting(place_desk.store, WATERMARK, {})
    spots = place_desk.hotspots(NOW - timedelta(days=28), NOW)
    assert {s.place_id for s in spots} >= {"holyhead", "amlwch"}
    count = place_desk.store.conn.execute("select count(*) from item_places").fetchone()[0]
    assert count >= len(ROWS)
    # and a second look finds nothing new to read
    assert place_desk.places.tag_new() == 0


def test_a_read_only_account_writes_no_tags(place_desk: Desk, tmp_path: Path,
                                            config: Config) -> None:
    with place_desk.store.write():
        place_desk.store.conn.execute("delete from item_places")
        write_setting(place_desk.store, WATERMARK, {})
    watcher_config = members_config(config)
    watcher_config = replace(watcher_config, access=replace(
        watcher_config.access, members={**watcher_config.access.members, "rhys": "read-only"}))
    watcher = Desk(watcher_config, tmp_path / "places.db", actor="rhys")
    before = place_desk.store.data_version()
    assert watcher.hotspots(NOW - timedelta(days=28), NOW) == []
    assert place_desk.store.data_version() == before
    watcher.close()


def test_hotspots_count_this_period_against_the_one_before(place_desk: Desk) -> None:
    ids = place_desk.seeded  # type: ignore[attr-defined]
    spots = {s.place_id: s for s in place_desk.hotspots(NOW - timedelta(days=28), NOW)}
    holyhead, amlwch = spots["holyhead"], spots["amlwch"]
    assert (holyhead.count, holyhead.previous, holyhead.change) == (3, 0, 3)
    assert holyhead.weeks[-2:] == [1, 2] and len(holyhead.weeks) == 8
    assert holyhead.item_ids == [ids[0], ids[1], ids[3]]   # newest first
    assert (amlwch.count, amlwch.previous) == (0, 2)
    assert "benllech" not in spots                          # chat is no report or concern
    ranked = place_desk.hotspots(NOW - timedelta(days=28), NOW)
    # the seed's post names Llangefni: its comments count there too (the post is their context)
    assert [s.place_id for s in ranked][:2] == ["llangefni", "holyhead"]
    concerns = {s.place_id: s.count
                for s in place_desk.hotspots(NOW - timedelta(days=28), NOW, "concern")}
    assert concerns["holyhead"] == 1
    items = place_desk.place_items("holyhead")
    assert [i["id"] for i in items] == [ids[0], ids[1], ids[3]]
    assert set(items[0]) == {"id", "created_at", "kind", "category", "urgent", "language",
                             "text", "status", "first_response_at", "first_response_by",
                             "assignee", "close_reason"}


def test_the_inbox_filters_by_place(place_desk: Desk) -> None:
    ids = place_desk.seeded  # type: ignore[attr-defined]
    assert set(place_desk.inbox_ids(InboxFilter(view="all", place="holyhead"))) == \
        {ids[0], ids[1], ids[3]}
    assert set(place_desk.inbox_ids(InboxFilter(view="all", search="place:caergybi"))) == \
        {ids[0], ids[1], ids[3]}
    assert place_desk.inbox_ids(InboxFilter(view="all", search="place:amlwch speeding")) == \
        [ids[4]]
    assert place_desk.inbox_ids(InboxFilter(view="all", search="place:atlantis")) == []


def test_sync_tags_what_it_brings_in(tmp_path: Path, config: Config, fake_page) -> None:
    desk = Desk(replace(members_config(config), page=page_config(config, fake_page)),
                tmp_path / "live.db", actor="ann")
    message = fake_page.state.add_message(None, datetime.now(UTC).timestamp() - 300)
    message.text = "Mae rhywun yn dwyn o geir ym Mhorthaethwy heno"
    assert desk.sync_once(client=client_for(fake_page)).ok
    item = desk.find_item(message.id)
    assert [p["id"] for p in desk.places.of_item(item)] == ["menai-bridge"]
    # a comment edited on the page is tagged again with the places of its new words
    post = fake_page.state.posts[-1]
    comment = next(c for c in post.comments if c.id)
    comment.message = "Sorry, it was in Amlwch not Holyhead"
    assert desk.sync_once(full=True, client=client_for(fake_page)).ok
    edited = desk.find_item(comment.id)
    assert [p["id"] for p in desk.places.of_item(edited) if p["source"] == "text"] == \
        ["amlwch", "holyhead"]
    desk.close()


# ── the command line ─────────────────────────────────────────────────────────────────────

@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    config = tmp_path / "socialdesk.toml"
    config.write_text(BUNDLED_CONFIG.read_text(encoding="utf-8").replace(
        "[members]\n", f'[members]\n"{os_account()}" = "supervisor"\n'), encoding="utf-8")
    monkeypatch.setenv("SOCIALDESK_CONFIG", str(config))
    monkeypatch.setenv("SOCIALDESK_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("SOCIALDESK_DATA_DIR", str(tmp_path / "data"))
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"text": text, "created_at": (
        NOW - timedelta(minutes=ago)).isoformat()}) + "\n"
        for text, _k, _l, _c, _u, _a, ago in ROWS), encoding="utf-8")

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    with time_machine.travel(NOW, tick=False):
        assert run("import", str(source))[0] == 0
    with sqlite3.connect(tmp_path / "cli.db") as conn:   # label them as the model would
        for n, (_t, _k, _l, category, *_rest) in enumerate(ROWS, 1):
            conn.execute("update items set category = ? where id = ?", (category, n))
    with time_machine.travel(NOW, tick=False):
        yield run


def test_places_command_json(cli) -> None:
    code, out, _err = cli("places", "--json")
    assert code == 0
    result = json.loads(out)
    places = {p["place"]: p for p in result["places"]}
    assert places["holyhead"]["count"] == 3 and places["holyhead"]["change"] == 3
    assert places["holyhead"]["name"] == "Caergybi / Holyhead"
    assert places["amlwch"]["count"] == 0 and places["amlwch"]["previous"] == 2
    assert result["places"][0]["place"] == "holyhead"
    code, out, _err = cli("places", "--json", "--category", "concern")
    assert {p["place"]: p["count"] for p in json.loads(out)["places"]}["holyhead"] == 1


def test_places_command_table_and_csv(cli, tmp_path: Path) -> None:
    code, out, _err = cli("places")
    assert code == 0
    first = out.splitlines()[1]
    assert first.startswith("Caergybi / Holyhead") and "new" in first and "▁" in first
    target = tmp_path / "places.csv"
    code, _out, err = cli("places", "--csv", str(target), "--since", "2026-10-01")
    assert code == 0 and "wrote" in err
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    counts = {row["place"]: row["count"] for row in rows}
    assert rows[0]["place"] == "holyhead" and counts["holyhead"] == "3"
    assert counts["amlwch"] == "2"     # since October: both Amlwch items are in the period


def test_places_command_refuses_a_bad_date(cli) -> None:
    code, _out, err = cli("places", "--since", "yesterday")
    assert code == 1 and err == "socialdesk: 'yesterday' is not a date like 2026-11-23.\n"


# ── the dashboard ────────────────────────────────────────────────────────────────────────

async def test_hotspots_screen_ranks_places_and_drills_down_to_the_inbox(
        place_desk: Desk) -> None:
    ids = place_desk.seeded  # type: ignore[attr-defined]
    app = make_app(place_desk)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("L")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, PlacesScreen)
        assert [s.place_id for s in screen.spots][:2] == ["llangefni", "holyhead"]
        assert "Caergybi / Holyhead" in str(screen.query_one("#hotspots").get_row_at(1))
        await pilot.press("k")   # reports only
        await settle(pilot, app)
        assert "reports" in screen.sub_title
        assert {s.place_id: s.count for s in screen.spots}["holyhead"] == 2
        await pilot.press("down", "enter")
        await settle(pilot, app)
        inbox = app.screen
        assert isinstance(inbox, InboxScreen) and inbox.chosen.place == "holyhead"
        assert set(inbox.query_one(InboxTable).ids) == {ids[0], ids[1], ids[3]}
        note = str(inbox.query_one("#filter-note").render())
        assert "place Caergybi / Holyhead" in note
        inbox.query_one(InboxTable).set_cursor(0)
        await settle(pilot, app)
        body = str(inbox.query_one(DetailPane).query_one("#detail-body").render())
        assert "places: Caergybi / Holyhead" in body
        await pilot.press("L")   # again: every place
        await settle(pilot, app)
        assert inbox.chosen.place is None


async def test_place_typed_in_search_filters_the_inbox(place_desk: Desk) -> None:
    ids = place_desk.seeded  # type: ignore[attr-defined]
    app = make_app(place_desk)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"place:amlwch")
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)
        app.screen.action_view("all")
        await settle(pilot, app)
        assert set(app.screen.query_one(InboxTable).ids) == {ids[4], ids[5]}


def test_a_database_from_before_places_is_migrated_and_tagged(tmp_path: Path,
                                                              config: Config) -> None:
    import sqlite_utils

    from socialdesk.core.store.migrations import MIGRATIONS, _v12_places

    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    for migration in MIGRATIONS[:MIGRATIONS.index(_v12_places)]:
        migration(db)
    db.execute(f"pragma user_version = {MIGRATIONS.index(_v12_places)}")
    db.execute("insert into items (platform_id, kind, text, created_at, status, category, "
               "from_page) values ('old1', 'message', 'Lladrad yng Nghaergybi', ?, 'new', "
               "'report', 0)", (NOW.isoformat(),))
    db.conn.commit()
    db.close()
    desk = Desk(members_config(config), path, actor="ann")
    assert desk.store.conn.execute("select count(*) from item_places").fetchone()[0] == 0
    spots = desk.hotspots(NOW - timedelta(days=28), NOW + timedelta(hours=1))
    assert [(s.place_id, s.count) for s in spots] == [("holyhead", 1)]
    desk.close()


def test_places_exports_carry_the_audit_chain(cli, tmp_path: Path) -> None:
    """Issue 19 (review): every CSV and JSON export carries the chain's row count and head —
    the hotspots' CSV and JSON did not."""
    assert_exports_carry_the_chain(cli, tmp_path / "cli.db", "places", tmp_path / "places.csv",
                                   ("place", "name", "count"))
    assert cli("audit", "verify")[0] == 0
