"""The façade's work with the page: importing files, syncing, queuing answers and sending the
outbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from socialdesk.core.desk import access
from socialdesk.core.desk.desk_base import DeskBase
from socialdesk.core.desk.events import SyncPhase, SyncView
from socialdesk.core.desk.intake import ImportReport, import_file
from socialdesk.core.desk.model import CLASSIFY_BATCH
from socialdesk.core.graph.client import GraphClient
from socialdesk.core.ingest.sync import PAGE_STATE, PageSync, SyncReport
from socialdesk.core.models import (
    Progress,
)
from socialdesk.core.outbox import sender as outbox
from socialdesk.core.store.cursors import SyncState, get_state
from socialdesk.core.store.items import find_item_id, items_by_platform_ids
from socialdesk.core.store.outbox import newest_entries, open_items_of_thread
from socialdesk.core.triage import actions as triage
from socialdesk.errors import UserError


class PageWork(DeskBase):
    """Bringing items in (import, sync) and sending answers out (the outbox)."""

    # ── bringing items in ────────────────────────────────────────────────────────────────

    def import_file(self, path: str | Path, progress: Progress | None = None) -> ImportReport:
        """Import a JSONL or CSV file (see :func:`socialdesk.core.desk.intake.import_file`):
        new items inserted, duplicates counted, bad lines listed, retention applied."""
        report = import_file(self.context, Path(path), progress)
        self.places.tag_new()
        return report

    # ── the page ─────────────────────────────────────────────────────────────────────────

    def sync_once(self, full: bool | None = None, client: GraphClient | None = None,
                  progress: Progress | None = None) -> SyncReport:
        """One sync pass of the page into the DB (recorded in the audit log); members only.
        ``progress`` hears (posts done, posts in the window) as their comments are
        committed; a stop keeps them (see :meth:`PageSync.run`)."""
        self.require(access.Permission.RUN_JOBS)

        def recorded(report: SyncReport) -> None:   # with the pass's outcome, atomically
            self.context.record("sync", self.config.page.id, {
                "full": report.full, "new": len(report.new), "updated": report.updated,
                "deleted": report.deleted, "answered": report.answered,
                "requests": report.requests, "error": report.error})

        with self.context.graph(client) as graph:
            report = PageSync(self.store, graph, self.config.page,
                              retention_days=self.policy.retention_days).run(full, recorded,
                                                                             progress)
        if self.model.auto_classify and report.new:   # a page now (urgent first); a bigger
            self.model.classify_pending(train_if_missing=True,  # backlog is classified by
                                        limit=CLASSIFY_BATCH)    # its own job, with progress
        self.fill_due_times()
        self.places.tag_new()
        if report.new:   # someone who wrote again brings their snoozed item back
            self.followup.wake()
        return report

    def sync_status(self) -> SyncState:
        """Last success, last error and back-off of the page sync."""
        return get_state(self.store, PAGE_STATE)

    def sync_view(self) -> SyncView:
        """The sync's state as the status bar shows it (from the database: another process
        may be the one syncing)."""
        if not self.config.page.id:
            return SyncView(SyncPhase.OFF)
        state = self.sync_status()
        if state.last_error:
            return SyncView(SyncPhase.PROBLEM, " ".join(state.last_error.split())[:80])
        if state.last_success_at:
            return SyncView(SyncPhase.OK,
                            last_success=datetime.fromisoformat(state.last_success_at))
        return SyncView(SyncPhase.STARTING)

    def find_item(self, ref: str) -> int:
        """The DB id of an item given as its number or its platform id."""
        item_id = find_item_id(self.store, ref)
        if item_id is None:
            raise UserError(f"There is no item '{ref}'.")
        return item_id

    def items_by_platform_id(self, platform_ids: list[str]) -> list[dict[str, object]]:
        """The items with these platform ids (e.g. a sync's new ones), oldest first."""
        return items_by_platform_ids(self.store, platform_ids)

    def data_version(self) -> int:
        """A number that changes whenever another connection commits to the database (poll
        it to notice other officers' and processes' changes)."""
        return self.store.data_version()

    def queue_answer(self, item_id: int, action: outbox.Action, text: str = "",
                     language: str | None = None, covers: Sequence[int] = (),
                     close_after: bool = False) -> tuple[int, bool]:
        """Queue a reply, private message, hide or unhide; returns (outbox id, newly queued).

        ``covers``: other open items of the same Messenger thread that the officer says this
        answer also answers; they become answered when it is sent (nothing else in a thread
        changes by itself). Refused for an item that is not one of those. ``close_after``:
        the item is closed as answered once the answer has gone (send and close).
        """
        self.require(action.value.replace("_", " "))
        allowed = {row["id"] for row in self.thread_open_items(item_id)}
        strays = sorted(set(covers) - allowed)
        if strays:
            raise triage.ActionRefused(f"Item {strays[0]} is not an open item of this "
                                       "conversation, so this answer cannot cover it.")
        with self.store.write():   # the entry and its audit rows, or neither
            entry, new = outbox.queue(self.store, item_id, action, text, self.actor, language,
                                      covers=sorted(set(covers)), close_after=close_after)
            if new:
                self.context.record(f"queue_{action.value}", str(item_id),
                                    {"outbox": entry, "chars": len(text),
                                     "covers": sorted(set(covers))})
                for covered in sorted(set(covers)):
                    self.context.record("covered", str(covered),
                                        {"by": item_id, "outbox": entry})
        return entry, new

    def thread_open_items(self, item_id: int) -> list[dict[str, object]]:
        """The other open items of the person in this item's Messenger thread, oldest first
        (what an answer to this item may also cover)."""
        return open_items_of_thread(self.store, item_id)

    def send_outbox(self, client: GraphClient | None = None) -> outbox.SendReport:
        """Send what is queued (recorded in the audit log when anything happened); members
        only."""
        self.require(access.Permission.RUN_JOBS)
        with self.context.graph(client) as graph:
            report = outbox.OutboxSender(self.store, graph, self.config.page.id).run()
        if report.sent or report.failed or report.uncertain:
            self.context.record("send", self.config.page.id, {
                "sent": report.sent, "failed": report.failed, "uncertain": report.uncertain},
                actor="system")
        return report

    def resend(self, entry_id: int) -> None:
        """Put an uncertain/failed outbox entry back in the queue (a person decided)."""
        self.require("resend")
        with self.store.write():
            outbox.resend(self.store, entry_id)
            self.context.record("resend", str(entry_id), {})

    def outbox_entries(self, limit: int = 50) -> list[dict[str, object]]:
        """The newest outbox entries with their item's platform id."""
        return newest_entries(self.store, limit)
