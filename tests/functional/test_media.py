"""Photos, stickers, links and files end to end (issue 28 §8): synced over loopback from the
fake page, imported, shown in the dashboard and the demo feed, and purged with the rest."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from socialdesk.cli.demo import feed_lines
from socialdesk.core.audit.retention import purge
from socialdesk.core.desk import Desk
from socialdesk.core.media import Attachment, attachments_from_json
from socialdesk.core.models import Item, Kind
from socialdesk.core.store import open_store
from socialdesk.core.store.db import Store
from socialdesk.core.store.items import upsert_platform_items
from socialdesk.fakepage.server import FakePage
from socialdesk.ui.dialogs.composer import ComposerDialog
from socialdesk.ui.screens.inbox import InboxScreen
from socialdesk.ui.widgets.inbox_table import InboxTable
from tests.ingest_helpers import start_fake, syncer
from tests.ui_helpers import NOW, make_app, members_config, settle

PERMALINK = "https://www.facebook.com/104729318867301/posts/7000/?comment_id=7001"


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(tmp_path / "media.db")
    yield s
    s.close()


def stored(store: Store, platform_id: str) -> dict[str, Any]:
    row = store.conn.execute(
        "select text, attachments, permalink_url, kind from items where platform_id = ?",
        (platform_id,)).fetchone()
    assert row is not None, f"{platform_id} was not synced"
    return {"text": row[0], "attachments": attachments_from_json(row[1]), "raw": row[1],
            "permalink": row[2], "kind": row[3]}


def media_page() -> tuple[FakePage, dict[str, str]]:
    """A fake page holding one of each: a photo comment, a comment whose attachment is
    malformed, a sticker message, a shared link and a message with broken attachments."""
    fake = start_fake(seed=5, posts=2, comments=0, conversations=0)
    state = fake.state
    now = state.now()
    post = state.posts[-1]
    photo = state.add_public_comment(post, now - 300)
    photo.message, photo.attachment = "Look at the damage", state.media.comment_photo()
    photo.attachment["media"]["image"].update(width=1920, height=1080)
    broken = state.add_public_comment(post, now - 200)
    broken.message = "still here"
    broken.attachment = {"type": {"not": "a string"}, "media": "x", "url": 5}
    sticker = state.add_message(None, now - 250)
    sticker.text, sticker.attachments, sticker.shares = "", [], []
    sticker.sticker = "https://scontent.xx.fbcdn.net/v/t39.1997-6/851586_n.png?_nc_cat=1"
    link = state.add_message(None, now - 150)
    link.text, link.attachments, link.sticker = "is this real?", [], None
    link.shares = [{"link": "https://www.gov.uk/report-scam-website", "name": "Report a scam"}]
    bad = state.add_message(None, now - 100)
    bad.text, bad.sticker, bad.shares = "my dashcam", None, []
    bad.attachments = [{"id": "1", "mime_type": "video/mp4", "name": "dashcam.mp4",
                        "size": 5_300_000, "video_data": {"url": "https://v.fbcdn.net/d.mp4"}},
                       "garbage", {"image_data": ["no"], "size": {"big": True}}]
    ids = {"photo": str(photo.id), "broken": str(broken.id), "sticker": sticker.id,
           "link": link.id, "bad": bad.id}
    return fake, ids


def test_sync_brings_photos_stickers_links_and_survives_malformed_ones(store, config) -> None:
    fake, ids = media_page()
    try:
        report = syncer(store, fake, config).run()
        assert report.ok, report.error

        photo = stored(store, ids["photo"])
        [attachment] = photo["attachments"]
        assert (attachment.type, attachment.width, attachment.height) == ("photo", 1920, 1080)
        assert attachment.url and attachment.url.startswith("https://www.facebook.com/photo.php")
        assert photo["permalink"].startswith(f"https://www.facebook.com/{fake.page_id}/posts/")
        assert photo["permalink"].endswith(f"?comment_id={ids['photo'].split('_')[1]}")

        broken = stored(store, ids["broken"])   # the item is kept, the bad attachment is not
        assert broken["text"] == "still here" and broken["attachments"] == []

        sticker = stored(store, ids["sticker"])
        assert sticker["text"] == "" and [a.type for a in sticker["attachments"]] == ["sticker"]
        thread = next(c for c in fake.state.conversations
                      if any(m.id == ids["sticker"] for m in c.messages))
        assert sticker["permalink"] == (f"https://www.facebook.com/{fake.page_id}/inbox/"
                                        f"{thread.id.removeprefix('t_')}/")

        [link] = stored(store, ids["link"])["attachments"]
        assert (link.type, link.url, link.title) == (
            "link", "https://www.gov.uk/report-scam-website", "Report a scam")

        [video] = stored(store, ids["bad"])["attachments"]
        assert (video.type, video.name, video.size) == ("video", "dashcam.mp4", 5_300_000)

        # the classifier's input is the words alone: no URL went into any text
        texts = [row[0] for row in store.conn.execute("select text from items")]
        assert not any("http" in text for text in texts)

        # a pass that sees the same answer changes nothing; one whose answer lost the
        # attachment (not asked for, malformed) keeps what was stored
        assert syncer(store, fake, config).run(full=True).updated == 0
        edited = fake.state.comments_by_id[ids["photo"]]
        edited.attachment, edited.message = "gone wrong", "Look at the damage (edited)"
        assert syncer(store, fake, config).run(full=True).updated == 1
        again = stored(store, ids["photo"])
        assert again["text"] == "Look at the damage (edited)"
        assert again["attachments"] == [attachment] and again["permalink"] == photo["permalink"]
    finally:
        fake.stop()


def test_the_fake_page_only_sends_attachments_when_asked() -> None:
    fake, _ = media_page()
    try:
        post = fake.state.posts[-1]
        base = f"{fake.url}/v25.0/{post.id}/comments"
        headers = {"Authorization": f"Bearer {fake.token}"}
        bare = httpx.get(base, params={"fields": "id,message"}, headers=headers).json()
        asked = httpx.get(base, params={"fields": "id,message,attachment{type,url},"
                                                  "permalink_url"}, headers=headers).json()
        assert not any("attachment" in c or "permalink_url" in c for c in bare["data"])
        assert any(c.get("attachment", {}).get("type") == "photo" for c in asked["data"])
        assert all("permalink_url" in c for c in asked["data"])
    finally:
        fake.stop()


def test_demo_traffic_carries_photos_stickers_and_links(store, config) -> None:
    fake = start_fake(seed=8, posts=6, comments=150, conversations=40)
    try:
        assert syncer(store, fake, config).run().ok
        kinds = {a.type for (raw,) in store.conn.execute(
            "select attachments from items where attachments is not null")
            for a in attachments_from_json(raw)}
        assert {"photo", "sticker", "link"} <= kinds
    finally:
        fake.stop()


# ── import ───────────────────────────────────────────────────────────────────────────────


def test_import_reads_attachments_and_refuses_only_unreadable_ones(tmp_path: Path,
                                                                   config) -> None:
    desk = Desk(members_config(config), tmp_path / "desk.db", actor="ann")
    try:
        lines = [
            {"text": "", "kind": "message", "author": "Gwen", "permalink": PERMALINK,
             "attachments": [{"type": "photo", "url": "https://x.fbcdn.net/a.jpg",
                              "size": 54542, "width": 1920, "height": 1213}]},
            {"text": "see file", "attachments": [{"type": "file", "name": "a.pdf", "size": 28824},
                                                 {"type": "hologram"}, 7]},
            {"text": "broken", "attachments": "{not json"},
            {"text": "also broken", "attachments": {"type": "photo"}},
            {"text": "", "attachments": [{"type": "hologram"}]},
        ]
        path = tmp_path / "media.jsonl"
        path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
        report = desk.import_file(path)
        assert report.imported == 2
        reasons = {s.line: s.reason for s in report.skipped}
        assert set(reasons) == {3, 4, 5}
        assert "'attachments' is not JSON" in reasons[3]
        assert "must be a list" in reasons[4]
        assert "'text' is missing or empty" in reasons[5]
        rows = desk.store.conn.execute(
            "select text, attachments, permalink_url from items order by id").fetchall()
        photo, file = (attachments_from_json(r[1]) for r in rows)
        assert rows[0][0] == "" and rows[0][2] == PERMALINK
        assert [(a.type, a.size) for a in photo] == [("photo", 54542)]
        assert [(a.type, a.name) for a in file] == [("file", "a.pdf")]

        csv_path = tmp_path / "media.csv"
        cell = json.dumps([{"type": "link", "url": "https://www.bbc.co.uk/news"}]).replace(
            '"', '""')
        csv_path.write_text(f'text,kind,attachments\n"read this",message,"{cell}"\n'
                            f'"bad",message,"[{{oops"\n', encoding="utf-8")
        report = desk.import_file(csv_path)
        assert report.imported == 1 and [s.line for s in report.skipped] == [3]
        raw = desk.store.conn.execute(
            "select attachments from items where text = 'read this'").fetchone()[0]
        assert [a.url for a in attachments_from_json(raw)] == ["https://www.bbc.co.uk/news"]
    finally:
        desk.close()


# ── retention ────────────────────────────────────────────────────────────────────────────


def test_purge_clears_attachments_and_links_with_the_words(store, config) -> None:
    fake, ids = media_page()
    try:
        assert syncer(store, fake, config).run().ok
    finally:
        fake.stop()
    assert stored(store, ids["photo"])["raw"]
    report = purge(store, 1, datetime.now(UTC) + timedelta(days=3))
    assert report.items > 0
    leftovers = store.conn.execute(
        "select count(*) from items where attachments is not null or permalink_url is not null"
    ).fetchone()[0]
    assert leftovers == 0
    store.conn.execute("pragma wal_checkpoint(TRUNCATE)")
    assert b"photo.php" not in Path(store.path).read_bytes()


# ── display ──────────────────────────────────────────────────────────────────────────────


def media_desk(tmp_path: Path, config) -> tuple[Desk, int]:
    """A desk holding one message that is nothing but a photo, and a plain one."""
    desk = Desk(members_config(config), tmp_path / "desk.db", actor="ann")
    path = tmp_path / "photo.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in [
        {"text": "Thanks for the help yesterday", "kind": "message", "author": "Nia Parry",
         "created_at": (NOW - timedelta(minutes=40)).isoformat()},
        {"text": "", "kind": "message", "author": "Gareth [b]Hughes[/b]",
         "created_at": (NOW - timedelta(minutes=5)).isoformat(),
         "permalink": "https://www.facebook.com/104729318867301/inbox/2582605345287947/",
         "attachments": [{"type": "photo", "url": "https://scontent.xx.fbcdn.net/v/[@click=app.quit]x.jpg",
                          "size": 1_234_567, "width": 1920, "height": 1213,
                          "mime_type": "image/jpeg"},
                         {"type": "link", "url": "https://www.bbc.co.uk/news/x",
                          "title": "[bold]Roadworks[/bold]"}]},
    ]) + "\n", encoding="utf-8")
    desk.import_file(path)
    item_id = desk.store.conn.execute(
        "select id from items where text = ''").fetchone()[0]
    return desk, int(item_id)


def test_the_demo_feed_prints_the_marker_and_each_attachment(tmp_path: Path, config) -> None:
    desk, item_id = media_desk(tmp_path, config)
    try:
        item = desk.item_detail(item_id)
        assert item is not None
        lines = feed_lines(item, config.team.zone)
        assert "[photo] [link] bbc.co.uk" in lines[0] and "(no text)" not in lines[0]
        assert any("photo 1920×1213, 1.2 MB" in line for line in lines[1:])
        assert any(line.strip() == "open on the page: https://www.facebook.com/"
                   "104729318867301/inbox/2582605345287947/" for line in lines)
    finally:
        desk.close()


async def test_detail_pane_and_row_show_what_is_attached(tmp_path: Path, config) -> None:
    desk, item_id = media_desk(tmp_path, config)
    try:
        app = make_app(desk)
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(pilot, app)
            screen = app.screen
            assert isinstance(screen, InboxScreen)
            table = screen.query_one(InboxTable)
            index = table.ids.index(item_id)
            row = table.render_line(index).text
            assert "[photo] [link] bbc.co.uk" in row and "(no text" not in row
            table.set_cursor(index)
            await settle(pilot, app)
            body = str(screen.query_one("#detail-body").render())
            assert "Attached (2)" in body
            assert "photo 1920×1213, 1.2 MB" in body
            assert "link “[bold]Roadworks[/bold]” bbc.co.uk" in body   # literally, no markup
            assert "https://scontent.xx.fbcdn.net/v/[@click=app.quit]x.jpg" in body
            assert ("open on the page: https://www.facebook.com/104729318867301/inbox/"
                    "2582605345287947/") in body
            assert "(no text: a sticker or photo)" not in body
            assert app.is_running   # the [@click=app.quit] in a URL did nothing
    finally:
        desk.close()


async def test_the_composer_quotes_what_was_sent_not_an_empty_line(tmp_path: Path,
                                                                   config) -> None:
    desk, item_id = media_desk(tmp_path, config)
    try:
        app = make_app(desk)
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(pilot, app)
            table = app.screen.query_one(InboxTable)
            table.set_cursor(table.ids.index(item_id))
            await settle(pilot, app)
            await pilot.press("r")
            await settle(pilot, app)
            assert isinstance(app.screen, ComposerDialog)
            quote = str(app.screen.query_one("#quote").render())
            assert quote.startswith("[photo] [link] bbc.co.uk")
    finally:
        desk.close()


def test_an_item_older_than_retention_arrives_without_its_attachments(store) -> None:
    old = Item("m_old", Kind.MESSAGE, "", datetime(2020, 1, 1, tzinfo=UTC),
               attachments=[Attachment("photo", url="https://x.fbcdn.net/a.jpg")],
               permalink_url="https://www.facebook.com/1/inbox/2/")
    upsert_platform_items(store, [old], "2026-11-23T14:00:00+00:00",
                          purge_before="2025-11-23T14:00:00+00:00")
    row = store.conn.execute("select attachments, permalink_url, purged_at from items").fetchone()
    assert row[0] is None and row[1] is None and row[2]
