"""The fake page's Graph-shaped JSON: times, cursors, paging and the objects it serves."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from socialdesk.fakepage.state import Comment, Message, Post

T = TypeVar("T")


def fb_time(ts: float) -> str:
    """Graph API time format: 2026-11-23T18:04:05+0000."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def no_such_object(method: str, target: str) -> tuple[int, dict[str, Any]]:
    """The Graph API's answer for an object that does not exist (or no longer does)."""
    return 400, {"error": {"message": f"Unsupported {method.lower()} request. Object with ID "
                                      f"'{target}' does not exist",
                           "type": "GraphMethodException", "code": 100,
                           "error_subcode": 33, "fbtrace_id": "AfakeTrace100"}}


def parse_time(value: str) -> float | None:
    """A ``since``/``until`` value: Unix seconds or an ISO time; None when it is neither."""
    try:
        return float(value)
    except ValueError:
        try:
            return datetime.fromisoformat(value.replace("+0000", "+00:00")).timestamp()
        except ValueError:
            return None


def encode_cursor(key: Sequence[Any]) -> str:
    """Opaque cursor for a sort key."""
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any] | None:
    """The sort key inside a cursor, or None when it is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, TypeError):
        return None
    return value if isinstance(value, list) else None


def paginate(items: list[T], key: Callable[[T], list[Any]], limit: int, after: str | None,
             descending: bool, repeat: int = 0) -> tuple[list[T], bool]:
    """One page after the cursor, and whether it was full (so a ``next`` link is due)."""
    ordered = sorted(items, key=key, reverse=descending)
    start = 0
    mark = decode_cursor(after) if after else None
    if mark is not None:
        start = next((i for i, item in enumerate(ordered)
                      if (key(item) < mark if descending else key(item) > mark)), len(ordered))
        start = max(0, start - repeat)
    page = ordered[start:start + limit]
    return page, len(page) == limit


def post_json(post: Post) -> dict[str, Any]:
    """A post as the Graph API sends it (no ``message`` when it has none)."""
    out: dict[str, Any] = {"id": post.id, "created_time": fb_time(post.created)}
    if post.message is not None:
        out["message"] = post.message
    page, _, number = post.id.partition("_")
    out["permalink_url"] = f"https://www.facebook.com/{page}/posts/{number}"
    return out

def _asked(fields: str | None, name: str) -> bool:
    """Whether a field was asked for (None: everything, for the page's own dump). The real API
    sends ``attachment``, ``permalink_url``, ``sticker``… only when asked."""
    return fields is None or re.search(rf"(^|[,{{]){name}\b", fields) is not None


def comment_permalink(comment: Comment) -> str | None:
    """Where a comment is on facebook.com, shaped like captured answers:
    ``https://www.facebook.com/<page>/posts/<object>/?comment_id=<comment>``."""
    if not comment.id:
        return None
    page = comment.post_id.partition("_")[0]
    obj, _, number = comment.id.partition("_")
    return f"https://www.facebook.com/{page}/posts/{obj}/?comment_id={number}"


def comment_json(comment: Comment, fields: str | None = None) -> dict[str, Any]:
    """A comment as the Graph API sends it (no ``from`` or ``id`` where the page lacks them)."""
    out: dict[str, Any] = {"created_time": fb_time(comment.created),
                           "message": comment.message}
    if comment.id:
        out["id"] = comment.id
    if comment.author:
        out["from"] = {"id": comment.author[0], "name": comment.author[1]}
    if comment.parent_id:
        out["parent"] = {"id": comment.parent_id}
    if comment.hidden:
        out["is_hidden"] = True
    if comment.attachment is not None and _asked(fields, "attachment"):
        out["attachment"] = comment.attachment
    permalink = comment_permalink(comment)
    if permalink and _asked(fields, "permalink_url"):
        out["permalink_url"] = permalink
    return out

def person_json(who: tuple[str, str]) -> dict[str, str]:
    """A participant of a conversation."""
    return {"name": who[1], "email": f"{who[0]}@facebook.com", "id": who[0]}

def message_json(message: Message, fields: str | None = None) -> dict[str, Any]:
    """A Messenger message as the Graph API sends it (attachments, sticker and shares only
    when it has them and they were asked for)."""
    out: dict[str, Any] = {"id": message.id, "created_time": fb_time(message.created),
                           "message": message.text, "from": person_json(message.author)}
    if message.attachments and _asked(fields, "attachments"):
        out["attachments"] = {"data": message.attachments, "paging": {"cursors": {
            "before": "MAZDZD", "after": "MAZDZD"}}}
    if message.sticker and _asked(fields, "sticker"):
        out["sticker"] = message.sticker
    if message.shares and _asked(fields, "shares"):
        out["shares"] = {"data": message.shares, "paging": {"cursors": {
            "before": "MAZDZD", "after": "MAZDZD"}}}
    return out
