"""Four processes on one database file for a bounded time: a worker (sync, send, publish),
two officers racing for the same items and answering them, a supervisor (reports, audit
verify, posts, publishing too). Afterwards (once a last round has sent and published what was
still due when the time ran out): no error reached anyone (no "database is locked"), every
claim has exactly one winner and it is the one the DB holds, every answer an officer queued
is sent and on the page exactly once, every safety post went out exactly once, the audit
chain verifies and the file passes ``integrity_check``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

from socialdesk.core.audit.chain import verify
from socialdesk.core.store import open_store
from tests.ingest_helpers import start_fake
from tests.reliability.conftest import scale

REPO = Path(__file__).resolve().parents[2]
ROLES = ("worker", "officer-ann", "officer-bryn", "supervisor")
SECONDS = scale(10, 600)


def write_config(path: Path, fake) -> Path:
    text = (REPO / "config" / "socialdesk.toml").read_text(encoding="utf-8")
    text = text.replace('id = ""', f'id = "{fake.page_id}"', 1)
    text = text.replace('graph_url = "https://graph.facebook.com"', f'graph_url = "{fake.url}"')
    text = text.replace("[members]\n", '[members]\nann = "officer"\nbryn = "officer"\n'
                                       'sian = "supervisor"\nworker = "officer"\n')
    # sian drafts and approves alone (a one-supervisor team)
    text = text.replace("self_approval = false", "self_approval = true")
    path.write_text(text, encoding="utf-8")
    return path


def drain(config: Path, db: Path, token: str) -> None:
    """The last round after the time ran out: send and publish what is still due."""
    from socialdesk.config import load_config
    from socialdesk.core.desk import Desk

    os.environ["SOCIALDESK_PAGE_TOKEN"] = token
    desk = Desk(load_config(config), db, actor="worker")
    try:
        for _ in range(3):
            desk.send_outbox()
            desk.posts.publish_due()
    finally:
        desk.close()
        os.environ.pop("SOCIALDESK_PAGE_TOKEN", None)


def test_four_processes_on_one_database(tmp_path: Path, tally) -> None:
    fake = start_fake(seed=401, rate=600, posts=6, comments=80, conversations=10)
    config = write_config(tmp_path / "socialdesk.toml", fake)
    db, out = tmp_path / "shared.db", tmp_path / "actions.jsonl"
    env = {**os.environ, "SOCIALDESK_PAGE_TOKEN": fake.token, "PYTHONPATH": str(REPO)}
    try:
        procs = [subprocess.Popen([sys.executable, "-m", "tests.reliability.load_worker", role,
                                   str(config), str(db), str(SECONDS), str(out)],
                                  env=env, cwd=REPO, stderr=subprocess.PIPE, text=True)
                 for role in ROLES]
        errors = [p.communicate(timeout=SECONDS + 120)[1] for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
        drain(config, db, fake.token)
        received = list(fake.state.received)
    finally:
        fake.stop()
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    failures = [line for line in lines if line["op"] == "error"]
    assert failures == [], failures[:3]
    assert not any("locked" in e for e in errors), errors
    ops = Counter(line["op"] for line in lines)
    assert ops["claim"] > 10 and ops["sync"] > 2 and ops["report"] > 0 and ops["post"] > 0

    store = open_store(db)
    try:
        # exactly one winner per claim, and it is the one the DB holds
        winners: dict[int, list[str]] = defaultdict(list)
        for line in lines:
            if line["op"] == "claim" and line["won"]:
                winners[line["item"]].append(line["role"].split("-")[-1])
        assert all(len(names) == 1 for names in winners.values()), winners
        for item_id, (name,) in winners.items():
            held = store.conn.execute("select assignee from items where id = ?",
                                      (item_id,)).fetchone()[0]
            assert held == name, (item_id, held, name)
        lost_races = sum(1 for line in lines if line["op"] == "claim" and not line["won"])
        # no lost writes: every queued answer is in the outbox, and on the page at most once
        answers = [line for line in lines if line["op"] == "answer"]
        for line in answers:
            row = store.conn.execute("select item_id, text from outbox where id = ?",
                                     (line["outbox"],)).fetchone()
            assert row == (line["item"], line["text"])
        sent_texts = Counter(r["message"] for r in received if r["kind"] in
                             ("reply", "private_message"))
        not_once = {a["text"]: sent_texts[a["text"]] for a in answers
                    if sent_texts[a["text"]] != 1}
        assert not_once == {}, not_once                      # every answer exactly once
        unsent = store.conn.execute("select count(*) from outbox where status != 'sent'")
        assert unsent.fetchone()[0] == 0
        # one publisher per post, and every post out
        posted = Counter(r["message"] for r in received if r["kind"] == "publish")
        post_lines = [line for line in lines if line["op"] == "post"]
        assert {p["text"]: posted[p["text"]] for p in post_lines
                if posted[p["text"]] != 1} == {}
        published = sum(posted[p["text"]] for p in post_lines)
        assert store.conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        check = verify(store)
        assert check.ok, check
    finally:
        store.close()
    tally["concurrency"] = {
        "processes": len(ROLES), "seconds": SECONDS, "actions": sum(ops.values()),
        "claims_won": len(winners), "claim_races_lost": lost_races,
        "answers_queued": len(answers), "posts": len(post_lines),
        "posts_published": published, "syncs": ops["sync"], "reports": ops["report"],
        "audit_rows": check.rows, "errors": len(failures)}
