"""The façade the CLI and the dashboard call: the inbox, triage, the page, supervision.

A :class:`Desk` binds a validated :class:`Config` to a database file and the acting OS user
(a :class:`~socialdesk.core.desk.context.DeskContext`). Safety posts are ``desk.posts``
(:class:`SafetyPostDesk`) and the classifier ``desk.model`` (:class:`ModelDesk`), both on the
same context. Everything here works without Textual; every action checks the user's role first
and is written to the audit log.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from socialdesk import paths
from socialdesk.config import Config
from socialdesk.core.audit import chain, exports, metrics, retention
from socialdesk.core.audit import timeline as evidence
from socialdesk.core.audit.anchor import Anchor, anchor_file, read_anchors, record_anchor
from socialdesk.core.desk import access
from socialdesk.core.desk.alerts import AlertsDesk
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.desk.dropin import DropinDesk
from socialdesk.core.desk.events import SyncPhase, SyncView
from socialdesk.core.desk.followup import FollowUpDesk, HandoverDesk
from socialdesk.core.desk.intake import ImportReport, import_file
from socialdesk.core.desk.listening import ListeningDesk
from socialdesk.core.desk.model import CLASSIFY_BATCH, ModelDesk
from socialdesk.core.desk.notices import NoticesDesk
from socialdesk.core.desk.people import PeopleDesk
from socialdesk.core.desk.places import Hotspot, PlacesDesk
from socialdesk.core.desk.referrals import ReferralDesk
from socialdesk.core.desk.reply_library import ReplyLibraryDesk
from socialdesk.core.desk.safety_posts import SafetyPostDesk
from socialdesk.core.desk.scrutiny import ScrutinyDesk
from socialdesk.core.desk.team import TeamDesk
from socialdesk.core.graph.client import GraphClient
from socialdesk.core.ingest.sync import PAGE_STATE, PageSync, SyncReport
from socialdesk.core.models import (
    DeskCounts,
    FacetCounts,
    InboxFilter,
    Progress,
    to_iso,
    utc_now,
)
from socialdesk.core.outbox import sender as outbox
from socialdesk.core.store import Store, inbox, settings
from socialdesk.core.store import tags as item_tags
from socialdesk.core.store.audit_log import chain_head
from socialdesk.core.store.cursors import SyncState, get_state
from socialdesk.core.store.items import author_of, find_item_id, items_by_platform_ids
from socialdesk.core.store.outbox import entry_status, newest_entries, open_items_of_thread
from socialdesk.core.store.settings import DEMO, write_setting
from socialdesk.core.store.timeline import items_of_author
from socialdesk.core.triage import actions as triage
from socialdesk.core.triage import replies
from socialdesk.core.triage import tags as tagging
from socialdesk.core.triage.tag_hints import suggest_tags
from socialdesk.errors import UserError


def is_demo_database(path: Path) -> bool:
    """Whether the database file at ``path`` was made by `socialdesk demo` (read only)."""
    return settings.is_demo_database(path)


def already_there(action: outbox.Action, entry: int, status: str | None) -> str:
    """Why queuing this answer added nothing: the same one is waiting, or has gone."""
    noun = "answer" if action.answers else action.value
    if status in ("queued", "sending"):
        return (f"The same {noun} is already waiting to go out (outbox #{entry}); nothing new "
                "was queued.")
    return (f"The same {noun} has already gone to the page (outbox #{entry}); change the words "
            "to send another.")


class Desk:
    """socialdesk's services for one config, one database and one acting user."""

    def __init__(self, config: Config, db_path: str | Path | None = None,
                 actor: str | None = None, create: bool = True) -> None:
        self.context = DeskContext(config, db_path, actor, create)
        #: scheduled safety posts: drafts, approval, timing, publishing, the crisis pause
        self.posts = SafetyPostDesk(self.context)
        #: the classifier: loading, classifying what waits, building the full model
        self.model = ModelDesk(self.context)
        #: members and roles, and the team's policy, as the database holds them
        self.team = TeamDesk(self.context)
        #: what the jobs and other officers tell this user in every open dashboard
        self.notices = NoticesDesk(self.context)
        #: out-of-hours acknowledgements, SLA alerts, escalations (a background job)
        self.alerts = AlertsDesk(self.context, self.notices)
        #: the reply library: templates officers pick in the composer, kept by supervisors
        self.library = ReplyLibraryDesk(self.context)
        #: snoozes, notes on items with @mentions
        self.followup = FollowUpDesk(self.context)
        #: handover notes for the next shift
        self.handover = HandoverDesk(self.context)
        #: the places items name, and the hotspots by place and week
        self.places = PlacesDesk(self.context)
        #: people: contact history across linked ids, links, safeguarding markers
        self.people = PeopleDesk(self.context)
        #: referrals of items to partner agencies: written as files, tracked to acknowledged
        self.referrals = ReferralDesk(self.context)
        #: the scrutiny pack: a quarter's figures for the accountability board (supervisors)
        self.scrutiny = ScrutinyDesk(self.context)
        #: community listening: what people raise, as topics by month and place
        self.listening = ListeningDesk(self.context, self.model, self.places)
        #: drop-in sessions: planned windows of live answers, announced through ``posts``
        self.dropins = DropinDesk(self.context, self.posts, self.notices)

    @property
    def config(self) -> Config:
        """The validated configuration."""
        return self.context.config

    @property
    def db_path(self) -> Path:
        """The database file."""
        return self.context.db_path

    @property
    def actor(self) -> str:
        """The acting user."""
        return self.context.actor

    @property
    def role(self) -> access.Role:
        """The acting user's role: officer, supervisor, read-only or none."""
        return self.context.role

    @property
    def policy(self) -> access.Policy:
        """The team's policy (approval, retention, unknown accounts), from the database."""
        return self.context.policy

    @property
    def store(self) -> Store:
        """This thread's connection to the database."""
        return self.context.store

    def close(self) -> None:
        """Close this thread's connection, if open (a worker thread's last step)."""
        self.context.close()

    def session(self) -> AbstractContextManager[None]:
        """A block of work on a worker thread; its connection is closed at the end."""
        return self.context.session()

    def mark_demo(self) -> None:
        """Mark this database as a demo one (`socialdesk demo` may replace it later; it
        refuses any database without the mark)."""
        with self.store.write():
            write_setting(self.store, DEMO, {"demo": True})

    def require(self, action: str) -> None:
        """Refuse (AccessDenied, one sentence) unless the acting user may take ``action``."""
        self.context.require(action)

    def fill_due_times(self) -> int:
        """Compute when the first response is due for items that have no due time yet."""
        return self.context.fill_due_times()

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

    # ── supervision: reports, audit log, retention ───────────────────────────────────────

    def report(self, since: datetime | None = None, until: datetime | None = None,
               by: Iterable[str] = metrics.DIMENSIONS, now: datetime | None = None,
               progress: Progress | None = None) -> metrics.Report:
        """Response-time report for a window (anyone with access may look); ``progress``
        gets (items read, items in the window)."""
        if self.role == access.NO_ACCESS:
            self.require("see reports")
        self.fill_due_times()
        return metrics.build_report(self.store, self.config, since, until, now, by, progress)

    def export_report(self, report: metrics.Report, path: str | Path) -> int:
        """Write a report as CSV (supervisors; spreadsheet-formula safe); return rows."""
        self.require("export")
        with self.store.write():   # the audit row is kept only with the file written
            rows = exports.write_report_csv(report, Path(path))
            self.context.record("export", Path(path).name,
                                {"rows": rows, "since": str(report.since),
                                 "until": str(report.until), "audit_rows": report.audit_rows,
                                 "audit_head": report.audit_head})
        return rows

    # ── evidence timelines ───────────────────────────────────────────────────────────────

    def items_of_author(self, item_id: int) -> list[int]:
        """The public items of the person who wrote ``item_id``, newest first: every linked id
        of theirs (:meth:`person_items`), or — for imported items with no platform id — the
        items under the same name; empty when the author is unknown."""
        author = author_of(self.store, item_id)
        if author:
            return [int(str(row["id"])) for row in self.person_items(author)]
        return items_of_author(self.store, item_id)

    def _timeline(self, item_ids: Sequence[int], title: str,
                  names: bool) -> tuple[evidence.Timeline, str]:
        self.require(access.Permission.TIMELINE_NAMED if names else access.Permission.TIMELINE)
        built = evidence.build(self.store, item_ids, title, names, self.actor,
                               self.config.team.zone, utc_now())
        return built, evidence.render_html(built)

    def timeline(self, item_ids: Sequence[int], title: str, names: bool) -> str:
        """The evidence timeline of the items (reports and concerns, oldest first) as one
        self-contained printable HTML document; with ``names`` a supervisor's only. Nothing
        is recorded: only an export leaves the desk."""
        return self._timeline(item_ids, title, names)[1]

    def export_timeline(self, item_ids: Sequence[int], title: str, names: bool,
                        path: str | Path | None = None) -> Path:
        """Write the evidence timeline to ``path`` (default: a new file in
        ``<data dir>/exports/``), private to the desk, and record the export in the audit
        chain (who, how many items, names or not, the file's SHA-256: never its content)."""
        self.require(access.Permission.TIMELINE_NAMED if names else access.Permission.TIMELINE)
        with self.store.write():   # the head in the file is the one the export row follows
            built, page = self._timeline(item_ids, title, names)
            document = page.encode("utf-8")
            target = Path(path) if path else evidence.export_path(
                paths.private_dir(paths.data_dir() / "exports"), names, utc_now())
            try:
                with os.fdopen(paths.write_private(target), "wb") as handle:
                    handle.write(document)
            except OSError as exc:
                raise UserError(f"Cannot write {target}: {exc.strerror}.") from None
            self.context.record("timeline_export", target.name, {
                "items": len(built.entries), "chat_left_out": built.chat_left_out,
                "names": names, "sha256": hashlib.sha256(document).hexdigest(),
                "bytes": len(document)})
        return target

    def verify_audit(self, anchor_files: Sequence[Path] = (),
                     progress: Progress | None = None) -> chain.Verification:
        """Walk the audit chain, checking it against the desk's anchor file and any others
        given; an intact chain is anchored again (so the next check knows its length).
        ``progress`` gets (rows checked, rows) as the walk goes."""
        anchors = [a for path in (anchor_file(self.db_path), *anchor_files)
                   for a in read_anchors(path)]
        result = chain.verify(self.store, anchors, progress)
        if result.ok:
            self.anchor_audit_chain()
        return result

    def anchor_audit_chain(self) -> Anchor:
        """Record the chain's row count and head outside the database: the anchor file and the
        system log (the background jobs do this every hour)."""
        rows, head = chain_head(self.store)
        return record_anchor(rows, head, anchor_file(self.db_path))

    def purge(self, dry_run: bool = False, now: datetime | None = None,
              progress: Progress | None = None) -> retention.PurgeReport:
        """Blank personal data older than the retention period (supervisors), in committed
        batches; ``progress`` gets (items purged, items to purge)."""
        self.require("purge")
        return self._purge(self.actor, dry_run, now, progress)

    def purge_expired(self) -> retention.PurgeReport:
        """The scheduled retention job (acts as "system", whoever runs the worker), with the
        database's retention policy."""
        return self._purge("system", False, None)

    def _purge(self, actor: str, dry_run: bool, now: datetime | None,
               progress: Progress | None = None) -> retention.PurgeReport:
        def recorded(result: retention.PurgeReport) -> None:   # in each batch's transaction
            self.context.record("purge", "items", {
                "items": result.items, "answers": result.answers, "notes": result.notes,
                "cutoff": to_iso(result.cutoff)}, actor=actor)

        result = retention.purge(self.store, self.policy.retention_days, now or utc_now(),
                                 dry_run, recorded, progress)
        return replace(result, files=self._purge_exports(actor, result))

    def _purge_exports(self, actor: str, result: retention.PurgeReport) -> int:
        """Remove the exports/ files written before the cutoff (count them on a dry run); the
        removal is recorded in the audit chain (how many, never their names)."""
        old = paths.old_exports(result.cutoff.timestamp())
        if result.dry_run or not old:
            return len(old)
        removed = 0
        for path in old:
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:
                continue
        with self.store.write():
            self.context.record("purge_exports", "files", {
                "files": removed, "cutoff": to_iso(result.cutoff)}, actor=actor)
        return removed
