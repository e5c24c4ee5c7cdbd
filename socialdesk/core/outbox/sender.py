"""The outbox: officers' replies, private messages and hides, sent to the page exactly once.

Each entry has an idempotency key (item + action + text), so queuing the same answer twice
adds nothing. Sending claims the entry (queued → sending) in a transaction before the POST.
A POST that may have been applied is never simply repeated:

- answered with a server error (5xx, code 1/2 — Facebook sometimes applies it anyway): the
  entry is ``failed`` with ``check_page`` set, and the next attempt looks on the page first
  (found → sent; the page cannot be read → no POST, the attempt counts);
- no answer at all (timeout after sending, reset, unreadable answer), or left in ``sending``
  by a crash: the page is searched at once; found → sent, not found → ``uncertain``, for a
  person to check and resend.

A page check accepts only a node written by the page with the same text, created after the
entry's first claim (less :data:`CLOCK_SLACK`) and not already linked to another entry.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from socialdesk.core.graph.client import (
    CLOCK_SLACK,
    GraphClient,
    GraphError,
    GraphPermissionError,
    RateLimitedError,
    TokenExpiredError,
    TransientError,
    UncertainOutcome,
    parse_fb_time,
)
from socialdesk.core.models import to_iso, utc_now
from socialdesk.core.store import outbox as entries
from socialdesk.core.store.db import Store
from socialdesk.core.store.items import get_item
from socialdesk.errors import UserError

log = logging.getLogger("socialdesk.outbox")

MAX_ATTEMPTS = 5
STALE_SENDING = timedelta(minutes=2)
MESSAGING_WINDOW = timedelta(hours=24)
PRIVATE_REPLY_WINDOW = timedelta(days=7)


class Action(StrEnum):
    """What an outbox entry does on the page."""

    REPLY = "reply"                  # public reply under a comment
    PRIVATE_REPLY = "private_reply"  # private message to a comment's author (once, 7 days)
    MESSAGE = "message"              # answer in a Messenger thread
    HIDE = "hide"                    # hide a comment
    UNHIDE = "unhide"                # show a hidden comment again

    @property
    def answers(self) -> bool:
        """Whether it answers the item (a reply or message), rather than hiding or showing."""
        return self not in (Action.HIDE, Action.UNHIDE)


class OutboxError(UserError):
    """An answer that cannot be queued (wrong kind of item, empty text, duplicate…)."""


@dataclass
class SendReport:
    """What one sending round did."""

    sent: int = 0
    failed: int = 0
    uncertain: int = 0
    requeued: int = 0
    error: str | None = None
    details: list[str] = field(default_factory=list)


def idempotency_key(platform_id: str, action: Action, text: str, issue: int = 0) -> str:
    """Same item, same action, same text, same issue → same key (``issue`` counts the times
    the same answer was given again after an undo, or a hide after an unhide)."""
    body = [platform_id, action.value, " ".join(text.split())] + ([issue] if issue else [])
    return hashlib.sha256(json.dumps(body, ensure_ascii=False).encode("utf-8")).hexdigest()


def _still_counts(action: Action, status: str | None) -> bool:
    """Whether an earlier entry with the same key makes a new one a duplicate: one waiting or
    being sent always does; a sent answer does too (the same words twice would be a double
    post); a sent hide or unhide does not (it may be toggled back); a cancelled one never."""
    if status in ("queued", "sending"):
        return True
    return status not in (None, "cancelled") and action.answers


def _item(store: Store, item_id: int) -> dict[str, Any]:
    item = get_item(store, item_id)
    if item is None:
        raise OutboxError(f"There is no item {item_id}.")
    return item


def _check(item: dict[str, Any], action: Action, text: str, now: datetime) -> None:
    pid = item["platform_id"]
    on_page = item["source"] == "graph" and not pid.startswith(("noid:", "import:"))
    if action.answers and not text.strip():
        raise OutboxError("The answer is empty; write something to send.")
    if not on_page:
        raise OutboxError(f"Item {item['id']} did not come from the page (or has no id there),"
                          " so it cannot be answered on the page.")
    if action in (Action.REPLY, Action.HIDE, Action.UNHIDE, Action.PRIVATE_REPLY) and \
            item["kind"] != "comment":
        raise OutboxError(f"Item {item['id']} is a private message: answer it with a message.")
    if action is Action.MESSAGE and item["kind"] != "message":
        raise OutboxError(f"Item {item['id']} is a comment: reply to it publicly or privately.")
    if action in (Action.PRIVATE_REPLY, Action.MESSAGE) and not item["author_id"]:
        raise OutboxError(f"Item {item['id']} has no known author to message.")
    if action is Action.PRIVATE_REPLY and \
            item["created_at"] < to_iso(now - PRIVATE_REPLY_WINDOW):
        raise OutboxError("Facebook allows a private reply to a comment only within 7 days.")


def queue(store: Store, item_id: int, action: Action, text: str, actor: str,
          language: str | None = None, now: datetime | None = None,
          covers: Sequence[int] = (), close_after: bool = False,
          automatic: bool = False, send_before: str | None = None) -> tuple[int, bool]:
    """Queue an answer; returns (outbox id, True if new / False if already queued).
    ``covers``: other items of the thread that this answer also answers (an officer said so);
    ``automatic``: socialdesk's own acknowledgement, never counted as a first response, and
    never sent at or after ``send_before``."""
    moment = now or utc_now()
    item = _item(store, item_id)
    _check(item, action, text, moment)
    with store.write():
        issue = 0
        while True:
            key = idempotency_key(item["platform_id"], action, text, issue)
            existing = entries.entry_by_key(store, key)
            if existing is None:
                return entries.add_entry(store, item_id, action.value, text, language, key,
                                         actor, to_iso(moment), covers, close_after,
                                         automatic, send_before), True
            if _still_counts(action, entries.entry_status(store, existing)):
                return existing, False
            issue += 1


class OutboxSender:
    """Sends queued entries with one Graph client (one thread)."""

    def __init__(self, store: Store, client: GraphClient, page_id: str,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.client = client
        self.page_id = page_id
        self.clock = clock

    def run(self) -> SendReport:
        """Recover stale sends, then send what is queued (and failed entries worth a retry)."""
        report = SendReport()
        self._recover_stale(report)
        for entry_id in entries.sendable_ids(self.store, MAX_ATTEMPTS):
            if not self._claim(entry_id):
                continue  # another process took it
            if not self._send(entry_id, report):
                break
        return report

    def _entry(self, entry_id: int) -> dict[str, Any]:
        return entries.entry_with_item(self.store, entry_id)

    def _claim(self, entry_id: int) -> bool:
        return entries.claim_entry(self.store, entry_id, MAX_ATTEMPTS, to_iso(self.clock()))

    def _set(self, entry_id: int, status: str, **fields: Any) -> None:
        entries.set_entry(self.store, entry_id, status, to_iso(self.clock()), **fields)

    def _send(self, entry_id: int, report: SendReport) -> bool:
        """Send one claimed entry; False when the round must stop (token, rate limit)."""
        entry = self._entry(entry_id)
        if entry["check_page"] and self._found_before_retry(entry, report):
            return True
        stale = self._automatic_too_late(entry)
        if stale:
            self._set(entry_id, "cancelled", last_error=stale)
            report.details.append(f"#{entry_id}: {stale}")
            return True
        try:
            platform_id = self._post(entry)
        except UncertainOutcome as exc:
            if exc.answered:
                self._set(entry_id, "failed", last_error=str(exc), check_page=1)
                report.failed += 1
                report.details.append(f"#{entry_id}: {exc}; the page is checked before "
                                      "sending again")
                return True
            log.warning("outbox %d: outcome unknown (%s); checking the page", entry_id, exc)
            self._verify(entry, report)
            return True
        except (TokenExpiredError, RateLimitedError) as exc:
            entries.hand_back(self.store, entry_id)
            report.requeued += 1
            report.error = str(exc)
            return False
        except GraphPermissionError as exc:
            self._set(entry_id, "failed", last_error=str(exc), attempts=MAX_ATTEMPTS)
            report.failed += 1
            report.details.append(f"#{entry_id}: {exc}")
            return True
        except (TransientError, GraphError) as exc:
            self._set(entry_id, "failed", last_error=str(exc))
            report.failed += 1
            report.details.append(f"#{entry_id}: {exc}")
            return True
        self._mark_sent(entry, platform_id)
        report.sent += 1
        return True

    def _post(self, entry: dict[str, Any]) -> str:
        action, text = Action(entry["action"]), entry["text"]
        if action is Action.REPLY:
            body = self.client.post(f"/{entry['platform_id']}/comments", {"message": text})
            return str(body.get("id", ""))
        if not action.answers:
            hidden = "true" if action is Action.HIDE else "false"
            self.client.post(f"/{entry['platform_id']}", {"is_hidden": hidden})
            return entry["platform_id"]
        recipient = ({"comment_id": entry["platform_id"]} if action is Action.PRIVATE_REPLY
                     else {"id": entry["author_id"]})
        data = {"recipient": json.dumps(recipient), "message": json.dumps({"text": text}),
                "messaging_type": "RESPONSE"}
        if action is Action.MESSAGE and self._outside_window(entry):
            data.update(messaging_type="MESSAGE_TAG", tag="HUMAN_AGENT")
        body = self.client.post(f"/{self.page_id}/messages", data)
        return str(body.get("message_id", ""))

    def _automatic_too_late(self, entry: dict[str, Any]) -> str | None:
        """Why an automatic acknowledgement must not go out any more (None: it may): the
        team is back (it would say nobody is reading), or Messenger's 24-hour window has
        closed (it must never go out under the human-agent tag)."""
        if not entry.get("automatic"):
            return None
        if entry.get("send_before") and to_iso(self.clock()) >= entry["send_before"]:
            return "not sent: the team was back before it could go out"
        if Action(entry["action"]) is Action.MESSAGE and self._outside_window(entry):
            return "not sent: Messenger's 24-hour window had closed"
        return None

    def _outside_window(self, entry: dict[str, Any]) -> bool:
        last = entries.last_message_from_person(self.store, entry["thread_id"])
        return bool(last and last < to_iso(self.clock() - MESSAGING_WINDOW))

    def _mark_sent(self, entry: dict[str, Any], platform_id: str | None) -> None:
        entries.record_sent(self.store, entry, platform_id, to_iso(self.clock()),
                            answers_item=Action(entry["action"]).answers)

    # ── uncertain outcomes ───────────────────────────────────────────────────────────────

    def _recover_stale(self, report: SendReport) -> None:
        cutoff = to_iso(self.clock() - STALE_SENDING)
        for entry_id in entries.stale_sending_ids(self.store, cutoff):
            self._verify(self._entry(entry_id), report)

    def _found_before_retry(self, entry: dict[str, Any], report: SendReport) -> bool:
        """An earlier attempt may have been applied: True when the check settled the entry
        (found on the page → sent; page unreadable → failed, the attempt counted)."""
        try:
            found = self._find_on_page(entry, Action(entry["action"]))
        except (GraphError, UncertainOutcome) as exc:
            self._set(entry["id"], "failed", check_page=1,
                      last_error=f"could not check the page before sending again ({exc})")
            report.failed += 1
            return True
        if found is None:
            return False
        self._mark_sent(entry, found)
        report.sent += 1
        return True

    def _verify(self, entry: dict[str, Any], report: SendReport) -> None:
        """Look for the entry on the page: sent if found, else uncertain (or retry a hide)."""
        action = Action(entry["action"])
        if not action.answers:  # hiding (or showing) twice is harmless
            self._set(entry["id"], "queued", last_error="outcome unknown; hiding again")
            report.requeued += 1
            return
        try:
            found = self._find_on_page(entry, action)
        except (GraphError, UncertainOutcome) as exc:
            found, reason = None, f"could not check the page ({exc})"
        else:
            reason = "not found on the page after a send with unknown outcome"
        if found is not None:
            self._mark_sent(entry, found)
            report.sent += 1
            return
        self._set(entry["id"], "uncertain",
                  last_error=f"{reason}; check the page, then resend or cancel")
        report.uncertain += 1
        report.details.append(f"#{entry['id']}: uncertain — {reason}")

    def _find_on_page(self, entry: dict[str, Any], action: Action) -> str | None:
        """The id of this entry's answer on the page, if it is there (hides and unhides:
        the comment's own id, as hiding twice is harmless)."""
        if not action.answers:
            return None
        wanted = " ".join(entry["text"].split())
        since = datetime.fromisoformat(entry["first_claimed_at"] or entry["created_at"])
        taken = entries.linked_platform_ids(self.store, entry["id"])

        def ours(node: dict[str, Any]) -> bool:
            return self._is_ours(node, wanted, since - CLOCK_SLACK) and \
                str(node.get("id", "")) not in taken

        if action is Action.REPLY:
            params = {"filter": "stream", "fields": "id,message,from{id},created_time",
                      "limit": 100}
            for page in self.client.pages(f"/{entry['platform_id']}/comments", params):
                for node in page.data:
                    if ours(node):
                        return str(node.get("id", ""))
            return None
        psid = entry["author_id"]
        params = {"platform": "messenger", "user_id": psid,
                  "fields": "id,messages.limit(50){id,message,from,created_time}"}
        body = self.client.get(f"/{self.page_id}/conversations", params)
        for conversation in body.get("data") or []:
            messages = conversation.get("messages", {}) if isinstance(conversation, dict) else {}
            for node in messages.get("data") or []:
                if isinstance(node, dict) and ours(node):
                    return str(node.get("id", ""))
        return None

    def _is_ours(self, node: dict[str, Any], wanted: str, since: datetime) -> bool:
        """A node written by the page with exactly this text (whitespace-normalised), made at
        or after ``since``."""
        who = node.get("from")
        author = str(who.get("id")) if isinstance(who, dict) else None
        created = parse_fb_time(node.get("created_time"))
        return author == self.page_id and created is not None and created >= since and \
            " ".join(str(node.get("message", "")).split()) == wanted


def resend(store: Store, entry_id: int, now: datetime | None = None) -> None:
    """A person checked the page: put an uncertain or failed entry back in the queue."""
    with store.write():
        status = entries.entry_status(store, entry_id)
        if status is None:
            raise OutboxError(f"There is no outbox entry {entry_id}.")
        if status not in ("uncertain", "failed"):
            raise OutboxError(f"Outbox entry {entry_id} is {status}; only uncertain or failed "
                              "entries can be resent.")
        entries.requeue(store, entry_id, to_iso(now or utc_now()))
