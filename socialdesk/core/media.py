"""Photos, stickers, links and files in comments and messages: what they are, as plain text.

One place turns an item's attachments into words, so the inbox row, the detail pane and the
command line say the same thing:

- :func:`row_text` — the item's text with a compact marker for each attachment
  ("[photo] Look at this", "[sticker]", "[link] bbc.co.uk", "[file] report.pdf 1.2 MB"), so an
  item with no words but a photo never shows as just "(no text)";
- :func:`attachment_lines` — one line per attachment for the detail pane and the CLI: its type,
  size in human units where known, an image's dimensions, and where to open it;
- :func:`open_on_page` — the "open on the page" line (the comment's permalink, or the Messenger
  conversation on the page).

Decisions:
- Everything here is untrusted text from the page: URLs and names are made single-line and
  printable (control and bidi characters dropped), bounded in length, and only ``http``/``https``
  URLs are kept at all. The callers show them as plain text, never markup or a live link.
- The classifier never sees any of this: it reads ``items.text`` only (a URL is not words a
  person wrote to the team).
- Attachments are stored as a JSON list in ``items.attachments``; reading that column never
  raises, whatever it holds (a damaged value is no attachments).

This module imports nothing from socialdesk (it sits below :mod:`socialdesk.core.models`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit

#: The kinds of attachment socialdesk tells apart, with the word shown for each.
PHOTO, VIDEO, GIF, STICKER, LINK, FILE, AUDIO = (
    "photo", "video", "gif", "sticker", "link", "file", "audio")
TYPES = (PHOTO, VIDEO, GIF, STICKER, LINK, FILE, AUDIO)

#: Longest URL kept (Facebook's CDN URLs run to ~400 characters; longer is not a real one).
MAX_URL = 2000
#: Longest name or title kept.
MAX_NAME = 200
#: At most this many attachments are kept per item.
MAX_ATTACHMENTS = 20

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")


def clean_text(value: Any, limit: int = MAX_NAME) -> str | None:
    """A name or title from the page on one printable line, bounded; None when empty."""
    if not isinstance(value, str):
        return None
    text = _SPACE.sub(" ", _CONTROL.sub("", value)).strip()
    if not text:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: An http(s) URL with a plain host, all printable ASCII: what urlsplit below would keep, told
#: at a fraction of its cost (a sync checks a permalink on every comment).
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]*)?(?:[/?#][!-~]*)?", re.IGNORECASE)


def clean_url(value: Any) -> str | None:
    """An ``http(s)`` URL from the page, or None: anything else (``javascript:``, a
    relative path, a URL with spaces or control characters) is not kept."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if len(url) <= MAX_URL and _PLAIN_URL.fullmatch(url):
        return url
    if not url or len(url) > MAX_URL or _CONTROL.search(url) or _SPACE.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def _count(value: Any) -> int | None:
    """A non-negative whole number (bytes, pixels), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())   # ("²".isdigit() is true, and int("²") raises)
    if isinstance(value, int) and 0 <= value < 2**53:
        return value
    return None


@dataclass(frozen=True, slots=True)
class Attachment:
    """One photo, sticker, link or file on a comment or message.

    ``url`` is where the thing itself is (the image, the shared page, the file), ``size``
    its bytes and ``width``/``height`` an image's pixels, each None when the page did not say.
    """

    type: str
    url: str | None = None
    name: str | None = None
    title: str | None = None
    mime_type: str | None = None
    size: int | None = None
    width: int | None = None
    height: int | None = None

    @classmethod
    def make(cls, type: str, **fields: Any) -> Attachment | None:
        """An attachment from untrusted values, each cleaned (None for an unknown type)."""
        if type not in TYPES:
            return None
        return cls(type=type, url=clean_url(fields.get("url")),
                   name=clean_text(fields.get("name")), title=clean_text(fields.get("title")),
                   mime_type=clean_text(fields.get("mime_type"), 100),
                   size=_count(fields.get("size")), width=_count(fields.get("width")),
                   height=_count(fields.get("height")))

    def to_dict(self) -> dict[str, Any]:
        """The stored form: only the fields that are known."""
        # getattr over the field names, not dataclasses.asdict (a deep copy of each value:
        # a tenth of a sync's Python time went there)
        return {key: value for key in _FIELDS if (value := getattr(self, key)) is not None}


_FIELDS = tuple(f.name for f in fields(Attachment))


def attachments_to_json(attachments: list[Attachment]) -> str | None:
    """The ``items.attachments`` value (None when there are none)."""
    if not attachments:
        return None
    return json.dumps([a.to_dict() for a in attachments[:MAX_ATTACHMENTS]], ensure_ascii=False)


def attachments_from_json(value: Any) -> list[Attachment]:
    """The attachments stored in ``items.attachments``; never raises (damage → fewer)."""
    if not value or not isinstance(value, str):
        return []
    try:
        decoded = json.loads(value)
    except ValueError:
        return []
    return attachments_from_records(decoded if isinstance(decoded, list) else [])


def attachments_from_records(records: list[Any]) -> list[Attachment]:
    """Attachments from a list of plain objects (stored or imported); bad entries dropped."""
    found: list[Attachment] = []
    for record in records[:MAX_ATTACHMENTS]:
        if isinstance(record, dict) and isinstance(record.get("type"), str):
            fields = {k: v for k, v in record.items() if k != "type"}
            attachment = Attachment.make(record["type"].strip().lower(), **fields)
            if attachment is not None:
                found.append(attachment)
    return found


# ── words ────────────────────────────────────────────────────────────────────────────────


def human_size(size: int | None) -> str:
    """Bytes in human units: 812 B, 28 KB, 1.2 MB, 3.4 GB (decimal, as phones show them)."""
    if size is None:
        return ""
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1000
        if value < 999.5:
            return f"{value:.1f} {unit}" if value < 99.95 else f"{value:.0f} {unit}"
    return f"{value / 1000:.1f} TB"


def domain(url: str | None) -> str:
    """The host of a URL without ``www.`` ("bbc.co.uk"), or ""."""
    if not url:
        return ""
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def marker(attachment: Attachment) -> str:
    """The compact marker of one attachment: "[photo]", "[link] bbc.co.uk",
    "[file] report.pdf 1.2 MB"."""
    label = f"[{attachment.type}]"
    if attachment.type == LINK:
        where = domain(attachment.url)
        return f"{label} {where}" if where else label
    if attachment.type in (FILE, AUDIO, VIDEO) and (attachment.name or attachment.size):
        extra = " ".join(part for part in (attachment.name or "", human_size(attachment.size))
                         if part)
        return f"{label} {extra}"
    return label


def markers(attachments: list[Attachment]) -> str:
    """All markers of an item; a run of identical ones once, counted ("[photo]×3")."""
    runs: list[tuple[str, int]] = []
    for attachment in attachments:
        word = marker(attachment)
        if runs and runs[-1][0] == word:
            runs[-1] = (word, runs[-1][1] + 1)
        else:
            runs.append((word, 1))
    return " ".join(word if n == 1 else f"{word}×{n}" for word, n in runs)


def row_text(text: str | None, attachments: list[Attachment], empty: str = "(no text)") -> str:
    """An item's text with its attachments' markers in front, on one line: "[photo] Look at
    this", "[sticker]"; ``empty`` only when there are neither words nor attachments."""
    words = _SPACE.sub(" ", _CONTROL.sub("", text or "")).strip()
    marks = markers(attachments)
    if marks and words:
        return f"{marks} {words}"
    return marks or words or empty


