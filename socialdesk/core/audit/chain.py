"""Checking the audit log's hash chain: the first row that was edited, deleted, inserted or
moved, or the head hash and row count when it is intact."""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from socialdesk.core.audit.anchor import Anchor
from socialdesk.core.models import Progress
from socialdesk.core.store.audit_log import GENESIS, chain_batches, chain_head, chain_row, row_hash
from socialdesk.core.store.db import Store

#: Rows read and hashed between two progress calls.
BATCH = 10_000


@dataclass(frozen=True)
class Verification:
    """The outcome of walking the chain."""

    rows: int
    head: str
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        """Whether every row chains to the one before and hashes to its stored hash."""
        return self.broken_id is None


def _fault(store: Store, row_id: int, prev: str) -> str:
    """Why a row breaks the chain after ``prev``, checked field by field with
    :func:`row_hash` (the definition of the chain); "" when it does not."""
    _, at, actor, action, subject, payload, prev_hash, digest = chain_row(store, row_id)
    if prev_hash != prev:
        return "does not follow the row before it (a row was deleted, inserted or moved here)"
    if row_hash(prev_hash, at, actor, action, subject or "", payload or "") != digest:
        return "was changed after it was written"
    return ""


def verify(store: Store, anchors: Sequence[Anchor] = (),
           progress: Progress | None = None, batch: int = BATCH) -> Verification:
    """Walk the log in id order; report the first row that breaks the chain, or the first
    anchor it no longer matches.

    An edited row no longer hashes to its ``hash``; a deleted, inserted or reordered row breaks
    the ``prev_hash`` link of the row after it (or its own). A chain cut short at its tail, or
    rewritten from some row to the end, is found against ``anchors`` recorded outside the
    database (:mod:`socialdesk.core.audit.anchor`): the chain must hold each anchor's row
    count, with the anchor's hash at that row.

    Every row's SHA-256 is computed and compared. The rows come ``batch`` at a time with their
    canonical JSON already built by SQLite, so the loop per row is one hash and two comparisons;
    a row that fails is checked again with :func:`row_hash` before it is called broken.
    ``progress`` gets (rows checked, rows in the log) after each batch; the walk only reads, so
    stopping it changes nothing.
    """
    expected = {anchor.rows: anchor for anchor in anchors}
    marks = sorted(expected)
    total = chain_head(store)[0] if progress else 0
    sha256 = hashlib.sha256
    prev, count = GENESIS, 0

    def anchor_fault(rows: list[tuple[int, bytes, str, str]], upto: int) -> Verification | None:
        """The first anchor within this batch's first ``upto`` rows the chain does not match."""
        for mark in marks[bisect_right(marks, count):bisect_right(marks, count + upto)]:
            row_id, _, _, digest = rows[mark - count - 1]
            anchor = expected[mark]
            if anchor.head != digest:
                return Verification(mark - 1, digest, row_id, f"differs from the anchor of "
                                    f"{anchor.at} (the chain was rewritten from here or before)")
        return None

    for rows in chain_batches(store, batch):
        for row_id, body, prev_hash, digest in rows:
            if prev_hash != prev or sha256(body).hexdigest() != digest:
                reason = _fault(store, row_id, prev)
                if reason:
                    at = next(n for n, row in enumerate(rows) if row[0] == row_id)
                    return anchor_fault(rows, at) or Verification(count + at, prev, row_id,
                                                                  reason)
            prev = digest
        mismatch = anchor_fault(rows, len(rows))
        if mismatch:
            return mismatch
        count += len(rows)
        if progress:
            progress(count, max(total, count))
    longest = max(anchors, key=lambda a: a.rows, default=None)
    if longest is not None and longest.rows > count:
        return Verification(count, prev, count + 1, f"is missing: the anchor of {longest.at} "
                            f"counts {longest.rows} rows (the chain was cut short at its tail)")
    return Verification(count, prev)
