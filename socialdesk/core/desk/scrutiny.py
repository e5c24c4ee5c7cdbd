"""The scrutiny pack desk (``desk.scrutiny``): one quarter's figures for the accountability
board as a bilingual, printable HTML file (figures: :mod:`socialdesk.core.audit.scrutiny.figures`;
the document: :mod:`socialdesk.core.audit.scrutiny.document`).

It is a supervisor's product: the figures speak for the whole team, so officers are refused in
one sentence; with names (the public's names and words, officers' names) too. Each export is
in the audit chain (the quarter, names or not, the chain's check, the file's SHA-256: never its
content). The chain is checked while nothing is locked (a long chain takes seconds, and other
officers keep working meanwhile); the pack states the head it checked, and the export's own
row follows it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from socialdesk import paths
from socialdesk.core.audit import chain
from socialdesk.core.audit.anchor import anchor_file, read_anchors, record_anchor
from socialdesk.core.audit.scrutiny import figures as board
from socialdesk.core.audit.scrutiny.document import render_html
from socialdesk.core.audit.scrutiny.quarters import Quarter, parse_quarter, recent_quarters
from socialdesk.core.desk import access
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.models import Progress, utc_now
from socialdesk.errors import UserError


class ScrutinyDesk:
    """Scrutiny packs of one desk."""

    def __init__(self, context: DeskContext) -> None:
        self.context = context

    def _require(self, names: bool) -> None:
        self.context.require(access.Permission.SCRUTINY_NAMED if names
                             else access.Permission.SCRUTINY)

    def quarter(self, text: str, now: datetime | None = None) -> Quarter:
        """A quarter from what a person typed ("2026Q4"); one sentence when it is not one or
        has not begun."""
        return parse_quarter(text, self.context.config.team.zone, now or utc_now())

    def quarters(self, count: int = 4, now: datetime | None = None) -> list[Quarter]:
        """The current quarter and those before it, newest first (what the dashboard offers)."""
        return recent_quarters(now or utc_now(), self.context.config.team.zone, count)

    def figures(self, quarter: Quarter, names: bool = False,
                progress: Progress | None = None,
                now: datetime | None = None) -> board.ScrutinyPack:
        """The pack's figures for a quarter (supervisors; with names, too). ``progress`` gets
        (items read, items in the quarter)."""
        self._require(names)
        context = self.context
        context.fill_due_times()
        policy = context.policy
        rules = board.Rules(
            sla_minutes=dict(context.config.sla.minutes), sla_clock=context.config.sla.clock,
            escalate_after=context.config.alerts.escalate_urgent_after_minutes,
            acknowledge_out_of_hours=policy.acknowledge_out_of_hours,
            require_approval=policy.require_approval)
        return board.build(context.store, context.config, quarter, names,
                             policy.retention_days, rules, now or utc_now(), progress)

    def check_chain(self, anchor_files: Sequence[Path] = (),
                    progress: Progress | None = None) -> chain.Verification:
        """Walk the audit chain against the desk's anchors (and any others given); an intact
        chain is anchored again, as ``audit verify`` does. ``progress``: (rows, rows)."""
        self._require(False)
        anchors = [a for path in (anchor_file(self.context.db_path), *anchor_files)
                   for a in read_anchors(path)]
        result = chain.verify(self.context.store, anchors, progress)
        if result.ok:
            record_anchor(result.rows, result.head, anchor_file(self.context.db_path))
        return result

    def write(self, pack: board.ScrutinyPack, verification: chain.Verification,
              path: str | Path | None = None) -> Path:
        """Write the pack (default: a new file in ``<data dir>/exports/``), private to the
        desk, and record the export in the audit chain."""
        self._require(pack.names)
        context = self.context
        pack = board.with_chain(pack, verification, context.actor)
        document = render_html(pack).encode("utf-8")
        target = Path(path) if path else board.export_path(
            paths.private_dir(paths.data_dir() / "exports"), pack.quarter, pack.names,
            utc_now())
        if target.is_dir():
            raise UserError(f"{target} is a folder; give a file name for the pack.")
        with context.store.write():   # the audit row is kept only with the file written
            try:
                with os.fdopen(paths.write_private(target), "wb") as handle:
                    handle.write(document)
            except OSError as exc:
                raise UserError(f"Cannot write {target}: {exc.strerror}.") from None
            context.record("scrutiny_export", target.name, {
                "quarter": pack.quarter.label, "names": pack.names,
                "items": pack.report.overall.count, "chain_ok": verification.ok,
                "chain_rows": verification.rows, "chain_head": verification.head,
                "sha256": hashlib.sha256(document).hexdigest(), "bytes": len(document)})
        return target

    def export(self, quarter: str | Quarter, names: bool = False,
               path: str | Path | None = None, now: datetime | None = None) -> Path:
        """The whole pack for a quarter ("2026Q4") written to ``path`` (see :meth:`write`)."""
        self._require(names)
        chosen = self.quarter(quarter, now) if isinstance(quarter, str) else quarter
        pack = self.figures(chosen, names, now=now)
        return self.write(pack, self.check_chain(), path)
