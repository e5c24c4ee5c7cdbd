"""The batched audit-chain walk (canonical JSON built by SQLite, one hash per row) against the
walk it replaced (json.dumps per row), on the same tampered logs: the same verdict, row and
reason every time — odd characters, NULL fields, non-text values, anchors, batch edges."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from pathlib import Path

import pytest

from socialdesk.core.audit import chain
from socialdesk.core.audit.anchor import Anchor
from socialdesk.core.store import audit_log
from socialdesk.core.store.audit_log import GENESIS, row_hash
from socialdesk.core.store.db import Store, open_store

ODD = ["plain", 'quote " and back\\slash', "\x00\x01\x1f\x7f\b\f\n\r\t", "Ŵ ŷ â ✓ 😀 \u2028",
       "</script>", "", "a" * 300]


def reference_verify(store: Store, anchors: Sequence[Anchor] = ()) -> chain.Verification:
    """The walk before issue 22, kept as the definition the fast one must match."""
    expected = {anchor.rows: anchor for anchor in anchors}
    prev, count = GENESIS, 0
    for row_id, at, actor, action, subject, payload, prev_hash, digest in store.conn.execute(
            "select id, at, actor, action, subject, payload, prev_hash, hash from audit_log "
            "order by id"):
        if prev_hash != prev:
            return chain.Verification(count, prev, row_id, "does not follow the row before it "
                                      "(a row was deleted, inserted or moved here)")
        if row_hash(prev_hash, at, actor, action, subject or "", payload or "") != digest:
            return chain.Verification(count, prev, row_id, "was changed after it was written")
        prev, count = digest, count + 1
        anchor = expected.get(count)
        if anchor is not None and anchor.head != digest:
            return chain.Verification(count - 1, prev, row_id, f"differs from the anchor of "
                                      f"{anchor.at} (the chain was rewritten from here or "
                                      "before)")
    longest = max(anchors, key=lambda a: a.rows, default=None)
    if longest is not None and longest.rows > count:
        return chain.Verification(count, prev, count + 1, f"is missing: the anchor of "
                                  f"{longest.at} counts {longest.rows} rows (the chain was cut "
                                  "short at its tail)")
    return chain.Verification(count, prev)


def fill(store: Store, rng: random.Random, rows: int) -> None:
    for n in range(rows):
        if rng.random() < 0.2:   # written by hand: NULL subject / payload, hashed as ""
            prev = audit_log.chain_head(store)[1]
            at, actor = "2026-01-01T00:00:00+00:00", rng.choice(ODD) or "x"
            digest = row_hash(prev, at, actor, "claim", "", "")
            with store.write():
                store.conn.execute(
                    "insert into audit_log (at, actor, action, subject, payload, prev_hash, "
                    "hash) values (?, ?, 'claim', null, null, ?, ?)", (at, actor, prev, digest))
        else:
            audit_log.append(store, rng.choice(ODD) or "ann", "note", rng.choice(ODD),
                             {"n": n, "text": rng.choice(ODD)})


def tamper(store: Store, rng: random.Random) -> str:
    ids = [r[0] for r in store.conn.execute("select id from audit_log order by id")]
    target = rng.choice(ids[1:-1])
    kind = rng.choice(["edit", "edit_null", "number", "delete", "swap", "insert", "truncate",
                       "none"])
    with store.write():
        run = store.conn.execute
        if kind == "edit":
            run("update audit_log set payload = ? where id = ?", (rng.choice(ODD), target))
        elif kind == "edit_null":
            run("update audit_log set subject = null where id = ?", (target,))
        elif kind == "number":   # same text as before, stored as a number: not the same row
            run("update audit_log set subject = 7 where id = ?", (target,))
        elif kind == "delete":
            run("delete from audit_log where id = ?", (target,))
        elif kind == "swap":
            run("update audit_log set id = -1 where id = ?", (target,))
            run("update audit_log set id = ? where id = ?", (target, target + 1))
            run("update audit_log set id = ? where id = -1", (target + 1,))
        elif kind == "insert":
            prev = run("select hash from audit_log where id < ? order by id desc limit 1",
                       (target,)).fetchone()[0]
            run("update audit_log set id = id + 100000 where id >= ?", (target,))
            run("insert into audit_log (id, at, actor, action, subject, payload, prev_hash, "
                "hash) values (?, 'x', 'x', 'x', '1', '{}', ?, ?)",
                (target, prev, row_hash(prev, "x", "x", "x", "1", "{}")))
        elif kind == "truncate":
            run("delete from audit_log where id > ?", (target,))
    return kind


@pytest.mark.parametrize("seed", range(12))
def test_the_fast_walk_agrees_with_the_old_one(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    batch = rng.choice([1, 3, 7, 50])   # batch edges everywhere
    store = open_store(tmp_path / "a.db")
    fill(store, rng, 60)
    heads = [(n + 1, h) for n, (h,) in enumerate(
        store.conn.execute("select hash from audit_log order by id"))]
    anchors = [Anchor(f"t{n}", rows, head) for n, (rows, head) in enumerate(
        rng.sample(heads, 4))]
    anchors.append(Anchor("wrong", rng.randrange(1, 60), "f" * 64))
    anchors.append(Anchor("future", 70, "e" * 64))
    kind = tamper(store, rng)
    seen: list[tuple[int, int]] = []
    for given in ([], anchors[:4], anchors[:5], anchors):
        seen.clear()
        fast = chain.verify(store, given, progress=lambda done, total: seen.append((done, total)),
                            batch=batch)
        assert fast == reference_verify(store, given), (kind, given)
        assert all(b >= a for a, b in itertools.pairwise(seen))
    store.close()


def test_an_intact_log_reports_its_head_and_progress(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    fill(store, random.Random(1), 10)
    seen: list[tuple[int, int]] = []
    result = chain.verify(store, progress=lambda done, total: seen.append((done, total)), batch=4)
    assert result.ok and result == reference_verify(store)
    assert result.rows == 10 and result.head == audit_log.chain_head(store)[1]
    assert seen == [(4, 10), (8, 10), (10, 10)]
    store.close()
