"""One process of the concurrency test: a role working on a shared DB for a bounded time.

    python -m tests.reliability.load_worker ROLE CONFIG DB SECONDS OUT

Roles: ``worker`` (sync, send, publish — like the dashboard's background jobs, without the
lease so that the claims are what keeps it safe), ``officer-ann`` / ``officer-bryn`` (claim
open items and answer them, reclassify, read the inbox), ``supervisor`` (reports, audit
verify, drafts and approves posts, publishes too). Every action and every unexpected error
is written to OUT as a JSON line.
"""

from __future__ import annotations

import json
import random
import sys
import time
import traceback
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from socialdesk.config import load_config
from socialdesk.core.desk import Desk
from socialdesk.core.desk.access import AccessDenied
from socialdesk.core.outbox.sender import Action
from socialdesk.core.triage.actions import ActionRefused


class Log:
    """JSON lines of what happened."""

    def __init__(self, path: Path, role: str) -> None:
        self.handle = path.open("a", encoding="utf-8")
        self.role = role

    def write(self, **fields: Any) -> None:
        self.handle.write(json.dumps({"role": self.role, **fields}) + "\n")
        self.handle.flush()


def officer(desk: Desk, log: Log, rng: random.Random) -> None:
    """Claim an open item and answer it; sometimes reclassify or just look."""
    ids = desk.inbox_ids(_todo())
    unclaimed = [i for i in ids[:40] if not desk.item_detail(i)["assignee"]]  # type: ignore[index]
    if not unclaimed:
        desk.facet_counts(_todo())
        return
    item_id = rng.choice(unclaimed)
    try:
        desk.claim(item_id)
    except ActionRefused as exc:
        log.write(op="claim", item=item_id, won=False, why=str(exc))
        return
    log.write(op="claim", item=item_id, won=True)
    detail = desk.item_detail(item_id) or {}
    action = Action.MESSAGE if detail.get("kind") == "message" else Action.REPLY
    if rng.random() < 0.7 and not str(detail.get("platform_id", "")).startswith("noid:"):
        text = f"Diolch — {desk.actor} #{item_id}"
        record = desk.answer(item_id, text, action)
        log.write(op="answer", item=item_id, outbox=record.outbox_id, text=text)
    else:
        desk.reclassify(item_id, rng.choice(["report", "concern", "chat"]), False)
        log.write(op="reclassify", item=item_id)


def supervisor(desk: Desk, log: Log, rng: random.Random, n: int) -> None:
    """Reports, the audit chain, and safety posts due at once (published by two roles)."""
    choice = n % 4
    if choice == 0:
        report = desk.report()
        log.write(op="report", items=report.overall.count)
    elif choice == 1:
        log.write(op="verify", ok=desk.verify_audit().ok)
    elif choice == 2:
        post_id = desk.posts.add(f"load {n}", f"Neges {n}", f"Message {n}", "2099-01-01 09:00")
        desk.posts.approve(post_id)
        with desk.store.write():
            desk.store.conn.execute("update scheduled_posts set due_at = ? where id = ?",
                                    ((datetime.now(UTC) - timedelta(seconds=5)).isoformat(),
                                     post_id))
        log.write(op="post", post=post_id, text=f"Neges {n}\n\nMessage {n}")
    else:
        report = desk.posts.publish_due()
        log.write(op="publish", published=report.published)


def worker(desk: Desk, log: Log, n: int) -> None:
    """Sync, send, publish in turn."""
    step = n % 3
    if step == 0:
        report = desk.sync_once()
        log.write(op="sync", new=len(report.new), error=report.error)
    elif step == 1:
        sent = desk.send_outbox()
        log.write(op="send", sent=sent.sent, failed=sent.failed, uncertain=sent.uncertain)
    else:
        report = desk.posts.publish_due()
        log.write(op="publish", published=report.published)


def _todo():  # type: ignore[no-untyped-def]
    from socialdesk.core.models import InboxFilter

    return InboxFilter(view="todo")


def main(role: str, config_path: str, db: str, seconds: str, out: str) -> int:
    """Work until the time is up; every unexpected error is logged (and fails the test)."""
    actor = {"worker": "worker", "supervisor": "sian"}.get(role, role.split("-")[-1])
    desk = Desk(load_config(config_path), db, actor=actor)
    log = Log(Path(out), role)
    rng = random.Random(role)
    deadline = time.monotonic() + float(seconds)
    n = 0
    while time.monotonic() < deadline:
        n += 1
        try:
            if role == "worker":
                worker(desk, log, n)
            elif role == "supervisor":
                supervisor(desk, log, rng, n)
            else:
                officer(desk, log, rng)
        except (ActionRefused, AccessDenied) as exc:
            log.write(op="refused", why=str(exc))
        except Exception as exc:  # the test wants to see every one
            log.write(op="error", error=f"{type(exc).__name__}: {exc}",
                      trace=traceback.format_exc()[-800:])
    log.write(op="end", rounds=n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:6]))
