"""Checking the audit log's hash chain: the first row that was edited, deleted, inserted or
moved, or the head hash and row count when it is intact."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from socialdesk.core.audit.anchor import Anchor
from socialdesk.core.store.audit_log import GENESIS, chain_rows, row_hash
from socialdesk.core.store.db import Store


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


def verify(store: Store, anchors: Sequence[Anchor] = ()) -> Verification:
    """Walk the log in id order; report the first row that breaks the chain, or the first
    anchor it no longer matches.

    An edited row no longer hashes to its ``hash``; a deleted, inserted or reordered row breaks
    the ``prev_hash`` link of the row after it (or its own). A chain cut short at its tail, or
    rewritten from some row to the end, is found against ``anchors`` recorded outside the
    database (:mod:`socialdesk.core.audit.anchor`): the chain must hold each anchor's row
    count, with the anchor's hash at that row.
    """
    expected = {anchor.rows: anchor for anchor in anchors}
    prev, count = GENESIS, 0
    for row_id, at, actor, action, subject, payload, prev_hash, digest in chain_rows(store):
        if prev_hash != prev:
            return Verification(count, prev, row_id, "does not follow the row before it "
                                "(a row was deleted, inserted or moved here)")
        if row_hash(prev_hash, at, actor, action, subject or "", payload or "") != digest:
            return Verification(count, prev, row_id, "was changed after it was written")
        prev, count = digest, count + 1
        anchor = expected.get(count)
        if anchor is not None and anchor.head != digest:
            return Verification(count - 1, prev, row_id, f"differs from the anchor of "
                                f"{anchor.at} (the chain was rewritten from here or before)")
    longest = max(anchors, key=lambda a: a.rows, default=None)
    if longest is not None and longest.rows > count:
        return Verification(count, prev, count + 1, f"is missing: the anchor of {longest.at} "
                            f"counts {longest.rows} rows (the chain was cut short at its tail)")
    return Verification(count, prev)
