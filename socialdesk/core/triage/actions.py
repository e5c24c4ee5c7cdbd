"""Officers' triage actions on items: claim, release, assign, reclassify, close, reopen, undo.

Every action reads, checks and writes inside one ``BEGIN IMMEDIATE`` transaction, so two
officers (two processes on one DB) can never both win a claim: the second is told who has the
item. Each action is written to the audit log with the item id as subject, and returns an
:class:`Undo` record that can reverse it only while nobody has touched the item since.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from socialdesk.core.models import (
    ANSWERED,
    ANSWERED_ELSEWHERE,
    CLOSE_REASONS,
    NOTE_REQUIRED,
    Category,
    Status,
    close_note_said,
    to_iso,
    utc_now,
)
from socialdesk.core.store import audit_log
from socialdesk.core.store.db import Store
from socialdesk.core.store.outbox import cancel_queued
from socialdesk.core.store.triage import (
    add_correction,
    delete_correction,
    set_triage_fields,
    triage_fields,
)
from socialdesk.core.triage.when import show_when
from socialdesk.errors import UserError


class ActionRefused(UserError):
    """The action cannot be taken on the item as it is now (one sentence says why)."""


@dataclass(frozen=True)
class Undo:
    """How to reverse one action: the item fields before and after it."""

    action: str
    item_id: int
    before: dict[str, Any]
    after: dict[str, Any]
    correction_id: int | None = None
    outbox_id: int | None = None


def _read(store: Store, item_id: int) -> dict[str, Any]:
    item = triage_fields(store, item_id)
    if item is None:
        raise ActionRefused(f"There is no item {item_id}.")
    return item


def _apply(store: Store, actor: str, action: str, item_id: int,
           decide: Callable[[dict[str, Any]], dict[str, Any]]) -> Undo:
    """Read the item, let ``decide`` refuse or choose the new fields, write them and log (a
    snooze's note only by its length: the audit log keeps no words of a note)."""
    with store.write():
        item = _read(store, item_id)
        if item["from_page"]:
            raise ActionRefused(f"Item {item_id} was written by the page itself; "
                                "act on the message it answers.")
        updates = decide(item)
        before = {key: item[key] for key in updates}
        if not updates:
            return Undo(action, item_id, {}, {})
        set_triage_fields(store, item_id, updates, to_iso(utc_now()))
        audit_log.append(store, actor, action, str(item_id),
                         {"before": logged_fields(before), "after": logged_fields(updates)})
    return Undo(action, item_id, before, updates)


#: Triage fields an officer types about people: the audit log keeps them by length only (the
#: chain is never purged; the item keeps the words until retention blanks them).
TYPED_NOTES = ("snooze_note", "close_note")


def logged_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Fields as the audit log keeps them: a snooze's or a close's note by its length only."""
    return {key: len(value) if key in TYPED_NOTES and isinstance(value, str) and value
            else value for key, value in fields.items()}


def _taken_by(item: dict[str, Any], officer: str) -> dict[str, Any]:
    """The fields of an item once an officer has it (a new item becomes claimed)."""
    status = Status.CLAIMED.value if item["status"] == Status.NEW.value else item["status"]
    return {"assignee": officer, "claimed_at": to_iso(utc_now()), "status": status}


def claim(store: Store, actor: str, item_id: int) -> Undo:
    """Take an item: it becomes yours. Refused with the holder's name if someone has it."""
    def decide(item: dict[str, Any]) -> dict[str, Any]:
        holder = item["assignee"]
        if holder == actor:
            return {}
        if holder:
            raise ActionRefused(f"Item {item_id} is already claimed by {holder}.")
        return _taken_by(item, actor)
    return _apply(store, actor, "claim", item_id, decide)


def release(store: Store, actor: str, item_id: int, supervisor: bool = False) -> Undo:
    """Give an item back to the team (yours, or anyone's for a supervisor)."""
    def decide(item: dict[str, Any]) -> dict[str, Any]:
        holder = item["assignee"]
        if not holder:
            return {}
        if holder != actor and not supervisor:
            raise ActionRefused(f"Item {item_id} is claimed by {holder}, not by you.")
        status = Status.NEW.value if item["status"] == Status.CLAIMED.value else item["status"]
        return {"assignee": None, "claimed_at": None, "status": status}
    return _apply(store, actor, "release", item_id, decide)


def assign(store: Store, actor: str, item_id: int, officer: str) -> Undo:
    """Give an item to an officer (a supervisor's action; the caller checks the role)."""
    def decide(item: dict[str, Any]) -> dict[str, Any]:
        return {} if item["assignee"] == officer else _taken_by(item, officer)
    return _apply(store, actor, "assign", item_id, decide)


def reclassify(store: Store, actor: str, item_id: int, category: str,
               urgent: bool) -> Undo:
    """Correct the category and urgency; the correction feeds the next training."""
    if category not in {c.value for c in Category}:
        raise ActionRefused(f"'{category}' is not a category (report, concern or chat).")
    correction: list[int] = []

    def decide(item: dict[str, Any]) -> dict[str, Any]:
        if item["purged_at"]:
            raise ActionRefused(f"Item {item_id} was purged; its text is gone.")
        correction.append(add_correction(store, item_id, item, category, urgent, actor,
                                         to_iso(utc_now())))
        return {"category": category, "urgent": int(urgent), "sla_due_at": None}
    undo = _apply(store, actor, "reclassify", item_id, decide)
    return Undo(undo.action, item_id, undo.before, undo.after, correction_id=correction[0])


def close_note(reason: str, note: str) -> str:
    """The note of a close with ``reason``, its whitespace folded; refused (one sentence)
    when the reason is not one of :data:`CLOSE_REASONS`, or needs a note and has none."""
    if reason not in CLOSE_REASONS:
        raise ActionRefused(f"'{reason}' is not a close reason ({', '.join(CLOSE_REASONS)}).")
    note = " ".join(note.split())
    if reason in NOTE_REQUIRED and not note:
        raise ActionRefused("Say how it was answered (a phone call, in person…) in the note.")
    return note


def close(store: Store, actor: str, item_id: int, reason: str, note: str = "") -> Undo:
    """Close an item with one of :data:`CLOSE_REASONS` (and a note where the reason needs one).

    The reasons stay honest: "answered" is refused when nothing answered the item on the page,
    and "answered elsewhere" needs a note saying how.
    """
    note = close_note(reason, note)

    def decide(item: dict[str, Any]) -> dict[str, Any]:
        if item["status"] == Status.CLOSED.value:
            raise ActionRefused(f"Item {item_id} is already closed.")
        if reason == ANSWERED and not item["first_response_at"]:
            raise ActionRefused(f"Nothing answered item {item_id} on the page, so it cannot be "
                                f"closed as '{ANSWERED}': choose '{ANSWERED_ELSEWHERE}' and "
                                "say how, or another reason.")
        return {"status": Status.CLOSED.value, "closed_at": to_iso(utc_now()),
                "close_reason": reason, "close_note": note or None}
    return _apply(store, actor, "close", item_id, decide)


def reopen(store: Store, actor: str, item_id: int) -> Undo:
    """Open a closed item again (answered if it had a reply, else new or claimed)."""
    def decide(item: dict[str, Any]) -> dict[str, Any]:
        if item["status"] != Status.CLOSED.value:
            raise ActionRefused(f"Item {item_id} is not closed.")
        status = (Status.ANSWERED if item["first_response_at"] else
                  Status.CLAIMED if item["assignee"] else Status.NEW).value
        reopened = {"status": status, "closed_at": None, "close_reason": None,
                    "close_note": None}
        if item.get("duplicate_of"):   # reopening a duplicate takes it out of the merge
            reopened["duplicate_of"] = None
        return reopened
    return _apply(store, actor, "reopen", item_id, decide)


#: The fields of an item that is not snoozed.
NOT_SNOOZED = {"snoozed_until": None, "snoozed_by": None, "snooze_note": None,
               "snoozed_at": None}


def snooze(store: Store, actor: str, item_id: int, until: datetime, note: str = "") -> Undo:
    """Take an open item out of To do until ``until`` (UTC, in the future); it comes back by
    itself then. An urgent item is refused: it must never leave To do by accident."""
    note = " ".join(note.split())
    now = utc_now()
    if until <= now:
        raise ActionRefused("A snooze must end in the future.")

    def decide(item: dict[str, Any]) -> dict[str, Any]:
        if item["status"] not in (Status.NEW.value, Status.CLAIMED.value):
            raise ActionRefused(f"Item {item_id} is {item['status']}; only open items can be "
                                "snoozed.")
        if item["urgent"]:
            raise ActionRefused(f"Item {item_id} is urgent, so it cannot be snoozed: it stays "
                                "in To do until someone deals with it.")
        return {"snoozed_until": to_iso(until), "snoozed_by": actor, "snooze_note": note or None,
                "snoozed_at": to_iso(now)}
    return _apply(store, actor, "snooze", item_id, decide)


def unsnooze(store: Store, actor: str, item_id: int) -> Undo:
    """Bring a snoozed item back to To do now (refused when it is not snoozed)."""
    def decide(item: dict[str, Any]) -> dict[str, Any]:
        if not item["snoozed_until"] or item["snoozed_until"] <= to_iso(utc_now()):
            raise ActionRefused(f"Item {item_id} is not snoozed.")
        return dict(NOT_SNOOZED)
    return _apply(store, actor, "unsnooze", item_id, decide)


def end_snooze(store: Store, item_id: int, why: str, by_item: int | None = None) -> None:
    """The system ends a snooze whose time came (or whose person wrote again): the item is
    back in To do; the audit log says why (inside the caller's transaction)."""
    with store.write():
        item = _read(store, item_id)
        if not item["snoozed_until"]:
            return
        set_triage_fields(store, item_id, dict(NOT_SNOOZED), to_iso(utc_now()))
        audit_log.append(store, "system", "snooze_ended", str(item_id),
                         {"why": why, "until": item["snoozed_until"],
                          "by": item["snoozed_by"], "item": by_item})


def undo(store: Store, actor: str, record: Undo) -> None:
    """Reverse an action if the item is still exactly as the action left it."""
    with store.write():
        if record.outbox_id is not None and \
                not cancel_queued(store, record.outbox_id, to_iso(utc_now())):
            raise ActionRefused("Too late to undo: the answer has already gone to the "
                                "page (or is being sent).")
        if record.after:
            item = _read(store, record.item_id)
            # sla_due_at is recomputed by the services after a reclassification: not a change.
            if any(item[key] != value for key, value in record.after.items()
                   if key != "sla_due_at"):
                raise ActionRefused(f"Cannot undo the {record.action} of item "
                                    f"{record.item_id}: it has changed since.")
            restore = {**record.before}
            if "sla_due_at" in restore:
                restore["sla_due_at"] = None
            set_triage_fields(store, record.item_id, restore, to_iso(utc_now()))
        if record.correction_id is not None:
            delete_correction(store, record.correction_id)
        audit_log.append(store, actor, "undo", str(record.item_id),
                         {"undone": record.action, "restored": logged_fields(record.before),
                          "outbox": record.outbox_id})


def describe_history(action: str, payload: str, zone: ZoneInfo | None = None,
                     close_note: str | None = None) -> str:
    """A short human description of an audit-log row about an item (times in ``zone``);
    ``close_note``: the item's close note, for its latest close (the log keeps a note's length,
    never its words)."""
    try:
        data = json.loads(payload or "{}")
    except ValueError:
        data = {}
    after = data.get("after", {}) if isinstance(data, dict) else {}
    if action in ("claim", "assign") and after.get("assignee"):
        return f"{action}ed → {after['assignee']}"
    if action == "reclassify" and after:
        flag = " urgent" if after.get("urgent") else ""
        return f"reclassified → {after.get('category')}{flag}"
    if action == "close" and after:
        return f"closed ({after.get('close_reason')}{close_note_said(after, close_note)})"
    if action == "snooze" and after.get("snoozed_until"):
        until = show_when(after["snoozed_until"], zone or ZoneInfo("UTC"))
        return f"snoozed until {until}" + (" (with a note)" if after.get("snooze_note") else "")
    if action == "snooze_ended" and isinstance(data, dict):
        return ("back from snooze: the person wrote again" if data.get("why") == "wrote"
                else "back from snooze")
    if action == "note" and isinstance(data, dict):
        mentioned = data.get("mentions") or []
        return "note" + (f" mentioning {', '.join(map(str, mentioned))}" if mentioned else "")
    if action in ("tag", "untag") and isinstance(data, dict):
        verb = "tagged" if action == "tag" else "untagged"
        return f"{verb} {' '.join('#' + str(t) for t in data.get('tags', []))}"
    if action == "merge" and isinstance(data, dict):
        return f"merged {', '.join('#' + str(i) for i in data.get('merged', []))}"
    if action == "duplicate" and isinstance(data, dict):
        return f"duplicate of #{data.get('of')} (closed)"
    if action == "covered" and isinstance(data, dict):
        return f"covered by the answer to #{data.get('by')}"
    if action == "link_person" and isinstance(data, dict):
        other = data.get("with_item")
        return ("linked with the person of " + (f"#{other}" if other else "another id")
                + " (one person)")
    if action == "unlink_person":
        return "this author's id unlinked from the person it was linked into"
    if action.startswith("undo_") and action.endswith("_person"):
        return f"{action[5:-7]} of this person's ids undone"
    if action == "referral" and isinstance(data, dict):
        grade = f", graded {data['grading']}" if data.get("grading") else ""
        return (f"referred to a partner: R{data.get('referral')} to {data.get('agency')} "
                f"(.{data.get('format')}{grade})")
    if action == "referral_sent" and isinstance(data, dict):
        return f"referral R{data.get('referral')} to {data.get('agency')} sent"
    if action == "referral_acknowledged" and isinstance(data, dict):
        ref = f" (their ref {data['partner_ref']})" if data.get("partner_ref") else ""
        return f"referral R{data.get('referral')} acknowledged by {data.get('agency')}{ref}"
    if action == "acknowledged":
        return "automatic out-of-hours acknowledgement queued (not a first response)"
    if action == "acknowledgement_skipped":
        return "no automatic acknowledgement possible"
    if action == "escalated":
        return "escalated to the supervisors: urgent and nobody had claimed it"
    if action.startswith("queue_"):
        return f"{action[6:].replace('_', ' ')} queued"
    return action
