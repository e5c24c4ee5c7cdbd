"""What a sync writes: items made from the Graph API's comments and messages, and a batch of
them stored in the caller's transaction (new ones inserted, changed ones updated, the page's
replies linked as first responses).

Comments without ``from`` are kept with the author unknown; comments without ``id`` get a
stable id from their post, time, author and text. A malformed attachment is dropped, never
the item. The page's own replies and messages are stored closed (``from_page = 1``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from socialdesk.core.graph.attachments import (
    comment_attachments,
    comment_permalink,
    message_attachments,
)
from socialdesk.core.graph.client import parse_fb_time
from socialdesk.core.media import conversation_link
from socialdesk.core.models import Item, Kind, Status, to_iso
from socialdesk.core.store.db import Store
from socialdesk.core.store.items import link_page_replies, upsert_platform_items


def text_of(value: Any) -> str:
    """A text field of the answer, or "" when it is not a string."""
    return value if isinstance(value, str) else ""


def author_of(node: dict[str, Any]) -> tuple[str | None, str | None]:
    """(id, name) of who wrote a comment or message, each None when not given."""
    who = node.get("from")
    if not isinstance(who, dict):
        return None, None
    pid, name = who.get("id"), who.get("name")
    return (str(pid) if pid is not None else None, name if isinstance(name, str) else None)


def derived_comment_id(post_id: str, node: dict[str, Any]) -> str:
    """A stable id for a comment the API sent without one."""
    author, _ = author_of(node)
    key = "|".join([post_id, text_of(node.get("created_time")), author or "",
                    text_of(node.get("message"))])
    return "noid:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class ItemMaker:
    """Items of one page, read at ``now``."""

    page_id: str
    now: datetime

    def item(self, platform_id: str, kind: Kind, text: str, created: datetime,
             author_id: str | None, author_name: str | None, **context: Any) -> Item:
        """An item; the page's own words are closed at once (not for triage)."""
        from_page = author_id == self.page_id
        item = Item(platform_id=platform_id, kind=kind, text=text, created_at=created,
                    author_id=author_id, author_name=author_name, page_id=self.page_id,
                    from_page=from_page, source="graph", ingested_at=self.now, **context)
        if from_page:
            item.status, item.closed_at, item.close_reason = Status.CLOSED, created, "page reply"
        return item

    def comment(self, node: dict[str, Any], post_id: str, post_text: str) -> Item | None:
        """A comment (or a reply, with its parent) of a post; None without a time."""
        created = parse_fb_time(node.get("created_time"))
        if created is None:
            return None
        raw_id = node.get("id")
        platform_id = str(raw_id) if raw_id else derived_comment_id(post_id, node)
        author_id, author_name = author_of(node)
        parent = node.get("parent")
        parent_id = parent.get("id") if isinstance(parent, dict) else None
        return self.item(platform_id, Kind.COMMENT, text_of(node.get("message")), created,
                         author_id, author_name, post_id=post_id, post_text=post_text or None,
                         parent_id=str(parent_id) if parent_id else None,
                         attachments=comment_attachments(node),
                         permalink_url=comment_permalink(node))

    def messages(self, node: dict[str, Any], messages: list[dict[str, Any]]) -> list[Item]:
        """A conversation's messages (each with the conversation's link on the page)."""
        thread = node.get("id")
        if not isinstance(thread, str):
            return []
        link = conversation_link(node.get("link"), self.page_id)
        items = []
        for message in messages:
            created = parse_fb_time(message.get("created_time"))
            if created is None or not message.get("id"):
                continue
            author_id, author_name = author_of(message)
            items.append(self.item(str(message["id"]), Kind.MESSAGE,
                                   text_of(message.get("message")), created, author_id,
                                   author_name, thread_id=thread,
                                   attachments=message_attachments(message),
                                   permalink_url=link))
        return items


@dataclass(frozen=True, slots=True)
class Stored:
    """What storing a batch did: the new public items' platform ids, how many known items
    changed, how many items got an (earlier) first response."""

    new: list[str]
    updated: int
    answered: int


def store_items(store: Store, items: list[Item], now: datetime,
                purge_before: datetime | None, bulk: bool = False) -> Stored:
    """Upsert a batch and link the page's replies (the caller holds the transaction). An
    item created before ``purge_before`` is stored without its words or author. ``bulk``:
    the items table's secondary indexes are set aside (new rows are written in id order)."""
    new, changed = upsert_platform_items(store, items, to_iso(now),
                                         to_iso(purge_before) if purge_before else None, bulk)
    parents = [i.parent_id for i in items if i.from_page and i.parent_id]
    parents += [i.platform_id for i in items if not i.from_page and i.kind is Kind.COMMENT]
    threads = [i.thread_id for i in items if i.thread_id]
    answered = link_page_replies(store, parents, threads)
    public = {i.platform_id for i in items if not i.from_page}
    return Stored([pid for pid in new if pid in public], changed, answered)
