"""The drop-in tables: ``dropin_sessions`` (one announced window of live answers) and
``dropin_posts`` (the safety posts that announce, move or call off a session), and the reads
behind a session's live view and its summary: the page's items that came in during the
window. Whether a session is planned, running or over is worked out from its times; the
rules live in :mod:`socialdesk.core.desk.dropin`."""

from __future__ import annotations

from typing import Any

from socialdesk.core.store.db import Store, as_dicts, insert_row, update_row

#: What the live view and the summary read of each item of a session's window.
WINDOW_COLUMNS = ("id, kind, author_id, author_name, text, created_at, language, category, "
                  "urgent, status, assignee, first_response_at, first_response_by, closed_at, "
                  "close_reason, purged_at")


def insert_session(store: Store, columns: dict[str, Any]) -> int:
    """A new session row; returns its id (inside the caller's transaction, if any)."""
    return insert_row(store, "dropin_sessions", columns)


def update_session(store: Store, session_id: int, changes: dict[str, Any]) -> None:
    """Set columns of one session (inside the caller's transaction, if any)."""
    update_row(store, "dropin_sessions", session_id, changes)


def link_post(store: Store, session_id: int, post_id: int, kind: str, at: str) -> None:
    """Link a safety post to a session: ``announce``, ``moved`` or ``cancelled``."""
    with store.write():
        store.conn.execute("insert into dropin_posts (session_id, post_id, kind, at) "
                           "values (?, ?, ?, ?)", (session_id, post_id, kind, at))


def find_session(store: Store, session_id: int) -> dict[str, Any] | None:
    """One session with its linked posts (``posts``: a list of dicts with the post's status
    and due time, oldest link first), or None."""
    rows = as_dicts(store.conn.execute("select * from dropin_sessions where id = ?",
                                       (session_id,)))
    if not rows:
        return None
    session = rows[0]
    session["posts"] = posts_of(store, session_id)
    return session


def posts_of(store: Store, session_id: int) -> list[dict[str, Any]]:
    """The safety posts of a session: post id, kind, when linked, the post's status and due
    time (oldest link first)."""
    return as_dicts(store.conn.execute(
        "select l.post_id, l.kind, l.at, p.status, p.due_at, p.published_at "
        "from dropin_posts l join scheduled_posts p on p.id = l.post_id "
        "where l.session_id = ? order by l.at, l.post_id", (session_id,)))


def sessions(store: Store, limit: int = 200) -> list[dict[str, Any]]:
    """Sessions, latest start first."""
    return as_dicts(store.conn.execute(
        "select * from dropin_sessions order by start_at desc, id desc limit ?", (limit,)))


def running(store: Store, now: str) -> dict[str, Any] | None:
    """The session running at ``now`` (not cancelled; the earliest started, if two
    overlap), or None."""
    rows = as_dicts(store.conn.execute(
        "select * from dropin_sessions where cancelled_at is null and start_at <= ? "
        "and end_at > ? order by start_at, id limit 1", (now, now)))
    return rows[0] if rows else None


def next_planned(store: Store, now: str) -> dict[str, Any] | None:
    """The next session still to start (not cancelled), or None."""
    rows = as_dicts(store.conn.execute(
        "select * from dropin_sessions where cancelled_at is null and start_at > ? "
        "order by start_at, id limit 1", (now,)))
    return rows[0] if rows else None


def ended_untold(store: Store, since: str, now: str) -> list[dict[str, Any]]:
    """Sessions (not cancelled) that ended in (since, now] and whose end has not been told
    yet (no notice keyed ``dropin_summary:<id>``), oldest first. Read before writing, so a
    job turn with nothing to tell writes nothing (every dashboard reloads on a write)."""
    return as_dicts(store.conn.execute(
        "select * from dropin_sessions s where cancelled_at is null and end_at > ? "
        "and end_at <= ? and not exists (select 1 from notifications n "
        "where n.key = 'dropin_summary:' || s.id) order by end_at, id", (since, now)))


def overlapping(store: Store, start: str, end: str, other_than: int | None = None
                ) -> dict[str, Any] | None:
    """A session (not cancelled) whose window overlaps [start, end), or None."""
    rows = as_dicts(store.conn.execute(
        "select * from dropin_sessions where cancelled_at is null and start_at < ? "
        "and end_at > ? and id != ? order by start_at limit 1",
        (end, start, other_than or 0)))
    return rows[0] if rows else None


def window_items(store: Store, start: str, end: str) -> list[dict[str, Any]]:
    """The people's items (not the page's own) created in [start, end), oldest first."""
    return as_dicts(store.conn.execute(
        f"select {WINDOW_COLUMNS} from items where created_at >= ? and created_at < ? "
        "and from_page = 0 order by created_at, id", (start, end)))
