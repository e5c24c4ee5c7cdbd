"""What the fake page answers to GETs: the page's posts, a post's or a comment's comments, the
page's conversations and a conversation's messages, each a page of a list with Facebook's
paging (cursors, or ``until`` and ``__paging_token`` for posts, and a ``next`` link that
carries the token as the real API does)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from socialdesk.fakepage.render import (
    comment_json,
    decode_cursor,
    encode_cursor,
    fb_time,
    message_json,
    no_such_object,
    paginate,
    parse_time,
    person_json,
    post_json,
)
from socialdesk.fakepage.state import Conversation, PageState

MAX_LIMIT = 100
DEFAULT_LIMIT = 25


class PageReads:
    """The GET side of the fake page, read under the caller's ``state.lock``."""

    def __init__(self, state: PageState, token: str, base_url: Callable[[], str]) -> None:
        """``base_url`` gives the URL with the API version the client last asked for (the
        start of every ``next`` link), e.g. http://127.0.0.1:41234/v25.0."""
        self.state = state
        self.token = token
        self.base_url = base_url

    # ── routes ───────────────────────────────────────────────────────────────────────────

    def posts(self, path: list[str], query: dict[str, str], repeat: int) -> dict[str, Any]:
        """The page's posts, newest first, within ``since``/``until``."""
        since, until = self._window(query)
        if query.get("__paging_token"):
            until = float("inf")  # the paging token carries the position
        posts = [p for p in self.state.posts if since <= p.created <= until]
        return self._listing(posts, lambda p: [p.created, p.id], path, query, True, repeat,
                             post_json, time_based=True)

    def comments(self, path: list[str], query: dict[str, str],
                 repeat: int) -> tuple[int, Any]:
        """A post's comments and replies (``filter=stream``), or a comment's replies,
        oldest first from ``since``; an unknown id is Facebook's "no such object"."""
        target = path[0]
        post = self.state.post_by_id(target)
        if post is not None:
            comments = post.comments  # filter=stream: replies too, chronological
        elif target in self.state.comments_by_id:
            parent = self.state.comments_by_id[target]
            owner = self.state.post_by_id(parent.post_id)
            comments = [c for c in (owner.comments if owner else []) if c.parent_id == target]
        else:
            return no_such_object("GET", target)
        since, _ = self._window(query)
        chosen = [c for c in comments if c.created >= since]
        fields = query.get("fields", "")
        return 200, self._listing(chosen, lambda c: [c.created, c.seq], path, query, False,
                                  repeat, lambda c: comment_json(c, fields))

    def conversations(self, path: list[str], query: dict[str, str],
                      repeat: int) -> dict[str, Any]:
        """The page's conversations, most recently updated first, each with its newest
        messages as ``fields`` asks (``messages.limit(n){...}``, ``link``)."""
        conversations = self.state.conversations
        if query.get("user_id"):
            conversations = [c for c in conversations if c.user[0] == query["user_id"]]
        fields = query.get("fields", "")
        match = re.search(r"messages\.limit\((\d+)\)", fields)
        inner = min(MAX_LIMIT, int(match.group(1))) if match else DEFAULT_LIMIT
        nested = re.search(r"messages\.limit\(\d+\)\{(.*)\}", fields)
        message_fields = nested.group(1) if nested else "id,message,from,created_time"

        def render(conversation: Conversation) -> dict[str, Any]:
            return self._conversation_json(conversation, inner, message_fields,
                                           "link" in fields.split(","))

        return self._listing(conversations, lambda c: [c.updated, c.seq], path, query, True,
                             repeat, render)

    def messages_of(self, path: list[str], query: dict[str, str],
                    repeat: int) -> tuple[int, Any]:
        """A conversation's messages, newest first; an unknown id is a 400."""
        conversation = self.state.conversation_by_id(path[0])
        if conversation is None:
            return 400, {"error": {"message": "Invalid conversation", "code": 100}}
        fields = query.get("fields", "")
        return 200, self._listing(conversation.messages, lambda m: [m.created, m.id], path,
                                  query, True, repeat, lambda m: message_json(m, fields))

    def _conversation_json(self, conversation: Conversation, inner: int,
                           message_fields: str = "id,message,from,created_time",
                           with_link: bool = False) -> dict[str, Any]:
        newest_first = sorted(conversation.messages, key=lambda m: (m.created, m.id),
                              reverse=True)
        shown = newest_first[:inner]
        messages: dict[str, Any] = {"data": [message_json(m, message_fields) for m in shown]}
        if shown:
            last = encode_cursor([shown[-1].created, shown[-1].id])
            messages["paging"] = {"cursors": {"before": encode_cursor(
                [shown[0].created, shown[0].id]), "after": last}}
            if len(newest_first) > inner:
                messages["paging"]["next"] = self._next(
                    [conversation.id, "messages"],
                    {"fields": message_fields, "limit": str(inner)}, last)
        out = {"id": conversation.id, "updated_time": fb_time(conversation.updated),
               "participants": {"data": [person_json(conversation.user),
                                         person_json(self.state.page)]},
               "messages": messages}
        if with_link:  # as captured: a path on www.facebook.com, "/<page>/inbox/<number>/"
            out["link"] = f"/{self.state.page_id}/inbox/{conversation.id.removeprefix('t_')}/"
        return out

    # ── paging ───────────────────────────────────────────────────────────────────────────

    def _limit(self, query: dict[str, str]) -> int:
        try:
            return max(1, min(MAX_LIMIT, int(query.get("limit", DEFAULT_LIMIT))))
        except ValueError:
            return DEFAULT_LIMIT

    def _next(self, path: list[str], query: dict[str, str], cursor: str,
              time_based: bool = False) -> str:
        params = {k: v for k, v in query.items()
                  if k not in ("after", "until", "__paging_token", "access_token")}
        if time_based:
            key = decode_cursor(cursor) or [0]
            params.update({"until": str(int(key[0])), "__paging_token": cursor})
        else:
            params["after"] = cursor
        params["access_token"] = self.token  # as the real API does: clients must strip it
        return f"{self.base_url()}/{'/'.join(path)}?{urlencode(params)}"

    def _listing(self, items: list[Any], key: Callable[[Any], list[Any]], path: list[str],
                 query: dict[str, str], descending: bool, repeat: int,
                 render: Callable[[Any], dict[str, Any]], time_based: bool = False
                 ) -> dict[str, Any]:
        after = query.get("after") or query.get("__paging_token")
        page, full = paginate(items, key, self._limit(query), after, descending, repeat)
        if not page:
            return {"data": []}
        paging: dict[str, Any] = {}
        first, last = encode_cursor(key(page[0])), encode_cursor(key(page[-1]))
        if not time_based:
            paging["cursors"] = {"before": first, "after": last}
        if full:
            paging["next"] = self._next(path, query, last, time_based)
        return {"data": [render(item) for item in page], "paging": paging}

    def _window(self, query: dict[str, str]) -> tuple[float, float]:
        since = parse_time(query.get("since", "")) if query.get("since") else None
        until = parse_time(query.get("until", "")) if query.get("until") else None
        return since or 0.0, until or float("inf")