def _details(attachment: Attachment) -> str:
    parts: list[str] = []
    if attachment.width and attachment.height:
        parts.append(f"{attachment.width}×{attachment.height}")
    if attachment.size is not None:
        parts.append(human_size(attachment.size))
    if attachment.mime_type and attachment.type in (FILE, AUDIO, VIDEO):
        parts.append(attachment.mime_type)
    return ", ".join(parts)


def attachment_lines(attachments: list[Attachment]) -> list[str]:
    """One plain line per attachment, then its URL on the next, for the detail pane and the
    CLI: "photo 1920×1213, 54.5 KB", "file somepdf.pdf, 28.8 KB, application/pdf",
    "link “Opening times” bbc.co.uk"."""
    lines: list[str] = []
    for attachment in attachments:
        head = attachment.type
        if attachment.name and attachment.type != PHOTO:
            head += f" {attachment.name}"
        if attachment.title:
            head += f" “{attachment.title}”"
        if attachment.type == LINK and attachment.url:
            head += f" {domain(attachment.url)}"
        details = _details(attachment)
        lines.append(f"{head} {details}" if details else head)
        if attachment.url:
            lines.append(f"  {attachment.url}")
    return lines


#: Where Facebook shows a page's Messenger inbox, when a conversation has no link of its own.
PAGE_INBOX = "https://www.facebook.com/{page_id}/inbox/"
FACEBOOK = "https://www.facebook.com"


def conversation_link(link: Any, page_id: str | None) -> str | None:
    """The "open on the page" URL of a Messenger conversation: its Graph ``link`` (a path on
    www.facebook.com such as ``/2121008874780932/inbox/2582605345287947/`` in captured
    answers) made absolute, else the page's inbox."""
    if isinstance(link, str) and link.startswith("/") and not link.startswith("//"):
        url = clean_url(FACEBOOK + link)
        if url:
            return url
    url = clean_url(link)
    if url and (urlsplit(url).hostname or "").endswith("facebook.com"):
        return url
    if page_id and re.fullmatch(r"[0-9A-Za-z._-]{1,64}", page_id):
        return PAGE_INBOX.format(page_id=page_id)
    return None


def open_on_page(permalink: Any) -> str | None:
    """The "open on the page" line of an item, or None when there is no link."""
    url = clean_url(permalink)
    return f"open on the page: {url}" if url else None
