"""The fake page's content: posts, comment threads and Messenger conversations, in memory.

Generated once from a seed (``rate 0``: fixed, so a sync can be compared exactly), optionally
growing at ``rate`` items a minute. Shapes follow real captured Graph API data: comment ids
whose prefix is not the post id, comments without ``from`` (and a few without ``id``), posts
without ``message``, stickers as ``"message": ""``, photos, stickers and shared links on
comments and messages.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from socialdesk.fakepage.traffic import Media, Traffic

PAGE_NAME = "Ynys Môn Community Support / Cefnogaeth Gymunedol Ynys Môn"
DAY = 86_400.0


@dataclass
class Comment:
    """A comment (or a reply when ``parent_id`` is set)."""

    id: str | None
    post_id: str
    message: str
    created: float
    author: tuple[str, str] | None
    parent_id: str | None = None
    hidden: bool = False
    seq: int = 0
    #: the ``attachment`` object as the Graph API sends it (a photo, sticker or link), if any
    attachment: dict[str, Any] | None = None


@dataclass
class Post:
    """A page post and its comments (kept in chronological order)."""

    id: str
    object_id: str  # the prefix real comment ids carry; not the post id's suffix
    message: str | None
    created: float
    comments: list[Comment] = field(default_factory=list)


@dataclass
class Message:
    """A Messenger message as the fake page holds it: author, text and the attachments, sticker
    and shares the Graph API would send."""

    id: str
    created: float
    author: tuple[str, str]
    text: str
    #: ``attachments.data`` entries, the ``sticker`` URL and ``shares.data`` entries, as the
    #: Graph API sends them
    attachments: list[dict[str, Any]] = field(default_factory=list)
    sticker: str | None = None
    shares: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Conversation:
    """A Messenger thread between one person and the page."""

    id: str
    user: tuple[str, str]
    messages: list[Message] = field(default_factory=list)
    seq: int = 0

    @property
    def updated(self) -> float:
        """Time of the newest message."""
        return self.messages[-1].created if self.messages else 0.0


@dataclass
class Sizes:
    """How much traffic to generate at start."""

    posts: int = 12
    comments: int = 100
    conversations: int = 15
    days: float = 7.0


class PageState:
    """All content of the fake page, guarded by one lock."""

    def __init__(self, page_id: str, seed: int, sizes: Sizes | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.page_id = page_id
        self.page = (page_id, PAGE_NAME)
        self.rng = random.Random(seed)
        self.traffic = Traffic(self.rng)
        self.media = Media(random.Random(f"media:{seed}"))
        self.clock = clock
        self.lock = threading.RLock()
        self.posts: list[Post] = []
        self.conversations: list[Conversation] = []
        self.comments_by_id: dict[str, Comment] = {}
        self.received: list[dict[str, object]] = []
        self.private_replied: set[str] = set()
        self._ids = itertools.count(10_000_000_000_000)
        self._seq = itertools.count(1)
        self.generate(sizes or Sizes())

    # ── ids and time ─────────────────────────────────────────────────────────────────────

    def next_id(self) -> str:
        """A new numeric id."""
        return str(next(self._ids) * 7 + self.rng.randrange(7))

    def now(self) -> float:
        """Current time on the page."""
        return float(self.clock())

    # ── generation ───────────────────────────────────────────────────────────────────────

    def generate(self, sizes: Sizes) -> None:
        """Build the initial page: posts over ``days``, comments spread over them, threads."""
        now = self.now()
        start = now - sizes.days * DAY
        for n in range(sizes.posts):
            self.add_post(self.traffic.post_text() or None,
                          start + (n + 0.5) * (now - start - 3600) / max(1, sizes.posts))
        for _ in range(sizes.comments):
            post = self.rng.choice(self.posts)
            created = self.rng.uniform(post.created, now - 60)
            self.add_public_comment(post, created)
        for _ in range(sizes.conversations):
            self.add_message(None, self.rng.uniform(start, now - 60))
        self._answer_some(now)

    def _answer_some(self, now: float) -> None:
        """The team has already answered some items, on the page itself."""
        for post in self.posts:
            for comment in list(post.comments):
                if comment.author and comment.author[0] != self.page_id and comment.id \
                        and comment.parent_id is None and self.rng.random() < 0.3:
                    when = min(now - 1, comment.created + self.rng.uniform(300, 4 * 3600))
                    self.add_reply(comment, self.traffic.page_reply(self.rng.random() < 0.35),
                                   when)
        for conversation in self.conversations:
            if self.rng.random() < 0.5:
                last = conversation.messages[-1]
                when = min(now - 1, last.created + self.rng.uniform(300, 6 * 3600))
                self.add_page_message(conversation, self.traffic.page_reply(False), when)

    def add_post(self, message: str | None, created: float) -> Post:
        """A new page post."""
        with self.lock:
            post = Post(f"{self.page_id}_{self.next_id()}", self.next_id(), message, created)
            self.posts.append(post)
            self.posts.sort(key=lambda p: p.created)
            return post

    def _insert_comment(self, post: Post, comment: Comment) -> Comment:
        comment.seq = next(self._seq)
        post.comments.append(comment)
        post.comments.sort(key=lambda c: (c.created, c.seq))
        if comment.id:
            self.comments_by_id[comment.id] = comment
        return comment

    def add_public_comment(self, post: Post, created: float) -> Comment:
        """A member of the public comments (5% without ``from``, 1% without ``id``)."""
        with self.lock:
            author = None if self.rng.random() < 0.05 else self.traffic.person()
            cid = None if self.rng.random() < 0.01 else f"{post.object_id}_{self.next_id()}"
            parent = None
            top = [c for c in post.comments if c.parent_id is None and c.id]
            if top and self.rng.random() < 0.2:
                parent = self.rng.choice(top).id
            text = self.traffic.comment_text()
            return self._insert_comment(
                post, Comment(cid, post.id, text, created, author, parent,
                              attachment=self.media.comment_attachment(bool(text))))

    def add_reply(self, parent: Comment, text: str, created: float | None = None) -> Comment:
        """The page replies under a comment."""
        with self.lock:
            post = self.post_by_id(parent.post_id)
            assert post is not None
            cid = f"{post.object_id}_{self.next_id()}"
            return self._insert_comment(post, Comment(
                cid, post.id, text, created or self.now(), self.page, parent.id))

    def add_message(self, conversation: Conversation | None, created: float) -> Message:
        """A person messages the page (a new thread when ``conversation`` is None)."""
        with self.lock:
            if conversation is None:
                conversation = Conversation(f"t_{self.next_id()}", self.traffic.person())
                self.conversations.append(conversation)
            message = Message(f"m_{self.next_id()}", created, conversation.user,
                              self.traffic.message_text())
            message.attachments, message.sticker, message.shares = self.media.message_extras()
            if message.sticker:
                message.text = ""  # a sticker comes as "message": "" (captured answers)
            self._append(conversation, message)
            return message

    def add_page_message(self, conversation: Conversation, text: str,
                         created: float | None = None) -> Message:
        """The page writes in a thread."""
        with self.lock:
            message = Message(f"m_{self.next_id()}", created or self.now(), self.page, text)
            self._append(conversation, message)
            return message

    def _append(self, conversation: Conversation, message: Message) -> None:
        conversation.messages.append(message)
        conversation.messages.sort(key=lambda m: m.created)
        conversation.seq = next(self._seq)

    def tick(self, late: bool = False) -> None:
        """One new item of live traffic (``late``: it claims to be two hours old)."""
        with self.lock:
            now = self.now()
            created = now - 7200 if late else now
            roll = self.rng.random()
            if roll < 0.5 and self.posts:
                self.add_public_comment(self.rng.choice(self.posts[-5:]), created)
            elif roll < 0.8 or not self.conversations:
                existing = self.rng.choice(self.conversations) if self.conversations and \
                    self.rng.random() < 0.4 else None
                self.add_message(existing, created)
            elif roll < 0.95:
                recent = [c for p in self.posts[-5:] for c in p.comments
                          if c.id and c.author and c.author[0] != self.page_id]
                if recent:
                    target = self.rng.choice(recent)
                    self.add_reply(target, self.traffic.page_reply(False))
            else:
                self.add_post(self.traffic.post_text() or None, now)

    def delete_object(self, object_id: str) -> bool:
        """Take a post (and its comments) or a comment off the page; False if unknown."""
        with self.lock:
            post = self.post_by_id(object_id)
            if post is not None:
                self.posts.remove(post)
                for comment in post.comments:
                    if comment.id:
                        self.comments_by_id.pop(comment.id, None)
                return True
            gone = self.comments_by_id.get(object_id)
            if gone is None:
                return False
            del self.comments_by_id[object_id]
            owner = self.post_by_id(gone.post_id)
            if owner is not None:
                owner.comments.remove(gone)
            return True

    def remove_a_later_comment(self, post_id: str, page: dict[str, Any]) -> None:
        """Delete one comment of a post that comes after the page just served (the
        ``vanishing`` fault: it disappears between two pages)."""
        with self.lock:
            post = self.post_by_id(post_id)
            served = {c.get("id") for c in page.get("data", []) if isinstance(c, dict)}
            if post is None or not served:
                return
            later = [c for c in post.comments if c.id and c.id not in served
                     and c.created >= max((c2.created for c2 in post.comments
                                           if c2.id in served), default=0)]
            if later:
                self.delete_object(str(self.rng.choice(later).id))

    # ── lookups ──────────────────────────────────────────────────────────────────────────

    def post_by_id(self, post_id: str) -> Post | None:
        """The post with this id, if any."""
        return next((p for p in self.posts if p.id == post_id), None)

    def conversation_by_id(self, conversation_id: str) -> Conversation | None:
        """The conversation with this id, if any."""
        return next((c for c in self.conversations if c.id == conversation_id), None)

    def conversation_with(self, psid: str) -> Conversation | None:
        """The thread with this person, if any."""
        return next((c for c in self.conversations if c.user[0] == psid), None)

    def counts(self) -> dict[str, int]:
        """How much content the page holds."""
        with self.lock:
            comments = [c for p in self.posts for c in p.comments]
            return {
                "posts": len(self.posts),
                "comments": len(comments),
                "comments_without_id": sum(1 for c in comments if c.id is None),
                "page_replies": sum(1 for c in comments if c.author == self.page),
                "conversations": len(self.conversations),
                "messages": sum(len(c.messages) for c in self.conversations),
            }
