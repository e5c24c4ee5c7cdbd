"""Plain dataclasses and enums shared by every layer (store, ingest, classifier, UI)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from socialdesk.core.media import Attachment, attachments_to_json

#: Progress of long work (import, classifying a backlog, a report, verify, purge): called with
#: (done, total) after each committed batch. Shown by whoever runs the work: the CLI's bar, the
#: dashboard's status line. Work that reports progress commits as it goes, so a stop (Ctrl-C)
#: keeps what is done.
Progress = Callable[[int, int], None]


class Kind(StrEnum):
    """Where an item came from on the page."""

    COMMENT = "comment"
    MESSAGE = "message"


class Category(StrEnum):
    """What an item asks of the team (see LABELS.md)."""

    REPORT = "report"
    CONCERN = "concern"
    CHAT = "chat"


class Language(StrEnum):
    """Language of an item's text."""

    EN = "en"
    CY = "cy"
    MIXED = "mixed"


class Status(StrEnum):
    """Where an item is in the team's workflow."""

    NEW = "new"
    CLAIMED = "claimed"
    ANSWERED = "answered"
    CLOSED = "closed"


#: Closed after an answer went out (from socialdesk, or found on the page): only offered, and
#: only accepted, when the item has a first response.
ANSWERED = "answered"
#: Answered outside the page (a phone call, in person): a note says how; no first response on
#: the page, so the reports count it apart, like "no reply needed".
ANSWERED_ELSEWHERE = "answered elsewhere (phone, in person)"
#: The close reason of an item that needs no answer (chat): its FRT stays empty and the
#: reports count it apart.
NO_REPLY_NEEDED = "no reply needed"
#: Reasons an officer can give when closing an item.
CLOSE_REASONS = (ANSWERED, ANSWERED_ELSEWHERE, NO_REPLY_NEEDED, "passed to 101 / 999",
                 "duplicate", "spam or abuse")
