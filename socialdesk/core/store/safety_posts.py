"""The safety-post tables: ``scheduled_posts`` (the truth about each post) and ``post_runs``
(one row per occurrence and attempt: inserting it is the claim that makes two publishers on
one database publish an occurrence once). The workflow's rules live in
:mod:`socialdesk.core.schedule`."""

from __future__ import annotations

import json
from typing import Any

from socialdesk.core.store.db import Store, as_dicts, insert_row, update_row

#: Occurrence outcomes a person should see until they dismiss them.
PROBLEMS = ("failed", "missed", "uncertain")


# ── posts ────────────────────────────────────────────────────────────────────────────────


def find_post(store: Store, post_id: int) -> dict[str, Any] | None:
    """One post as a dict, or None."""
    rows = as_dicts(store.conn.execute("select * from scheduled_posts where id = ?",
                                       (post_id,)))
    return rows[0] if rows else None


def insert_post(store: Store, columns: dict[str, Any]) -> int:
    """A new post row; returns its id (inside the caller's transaction, if any)."""
    return insert_row(store, "scheduled_posts", columns)


def update_post(store: Store, post_id: int, changes: dict[str, Any]) -> None:
    """Set columns of one post (inside the caller's transaction, if any)."""
    update_row(store, "scheduled_posts", post_id, changes)


def due_posts(store: Store, now: str, max_attempts: int, grace_start: str) -> list[tuple[int, str]]:
    """(id, due time) of posts due by ``now``: approved ones, and failed ones with attempts
    left (a one-off due since ``grace_start``; a recurring one, which moves on when out of
    grace), oldest first."""
    return [(int(r[0]), str(r[1])) for r in store.conn.execute(
        "select p.id, p.due_at from scheduled_posts p left join post_runs r "
        "on r.post_id = p.id and r.due_at = p.due_at where p.due_at <= ? and "
        "(p.status = 'approved' or (p.status = 'failed' and coalesce(r.attempts, 0) < ? "
        "and (p.recurrence is not null or p.due_at >= ?))) order by p.due_at, p.id",
        (now, max_attempts, grace_start))]


def approved_due_times(store: Store) -> list[tuple[int, str]]:
    """(id, due time) of every approved post."""
    return [(int(r[0]), str(r[1])) for r in store.conn.execute(
        "select id, due_at from scheduled_posts where status = 'approved'")]


def agenda(store: Store, week_ago: str, limit: int = 200) -> list[dict[str, Any]]:
    """Drafts and posts still to go out, and those due since ``week_ago``, by due time."""
    return as_dicts(store.conn.execute(
        "select * from scheduled_posts where status in ('draft', 'approved', 'publishing', "
        "'failed') or (status in ('published', 'missed', 'uncertain') and due_at >= ?) "
        "order by due_at limit ?", (week_ago, limit)))


def all_posts(store: Store, limit: int = 500) -> list[dict[str, Any]]:
    """Every post, newest due first."""
    return as_dicts(store.conn.execute(
        "select * from scheduled_posts order by due_at desc limit ?", (limit,)))


def summary(store: Store) -> tuple[int, int, str | None]:
    """(drafts, problems nobody dismissed, next due time of an approved post)."""
    drafts, next_due = store.conn.execute(
        "select coalesce(sum(status = 'draft'), 0), min(case when status = 'approved' "
        "then due_at end) from scheduled_posts").fetchone()
    problems = store.conn.execute(
        f"select count(*) from post_runs where status in {PROBLEMS} "
        "and dismissed_by is null").fetchone()[0]
    return int(drafts), int(problems), next_due


# ── occurrences (post_runs) ──────────────────────────────────────────────────────────────


def find_run(store: Store, post_id: int, due_at: str) -> dict[str, Any] | None:
    """The run of one occurrence, or None."""
    rows = as_dicts(store.conn.execute(
        "select * from post_runs where post_id = ? and due_at = ?", (post_id, due_at)))
    return rows[0] if rows else None


