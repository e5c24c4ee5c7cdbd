"""The one facade the CLI and the UI call. Everything here works without Textual.

A :class:`Desk` binds a validated :class:`Config` to a database file and the acting OS user.
It opens one :class:`Store` per thread on demand (SQLite connections must not cross threads).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from socialdesk import paths
from socialdesk.config import Config
from socialdesk.core.audit import chain, exports, metrics, retention
from socialdesk.core.audit.sla import SlaPolicy, fill_due_times
from socialdesk.core.classify.data import Example
from socialdesk.core.desk import access
from socialdesk.core.graph.client import GraphClient
from socialdesk.core.graph.token import load_token
from socialdesk.core.ingest.importer import ParsedLine, SkippedLine, read_import_file
from socialdesk.core.ingest.sync import PAGE_STATE, PageSync, SyncReport
from socialdesk.core.models import DeskCounts, FacetCounts, InboxFilter, Item, to_iso, utc_now
from socialdesk.core.outbox import sender as outbox
from socialdesk.core.store import Store, audit_log, inbox, open_store, predictions
from socialdesk.core.store.cursors import SyncState, get_state
from socialdesk.core.store.items import find_item_id, insert_new_items, items_by_platform_ids
from socialdesk.core.store.outbox import newest_entries
from socialdesk.core.store.settings import CONFIG_DIGEST, read_setting, write_setting
from socialdesk.core.triage import actions as triage
from socialdesk.core.triage import replies
from socialdesk.errors import UserError

if TYPE_CHECKING:
    from socialdesk.core.classify.service import Classifier, Prediction, TrainProgress
    from socialdesk.core.desk.safety_posts import PostDesk

IMPORT_BATCH = 2_000
CLASSIFY_BATCH = 256

#: Called with (lines done, lines in total) while a long job runs.
Progress = Callable[[int, int], None]


@dataclass
class ImportReport:
    """What an import did: new items, items already present, and the lines it could not read."""

    path: Path
    imported: int = 0
    duplicates: int = 0
    skipped: list[SkippedLine] = field(default_factory=list)

    @property
    def lines_read(self) -> int:
        """Lines that held a record (good or bad)."""
        return self.imported + self.duplicates + len(self.skipped)


def current_user() -> str:
    """The OS user acting (identity on the shared host)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


