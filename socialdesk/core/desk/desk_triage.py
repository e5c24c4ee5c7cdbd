"""The façade's inbox and triage: the inbox lists, an item's detail, places and people's items,
tags and bulk actions, and the officer's actions on one item (each checked and audited).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from socialdesk.core.desk import access
from socialdesk.core.desk.desk_base import already_there
from socialdesk.core.desk.desk_page import PageWork
from socialdesk.core.desk.places import Hotspot
from socialdesk.core.models import (
    DeskCounts,
    FacetCounts,
    InboxFilter,
)
from socialdesk.core.outbox import sender as outbox
from socialdesk.core.store import inbox
from socialdesk.core.store import tags as item_tags
from socialdesk.core.store.outbox import entry_status
from socialdesk.core.triage import actions as triage
from socialdesk.core.triage import replies
from socialdesk.core.triage import tags as tagging
from socialdesk.core.triage.tag_hints import suggest_tags


class TriageWork(PageWork):
    """The inbox and every officer action on its items (answers go through the page's
    outbox)."""

    # ── the inbox and triage ─────────────────────────────────────────────────────────────

    def inbox_ids(self, chosen: InboxFilter, limit: int | None = None) -> list[int]:
        """Ids of the items an inbox filter shows, in inbox order (urgent, then SLA risk);
        with ``limit``, the first ones only (as fast at a million items as at a hundred)."""
        return inbox.inbox_ids(self.store, chosen, self.actor, limit)

    def inbox_rows(self, ids: list[int]) -> dict[int, dict[str, object]]:
        """Table rows of the given items, by id."""
        return inbox.inbox_rows(self.store, ids)

    def facet_counts(self, chosen: InboxFilter) -> FacetCounts:
        """How many items each filter choice would show."""
        return inbox.facet_counts(self.store, chosen, self.actor)

    def desk_counts(self) -> DeskCounts:
        """Open, mine and open-urgent counts for the status bar."""
        return inbox.desk_counts(self.store, self.actor)

    def item_detail(self, item_id: int) -> dict[str, object] | None:
        """An item with its post, thread, outbox entries and history, its tags and the tags
        its text suggests (``suggested_tags``: shown for an officer to accept, never
        stored)."""
        item = inbox.item_detail(self.store, item_id)
        if item is not None:
            item["tags"] = item_tags.tags_of(self.store, [item_id]).get(item_id, [])
            item["suggested_tags"] = suggest_tags(str(item.get("text") or ""),
                                                  self.config.tags, set(item["tags"]))
            item["duplicates"] = item_tags.duplicates_of(self.store, item_id)
            item["places"] = self.places.of_item(item_id)
            #: the person's earlier contacts and any safeguarding marker in force
            item["person"] = self.people.contacts(
                str(item["author_id"]) if item.get("author_id") else None,
                str(item["created_at"]))
            item["referrals"] = self.referrals.of_item(item_id)
        return item

    # ── places ───────────────────────────────────────────────────────────────────────────

    def hotspots(self, since: datetime | None = None, until: datetime | None = None,
                 category: str | None = None) -> list[Hotspot]:
        """Reports and concerns by place, ranked, with the previous period's counts and
        weekly spark lines (see :meth:`PlacesDesk.hotspots`)."""
        return self.places.hotspots(since, until, category)

    def place_items(self, place_id: str) -> list[dict[str, object]]:
        """The items that name a place, newest first, as dicts (id, created_at, kind,
        category, urgent, language, text, status, first_response_at, first_response_by,
        assignee, close_reason)."""
        return self.places.items(place_id)

    def person_items(self, author_id: str) -> list[dict[str, object]]:
        """Every public item of the person ``author_id`` belongs to (all their linked ids),
        newest first: id, created_at, kind, category, urgent, language, text, status,
        first_response_at, first_response_by, assignee, close_reason, post_id, thread_id (and
        author_id, author_name, purged_at, the first answer sent: answer, answer_by)."""
        return self.people.items(author_id)

    # ── tags and bulk actions ────────────────────────────────────────────────────────────

    def tags_in_use(self) -> dict[str, int]:
        """How many public items carry each tag (configured tags with none included)."""
        counts = item_tags.tag_counts(self.store)
        return {**{name: 0 for name in self.config.tags.names}, **counts}

    def suggested_tags(self, item_id: int) -> list[str]:
        """The tags an item's text suggests that it does not carry yet (nothing is stored)."""
        item = self.item_detail(item_id)
        return list(item["suggested_tags"]) if item else []  # type: ignore[call-overload]

    def suggest_tags(self, texts: Iterable[str]) -> list[str]:
        """The tags any of these texts suggests, in the configured order (nothing stored)."""
        found = {name for text in texts for name in suggest_tags(text, self.config.tags)}
        return [name for name in self.config.tags.names if name in found]

    def tag(self, item_ids: Sequence[int], tags: Sequence[str]) -> tagging.BatchUndo:
        """Put tags on one or several items (names or either label of a configured tag; an
        unknown one is refused in one sentence). One transaction, one undo."""
        self.require(access.Permission.TAG)
        names = tagging.resolve_tags(self.config.tags, tags)
        return tagging.tag_items(self.store, self.actor, item_ids, names)

    def untag(self, item_ids: Sequence[int], tags: Sequence[str]) -> tagging.BatchUndo:
        """Take tags off one or several items."""
        self.require(access.Permission.TAG)
        names = tagging.resolve_tags(self.config.tags, tags, removing=True)
        return tagging.untag_items(self.store, self.actor, item_ids, names)

    def close_items(self, item_ids: Sequence[int], reason: str, note: str = ""
                    ) -> tagging.BatchUndo:
        """Close several items with one reason (items that cannot be closed are skipped and
        named in ``skipped``)."""
        self.require(access.Permission.CLOSE)
        return tagging.close_many(self.store, self.actor, item_ids, reason, note)

    def assign_items(self, item_ids: Sequence[int], officer: str) -> tagging.BatchUndo:
        """Give several items to a member of the team (supervisors only)."""
        self.require(access.Permission.ASSIGN)
        if officer not in self.team.members():
            raise triage.ActionRefused(f"{officer} is not a member of this desk "
                                       "(socialdesk members list).")
        return tagging.assign_many(self.store, self.actor, item_ids, officer)

    def merge(self, primary: int, duplicates: Sequence[int]) -> tagging.BatchUndo:
        """Mark items as duplicates of ``primary`` (see
        :func:`socialdesk.core.triage.tags.merge_duplicates`)."""
        self.require(access.Permission.MERGE)
        return tagging.merge_duplicates(self.store, self.actor, primary, duplicates)

    def claim(self, item_id: int) -> triage.Undo:
        """Take an item; refused with the holder's name when someone else has it."""
        self.require("claim")
        return triage.claim(self.store, self.actor, item_id)

    def release(self, item_id: int) -> triage.Undo:
        """Give an item back to the team."""
        self.require("release")
        supervisor = self.role == access.SUPERVISOR
        return triage.release(self.store, self.actor, item_id, supervisor)

    def assign(self, item_id: int, officer: str) -> triage.Undo:
        """Give an item to a member of the team (supervisors only)."""
        self.require("assign")
        if officer not in self.team.members():
            raise triage.ActionRefused(f"{officer} is not a member of this desk "
                                       "(socialdesk members list).")
        return triage.assign(self.store, self.actor, item_id, officer)

    def reclassify(self, item_id: int, category: str, urgent: bool) -> triage.Undo:
        """Correct an item's category/urgency (kept as a correction for retraining)."""
        self.require("reclassify")
        record = triage.reclassify(self.store, self.actor, item_id, category, urgent)
        self.fill_due_times()
        return record

    def close_item(self, item_id: int, reason: str, note: str = "") -> triage.Undo:
        """Close an item with an honest reason (see :func:`triage.close`)."""
        self.require("close")
        return triage.close(self.store, self.actor, item_id, reason, note)

    def reopen(self, item_id: int) -> triage.Undo:
        """Open a closed item again."""
        self.require("reopen")
        return triage.reopen(self.store, self.actor, item_id)

    def answer(self, item_id: int, text: str, action: outbox.Action,
               covers: Sequence[int] = (), close_after: bool = False) -> triage.Undo:
        """Queue a reply, private reply or hide, claiming the item for you if it is free
        (``covers``, ``close_after``: see :meth:`queue_answer`).

        Refused when another officer holds the item, so that nobody answers twice, and when
        the very same answer is already waiting or has gone (saying which).
        """
        self.require(action.value.replace("_", " "))
        if action.answers and not text.strip():
            raise triage.ActionRefused("The answer is empty; write something first.")
        with self.store.write():  # claim and queue together, or neither
            claimed = triage.claim(self.store, self.actor, item_id)
            entry, new = self.queue_answer(item_id, action, text, covers=covers,
                                           close_after=close_after)
            if not new:
                raise triage.ActionRefused(already_there(action, entry,
                                                         entry_status(self.store, entry)))
        return triage.Undo(action.value, item_id, claimed.before, claimed.after,
                           outbox_id=entry)

    def snooze(self, item_id: int, until: str | datetime, note: str = "") -> triage.Undo:
        """Take an open item out of To do until ``until`` ("tomorrow 09:00", "+2h", a time…);
        refused for an urgent one (see :meth:`FollowUpDesk.snooze`)."""
        return self.followup.snooze(item_id, until, note)

    def unsnooze(self, item_id: int) -> triage.Undo:
        """Bring a snoozed item back to To do now."""
        return self.followup.unsnooze(item_id)

    def add_note(self, item_id: int, text: str) -> tuple[int, list[str]]:
        """An internal note on an item; @mentioned members are notified."""
        return self.followup.add_note(item_id, text)

    def undo(self, record: triage.Undo | tagging.BatchUndo) -> str:
        """Reverse an action while it is still safe (refused with the reason otherwise);
        returns what was done. A hide that has gone to the page is undone by showing the
        comment again (an unhide is queued). A bulk action is undone whole, or not at all."""
        self.require("undo")
        if isinstance(record, tagging.BatchUndo):
            tagging.undo_batch(self.store, self.actor, record)
            self.fill_due_times()
            return f"Undone: {record.describe()}."
        if record.action == outbox.Action.HIDE.value and record.outbox_id is not None and \
                entry_status(self.store, record.outbox_id) != "queued":
            self.queue_answer(record.item_id, outbox.Action.UNHIDE)
            return f"The comment #{record.item_id} will show again on the page within seconds."
        triage.undo(self.store, self.actor, record)
        self.fill_due_times()
        return f"Undone: {record.action.replace('_', ' ')} of #{record.item_id}."

    def draft_reply(self, item: dict[str, object],
                    action: outbox.Action | None = None) -> str:
        """The template answer for an item, in its language (both for mixed, Welsh first), for
        the channel ``action`` uses (default: a public reply to a comment, an answer in the
        conversation to a message).

        An item the model has not seen yet has no language: it is detected here from the text,
        so a Welsh message never gets an English draft just because the model is loading.
        """
        from socialdesk.core.classify.language import detect_language

        language = item.get("language") or detect_language(str(item.get("text") or ""))
        return replies.draft_reply(
            str(item["category"]) if item.get("category") else None, bool(item.get("urgent")),
            str(language), (action or outbox.Action.REPLY) is outbox.Action.REPLY
            and item.get("kind") == "comment",
            str(item["author_name"]) if item.get("author_name") else None,
            self.config.team.name)

    def members(self) -> list[str]:
        """The desk's members (for assigning)."""
        return sorted(self.team.members())
