"""Hostile text through the dashboard's formatting: never a crash, never markup, never lost."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from socialdesk.ui.format import one_line, plain_block, sla_left, user_text
from socialdesk.ui.widgets.detail import describe_item

ZONE = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
HOSTILE = st.one_of(
    st.text(),
    st.sampled_from(["[bold red]x[/]", "[@click=app.quit]y[/]", "[link=http://e]z[/link]",
                     "\x00\x1b[31mred\x1b[0m", "\u202eevil\u202c", "שלום مرحبا", "😂" * 50,
                     "a" * 100_000, "line1\r\nline2\tend", "[/]", "[", "]"]),
)


def item(text: str, author: str) -> dict:
    return {"id": 1, "kind": "comment", "author_name": author, "created_at": NOW.isoformat(),
            "status": "new", "text": text, "post_message": text, "category": "report",
            "confidence": 0.9, "probabilities": "{not json", "language": "cy", "urgent": 1,
            "urgent_cues": '["' + "cue" + '"]', "thread": [
                {"id": 1, "created_at": NOW.isoformat(), "author_name": author, "from_page": 0,
                 "text": text}], "history": [], "outbox": [], "assignee": None}


@settings(max_examples=200, deadline=None)
@given(HOSTILE, HOSTILE)
def test_detail_shows_user_text_literally_without_control_characters(text: str,
                                                                     author: str) -> None:
    rendered = describe_item(item(text, author), ZONE)
    plain = rendered.plain
    assert plain_block(text) in plain                       # every printable character kept
    assert not any(ch in plain for ch in "\x00\x1b\u202e")  # no control/bidi overrides
    assert rendered.spans is not None                       # a Text, never parsed markup


@settings(max_examples=200, deadline=None)
@given(HOSTILE)
def test_table_cells_are_one_line_and_literal(text: str) -> None:
    line = one_line(text)
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert user_text(text).plain == plain_block(text)
    assert sla_left({"status": "new", "sla_due_at": None}, NOW) == ("…", "dim")
