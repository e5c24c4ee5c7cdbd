"""Pull the page's posts, comments and Messenger conversations into the database.

One pass (:meth:`PageSync.run`), in this order so that Messenger — where most urgent messages
arrive — is never held up by the rest:
1. conversations newest first, stopping at the first one not updated since the last pass
   (the high-water mark), with their messages (following the nested ``next`` when needed);
2. posts of the last ``sync_days`` days (``since``), upserted into ``posts``;
3. for each post in the window, its comments (``filter=stream``: replies too, with ``parent``).
   Incremental passes continue from the cursor saved after the last committed page, so a
   no-change re-sync costs one request per post; a *full* pass (the first one, one an hour, or
   ``--full``) re-reads every comment to catch late-arriving items, edits and deletions; a
   full pass that was stopped (Ctrl-C, a crash) less than an hour ago is resumed by the next
   one, which reads on from their cursors the posts it had read whole.

Errors are per part: a failing step is recorded (:attr:`SyncReport.problems`) and the others
still run. A post the page no longer has (code 100, subcode 33 on its comments) is marked gone
— kept, with its comments, ``deleted_at`` set — and never asked for again. Only a refused
token or a rate limit, which hold for the whole page, end the pass.

Results are committed together with the cursor that follows them (each page of conversations;
comment pages together until they hold :data:`COMMIT_ITEMS` items), so a crash or a stop
(Ctrl-C) never advances a cursor past uncommitted rows and the next pass goes on from there.
The page's own replies and messages are stored too (``from_page = 1``, closed) and set the
first response of what they answer, without changing the status of a thread's messages or of an
urgent comment (see :func:`~socialdesk.core.store.items.link_page_replies`). What is asked of the
API is in :mod:`.sync_fetch`, how answers become rows in :mod:`.sync_rows`. A page
reply that is socialdesk's own automatic out-of-hours acknowledgement is no response (see
:data:`~socialdesk.core.store.items.PERSON_WROTE`); every other page reply is.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from socialdesk.config import PageConfig
from socialdesk.core.graph.client import (
    GraphClient,
    GraphError,
    RateLimitedError,
    TokenExpiredError,
    TransientError,
    parse_fb_time,
)
from socialdesk.core.ingest.sync_bulk import BulkIndexes
from socialdesk.core.ingest.sync_fetch import (
    POST_FIELDS,
    PostDone,
    PostFailed,
    comment_pages,
    conversation_pages,
    fetched_ahead,
)
from socialdesk.core.ingest.sync_report import STEPS, SyncReport, problem_summary
from socialdesk.core.ingest.sync_rows import ItemMaker, store_items, text_of
from socialdesk.core.models import Item, Progress, to_iso, utc_now
from socialdesk.core.store.cursors import get_state, save_state
from socialdesk.core.store.db import Store
from socialdesk.core.store.items import mark_deleted
from socialdesk.core.store.page_posts import mark_post_gone, page_posts_since, upsert_page_posts

__all__ = ["PAGE_STATE", "STEPS", "PageSync", "SyncReport", "problem_summary"]

log = logging.getLogger("socialdesk.sync")

FULL_PASS_EVERY = timedelta(hours=1)
PAGE_STATE = "page"
#: sync_state of full passes: the last one's success, and when a stopped one began
FULL_STATE = "full"
#: Graph's answer for an object that does not exist (any more): code 100, subcode 33.
GONE = (100, 33)
#: Posts in a row whose comments fail with a server error before the step gives up.
MAX_FAILING_POSTS = 3
#: Comment pages are written together until they hold this many items: one transaction (and
#: one fsync) per ~10 pages instead of per page.
COMMIT_ITEMS = 1_000


@dataclass
class _CommentsBatch:
    """Comment pages read and not yet written: their items, the cursor after each post's
    last page among them, the posts whose last page is among them, and the comment ids
    each post had in them."""

    items: list[Item] = field(default_factory=list)
    cursors: dict[str, dict[str, Any]] = field(default_factory=dict)
    finished: list[str] = field(default_factory=list)
    seen: dict[str, set[str]] = field(default_factory=dict)


class PageSync:
    """Sync one page into one database with one client. Not for two threads at once: the
    store is used by the caller's thread only, the client by one thread at a time (the
    comments' pages are fetched by a helper thread, see :func:`fetched_ahead`)."""

    #: comment pages are written together until they hold this many items
    commit_items = COMMIT_ITEMS

    def __init__(self, store: Store, client: GraphClient, page: PageConfig,
                 clock: Callable[[], datetime] = utc_now,
                 retention_days: int | None = None) -> None:
        self.store = store
        self.client = client
        self.page = page
        self.clock = clock
        #: items older than this many days are stored without their words or author
        self.retention_days = retention_days
        self._progress: Progress | None = None
        self._posts_done = 0
        #: comment ids read this pass of a post whose pages span batches (full passes mark
        #: the ones not read as deleted)
        self._seen: dict[str, set[str]] = {}
        #: posts whose comments this full pass reads whole (and marks deleted what is gone),
        #: and when the full pass began (a stopped one is resumed: see _full_pass_started)
        self._full_reads: set[str] = set()
        self._full_started = ""
        #: the pass's bulk mode: the items indexes set aside when it brings many items
        self._bulk: BulkIndexes | None = None

    # ── the pass ─────────────────────────────────────────────────────────────────────────

    def run(self, full: bool | None = None,
            finished: Callable[[SyncReport], None] | None = None,
            progress: Progress | None = None) -> SyncReport:
        """One sync pass; errors are recorded and returned in the report, not raised.
        ``finished`` runs in the transaction that records the pass's outcome (the audit row
        of the pass is written with it, or not at all). ``progress`` hears (posts done,
        posts in the window) after each committed write of comments: a stop (Ctrl-C) keeps
        every committed page with its cursor, and the next pass goes on from there."""
        self._progress = progress
        state = get_state(self.store, PAGE_STATE)
        report = SyncReport()
        now = self.clock()
        if state.backoff_until and state.backoff_until > to_iso(now):
            report.error = f"rate limited by Facebook until {state.backoff_until}"
            report.backoff_until = state.backoff_until
            return report
        last_full = get_state(self.store, FULL_STATE).last_success_at
        report.full = full if full is not None else (
            last_full is None or last_full < to_iso(now - FULL_PASS_EVERY))
        before = self.client.stats.requests
        self._bulk = BulkIndexes(self.store, report.full)
        try:
            self._steps(report)
        except TokenExpiredError as exc:
            report.error, report.token_refused = str(exc), True
        except RateLimitedError as exc:
            until = to_iso(now + timedelta(seconds=exc.wait_seconds))
            report.error = f"rate limited by Facebook; syncing paused until {until}"
            report.backoff_until = until
            save_state(self.store, PAGE_STATE, error=report.error, backoff_until=until)
        finally:   # however the pass ends, the indexes it set aside are built again
            self._bulk.end()
        report.requests = self.client.stats.requests - before
        with self.store.write():
            if report.error is None:
                save_state(self.store, PAGE_STATE, success=True)
                if report.full:
                    save_state(self.store, FULL_STATE, success=True)
            elif report.backoff_until is None:  # a back-off already recorded its own error
                save_state(self.store, PAGE_STATE, error=report.error)
            if finished is not None:
                finished(report)
        log.info("sync %s: %d new, %d updated, %d requests%s", "full" if report.full else
                 "incremental", len(report.new), report.updated, report.requests,
                 f", error: {report.error}" if report.error else "")
        return report

    def _steps(self, report: SyncReport) -> None:
        """Messages, posts, comments: a step that fails is recorded and the next one runs."""
        steps = (("messages", self._sync_conversations), ("posts", self._sync_posts),
                 ("comments", self._sync_comments))
        for name, step in steps:
            try:
                step(report)
            except (TokenExpiredError, RateLimitedError):
                raise
            except GraphError as exc:
                report.problems.setdefault(name, str(exc))
        if report.problems:
            report.error = problem_summary(report.problems, report.unread_posts)

    # ── posts ────────────────────────────────────────────────────────────────────────────

    def _sync_posts(self, report: SyncReport) -> None:
        since = int((self.clock() - timedelta(days=self.page.sync_days)).timestamp())
        params = {"fields": POST_FIELDS, "since": since, "limit": self.page.page_size}
        for page in self.client.pages(f"/{self.page.id}/posts", params):
            rows = []
            for node in page.data:
                created = parse_fb_time(node.get("created_time"))
                if not isinstance(node.get("id"), str) or created is None:
                    continue
                rows.append({"id": node["id"], "page_id": self.page.id,
                             "message": text_of(node.get("message")),
                             "created_at": to_iso(created),
                             "permalink_url": text_of(node.get("permalink_url")) or None,
                             "updated_at": to_iso(self.clock())})
            upsert_page_posts(self.store, rows)
            report.posts += len(rows)

    def _posts_in_window(self) -> list[tuple[str, str]]:
        since = to_iso(self.clock() - timedelta(days=self.page.sync_days))
        return page_posts_since(self.store, self.page.id, since)

    # ── comments ─────────────────────────────────────────────────────────────────────────

    def _sync_comments(self, report: SyncReport) -> None:
        """Each post's comments; a post gone from the page is marked, a failing one skipped
        (the step gives up after :data:`MAX_FAILING_POSTS` server errors in a row).

        The next page is fetched while this one is stored (:func:`fetched_ahead`): the
        same requests in the same order, each at most one page early, so the page's answer
        time and SQLite's work overlap instead of adding up (13,731 items over loopback:
        the pass took about as long as the requests and the writes together)."""
        posts = self._posts_in_window()
        self._posts_done, self._seen = 0, {}
        self._report_progress(len(posts))
        cursors = {post_id: get_state(self.store, f"comments:{post_id}").cursor
                   for post_id, _ in posts}
        self._full_reads = set()
        if report.full:
            started = self._full_started = self._full_pass_started()
            # a post read whole by the stopped pass this one resumes goes on from its cursor
            self._full_reads = {post_id for post_id, _ in posts
                                if cursors[post_id].get("full") != started}
            for post_id in self._full_reads:
                cursors[post_id] = {}
        unread: list[str] = []
        in_a_row = 0
        start = 0
        while start < len(posts):
            failed = self._sync_posts_comments(posts[start:], cursors, report)
            if failed is None:
                break
            position, exc = failed
            start += position + 1
            if isinstance(exc, TokenExpiredError | RateLimitedError):
                raise exc
            if (exc.code, exc.subcode) == GONE:
                report.deleted += mark_post_gone(self.store, posts[start - 1][0],
                                                 to_iso(self.clock()))
                report.gone_posts += 1
                self._post_done(len(posts))
                continue
            unread.append(f"{exc}")
            self._post_done(len(posts))
            in_a_row = in_a_row + 1 if isinstance(exc, TransientError) else 0
            if in_a_row >= MAX_FAILING_POSTS:
                break
        if unread:
            report.unread_posts = len(unread)
            report.problems["comments"] = unread[-1]
        if report.full:   # read to the end: the next full pass starts afresh
            save_state(self.store, FULL_STATE, cursor={})

    def _full_pass_started(self) -> str:
        """The id of the full pass that is running: a full pass stopped (Ctrl-C, a crash)
        less than :data:`FULL_PASS_EVERY` ago is resumed — the posts it read whole are only
        read on from their cursors — else a new one begins now."""
        stopped = get_state(self.store, FULL_STATE).cursor
        started, pass_id = stopped.get("started"), stopped.get("pass")
        since = to_iso(self.clock() - FULL_PASS_EVERY)
        if (isinstance(started, str) and isinstance(pass_id, str)
                and since <= started <= to_iso(self.clock())):
            return pass_id
        pass_id = uuid.uuid4().hex
        save_state(self.store, FULL_STATE,
                   cursor={"started": to_iso(self.clock()), "pass": pass_id})
        return pass_id

    def _sync_posts_comments(self, posts: list[tuple[str, str]],
                             cursors: dict[str, dict[str, Any]],
                             report: SyncReport) -> tuple[int, GraphError] | None:
        """The comments of these posts in order; stops at the first post whose comments fail
        and returns (its position, the error) — nothing more is asked of the page after a
        failure. Pages are written a few at a time (:class:`_CommentsBatch`), each write one
        transaction holding the pages' items, the cursor after the last page of each post in
        it and the deletions found for each post finished in it."""
        texts = dict(posts)
        total = self._posts_done + len(posts)
        batch = _CommentsBatch()
        pages = comment_pages(self.client, posts, cursors, self.page.page_size)
        with closing(fetched_ahead(pages)) as events:
            for event in events:
                if isinstance(event, PostFailed):
                    self._write_comments(batch, report, total)
                    return event.position, event.error
                if isinstance(event, PostDone):
                    batch.finished.append(event.post_id)
                    if event.post_id in self._full_reads:   # read whole in this full pass
                        batch.cursors[event.post_id] = {**cursors[event.post_id],
                                                        "full": self._full_started}
                else:
                    post_id, page = event.post_id, event.page
                    maker = self._maker()
                    for node in page.data:
                        item = maker.comment(node, post_id, texts[post_id])
                        if item is not None:
                            batch.items.append(item)
                            batch.seen.setdefault(post_id, set()).add(item.platform_id)
                    if page.after:
                        cursors[post_id] = {"after": page.after}
                    batch.cursors[post_id] = cursors[post_id]
                if len(batch.items) >= self.commit_items:
                    batch = self._write_comments(batch, report, total)
        self._write_comments(batch, report, total)
        return None

    def _write_comments(self, batch: _CommentsBatch, report: SyncReport,
                        total: int) -> _CommentsBatch:
        """Write one batch of comment pages in one transaction; returns an empty batch."""
        if not (batch.items or batch.cursors or batch.finished):
            return batch
        with self.store.write():
            self._store_batch(batch.items, report)
            for post_id, cursor in batch.cursors.items():
                save_state(self.store, f"comments:{post_id}", cursor=cursor, success=True)
            for post_id in batch.finished:
                if post_id in self._full_reads:
                    report.deleted += mark_deleted(self.store, post_id,
                                                   self._seen_of(post_id, batch),
                                                   to_iso(self.clock()))
        for post_id in batch.finished:
            self._seen.pop(post_id, None)
        for post_id, ids in batch.seen.items():
            if post_id not in batch.finished:
                self._seen.setdefault(post_id, set()).update(ids)
        self._posts_done += len(batch.finished)
        self._report_progress(total)
        return _CommentsBatch()

    def _seen_of(self, post_id: str, batch: _CommentsBatch) -> set[str]:
        """The comment ids of a post read this pass (earlier batches and this one)."""
        return self._seen.get(post_id, set()) | batch.seen.get(post_id, set())

    def _post_done(self, total: int) -> None:
        self._posts_done += 1
        self._report_progress(total)

    def _report_progress(self, total: int) -> None:
        if self._progress is not None:
            self._progress(self._posts_done, total)

    # ── conversations ────────────────────────────────────────────────────────────────────

    def _sync_conversations(self, report: SyncReport) -> None:
        """Conversations newest first back to the high-water mark, a write per page; the next
        page (and its conversations' older messages) is fetched while this one is written."""
        state = get_state(self.store, "conversations")
        mark = None if report.full else state.cursor.get("updated")
        newest = mark
        # a full pass is bounded by the window too: conversations and messages older than
        # sync_days are not read again (nor written back into purged items)
        window = to_iso(self.clock() - timedelta(days=self.page.sync_days))
        bound = max(mark, window) if mark else window
        pages = conversation_pages(self.client, self.page.id, self.page.page_size, bound)
        with closing(fetched_ahead(pages)) as read:
            for threads in read:
                maker = self._maker()
                batch: list[Item] = []
                for node, messages, stamp in threads:
                    if stamp and (newest is None or stamp > newest):
                        newest = stamp
                    batch.extend(maker.messages(node, messages))
                with self.store.write():
                    self._store_batch(batch, report)
        save_state(self.store, "conversations", cursor={"updated": newest}, success=True)

    # ── shared ───────────────────────────────────────────────────────────────────────────

    def _maker(self) -> ItemMaker:
        return ItemMaker(self.page.id, self.clock())

    def _store_batch(self, items: list[Item], report: SyncReport) -> None:
        """Upsert a batch and link the page's replies (caller holds the transaction)."""
        now = self.clock()
        purge_before = now - timedelta(days=self.retention_days) if self.retention_days \
            else None
        bulk = self._bulk is not None and self._bulk.before_write(items)
        stored = store_items(self.store, items, now, purge_before, bulk)
        report.answered += stored.answered
        report.new.extend(stored.new)
        report.updated += stored.updated
