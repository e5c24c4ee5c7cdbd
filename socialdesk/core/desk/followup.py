"""Follow-up (``desk.followup`` and ``desk.handover``): snoozing an item until a time, notes on
items that mention members, and the handover notes between shifts.

A snooze is a time on the item: the inbox compares it with now, so the item is back in To do
when the time passes whether or not anything runs. The background jobs (the worker, or a
dashboard holding the lease) then end the snooze — which also tells the officer who snoozed it,
once (a notice with a unique key) — and end it early when the person writes again.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from socialdesk.core.audit.hours import StaffedClock
from socialdesk.core.desk import access
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.models import Status, to_iso, utc_now
from socialdesk.core.store import followup, notifications, team
from socialdesk.core.store.items import item_exists
from socialdesk.core.store.settings import read_setting, write_setting
from socialdesk.core.triage import actions as triage
from socialdesk.core.triage.when import parse_when, show_when
from socialdesk.errors import UserError

#: "@name" in a note: an account name (letters, digits, . _ -), not part of an e-mail address.
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_][A-Za-z0-9_.-]*)")
NOTE_MAX = 2000
HANDOVER_MAX = 4000
#: a member's first dashboard shows the handover notes of this long before it
FIRST_START_LOOKBACK = timedelta(hours=24)
#: how much of a note a notice quotes
QUOTE = 80


def quote(text: str, width: int = QUOTE) -> str:
    """The start of a note, on one line."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def mentions_in(text: str) -> list[str]:
    """The names a note mentions with @, in order, once each."""
    found: list[str] = []
    for match in MENTION.finditer(text):
        name = match.group(1).rstrip(".-")
        if name and name not in found:
            found.append(name)
    return found


class FollowUpDesk:
    """Snoozes and notes for the acting officer; the snooze job for the background jobs."""

    def __init__(self, context: DeskContext) -> None:
        self.context = context

    def next_shift(self, now: datetime | None = None) -> datetime | None:
        """When the next staffed shift starts after ``now`` (None: no shifts configured)."""
        now = now or utc_now()
        clock = StaffedClock(self.context.config.staffed_hours, self.context.config.team.zone)
        if clock.never_staffed:
            return None
        day = now.astimezone(self.context.config.team.zone).date()
        for ahead in range(60):
            for begin, _end in clock.intervals_on(day + timedelta(days=ahead)):
                if begin > now:
                    return begin
        return None

    def when(self, text: str, now: datetime | None = None) -> datetime:
        """The moment (UTC) a snooze typed as ``text`` ends (BadWhen: one sentence)."""
        now = now or utc_now()
        return parse_when(text, now, self.context.config.team.zone, self.next_shift(now))

    def snooze(self, item_id: int, until: str | datetime, note: str = "") -> triage.Undo:
        """Snooze an open, non-urgent item until ``until`` (a time or what people type)."""
        self.context.require(access.Permission.SNOOZE)
        moment = self.when(until) if isinstance(until, str) else until
        return triage.snooze(self.context.store, self.context.actor, item_id, moment, note)

    def unsnooze(self, item_id: int) -> triage.Undo:
        """Bring a snoozed item back to To do now."""
        self.context.require(access.Permission.UNSNOOZE)
        return triage.unsnooze(self.context.store, self.context.actor, item_id)

    def next_back(self) -> str | None:
        """When the next snoozed item is back in To do (ISO UTC; None: nothing is snoozed),
        so that an open dashboard shows it then, even if nothing else changes."""
        return followup.next_snooze_end(self.context.store, to_iso(utc_now()))

    def add_note(self, item_id: int, text: str) -> tuple[int, list[str]]:
        """An internal note on an item (in its history, never sent to the page); each member
        it @mentions is notified. An unknown @name is refused, listing the members. Returns
        (note id, the names mentioned)."""
        self.context.require(access.Permission.NOTE)
        text = text.strip()
        if not text:
            raise triage.ActionRefused("The note is empty; write something first.")
        if len(text) > NOTE_MAX:
            raise triage.ActionRefused(f"A note holds at most {NOTE_MAX} characters; this one "
                                       f"has {len(text)}.")
        store, actor = self.context.store, self.context.actor
        typed = mentions_in(text)
        with store.write():
            members = sorted(self._members())
            by_lower = {m.lower(): m for m in members}   # @Gethin is gethin
            unknown = [name for name in typed if name.lower() not in by_lower]
            mentioned = list(dict.fromkeys(by_lower[n.lower()] for n in typed
                                           if n.lower() in by_lower))
            if unknown:
                raise triage.ActionRefused(
                    f"@{unknown[0]} is not a member of this desk; mention one of: "
                    f"{', '.join('@' + m for m in members)}.")
            if not item_exists(store, item_id):
                raise triage.ActionRefused(f"There is no item {item_id}.")
            at = to_iso(utc_now())
            note_id = followup.add_note(store, item_id, actor, at, text, mentioned)
            self.context.record("note", str(item_id), {"note": note_id, "chars": len(text),
                                                       "mentions": mentioned})
            for name in mentioned:
                if name != actor:
                    notifications.add_notice(
                        store, f"mention:{note_id}:{name}", name, "mention",
                        f"{actor} mentioned you on #{item_id}: {quote(text)}", at, item_id)
        return note_id, mentioned

    def _members(self) -> set[str]:
        return set(team.members(self.context.store))

    def wake(self, now: datetime | None = None) -> list[int]:
        """The snooze job: end the snoozes whose time has come and those whose person wrote
        again, each telling the officer who snoozed it once; returns the items back in To do
        (open ones)."""
        now = now or utc_now()
        store, zone = self.context.store, self.context.config.team.zone
        back: list[int] = []
        with store.write():
            ended = [(row, "time") for row in followup.snoozes_over(store, to_iso(now))]
            ended += [(row, "wrote") for row in followup.snoozes_broken(store, to_iso(now))]
            for row, why in ended:
                triage.end_snooze(store, row["id"], why, row.get("by_item"))
                if row["status"] not in (Status.NEW.value, Status.CLAIMED.value):
                    continue
                back.append(row["id"])
                if row["snoozed_by"]:
                    notifications.add_notice(
                        store, f"snooze:{row['id']}:{row['snoozed_until']}", row["snoozed_by"],
                        "snooze_back", self._back_text(row, why, zone), to_iso(now), row["id"])
        return back

    @staticmethod
    def _back_text(row: dict[str, Any], why: str, zone: Any) -> str:
        note = f" — your note: {quote(row['snooze_note'], 60)}" if row["snooze_note"] else ""
        if why == "wrote":
            return (f"#{row['id']} is back in To do: the person wrote again (#{row['by_item']})"
                    f" before {show_when(row['snoozed_until'], zone)}{note}")
        return (f"#{row['id']} is back in To do: snoozed until "
                f"{show_when(row['snoozed_until'], zone)}{note}")