class Desk:
    """socialdesk's services for one config, one database and one acting user."""

    def __init__(self, config: Config, db_path: str | Path | None = None,
                 actor: str | None = None) -> None:
        self.config = config
        self.db_path = paths.db_file(db_path, config.database_path or None)
        self.actor = actor or current_user()
        self._local = threading.local()
        self._classifier: Classifier | None = None
        #: Classify new items as they are synced (a model must exist or be trainable).
        self.auto_classify = False
        self._classifier_lock = threading.Lock()
        self._config_recorded = False
        self.sla = SlaPolicy(config)
        self.role = access.role_of(config, self.actor)

    @property
    def store(self) -> Store:
        """This thread's connection to the database (opened and migrated on first use)."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.db_path)
            self._local.store = store
            if not self._config_recorded:
                self._config_recorded = True
                self._record_config(store)
        return store

    def _record_config(self, store: Store) -> None:
        """Audit a configuration change: the file's SHA-256 differs from the last one seen."""
        try:
            digest = hashlib.sha256(self.config.source.read_bytes()).hexdigest()
        except OSError:
            return
        if read_setting(store, CONFIG_DIGEST).get("sha256") == digest:
            return
        with store.write():
            if read_setting(store, CONFIG_DIGEST).get("sha256") == digest:
                return  # another process recorded it meanwhile
            write_setting(store, CONFIG_DIGEST, {"sha256": digest})
            audit_log.append(store, self.actor, "config", self.config.source.name,
                             {"sha256": digest, "path": str(self.config.source)})

    def close(self) -> None:
        """Close this thread's connection, if open."""
        store = getattr(self._local, "store", None)
        if store is not None:
            store.close()
            self._local.store = None

    def import_file(self, path: str | Path, progress: Progress | None = None) -> ImportReport:
        """Import a JSONL or CSV file: new items inserted, duplicates counted, bad lines listed.

        Each batch is committed on its own, so an interrupted import keeps what it committed
        and can simply be run again.
        """
        self.require("import")
        path = Path(path)
        events = read_import_file(path, self.config.team.zone)
        total = _count_lines(path) if progress else 0
        report = ImportReport(path)
        batch: list[Item] = []
        last_line = 0

        def flush() -> None:
            new = insert_new_items(self.store, batch)
            report.imported += new
            report.duplicates += len(batch) - new
            batch.clear()
            if progress:
                progress(last_line, total)

        for event in events:
            last_line = event.line
            if isinstance(event, ParsedLine):
                batch.append(event.item)
                if len(batch) >= IMPORT_BATCH:
                    flush()
            else:
                report.skipped.append(event)
        flush()
        self.fill_due_times()
        audit_log.append(self.store, self.actor, "import", str(path.name), {
            "imported": report.imported, "duplicates": report.duplicates,
            "skipped": len(report.skipped)})
        return report

    # ── the page ─────────────────────────────────────────────────────────────────────────

    def graph_client(self) -> GraphClient:
        """A Graph client for the configured page (token from env or 0600 file)."""
        page = self.config.page
        if not page.id:
            raise UserError(f"{self.config.source}: [page] id is not set, so there is no page "
                            "to talk to (socialdesk demo runs a fake one).")
        return GraphClient(page.graph_url, page.api_version, page.id, load_token(page),
                           timeout=page.timeout_seconds)

    @contextmanager
    def graph(self, client: GraphClient | None) -> Iterator[GraphClient]:
        """The given client, or a new one for the configured page, closed afterwards."""
        if client is not None:
            yield client
            return
        graph = self.graph_client()
        try:
            yield graph
        finally:
            graph.close()

    @property
    def posts(self) -> PostDesk:
        """Scheduled safety posts (drafts, approval, timing, publishing, the crisis pause)."""
        from socialdesk.core.desk.safety_posts import PostDesk

        return PostDesk(self)

    def sync_once(self, full: bool | None = None,
                  client: GraphClient | None = None) -> SyncReport:
        """One sync pass of the page into the DB (recorded in the audit log)."""
        with self.graph(client) as graph:
            report = PageSync(self.store, graph, self.config.page).run(full)
        if self.auto_classify and report.new:
            self.classify_pending(train_if_missing=True)
        self.fill_due_times()
        audit_log.append(self.store, self.actor, "sync", self.config.page.id, {
            "full": report.full, "new": len(report.new), "updated": report.updated,
            "deleted": report.deleted, "answered": report.answered,
            "requests": report.requests, "error": report.error})
        return report

    def sync_status(self) -> SyncState:
        """Last success, last error and back-off of the page sync."""
        return get_state(self.store, PAGE_STATE)

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
                     language: str | None = None) -> tuple[int, bool]:
        """Queue a reply, private message or hide; returns (outbox id, newly queued)."""
        self.require(action.value.replace("_", " "))
        entry, new = outbox.queue(self.store, item_id, action, text, self.actor, language)
        if new:
            audit_log.append(self.store, self.actor, f"queue_{action.value}", str(item_id),
                             {"outbox": entry, "chars": len(text)})
        return entry, new

    def send_outbox(self, client: GraphClient | None = None) -> outbox.SendReport:
        """Send what is queued (recorded in the audit log when anything happened)."""
        with self.graph(client) as graph:
            report = outbox.OutboxSender(self.store, graph, self.config.page.id).run()
        if report.sent or report.failed or report.uncertain:
            audit_log.append(self.store, "system", "send", self.config.page.id, {
                "sent": report.sent, "failed": report.failed, "uncertain": report.uncertain})
        return report

    def resend(self, entry_id: int) -> None:
        """Put an uncertain/failed outbox entry back in the queue (a person decided)."""
        self.require("resend")
        outbox.resend(self.store, entry_id)
        audit_log.append(self.store, self.actor, "resend", str(entry_id), {})

    def outbox_entries(self, limit: int = 50) -> list[dict[str, object]]:
        """The newest outbox entries with their item's platform id."""
        return newest_entries(self.store, limit)

    # ── classification ───────────────────────────────────────────────────────────────────

    def classifier(self, progress: TrainProgress | None = None,
                   train_if_missing: bool = True) -> Classifier | None:
        """The loaded model (trained first on a machine that has none, if allowed)."""
        from socialdesk.core.classify import service

        with self._classifier_lock:
            if self._classifier is None:
                folder = service.current_model_dir()
                if folder is None and not train_if_missing:
                    return None
                self._classifier = service.load_or_train(progress, self.corrections())
            return self._classifier

    def corrections(self) -> list[Example]:
        """Officers' reclassifications (the latest per item) as training examples."""
        rows = predictions.latest_corrections(self.store)
        return [Example(text=t, category=cat, urgent=bool(u), language=lang, kind=kind,
                        post=post, source="correction") for t, cat, u, lang, kind, post in rows]

    def needs_full_model(self) -> bool:
        """True when the model in use is the fast one and the config asks for the full one."""
        if not self.config.model.fine_tune_in_background:
            return False
        with self._classifier_lock:
            model = self._classifier
        return model is not None and model.finetuned is None

    def improve_model(self, progress: TrainProgress | None = None) -> Classifier | None:
        """Build the full model (fine-tuned MiniLM beside the fused one), switch to it and
        classify again the items nobody has touched; None when there was nothing to do."""
        if not self.needs_full_model():
            return None
        model = self.retrain(full=True, progress=progress)
        self.reclassify_untouched(model)
        return model

    def reclassify_untouched(self, model: Classifier) -> int:
        """Classify again, with ``model``, items still new, unclaimed and never corrected.

        An urgent flag is never taken away (only officers do that); a changed category gets
        its first-response due time again (the clock still runs from the item's arrival).
        """
        rows = predictions.untouched_items(self.store, model.version)
        for start in range(0, len(rows), CLASSIFY_BATCH):
            self._store_predictions(   # checked again: an officer may act while it classifies
                model, rows[start:start + CLASSIFY_BATCH], predictions.NEW_PREDICTION,
                only_untouched=True)
        self.fill_due_times()
        return len(rows)

    def classify_pending(self, train_if_missing: bool = False) -> int:
        """Classify items no model has seen yet; return how many. Officers' choices stay."""
        model = self.classifier(train_if_missing=train_if_missing)
        if model is None:
            return 0
        done = 0
        while True:
            rows = predictions.pending_items(self.store, CLASSIFY_BATCH)
            if not rows:
                return done
            self._store_predictions(model, rows, predictions.FIRST_PREDICTION)
            done += len(rows)
            self.fill_due_times()

    def _store_predictions(self, model: Classifier, rows: list[predictions.ItemText],
                           assignments: str, only_untouched: bool = False) -> None:
        """Classify ``rows`` and write the predictions in one transaction (see
        :func:`~socialdesk.core.store.predictions.write_predictions`)."""
        said = model.classify([r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows])
        predictions.write_predictions(
            self.store, [_prediction_row(row[0], p) for row, p in zip(rows, said, strict=True)],
            assignments, only_untouched)

    def pending_count(self) -> int:
        """Items waiting for the classifier."""
        return predictions.pending_count(self.store)

    def retrain(self, full: bool = False,
                progress: TrainProgress | None = None) -> Classifier:
        """Rebuild the model (with officers' corrections), make it current and use it."""
        from socialdesk.core.classify import service

        model = service.Classifier(service.train(self.corrections(), progress, full=full))
        with self._classifier_lock:  # loaded first: classifying never waits for the load
            self._classifier = model
        return model

    # ── the inbox and triage ─────────────────────────────────────────────────────────────

    def fill_due_times(self) -> int:
        """Compute when the first response is due for items that have no due time yet."""
        return fill_due_times(self.store, self.sla)

    def inbox_ids(self, chosen: InboxFilter) -> list[int]:
        """Ids of the items an inbox filter shows, in inbox order (urgent, then SLA risk)."""
        return inbox.inbox_ids(self.store, chosen, self.actor)

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
        """An item with its post, thread, outbox entries and history."""
        return inbox.item_detail(self.store, item_id)

    def require(self, action: str) -> None:
        """Refuse (AccessDenied, one sentence) unless the acting user may take ``action``."""
        access.require(self.config, self.actor, action)

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
        if self.config.access.role_of(officer) is None:
            raise triage.ActionRefused(f"{officer} is not a member of this desk "
                                       f"([members] in {self.config.source}).")
        return triage.assign(self.store, self.actor, item_id, officer)

    def reclassify(self, item_id: int, category: str, urgent: bool) -> triage.Undo:
        """Correct an item's category/urgency (kept as a correction for retraining)."""
        self.require("reclassify")
        record = triage.reclassify(self.store, self.actor, item_id, category, urgent)
        self.fill_due_times()
        return record

    def close_item(self, item_id: int, reason: str) -> triage.Undo:
        """Close an item with a reason."""
        self.require("close")
        return triage.close(self.store, self.actor, item_id, reason)

    def reopen(self, item_id: int) -> triage.Undo:
        """Open a closed item again."""
        self.require("reopen")
        return triage.reopen(self.store, self.actor, item_id)

    def answer(self, item_id: int, text: str, action: outbox.Action) -> triage.Undo:
        """Queue a reply, private reply or hide, claiming the item for you if it is free.

        Refused when another officer holds the item, so that nobody answers twice.
        """
        self.require(action.value.replace("_", " "))
        if action is not outbox.Action.HIDE and not text.strip():
            raise triage.ActionRefused("The answer is empty; write something first.")
        with self.store.write():  # claim and queue together, or neither
            claimed = triage.claim(self.store, self.actor, item_id)
            entry, _new = self.queue_answer(item_id, action, text)
        return triage.Undo(action.value, item_id, claimed.before, claimed.after,
                           outbox_id=entry)

    def undo(self, record: triage.Undo) -> None:
        """Reverse an action while it is still safe (refused with the reason otherwise)."""
        self.require("undo")
        triage.undo(self.store, self.actor, record)
        self.fill_due_times()

    def draft_reply(self, item: dict[str, object]) -> str:
        """The template answer for an item, in its language (both for mixed, Welsh first).

        An item the model has not seen yet has no language: it is detected here from the text,
        so a Welsh message never gets an English draft just because the model is loading.
        """
        from socialdesk.core.classify.language import detect_language

        language = item.get("language") or detect_language(str(item.get("text") or ""))
        return replies.draft_reply(
            str(item["category"]) if item.get("category") else None, bool(item.get("urgent")),
            str(language), str(item.get("kind") or "message"),
            str(item["author_name"]) if item.get("author_name") else None,
            self.config.team.name)

    def members(self) -> list[str]:
        """The desk's members (for assigning)."""
        return sorted(self.config.access.members)

    # ── supervision: reports, audit log, retention ───────────────────────────────────────

    def report(self, since: datetime | None = None, until: datetime | None = None,
               by: Iterable[str] = metrics.DIMENSIONS, now: datetime | None = None,
               ) -> metrics.Report:
        """Response-time report for a window (anyone with access may look)."""
        if self.role == access.NO_ACCESS:
            self.require("see reports")
        self.fill_due_times()
        return metrics.build_report(self.store, self.config, since, until, now, by)

    def export_report(self, report: metrics.Report, path: str | Path) -> int:
        """Write a report as CSV (supervisors; spreadsheet-formula safe); return rows."""
        self.require("export")
        rows = exports.write_report_csv(report, Path(path))
        audit_log.append(self.store, self.actor, "export", Path(path).name,
                         {"rows": rows, "since": str(report.since), "until": str(report.until)})
        return rows

    def verify_audit(self) -> chain.Verification:
        """Walk the audit chain."""
        return chain.verify(self.store)

    def purge(self, dry_run: bool = False, now: datetime | None = None,
              ) -> retention.PurgeReport:
        """Blank personal data older than the retention period (supervisors)."""
        self.require("purge")
        return self._purge(self.actor, dry_run, now)

    def purge_expired(self) -> retention.PurgeReport:
        """The scheduled retention job (acts as "system", whoever runs the worker)."""
        return self._purge("system", False, None)

    def _purge(self, actor: str, dry_run: bool, now: datetime | None) -> retention.PurgeReport:
        result = retention.purge(self.store, self.config.retention_days, now or utc_now(),
                                 dry_run)
        if not dry_run and result.items:
            audit_log.append(self.store, actor, "purge", "items",
                             {"items": result.items, "answers": result.answers,
                              "cutoff": to_iso(result.cutoff)})
        return result


def _prediction_row(item_id: int, p: Prediction) -> dict[str, object]:
    """The items columns a prediction fills, as named parameters."""
    return {"id": item_id, "category": p.category, "urgent": int(p.urgent),
            "cues": json.dumps(p.urgent_cues, ensure_ascii=False),
            "confidence": p.confidence, "probabilities": json.dumps(p.probabilities),
            "language": p.language, "version": p.model_version}
