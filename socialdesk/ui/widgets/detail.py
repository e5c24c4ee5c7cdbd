"""The detail pane: one item in full, as plain text, with its context and history."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from socialdesk.core.desk.people import contact_line
from socialdesk.core.desk.referrals import describe_referral
from socialdesk.core.media import (
    Attachment,
    attachment_lines,
    attachments_from_json,
    open_on_page,
    row_text,
)
from socialdesk.core.models import to_iso, utc_now
from socialdesk.core.triage.actions import describe_history
from socialdesk.core.triage.when import show_when
from socialdesk.ui.format import full_time, marker_banner, one_line, user_text

LANGUAGE_NAME = {"en": "English", "cy": "Welsh (Cymraeg)", "mixed": "Welsh and English"}


def _heading(text: str) -> Text:
    return Text(f"\n{text}\n", style="bold underline")


def describe_item(item: dict[str, Any], zone: ZoneInfo) -> Text:
    """The whole detail of an item as one Rich Text (user text literal, never markup)."""
    out = Text()
    when = full_time(item["created_at"], zone)
    if item.get("urgent") and item.get("status") in ("new", "claimed"):
        out.append(" URGENT — if someone is in danger now: 999 ", style="bold white on red")
        out.append("\n")
    person = item.get("person") or {}
    for marker in person.get("markers") or []:
        out.append_text(marker_banner(marker, utc_now().astimezone(zone).date().isoformat()))
        out.append("\n")
    out.append(f"#{item['id']} {item['kind']} ", style="bold")
    out.append(f"from {one_line(item.get('author_name'), '(unknown)')} ", style="bold")
    out.append(f"at {when}  ·  {item['status']}")
    if item.get("assignee"):
        out.append(f"  ·  with {item['assignee']}", style="italic")
    if item.get("deleted_at"):
        out.append("  ·  deleted on the page", style="yellow")
    out.append("\n")
    if person and (person["total"] > 1 or len(person["ids"]) > 1):   # a first contact: quiet
        out.append(f"{contact_line(person)}", style="bold" if person["earlier"] else "dim")
        linked = len(person["ids"]) - 1
        if linked:
            out.append(f" (with {linked} linked id{'s' if linked != 1 else ''})", style="dim")
        out.append("  ·  P: contact history\n", style="dim")
    out.append_text(_snoozed(item, zone))
    out.append_text(_classification(item))
    out.append_text(_tags(item))
    attachments = attachments_from_json(item.get("attachments"))
    out.append_text(_heading("Message"))
    if item.get("text"):
        out.append_text(user_text(item["text"]))
    elif attachments:
        out.append("(no words: only what is attached, below)", style="dim italic")
    else:
        out.append("(no text: a sticker or photo)", style="dim italic")
    out.append("\n")
    out.append_text(_media(attachments, item.get("permalink_url")))
    if item.get("post_message"):
        out.append_text(_heading("Under the post"))
        out.append_text(user_text(item["post_message"], style="italic"))
        out.append("\n")
    out.append_text(_thread(item, zone))
    out.append_text(_notes(item, zone))
    out.append_text(_referrals(item, zone))
    out.append_text(_history(item, zone))
    return out


def _media(attachments: list[Attachment], permalink: object) -> Text:
    """What is attached (type, size, dimensions, link) and where the item is on the page, all
    plain text: URLs from the page are shown, never made into markup or live links."""
    out = Text()
    if attachments:
        out.append_text(_heading(f"Attached ({len(attachments)})"))
        for line in attachment_lines(attachments):
            out.append_text(user_text(line + "\n", style="dim" if line.startswith(" ") else ""))
    link = open_on_page(permalink)
    if link:
        out.append("\n")
        out.append_text(user_text(link + "\n", style="italic"))
    return out


def _snoozed(item: dict[str, Any], zone: ZoneInfo) -> Text:
    """"Snoozed until Tue 8 Dec 09:00 by ann (note)" while the snooze lasts."""
    until = item.get("snoozed_until")
    if not until or until <= to_iso(utc_now()) or item.get("status") not in ("new", "claimed"):
        return Text()
    out = Text(f"Snoozed until {show_when(until, zone)} by ", style="bold magenta")
    out.append_text(user_text(one_line(item.get("snoozed_by"), "?"), style="bold magenta"))
    if item.get("snooze_note"):
        out.append(" (")
        out.append_text(user_text(one_line(item["snooze_note"])))
        out.append(")")
    out.append("\n")
    return out


def _notes(item: dict[str, Any], zone: ZoneInfo) -> Text:
    """The officers' internal notes on the item (never sent to the page)."""
    notes = item.get("notes") or []
    if not notes:
        return Text()
    out = _heading("Notes (internal)")
    for note in notes:
        out.append(f"{full_time(note['at'], zone)}  ", style="dim")
        out.append_text(user_text(one_line(note["author"]), style="bold"))
        out.append(": ")
        out.append_text(user_text(note["text"]) if note["text"]
                        else Text("(removed: past the retention period)", style="dim italic"))
        out.append("\n")
    return out


def _referrals(item: dict[str, Any], zone: ZoneInfo) -> Text:
    """The item's referrals to partner agencies, each with where it is (awaiting ones
    stand out)."""
    referrals = item.get("referrals") or []
    if not referrals:
        return Text()
    out = _heading("Referrals to partners")
    for row in referrals:
        style = "" if row["state"] == "acknowledged" else "bold yellow"
        out.append_text(user_text(describe_referral(row, zone), style=style))
        out.append("\n")
    return out


