"""Attachments: read from real captured Graph answers, and put into words (issue 28 §8)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialdesk.core.graph.attachments import (
    comment_attachments,
    comment_permalink,
    message_attachments,
)
from socialdesk.core.media import (
    Attachment,
    attachment_lines,
    attachments_from_json,
    attachments_to_json,
    clean_url,
    conversation_link,
    human_size,
    open_on_page,
    row_text,
)

REPO = Path(__file__).resolve().parents[2]
# ../shared from the main checkout; ../../shared from a worktree under /work/wt/<name>
SAMPLES = next((base / "shared" / "graph-api-samples" for base in (REPO.parent,
                REPO.parent.parent) if (base / "shared" / "graph-api-samples").is_dir()),
               REPO.parent / "shared" / "graph-api-samples")
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples not present")


def sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


# ── real answers ─────────────────────────────────────────────────────────────────────────


@needs_samples
def test_a_photo_comment_from_a_real_answer() -> None:
    comments = sample("sns-sdks__apidata-comments__comment_by_parent_p1.json")["data"]
    photo = next(c for c in comments if "attachment" in c)
    [attachment] = comment_attachments(photo)
    assert attachment.type == "photo"
    assert (attachment.width, attachment.height) == (474, 474)
    assert attachment.url == ("https://www.facebook.com/photo.php?fbid=516040902588100"
                              "&set=p.516040902588100&type=3")
    assert comment_permalink(photo) == ("https://www.facebook.com/2121008874780932/posts/"
                                        "2498598377021978/?comment_id=2498617433686739")
    assert row_text(photo["message"], [attachment]) == "[photo] Good job!😏"
    # the other comments of the same answer carry nothing
    assert [comment_attachments(c) for c in comments if c is not photo] == \
        [[] for c in comments if c is not photo]


@needs_samples
def test_message_photo_and_video_with_sizes_from_a_real_answer() -> None:
    messages = sample("sns-sdks__apidata-messages__messages_info.json")
    photo, video = (message_attachments(m)[0] for m in messages.values())
    assert (photo.type, photo.size, photo.width, photo.height) == ("photo", 54542, 1920, 1213)
    assert photo.mime_type == "image/jpeg" and photo.url and "fbcdn.net" in photo.url
    assert attachment_lines([photo])[0] == "photo 1920×1213, 54.5 KB"
    assert (video.type, video.size, video.name) == ("video", 1994148, "video-1627035862.mp4")
    assert attachment_lines([video])[0] == \
        "video video-1627035862.mp4 960×544, 2.0 MB, video/mp4"
    assert row_text("", [video]) == "[video] video-1627035862.mp4 2.0 MB"


@needs_samples
def test_a_pdf_without_url_and_a_jpeg_with_null_size_from_a_real_answer() -> None:
    conversation = sample("restfb__conversation.json")
    first = conversation["messages"]["data"][0]
    pdf, jpeg = message_attachments(first)
    assert (pdf.type, pdf.name, pdf.size, pdf.url) == ("file", "somepdf.pdf", 28824, None)
    assert row_text(first["message"], [pdf, jpeg]) == \
        "[file] somepdf.pdf 28.8 KB [photo] Well, well."
    assert (jpeg.type, jpeg.size, jpeg.width, jpeg.height) == ("photo", None, 800, 600)
    assert attachment_lines([jpeg])[0] == "photo 800×600"   # size unknown: not made up


@needs_samples
def test_stickers_are_empty_messages_with_a_sticker_url_in_a_real_answer() -> None:
    messages = sample("normalized/ngothienlo-pyfb__DATA_DEMO.conversation.json")[
        "messages"]["data"]
    found = [message_attachments(m) for m in messages]
    stickers = [m for m, a in zip(messages, found, strict=True) if a]
    assert len(stickers) == 2 and all(m["message"] == "" for m in stickers)
    assert all(a[0].type == "sticker" and a[0].url for a in found if a)
    assert row_text("", found[0]) == "[sticker]"


@needs_samples
@pytest.mark.parametrize(("name", "expected"), [
    ("sns-sdks__models__conversation.json",
     "https://www.facebook.com/2121008874780932/inbox/2582605345287947/"),
    ("normalized/ngothienlo-pyfb__DATA_DEMO.conversation.json",
     "https://www.facebook.com/CHIN-TEST-PAGE-API-541964686328018/inbox/542111299646690/"),
    ("restfb__conversation.json",
     "http://www.facebook.com/messages/?action=read&tid=id.378684585434124"),
])
def test_conversation_links_of_real_answers_open_on_facebook(name: str, expected: str) -> None:
    assert conversation_link(sample(name)["link"], "2121008874780932") == expected


# ── malformed answers never break, they only lose the bad attachment ──────────────────────


@pytest.mark.parametrize("node", [
    {"attachment": "a photo"},
    {"attachment": {"type": ["photo"]}},
    {"attachment": {"type": "mystery"}},
    {"attachment": {"type": "share", "url": "javascript:alert(1)"}},
    {"attachment": None},
])
def test_a_malformed_comment_attachment_is_dropped(node: dict[str, Any]) -> None:
    assert comment_attachments(node) == []


def test_malformed_message_attachments_drop_only_the_bad_ones() -> None:
    node = {"message": "", "sticker": 5, "shares": {"data": "x"},
            "attachments": {"data": [5, None, {"image_data": "nope", "size": "lots"},
                                     {"mime_type": "image/png", "size": 2048,
                                      "image_data": {"url": "https://x.fbcdn.net/a.png",
                                                     "width": "wide", "height": -3}}]}}
    [photo] = message_attachments(node)
    assert (photo.type, photo.size, photo.width, photo.height) == ("photo", 2048, None, None)
    assert message_attachments({"attachments": {"data": "oops"}, "shares": [1]}) == []
    [odd] = message_attachments({"attachments": {"data": [{"name": "a", "size": "²"}]}})
    assert (odd.type, odd.name, odd.size) == ("file", "a", None)
    assert message_attachments({"attachments": [], "sticker": "data:image/png;base64,xx"}) == []


def test_shared_links_show_their_domain() -> None:
    node = {"message": "read this",
            "shares": {"data": [{"link": "https://www.bbc.co.uk/news/x", "name": "News"},
                                {"link": "ftp://evil", "name": "no"}]}}
    [link] = message_attachments(node)
    assert row_text(node["message"], [link]) == "[link] bbc.co.uk read this"
    assert attachment_lines([link]) == ["link “News” bbc.co.uk", "  https://www.bbc.co.uk/news/x"]


# ── words ────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("size", "words"), [
    (0, "0 B"), (812, "812 B"), (28824, "28.8 KB"), (54542, "54.5 KB"), (999_999, "1.0 MB"),
    (1_234_567, "1.2 MB"), (12_345_678, "12.3 MB"), (123_456_789, "123 MB"),
    (3_400_000_000, "3.4 GB"), (None, "")])
def test_sizes_in_human_units(size: int | None, words: str) -> None:
    assert human_size(size) == words


def test_nothing_but_a_photo_is_never_just_no_text() -> None:
    photo = Attachment("photo", url="https://facebook.com/p")
    assert row_text("", [photo]) == "[photo]"
    assert row_text(None, [photo, photo, photo]) == "[photo]×3"
    assert row_text("", []) == "(no text)"


def test_urls_and_names_from_the_page_are_made_harmless() -> None:
    assert clean_url("javascript:alert(1)") is None
    assert clean_url("https://ok.example/a b") is None
    assert clean_url("https://ok.example/\x1b[2J") is None
    assert clean_url("/relative") is None
    made = Attachment.make("file", name="evil\u202e\x1b[31mfdp.exe", url="data:x")
    assert made is not None and made.name == "evil[31mfdp.exe" and made.url is None
    assert open_on_page("https://www.facebook.com/1/posts/2/?comment_id=3") == \
        "open on the page: https://www.facebook.com/1/posts/2/?comment_id=3"
    assert open_on_page("[link=x]y[/link]") is None
    assert conversation_link("//evil.example/x", "123") == "https://www.facebook.com/123/inbox/"
    assert conversation_link("https://evil.example/inbox", "123") == \
        "https://www.facebook.com/123/inbox/"


def test_stored_attachments_round_trip_and_damage_reads_as_none() -> None:
    items = [Attachment("photo", url="https://a.example/1", width=3, height=4),
             Attachment("file", name="a.pdf", size=10)]
    assert attachments_from_json(attachments_to_json(items)) == items
    assert attachments_to_json([]) is None
    for damaged in ("{", "5", '{"type": "photo"}', '[{"type": 5}]', None, 7):
        assert attachments_from_json(damaged) == []


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    | st.sampled_from(["photo", "sticker", "share", "https://x.example/a", "javascript:x",
                       "image/png", "video/mp4", "²", "/1/inbox/2/", "   "]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["type", "url", "media", "image", "src", "width", "height", "target",
                         "title", "data", "mime_type", "name", "size", "file_url",
                         "image_data", "video_data", "render_as_sticker", "link"]),
        inner, max_size=6),
    max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(attachment=JSON, attachments=JSON, sticker=JSON, shares=JSON, link=JSON)
def test_no_answer_from_the_page_breaks_the_reading(attachment: Any, attachments: Any,
                                                    sticker: Any, shares: Any,
                                                    link: Any) -> None:
    found = comment_attachments({"attachment": attachment}) + message_attachments(
        {"attachments": attachments, "sticker": sticker, "shares": shares})
    stored = attachments_from_json(attachments_to_json(found))
    assert stored == found
    words = [*attachment_lines(found), row_text("", found), conversation_link(link, "1") or ""]
    for line in words:
        assert "\n" not in line and "\x1b" not in line


def _kept_by_urlsplit(value: str) -> str | None:
    """What clean_url keeps, decided the long way (urlsplit) for every URL."""
    from urllib.parse import urlsplit

    url = value.strip()
    if (not url or len(url) > 2000 or any(ch.isspace() for ch in url)
            or any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in url)):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else None


@pytest.mark.parametrize("url", [
    "https://www.facebook.com/123_456?comment_id=789", "HTTP://Example.COM", "http://x",
    "https://a.b:/", "https://./x", "http://a:99999999/", "https://:80/", "http:///path",
    "https://user@host/", "https://[::1]/", "https://[::1/", "http:/x", "https//x",
    "https://host/with[brackets]", "ftp://host/", "https://hóst/", "https://ok.example/#frag",
])
def test_the_quick_check_keeps_exactly_the_urls_urlsplit_keeps(url: str) -> None:
    assert clean_url(url) == _kept_by_urlsplit(url)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["http://", "https://", "hTtPs://", ""]),
       st.text(alphabet="aZ09.-:/?#[]@% é", max_size=20))
def test_the_quick_check_agrees_with_urlsplit_on_made_up_urls(scheme: str, rest: str) -> None:
    assert clean_url(scheme + rest) == _kept_by_urlsplit(scheme + rest)
