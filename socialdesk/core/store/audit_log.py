"""The audit log table: append-only rows chained by SHA-256 (checked by
:mod:`socialdesk.core.audit.chain`).

Each row's ``hash`` is SHA-256 over the previous row's hash and this row's canonical JSON
(at, actor, action, subject, payload), so any edited, deleted, inserted or reordered row breaks
the chain from that row on. The payload must not hold the page token.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from socialdesk.core.models import to_iso, utc_now
from socialdesk.core.store.db import Store

GENESIS = "0" * 64
#: The rows about an item: an item's number is its subject, but so is a safety post's, a
#: drop-in session's, a handover note's and an outbox entry's (their own numbering). Without
#: this, item #1's history and evidence timeline showed "post_add", "dropin_plan"…
ABOUT_AN_ITEM = ("action not glob 'post_*' and action not glob 'dropin_*' "
                 "and action not in ('handover', 'resend')")


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


#: One stored row: id, at, actor, action, subject, payload, prev_hash, hash.
ChainRow = tuple[int, str, str, str, str | None, str | None, str, str]


#: The row's canonical JSON built by SQLite (``json_array`` writes the same text as
#: :func:`row_hash`'s ``json.dumps`` for the log's text columns), as UTF-8 bytes ready to hash:
#: no Python object per field and no JSON encoder call per row. Where the two could ever
#: differ (a value that is not text), the reader re-checks the row with :func:`row_hash`.
_BODY = ("cast(json_array(prev_hash, at, actor, action, ifnull(subject, ''), "
         "ifnull(payload, '')) as blob)")


def chain_batches(store: Store, batch: int = 50_000
                  ) -> Iterator[list[tuple[int, bytes, str, str]]]:
    """Every row of the log in id order as (id, canonical JSON bytes, prev_hash, hash), in
    batches of ``batch`` rows (streamed through one cursor, never the whole log at once)."""
    cursor = store.conn.execute(
        f"select id, {_BODY}, prev_hash, hash from audit_log order by id")
    while rows := cursor.fetchmany(batch):
        yield rows


def chain_row(store: Store, row_id: int) -> ChainRow:
    """One stored row by id (to re-check it field by field)."""
    return store.conn.execute(
        "select id, at, actor, action, subject, payload, prev_hash, hash from audit_log "
        "where id = ?", (row_id,)).fetchone()


def chain_head(store: Store) -> tuple[int, str]:
    """(rows, hash of the last row) — what an anchor records; cheap on any size of log."""
    rows, head = store.conn.execute(
        "select count(*), (select hash from audit_log order by id desc limit 1) "
        "from audit_log").fetchone()
    return int(rows), str(head or GENESIS)
