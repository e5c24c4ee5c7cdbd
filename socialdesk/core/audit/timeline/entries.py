"""Evidence timelines: every report and concern about a person or a place, oldest first, with
the team's actions, the answers sent and the officers' internal notes, as one self-contained
printable HTML file (for a problem-solving meeting or a closure-order application under the
Anti-social Behaviour, Crime and Policing Act 2014).

Decisions, written down here as DESIGN.md asks:

- **Chat is left out** (thanks, jokes, questions about the page): a timeline is evidence of
  reports and concerns. Items not classified yet stay in (they may be reports). The header
  says how many chat items were left out. The page's own messages are never entries; what
  the team sent shows under the item it answered.
- **Names left out**: the people who wrote (authors) become stable pseudonyms, "Person A",
  "Person B"… in order of first appearance in the file (the same person is the same letter
  throughout one file; letters are not stable between two files). Their platform ids are never
  shown. Each author's full name, their first name (3 letters or more) and their platform id
  are masked as a whole word wherever they appear in the texts of this file (the title and
  the close notes too). **Officers' names are kept** in
  both forms: they are the team's own actions, and a court or a partner agency needs to know
  who did what. Other names inside what people typed (a neighbour, a nickname, an address)
  cannot be found reliably: the header says so plainly, and the file must be read before it
  is shared.
- Words purged by retention are shown as "[words withheld]".
- Everything a person or an officer typed is HTML-escaped; the file has inline CSS only, no
  scripts, no fonts and no links to anything outside it, so it opens and prints offline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from socialdesk import paths
from socialdesk.core.models import close_note_said, to_iso
from socialdesk.core.store import Store
from socialdesk.core.store import timeline as queries
from socialdesk.core.store.audit_log import chain_head
from socialdesk.errors import UserError

WITHHELD = "[words withheld]"
NO_WORDS = "[no words: a sticker, photo or link]"
UNKNOWN_PERSON = "unknown person"
#: How long the post an item sits under may be in the file.
POST_CHARS = 160
#: Audit actions about an item that a timeline leaves out: the notes show as notes, the
#: rest is the desk's own bookkeeping.
NOT_SHOWN = frozenset({"note", "timeline_export"})


@dataclass(frozen=True)
class Step:
    """One thing the team did about an item: when (local text), who, what."""

    at: str
    who: str
    what: str


@dataclass(frozen=True)
class Entry:
    """One report or concern with what happened to it."""

    item_id: int
    at: str
    kind: str
    category: str
    urgent: bool
    language: str
    author: str
    text: str
    post: str
    status: str
    actions: tuple[Step, ...] = ()
    answers: tuple[Step, ...] = ()
    notes: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Timeline:
    """A whole timeline, ready to render."""

    title: str
    names: bool
    exported_by: str
    exported_at: str
    zone: str
    entries: tuple[Entry, ...]
    chat_left_out: int
    period: tuple[str, str] | None
    audit_rows: int
    audit_head: str
    people: tuple[str, ...] = field(default=())


def when(moment: str | None, zone: ZoneInfo) -> str:
    """A stored UTC time as the team reads it: "Mon 23 Nov 2026 13:54"."""
    if not moment:
        return ""
    wall = datetime.fromisoformat(moment).astimezone(zone)
    return f"{wall:%a} {wall.day} {wall:%b %Y %H:%M}"


def _letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA …"""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


class Pseudonyms:
    """Stable "Person A", "Person B"… for the authors of one file, and the masking of their
    names in texts."""

    def __init__(self) -> None:
        self._by_key: dict[str, str] = {}
        self._names: dict[str, str] = {}   # a name or a platform id → its pseudonym

    def of(self, item: dict[str, Any]) -> str:
        """The pseudonym of an item's author (unknown when purged or missing)."""
        key = item.get("author_id") or item.get("author_name")
        if not key:
            return UNKNOWN_PERSON
        key = str(key)
        if key not in self._by_key:
            self._by_key[key] = f"Person {_letters(len(self._by_key))}"
        label = self._by_key[key]
        name = " ".join(str(item.get("author_name") or "").split())
        if name:
            self._names.setdefault(name, label)
        if item.get("author_id") and len(str(item["author_id"])) >= 3:
            self._names.setdefault(str(item["author_id"]), label)
        return label

    def mask(self, text: str) -> str:
        """``text`` with each known author's full name, then first name, and platform id
        replaced by their pseudonym (whole words, any case). Other names stay: see the module
        docstring."""
        swaps: list[tuple[str, str]] = []
        for name, label in self._names.items():
            swaps.append((name, label))
            first = name.split()[0]
            if len(first) >= 3 and first != name:
                swaps.append((first, label))
        for name, label in sorted(swaps, key=lambda swap: -len(swap[0])):
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", label, text,
                          flags=re.IGNORECASE)
        return text