class HandoverDesk:
    """Handover notes for the next shift, shown to each member at their next sign-in."""

    def __init__(self, context: DeskContext) -> None:
        self.context = context

    def write(self, text: str) -> int:
        """A handover note for the next shift (members); its id."""
        self.context.require(access.Permission.HANDOVER)
        text = text.strip()
        if not text:
            raise UserError("The handover note is empty; write what the next shift needs to "
                            "know.")
        if len(text) > HANDOVER_MAX:
            raise UserError(f"A handover note holds at most {HANDOVER_MAX} characters; this "
                            f"one has {len(text)}.")
        store = self.context.store
        with store.write():
            note_id = followup.add_handover(store, self.context.actor, to_iso(utc_now()), text)
            self.context.record("handover", str(note_id), {"chars": len(text)})
        return note_id

    def recent(self, limit: int = 10) -> list[dict[str, Any]]:
        """The newest handover notes, newest first (``limit`` 0: all)."""
        self.context.require(access.Permission.USE)
        return followup.handover_notes(self.context.store, None, limit or -1)

    def _start_key(self) -> str:
        return f"dashboard_started:{self.context.actor}"

    def since_last_start(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """A member opens the dashboard: the handover notes by others written since their
        last dashboard start (the last day's on their first), newest first; this start is
        remembered for the next."""
        self.context.require(access.Permission.USE)
        if self.context.role not in (access.OFFICER, access.SUPERVISOR):
            return []   # not on a shift: read-only accounts read them with H
        now = now or utc_now()
        store = self.context.store
        last = read_setting(store, self._start_key()).get("at")
        since = last if isinstance(last, str) else to_iso(now - FIRST_START_LOOKBACK)
        notes = [n for n in followup.handover_notes(store, since, 20)
                 if n["author"] != self.context.actor]
        with store.write():
            write_setting(store, self._start_key(), {"at": to_iso(now)})
        return notes
