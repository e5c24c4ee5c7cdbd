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
        "order by created_at", (page_id, since))]


def page_post_text(store: Store, post_id: str) -> str | None:
    """The text of one post, or None when it is not stored."""
    row = store.conn.execute("select message from posts where id = ?", (post_id,)).fetchone()
    return row[0] if row else None
