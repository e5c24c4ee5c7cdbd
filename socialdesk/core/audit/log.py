"""Append-only audit log chained by SHA-256.

Each row's ``hash`` is SHA-256 over the previous row's hash and this row's canonical JSON
(at, actor, action, subject, payload), so any edited, deleted, inserted or reordered row breaks
the chain from that row on. The payload must not hold the page token.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from socialdesk.core.models import to_iso, utc_now
from socialdesk.core.store.db import Store

GENESIS = "0" * 64


def row_hash(prev_hash: str, at: str, actor: str, action: str, subject: str,
             payload: str) -> str:
    """The chain hash of one audit row."""
    body = json.dumps([prev_hash, at, actor, action, subject, payload], ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(store: Store, actor: str, action: str, subject: str = "",
           payload: dict[str, Any] | None = None) -> str:
    """Append one action to the log (inside the caller's transaction if any); return its hash."""
    at = to_iso(utc_now())
    body = json.dumps(payload or {}, ensure_ascii=False, sort_keys=True)
    with store.write():
        last = store.conn.execute("select hash from audit_log order by id desc limit 1").fetchone()
        prev = last[0] if last else GENESIS
        digest = row_hash(prev, at, actor, action, subject, body)
        store.conn.execute(
            "insert into audit_log (at, actor, action, subject, payload, prev_hash, hash) "
            "values (?, ?, ?, ?, ?, ?, ?)", (at, actor, action, subject, body, prev, digest))
    return digest


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
    cursor = store.conn.execute(
        "select id, at, actor, action, subject, payload, prev_hash, hash from audit_log "
        "order by id")
    for row_id, at, actor, action, subject, payload, prev_hash, digest in cursor:
        if prev_hash != prev:
            return Verification(count, prev, row_id, "does not follow the row before it "
                                "(a row was deleted, inserted or moved here)")
        if row_hash(prev_hash, at, actor, action, subject or "", payload or "") != digest:
            return Verification(count, prev, row_id, "was changed after it was written")
        prev, count = digest, count + 1
    return Verification(count, prev)