def _payload(row: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(row.get("payload") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def describe(action: str, data: dict[str, Any], mask: Callable[[str], str] = str,
             close_note: str | None = None) -> str:
    """An audit row about an item in plain words (officer names kept; no words of a note;
    ``mask`` applies to what an officer typed, the close note: the item's, for its latest
    close, since the log keeps a note's length only)."""
    after = data.get("after") if isinstance(data.get("after"), dict) else {}
    assert isinstance(after, dict)
    if action in ("claim", "assign"):
        return f"{'claimed by' if action == 'claim' else 'assigned to'} {after.get('assignee')}"
    if action == "release":
        return "released to the team"
    if action == "reclassify":
        flag = ", urgent" if after.get("urgent") else ""
        return f"reclassified as {after.get('category')}{flag}"
    if action == "close":
        return f"closed ({after.get('close_reason')}{close_note_said(after, close_note, mask)})"
    if action == "reopen":
        return "reopened"
    if action == "snooze":
        return "snoozed"
    if action == "unsnooze" or action == "snooze_ended":
        return "back from snooze"
    if action.startswith("queue_"):
        return f"{action[6:].replace('_', ' ')} queued"
    if action == "covered":
        return f"answered together with #{data.get('by')}"
    if action == "duplicate":
        return f"marked a duplicate of #{data.get('of')}"
    if action == "merge":
        return f"merged duplicates {', '.join('#' + str(i) for i in data.get('merged', []))}"
    if action in ("tag", "untag"):
        verb = "tagged" if action == "tag" else "untagged"
        return f"{verb} {' '.join('#' + str(t) for t in data.get('tags', []))}"
    if action == "undo":
        return f"undid the {data.get('undone')}"
    if action == "acknowledged":
        return "automatic out-of-hours acknowledgement queued"
    if action == "escalated":
        return "escalated to the supervisors (urgent, unclaimed)"
    return action.replace("_", " ")


def _text(row: dict[str, Any], masked: Pseudonyms | None) -> str:
    if row.get("purged_at"):
        return WITHHELD
    text = str(row.get("text") or "")
    if not text.strip():
        return NO_WORDS
    return masked.mask(text) if masked else text


def build(store: Store, item_ids: Sequence[int], title: str, names: bool, actor: str,
          zone: ZoneInfo, now: datetime) -> Timeline:
    """The timeline of the chosen items (reports and concerns, oldest first), read in the
    caller's transaction so that the audit head matches what was read. An unknown id, or no
    report or concern at all, is one sentence."""
    wanted = sorted({int(i) for i in item_ids})
    if not wanted:
        raise UserError("There are no items to put in a timeline.")
    rows = queries.timeline_items(store, wanted)
    missing = sorted(set(wanted) - {int(row["id"]) for row in rows})
    if missing:
        raise UserError(f"There is no item {missing[0]}.")
    chat = {int(row["id"]) for row in rows if row["category"] == "chat" or row["from_page"]}
    rows = [row for row in rows if int(row["id"]) not in chat]
    if not rows:
        raise UserError(f"None of the {len(wanted)} items is a report or a concern (chat is "
                        "left out), so there is no timeline to make.")
    ids = [int(row["id"]) for row in rows]
    history = queries.timeline_history(store, ids)
    notes = queries.timeline_notes(store, ids)
    answers = queries.timeline_answers(store, ids)
    people = Pseudonyms()
    authors = {int(row["id"]): people.of(row) for row in rows}   # letters in time order
    masked = None if names else people
    entries = []
    for row in rows:
        item_id = int(row["id"])
        if names:
            author = " ".join(str(row["author_name"] or "").split()) or UNKNOWN_PERSON
        else:
            author = authors[item_id]
        # a comment sits under a post; a private message does not
        post = "" if row["purged_at"] or row["kind"] != "comment" else \
            " ".join(str(row["post_message"] or "").split())
        if masked:
            post = masked.mask(post)
        if len(post) > POST_CHARS:
            post = post[:POST_CHARS - 1] + "…"
        closes = [h for h in history[item_id] if h["action"] == "close"]
        steps = [Step(when(h["at"], zone), str(h["actor"]),
                      describe(h["action"], _payload(h), masked.mask if masked else str,
                               row["close_note"] if closes and h is closes[-1] else None))
                 for h in history[item_id] if h["action"] not in NOT_SHOWN]
        if row["first_response_at"] and not any(a["sent_at"] == row["first_response_at"]
                                                 for a in answers[item_id]):
            steps.append(Step(when(row["first_response_at"], zone),
                              str(row["first_response_by"] or "the page"),
                              "first answered on the page"))
        sent = [Step(when(a["sent_at"] or a["created_at"], zone),
                     f"{a['created_by'] or 'socialdesk'}, {str(a['action']).replace('_', ' ')}"
                     f"{' (automatic)' if a['automatic'] else ''}, {a['status']}",
                     _text(a, masked))
                for a in answers[item_id] if a["action"] not in ("hide", "unhide")]
        entries.append(Entry(
            item_id, when(row["created_at"], zone), str(row["kind"]),
            str(row["category"] or "not classified yet"), bool(row["urgent"]),
            str(row["language"] or "?"), author, _text(row, masked), post, str(row["status"]),
            tuple(steps), tuple(sent),
            tuple(Step(when(n["at"], zone), str(n["author"]), _text(n, masked))
                  for n in notes[item_id])))
    audit_rows, audit_head = chain_head(store)
    title = " ".join(title.split()) or "Evidence timeline"
    return Timeline(
        title=masked.mask(title) if masked else title, names=names, exported_by=actor,
        exported_at=when(to_iso(now), zone), zone=zone.key, entries=tuple(entries),
        chat_left_out=len(chat), period=(entries[0].at, entries[-1].at),
        audit_rows=audit_rows, audit_head=audit_head,
        people=tuple(dict.fromkeys(authors.values())))


def export_path(folder: Path, names: bool, now: datetime) -> Path:
    """A new file name in ``folder``: timeline-20261123-1400[-named].html (-2, -3… if taken;
    the time is UTC so that two exports never depend on the clock change)."""
    stem = f"timeline-{now:%Y%m%d-%H%M%S}{'-named' if names else ''}"
    return paths.unused_file(folder, stem, ".html")
