"""What a sync asks of the Graph API: the fields, the pages of each post's comments and of the
conversations (with their messages), fetched in a thread one page ahead of the writes.

Only the Graph client is used here, never the store: the pages are read in the fetching
thread (:func:`fetched_ahead`) while the caller's thread writes the previous one.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from socialdesk.core.graph.attachments import COMMENT_MEDIA_FIELDS, MESSAGE_MEDIA_FIELDS
from socialdesk.core.graph.client import (
    GraphClient,
    GraphError,
    Page,
    as_object,
    parse_fb_time,
)
from socialdesk.core.models import to_iso

POST_FIELDS = "id,message,created_time,permalink_url"
COMMENT_FIELDS = f"id,message,created_time,from{{id,name}},parent{{id}},{COMMENT_MEDIA_FIELDS}"
MESSAGE_FIELDS = f"id,message,from,created_time,{MESSAGE_MEDIA_FIELDS}"
NESTED_MESSAGES = 25
CONVERSATION_FIELDS = (f"id,updated_time,participants,link,"
                       f"messages.limit({NESTED_MESSAGES}){{{MESSAGE_FIELDS}}}")

T = TypeVar("T")


def fetched_ahead(source: Iterator[T]) -> Generator[T, None, None]:
    """The values of ``source``, produced in a thread one value ahead of the caller.

    The thread asks for value n+1 once value n is handed over, and for n+2 only when the
    caller comes back for n+1: never more than one value ahead (for a list of pages, one
    request early). An exception in ``source`` is raised to the caller in its place. When
    the caller stops early (``break``, an exception, Ctrl-C) the thread asks for nothing
    more; a request already in flight finishes by itself (the thread is a daemon), so a stop
    never waits for the page's answer. Only that thread may use what ``source`` uses (the
    Graph client) until this generator is done."""
    ready: queue.Queue[tuple[bool, Any]] = queue.Queue()
    handed = threading.Semaphore(0)   # released each time the caller takes a value
    stop = threading.Event()

    def produce() -> None:
        try:
            for value in source:
                ready.put((True, value))
                handed.acquire()
                if stop.is_set():
                    return
            ready.put((False, None))
        except BaseException as exc:  # raised in the caller, at its place in the order
            ready.put((False, exc))

    worker = threading.Thread(target=produce, name="sync-fetch", daemon=True)
    worker.start()
    done = False
    try:
        while True:
            more, value = ready.get()
            if not more:
                done = True
                if value is not None:
                    raise value
                return
            handed.release()
            yield value
    finally:
        stop.set()
        handed.release()
        if done:
            worker.join()


# ── comments ─────────────────────────────────────────────────────────────────────────────

@dataclass(frozen=True, slots=True)
class CommentsPage:
    """One page of a post's comments."""

    post_id: str
    page: Page


@dataclass(frozen=True, slots=True)
class PostDone:
    """The post's last page of comments has been handed over."""

    post_id: str


@dataclass(frozen=True, slots=True)
class PostFailed:
    """The comments of the post at ``position`` failed; nothing more is asked."""

    position: int
    error: GraphError


CommentsEvent = CommentsPage | PostDone | PostFailed


def comment_pages(client: GraphClient, posts: list[tuple[str, str]],
                  cursors: dict[str, dict[str, Any]], page_size: int
                  ) -> Iterator[CommentsEvent]:
    """The pages of each post's comments (from its cursor), a :class:`PostDone` after each
    post, and at the first failure a :class:`PostFailed`, then nothing more."""
    for position, (post_id, _) in enumerate(posts):
        params: dict[str, Any] = {"filter": "stream", "order": "chronological",
                                  "fields": COMMENT_FIELDS, "limit": page_size}
        after = cursors[post_id].get("after")
        if after:
            params["after"] = after
        try:
            for page in client.pages(f"/{post_id}/comments", params):
                yield CommentsPage(post_id, page)
        except GraphError as exc:
            yield PostFailed(position, exc)
            return
        yield PostDone(post_id)


# ── conversations ────────────────────────────────────────────────────────────────────────

#: A conversation as read: its node, its messages (nested ones followed), its updated time.
Conversation = tuple[dict[str, Any], list[dict[str, Any]], str | None]


def conversation_pages(client: GraphClient, page_id: str, page_size: int, bound: str
                       ) -> Iterator[list[Conversation]]:
    """The page's conversations newest first, a list per page of the API, each with all its
    messages back to ``bound``; ends with the page holding the first conversation not
    updated since ``bound`` (that one and the rest are left out), so no page past it is
    asked for — even when fetched ahead."""
    params = {"platform": "messenger", "fields": CONVERSATION_FIELDS, "limit": page_size}
    for page in client.pages(f"/{page_id}/conversations", params):
        threads: list[Conversation] = []
        done = False
        for node in page.data:
            updated = parse_fb_time(node.get("updated_time"))
            stamp = to_iso(updated) if updated else None
            if stamp and stamp < bound:
                done = True  # newest first: everything after this is older
                break
            threads.append((node, _messages(client, node, bound), stamp))
        yield threads
        if done:
            return


def _messages(client: GraphClient, node: dict[str, Any], mark: str) -> list[dict[str, Any]]:
    """A conversation's messages, following the nested ``next`` back to ``mark``."""
    if not isinstance(node.get("id"), str):
        return []
    messages = as_object(node.get("messages"))
    nodes = [m for m in messages.get("data") or [] if isinstance(m, dict)]
    paging = as_object(messages.get("paging"))
    next_url = paging.get("next")
    while isinstance(next_url, str) and nodes:
        oldest = parse_fb_time(nodes[-1].get("created_time"))
        if mark and oldest and to_iso(oldest) < mark:
            break
        page = client.page(client.clean_next_url(next_url))
        nodes.extend(page.data)
        next_url = page.next_url
    return nodes