#: Reasons that need a note saying more.
NOTE_REQUIRED = frozenset({ANSWERED_ELSEWHERE})


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    """Store format for times: ISO 8601 in UTC with seconds, e.g. ``2026-11-23T18:04:05+00:00``.

    Naive datetimes are taken to be UTC already.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def minutes_between(first: str, second: str) -> float:
    """Minutes from one stored time (ISO 8601) to another; negative when ``second`` is the
    earlier."""
    return (datetime.fromisoformat(second) - datetime.fromisoformat(first)).total_seconds() / 60


@dataclass(slots=True)
class Item:
    """One comment or private message as the team sees it."""

    platform_id: str
    kind: Kind
    text: str
    created_at: datetime
    author_id: str | None = None
    author_name: str | None = None
    post_id: str | None = None
    post_text: str | None = None
    thread_id: str | None = None
    parent_id: str | None = None
    page_id: str | None = None
    from_page: bool = False
    source: str = "import"
    language: Language | None = None
    category: Category | None = None
    urgent: bool | None = None
    confidence: float | None = None
    status: Status = Status.NEW
    assignee: str | None = None
    ingested_at: datetime = field(default_factory=utc_now)
    closed_at: datetime | None = None
    close_reason: str | None = None
    #: photos, stickers, links and files on it (see :mod:`socialdesk.core.media`)
    attachments: list[Attachment] = field(default_factory=list)
    #: where the item is on the page ("open on the page"), when known
    permalink_url: str | None = None

    def to_row(self) -> dict[str, object]:
        """The items-table row for this item (times as ISO strings, enums as their values)."""
        return {
            "platform_id": self.platform_id,
            "kind": self.kind.value,
            "page_id": self.page_id,
            "post_id": self.post_id,
            "thread_id": self.thread_id,
            "parent_id": self.parent_id,
            "author_id": self.author_id,
            "author_name": self.author_name,
            "text": self.text,
            "post_text": self.post_text,
            "from_page": int(self.from_page),
            "source": self.source,
            "created_at": to_iso(self.created_at),
            "ingested_at": to_iso(self.ingested_at),
            "language": self.language.value if self.language else None,
            "category": self.category.value if self.category else None,
            "urgent": None if self.urgent is None else int(self.urgent),
            "confidence": self.confidence,
            "status": self.status.value,
            "assignee": self.assignee,
            "closed_at": to_iso(self.closed_at) if self.closed_at else None,
            "close_reason": self.close_reason,
            "attachments": attachments_to_json(self.attachments),
            "permalink_url": self.permalink_url,
        }


# ── the inbox's vocabulary ───────────────────────────────────────────────────────────────

#: The category facet of items no model has classified yet.
UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class InboxFilter:
    """What the officer chose to see. ``None`` means "any"."""

    view: str = "todo"
    category: str | None = None
    urgent: bool | None = None
    language: str | None = None
    kind: str | None = None
    owner: str | None = None          # "mine" | "unassigned"
    search: str = ""
    #: only open items whose first response was due and has not come (the "past SLA now" list)
    past_sla: bool = False
    tag: str | None = None            # a tag name (items carrying it)
    place: str | None = None          # a gazetteer place id (items naming it, text or post)


#: A tag typed in the search box: "#scam" or "tag:scam".
_TAG_TERM = re.compile(r"(?:(?<=\s)|^)(?:#|tag:)([\w-]+)", re.IGNORECASE)


def close_note_said(after: dict[str, Any], close_note: str | None,
                    mask: Callable[[str], str] = str) -> str:
    """How an audit row's close shows its note (``after``: the row's new fields): the words
    an older row kept, or, since the log now keeps a note's length only, the item's own note
    (``close_note``, given for its latest close), else that there was one; "" for no note.
    ``mask`` applies to the words (an evidence timeline's pseudonyms)."""
    said = after.get("close_note")
    if isinstance(said, str) and said:
        return f": {mask(said)}"
    if said:
        return f": {mask(close_note)}" if close_note else ", with a note"
    return ""


def split_tag_terms(search: str) -> tuple[str, list[str]]:
    """The search text without its tag terms, and the tag names they ask for (lower case):
    "#scam caergybi" → ("caergybi", ["scam"]). Every tag named must be on the item."""
    tags = [match.lower() for match in _TAG_TERM.findall(search)]
    return " ".join(_TAG_TERM.sub(" ", search).split()), tags


#: A place typed in the search box: "place:holyhead", "place:caergybi", "place:menai-bridge".
_PLACE_TERM = re.compile(r"(?:(?<=\s)|^)place:([\w-]+)", re.IGNORECASE)


def split_place_terms(search: str) -> tuple[str, list[str]]:
    """The search text without its place terms, and the places they name as typed (lower
    case): "place:caergybi scam" → ("scam", ["caergybi"])."""
    places = [match.lower() for match in _PLACE_TERM.findall(search)]
    return " ".join(_PLACE_TERM.sub(" ", search).split()), places


def urgent_key(urgent: object) -> str:
    """The facet value of an urgent flag ("urgent" / "not urgent")."""
    return "urgent" if urgent else "not urgent"


@dataclass(frozen=True)
class FacetCounts:
    """How many items each choice of each filter dimension would show."""

    view: dict[str, int]
    category: dict[str, int]
    urgent: dict[str, int]
    language: dict[str, int]
    kind: dict[str, int]
    owner: dict[str, int]
    total: int
    #: items carrying each tag (an item with two tags counts under both)
    tag: dict[str, int] = field(default_factory=dict)

    def get(self, dimension: str, value: str) -> int:
        """The count for one choice (0 when none)."""
        return getattr(self, dimension).get(value, 0)


@dataclass(frozen=True)
class DeskCounts:
    """The headline numbers of the status bar, whatever the filter."""

    todo: int
    mine: int
    open_urgent_ids: tuple[int, ...]


@dataclass(frozen=True)
class Notice:
    """Something the desk tells a person in every dashboard they have open (an SLA about to
    pass, an escalation, a mention…). ``item_id`` is the item it is about, if any."""

    id: int
    kind: str
    text: str
    item_id: int | None
    created_at: str
    #: "error" for what cannot wait (an escalation, a passed SLA), else "warning"/"information"
    severity: str = "information"
