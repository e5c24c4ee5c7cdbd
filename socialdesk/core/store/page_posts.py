"""The page's own posts (the context a comment sits under): not safety posts, which live in
:mod:`socialdesk.core.store.safety_posts`."""

from __future__ import annotations

from typing import Any

from socialdesk.core.store.db import Store


def upsert_page_posts(store: Store, posts: list[dict[str, Any]]) -> None:
    """Insert or update posts by id (one transaction)."""
    with store.write() as db:
        db.table("posts").upsert_all(posts, pk="id")


def page_posts_since(store: Store, page_id: str, since: str) -> list[tuple[str, str]]:
    """(id, text) of the page's posts created since ``since``, oldest first."""
    return [(pid, message or "") for pid, message in store.conn.execute(
        "select id, message from posts where page_id = ? and created_at >= ? "
        "and deleted_at is null order by created_at", (page_id, since))]


def mark_post_gone(store: Store, post_id: str, at: str) -> int:
    """A post the page no longer has (code 100): kept, with its comments, all marked deleted
    at ``at``; returns how many comments were marked."""
    with store.write():
        store.conn.execute("update posts set deleted_at = ? where id = ? and deleted_at is null",
                           (at, post_id))
        return int(store.conn.execute(
            "update items set deleted_at = ?, updated_at = ? where post_id = ? "
            "and kind = 'comment' and deleted_at is null", (at, at, post_id)).rowcount)


def page_post_text(store: Store, post_id: str) -> str | None:
    """The text of one post, or None when it is not stored."""
    row = store.conn.execute("select message from posts where id = ?", (post_id,)).fetchone()
    return row[0] if row else None