def start_run(store: Store, post_id: int, due_at: str, at: str,
              existing: dict[str, Any] | None) -> tuple[int, int]:
    """Claim an occurrence: a new run (attempt 1) or the next attempt of ``existing``; the
    post goes to ``publishing``. Returns (run id, attempt). Caller holds the transaction."""
    if existing:
        run_id, attempt = int(existing["id"]), int(existing["attempts"]) + 1
        store.conn.execute("update post_runs set status = 'publishing', attempts = ?, "
                           "started_at = ?, first_started_at = coalesce(first_started_at, ?) "
                           "where id = ?", (attempt, at, at, run_id))
    else:
        run_id, attempt = int(store.conn.execute(
            "insert into post_runs (post_id, due_at, status, attempts, platform_ids, "
            "started_at, first_started_at) values (?, ?, 'publishing', 1, '{}', ?, ?)",
            (post_id, due_at, at, at)).lastrowid or 0), 1
    store.conn.execute("update scheduled_posts set status = 'publishing', updated_at = ? "
                       "where id = ?", (at, post_id))
    return run_id, attempt


def hand_back_run(store: Store, run_id: int, post_id: int, untouched: bool,
                  ids: dict[str, str]) -> None:
    """A refused POST (token, rate limit): a first attempt is forgotten (the post approved
    again), a later one counts as not made (the post failed, parts already out kept)."""
    with store.write():
        if untouched:
            store.conn.execute("delete from post_runs where id = ?", (run_id,))
        else:
            store.conn.execute(
                "update post_runs set status = 'failed', attempts = attempts - 1, "
                "platform_ids = ? where id = ?", (json.dumps(ids), run_id))
        store.conn.execute("update scheduled_posts set status = ? where id = ?",
                           ("approved" if untouched else "failed", post_id))


def finish_run(store: Store, run_id: int, outcome: str, ids: dict[str, str], at: str,
               error: str | None) -> None:
    """Record an occurrence's outcome (inside the caller's transaction, if any)."""
    with store.write():
        store.conn.execute(
            "update post_runs set status = ?, platform_ids = ?, finished_at = ?, "
            "last_error = ? where id = ?", (outcome, json.dumps(ids), at, error, run_id))


def record_missed_run(store: Store, post_id: int, due_at: str, outcome: str, at: str,
                      error: str, note: str | None) -> None:
    """An occurrence that never went out (missed, or given up failing), once per occurrence."""
    with store.write():
        store.conn.execute(
            "insert into post_runs (post_id, due_at, status, attempts, platform_ids, "
            "finished_at, last_error, note) values (?, ?, ?, 0, '{}', ?, ?, ?) "
            "on conflict (post_id, due_at) do update set status = excluded.status, "
            "finished_at = excluded.finished_at, last_error = excluded.last_error",
            (post_id, due_at, outcome, at, error, note))


def stale_runs(store: Store, before: str) -> list[dict[str, Any]]:
    """Runs left ``publishing`` since before ``before`` (a crash mid-POST)."""
    return as_dicts(store.conn.execute(
        "select * from post_runs where status = 'publishing' and started_at < ?", (before,)))


def reset_for_retry(store: Store, post_id: int, due_at: str) -> None:
    """A person asked to publish a failed or uncertain one-off again: its run starts over."""
    with store.write():
        store.conn.execute(
            "update post_runs set status = 'failed', attempts = 0, dismissed_by = null "
            "where post_id = ? and due_at = ?", (post_id, due_at))
        store.conn.execute("update scheduled_posts set status = 'failed' where id = ?",
                           (post_id,))


def dismiss_runs(store: Store, post_id: int, actor: str) -> int:
    """Mark the post's problem occurrences as seen by ``actor``; returns how many."""
    with store.write():
        return int(store.conn.execute(
            f"update post_runs set dismissed_by = ? where post_id = ? and dismissed_by is null "
            f"and status in {PROBLEMS}", (actor, post_id)).rowcount)


def problems(store: Store, limit: int = 100) -> list[dict[str, Any]]:
    """Occurrences that failed, were missed or are uncertain, not yet dismissed."""
    return as_dicts(store.conn.execute(
        f"select r.*, p.title, p.recurrence from post_runs r join scheduled_posts p "
        f"on p.id = r.post_id where r.status in {PROBLEMS} and r.dismissed_by is null "
        f"order by r.due_at desc limit ?", (limit,)))


def history(store: Store, post_id: int, limit: int = 20) -> list[dict[str, Any]]:
    """A post's occurrences, newest first."""
    return as_dicts(store.conn.execute(
        "select * from post_runs where post_id = ? order by due_at desc limit ?",
        (post_id, limit)))