def _tags(item: dict[str, Any]) -> Text:
    """The item's tags, the tags its text suggests (not applied: an officer accepts them),
    and what it was merged with."""
    out = Text()
    if item.get("tags"):
        out.append("\ntags: ", style="bold")
        out.append(" ".join(f"#{tag}" for tag in item["tags"]), style="bold yellow")
    if item.get("suggested_tags"):
        out.append("\nsuggested tags (not applied; # to tag): ", style="dim")
        out.append(" ".join(f"#{tag}" for tag in item["suggested_tags"]), style="dim italic")
    if item.get("places"):   # gazetteer names, but kept plain text like everything shown
        out.append("\nplaces: ", style="bold")
        out.append(" · ".join(place["name"] + (" (in the post)" if place["source"] == "post"
                                               else "") for place in item["places"]))
    if item.get("duplicate_of"):
        out.append(f"\nduplicate of #{item['duplicate_of']}", style="italic")
    if item.get("duplicates"):
        out.append("\nmerged duplicates: " + ", ".join(f"#{i}" for i in item["duplicates"]),
                   style="italic")
    return out


def _classification(item: dict[str, Any]) -> Text:
    out = Text()
    if not item.get("category"):
        out.append("Not classified yet (the model is loading or has not seen it).",
                   style="dim italic")
        return out
    out.append(f"{item['category']}", style="bold")
    confidence = item.get("confidence")
    if confidence is not None:
        out.append(f" ({confidence:.0%} sure)")
    if item.get("probabilities"):
        try:
            probabilities = json.loads(item["probabilities"])
            out.append("   " + "  ".join(f"{k} {v:.2f}" for k, v in probabilities.items()),
                       style="dim")
        except (ValueError, AttributeError, TypeError):
            pass
    out.append(f"   language: {LANGUAGE_NAME.get(item.get('language') or '', '?')}")
    if item.get("urgent"):
        out.append_text(_urgent_reason(item))
    return out


def _urgent_reason(item: dict[str, Any]) -> Text:
    """Who made the item urgent: an officer (named), the model's cues, or the model's score."""
    out = Text("\nurgent", style="bold red")
    cues = json.loads(item.get("urgent_cues") or "[]")
    if item.get("urgent_set_by"):
        out.append(" — set by ")
        out.append_text(user_text(str(item["urgent_set_by"])))
        if cues:
            out.append(" (the model's cues: ")
            out.append_text(user_text("; ".join(str(c) for c in cues)))
            out.append(")")
    elif cues:
        out.append(" — cues: ")
        out.append_text(user_text("; ".join(str(c) for c in cues)))
    else:
        out.append(" — by the model" if item.get("model_version") else " — not classified")
    return out


def _thread(item: dict[str, Any], zone: ZoneInfo) -> Text:
    messages = [m for m in item.get("thread", []) if m["id"] != item["id"]]
    if not messages:
        return Text()
    out = _heading("Conversation" if item.get("thread_id") else "Replies")
    for message in item.get("thread", []):
        who = "page" if message["from_page"] else one_line(message.get("author_name"), "?")
        marker = "▶ " if message["id"] == item["id"] else "  "
        out.append(f"{marker}{full_time(message['created_at'], zone)} {who}: ",
                   style="bold cyan" if message["from_page"] else "bold")
        out.append_text(user_text(row_text(message.get("text"),
                                           attachments_from_json(message.get("attachments")))))
        out.append("\n")
    return out


def _history(item: dict[str, Any], zone: ZoneInfo) -> Text:
    out = _heading("History")
    out.append(f"{full_time(item['created_at'], zone)}  received\n", style="dim")
    history = item.get("history", [])
    last_close = max((n for n, row in enumerate(history) if row["action"] == "close"),
                     default=None)
    for n, row in enumerate(history):
        out.append(f"{full_time(row['at'], zone)}  {row['actor']}  ")
        note = item.get("close_note") if n == last_close else None
        out.append(describe_history(row["action"], row["payload"], zone, note) + "\n")
    for entry in item.get("outbox", []):
        out.append(f"{full_time(entry['created_at'], zone)}  {entry['created_by']}  "
                   f"{entry['action'].replace('_', ' ')}: {entry['status']}", style="italic")
        if entry.get("last_error"):
            out.append_text(user_text(f" ({one_line(entry['last_error'])})", style="yellow"))
        out.append("\n")
    if item.get("first_response_at"):
        out.append(f"{full_time(item['first_response_at'], zone)}  first response"
                   f" by {item.get('first_response_by') or 'the page'}\n", style="green")
    return out


class DetailPane(VerticalScroll):
    """Scrollable detail of the selected item."""

    DEFAULT_CSS = """
    DetailPane { height: 40%; border-top: heavy $primary; padding: 0 1; }
    DetailPane > Static { width: 1fr; }
    """

    def __init__(self, zone: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.zone = zone
        self.item: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        """One Static holding the text."""
        yield Static(Text("Select an item to see it in full.", style="dim"), id="detail-body")

    def show(self, item: dict[str, Any] | None) -> None:
        """Show an item (None: nothing selected)."""
        self.item = item
        body = self.query_one("#detail-body", Static)
        if item is None:
            body.update(Text("Select an item to see it in full.", style="dim"))
            return
        body.update(describe_item(item, self.zone))
