"""Checking the audit log's hash chain: the first row that was edited, deleted, inserted or
moved, or the head hash and row count when it is intact."""

from __future__ import annotations

from dataclasses import dataclass

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


def verify(store: Store) -> Verification:
    """Walk the log in id order; report the first row that breaks the chain.

    An edited row no longer hashes to its ``hash``; a deleted, inserted or reordered row breaks
    the ``prev_hash`` link of the row after it (or its own). Rewriting the whole chain from some
    row on cannot be detected from inside the database: compare the printed head hash with one
    recorded elsewhere (e.g. in the supervisor's weekly report) to catch that too.
    """
    prev, count = GENESIS, 0
    for row_id, at, actor, action, subject, payload, prev_hash, digest in chain_rows(store):
        if prev_hash != prev:
            return Verification(count, prev, row_id, "does not follow the row before it "
                                "(a row was deleted, inserted or moved here)")
        if row_hash(prev_hash, at, actor, action, subject or "", payload or "") != digest:
            return Verification(count, prev, row_id, "was changed after it was written")
        prev, count = digest, count + 1
    return Verification(count, prev)
