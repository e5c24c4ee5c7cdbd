"""How times, ages, SLA clocks and user text look on screen (pure functions, no widgets).

User text is always turned into :class:`rich.text.Text` from the plain string, never parsed as
markup, so "[bold]" or "[@click=app.quit]" in a message shows literally and does nothing.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")


def one_line(text: str | None, empty: str = "") -> str:
    """User text on one line: control and bidi-override characters removed, spaces collapsed."""
    if not text:
        return empty
    return _SPACE.sub(" ", _CONTROL.sub("", text)).strip() or empty


def plain_block(text: str | None) -> str:
    """User text for a multi-line pane: control characters removed, line breaks kept."""
    return _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\t", "    "))


def user_text(text: str | None, style: str = "") -> Text:
    """A Rich Text holding the user's words literally (no markup interpretation)."""
    return Text(plain_block(text), style=style)


def parse_time(value: str | None) -> datetime | None:
    """A stored ISO time, or None."""
    return datetime.fromisoformat(value) if value else None


def local_time(value: str | None, zone: ZoneInfo, now: datetime) -> str:
    """"14:05" today, "Mon 14:05" within the week, "3 Nov" before that (time in the detail)."""
    moment = parse_time(value)
    if moment is None:
        return ""
    local, today = moment.astimezone(zone), now.astimezone(zone)
    if local.date() == today.date():
        return f"{local:%H:%M}"
    if timedelta(0) <= today - local < timedelta(days=6):
        return f"{local:%a %H:%M}"
    return f"{local.day} {local:%b}"


def span(delta: timedelta) -> str:
    """A short duration: 45s, 12m, 3h, 2h05m, 4d."""
    seconds = int(abs(delta.total_seconds()))
    sign = "-" if delta.total_seconds() < 0 else ""
    if seconds < 60:
        return f"{sign}{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{sign}{minutes}m"
    hours, rest = divmod(minutes, 60)
    if hours < 10 and rest:
        return f"{sign}{hours}h{rest:02d}m"
    if hours < 48:
        return f"{sign}{hours}h"
    return f"{sign}{hours // 24}d"


def age(value: str | None, now: datetime) -> str:
    """How long ago a stored time was."""
    moment = parse_time(value)
    return span(now - moment) if moment else ""


def sla_left(row: dict[str, object], now: datetime) -> tuple[str, str]:
    """(text, style) of the time left to the first-response target of an inbox row."""
    if row.get("first_response_at"):
        met = str(row["first_response_at"]) <= str(row.get("sla_due_at") or "9999")
        return ("met", "green") if met else ("late", "yellow")
    if row.get("status") == "closed":
        return ("—", "dim")
    due = parse_time(str(row["sla_due_at"])) if row.get("sla_due_at") else None
    if due is None:
        return ("…", "dim")
    left = due - now
    if left <= timedelta(0):
        return (span(left), "bold white on red")
    if left <= timedelta(minutes=30):
        return (span(left), "bold red")
    if left <= timedelta(hours=2):
        return (span(left), "yellow")
    return (span(left), "green")


def full_time(value: str | None, zone: ZoneInfo) -> str:
    """"Mon 23 Nov 2026 14:05" in the team's zone (for the detail pane)."""
    moment = parse_time(value)
    return f"{moment.astimezone(zone):%a %d %b %Y %H:%M}" if moment else ""


#: the safeguarding marker banner's look, everywhere a marker is shown
MARKER_STYLE = "bold white on dark_magenta"
#: the glyph of a marked person (inbox row, detail pane)
MARKER_GLYPH = "◆"


def marker_banner(marker: dict[str, Any], today: str | None = None) -> Text:
    """A safeguarding marker as one banner line (the reason as plain text); ``today``
    (YYYY-MM-DD, the team's zone): a review date that has come says so."""
    out = Text()
    out.append(f" {MARKER_GLYPH} SAFEGUARDING: {marker['kind']} ", style=MARKER_STYLE)
    out.append(f" review {marker['review_on']}")
    if today is not None and str(marker["review_on"]) <= today:
        out.append(" (REVIEW DUE)", style="bold red")
    out.append(f" · set by {marker['set_by']}")
    if marker.get("reason"):
        out.append(" — ")
        out.append(one_line(str(marker["reason"])))
    return out
