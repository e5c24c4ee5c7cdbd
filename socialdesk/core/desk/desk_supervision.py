"""The façade's supervision: response-time reports and their export, evidence timelines, the
audit chain's verification and anchors, and retention (the purge).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from socialdesk import paths
from socialdesk.core.audit import chain, exports, metrics, retention
from socialdesk.core.audit import timeline as evidence
from socialdesk.core.audit.anchor import Anchor, anchor_file, read_anchors, record_anchor
from socialdesk.core.desk import access
from socialdesk.core.desk.desk_triage import TriageWork
from socialdesk.core.models import (
    Progress,
    to_iso,
    utc_now,
)
from socialdesk.core.store.audit_log import chain_head
from socialdesk.core.store.items import author_of
from socialdesk.core.store.timeline import items_of_author
from socialdesk.errors import UserError


class SupervisionWork(TriageWork):
    """Reports, timelines, the audit chain and retention (timelines gather a person's items
    as the inbox does)."""

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
