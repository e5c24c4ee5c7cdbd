"""Publishing due safety posts to the page: on time, late within grace, never twice.

One round (:meth:`Publisher.run`):

1. Paused → nothing happens (posts keep their due times).
2. Runs left in ``publishing`` by a crash are looked for on the page's feed: found →
   published, not found → ``uncertain`` for a person (never blindly re-posted).
3. Each post due now is judged: later than ``[posts] grace_minutes`` → ``missed`` (a
   recurring post records one missed row for all the occurrences it slept through and moves
   on to its next one), else published. Only the latest occurrence of a post can go out, so
   down-time never produces a burst of the backlog.
4. Publishing claims the occurrence first, in one transaction: the post goes to
   ``publishing`` and a ``post_runs`` row (unique per post and due time) is inserted. Two
   publishers on one database cannot both claim it.
5. The POST: bilingual ``single`` = one post, Welsh first; ``twins`` = the Welsh post, then
   the English one (each part's id is kept, so a retry never repeats the part that went out).
   An unknown outcome (timeout after sending, reset, unreadable answer) and Facebook's
   "duplicate" refusal are checked against the feed before anything else: found →
   published, not found → ``uncertain``. A server error (5xx, code 1/2: it may have been
   applied) is checked the same way, and not found → ``failed``. A failure is retried in
   later rounds while within grace, at most :data:`MAX_ATTEMPTS` times, and every retry
   reads the feed first, from the occurrence's *first* attempt (less the clock slack): a
   feed that cannot be read hands the run back (no POST), so nothing is ever posted blind.
   A refused token or a rate limit hands the occurrence back untouched and ends the round.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from socialdesk.config import PostsConfig
from socialdesk.core.graph.client import (
    CLOCK_SLACK,
    DuplicatePostError,
    GraphClient,
    GraphError,
    RateLimitedError,
    TokenExpiredError,
    UncertainOutcome,
    parse_fb_time,
)
from socialdesk.core.models import to_iso, utc_now
from socialdesk.core.schedule.templates import bilingual_text
from socialdesk.core.schedule.timing import next_occurrence
from socialdesk.core.schedule.workflow import PostError, get_post, pause_state, timing_of
from socialdesk.core.store import audit_log
from socialdesk.core.store import safety_posts as rows
from socialdesk.core.store.db import Store

log = logging.getLogger("socialdesk.publisher")

ACTOR = "system"
MAX_ATTEMPTS = 3
STALE_PUBLISHING = timedelta(minutes=2)
#: Pages of the feed a check reads at most (it starts at the first attempt, so it is short).
FEED_PAGES = 4


class _StopRound(Exception):
    """Token refused or rate limited: hand the occurrence back and stop for now."""


@dataclass
class PublishReport:
    """What one publishing round did."""

    published: list[int] = field(default_factory=list)
    late: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    uncertain: list[int] = field(default_factory=list)
    paused: str | None = None
    error: str | None = None
    token_refused: bool = False
    details: list[str] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        """Whether the round changed something worth telling people about."""
        return bool(self.published or self.missed or self.failed or self.uncertain
                    or self.error)


@dataclass
class _Run:
    post: dict[str, Any]
    run_id: int
    first_started_at: datetime     # the occurrence's first attempt: feed checks start here
    parts: dict[str, str]          # part name (both | cy | en) → text
    ids: dict[str, str]            # part name → platform id, for parts that went out
    attempts: int
    retried: bool = False          # an earlier attempt failed: look on the feed first


class Publisher:
    """Publishes due posts with one Graph client (one thread)."""

    def __init__(self, store: Store, client: GraphClient, posts: PostsConfig, zone: ZoneInfo,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.client = client
        self.config = posts
        self.zone = zone
        self.clock = clock
        self.grace = timedelta(minutes=posts.grace_minutes)

    # ── a round ──────────────────────────────────────────────────────────────────────────

    def run(self) -> PublishReport:
        """One round: recover, judge what is due, publish it."""
        report = PublishReport()
        state = pause_state(self.store)
        if state.paused:
            report.paused = state.reason
            return report
        try:
            self._recover_stale(report)
            for post_id, due_at in self._due():
                self._one(post_id, due_at, report)
        except _StopRound as exc:
            report.error = str(exc)
        return report

    def _due(self) -> list[tuple[int, str]]:
        """Posts due now: approved ones, and failed ones still worth another attempt (a
        one-off within grace; a recurring one, which moves on when out of grace)."""
        now = self.clock()
        return rows.due_posts(self.store, to_iso(now), MAX_ATTEMPTS, to_iso(now - self.grace))

    def _one(self, post_id: int, due_at: str, report: PublishReport) -> None:
        """Judge and publish one post's due occurrence (and, if recurring, what follows)."""
        while True:
            now = self.clock()
            if datetime.fromisoformat(due_at) < now - self.grace:
                due_at_next = self._miss(post_id, due_at, report)
            else:
                due_at_next = self._publish(post_id, due_at, report)
            if due_at_next is None or due_at_next > to_iso(now):
                return
            due_at = due_at_next

    # ── claim ────────────────────────────────────────────────────────────────────────────

    def _claim(self, post_id: int, due_at: str) -> _Run | None:
        """Take the occurrence (in one transaction); None when it is not ours to publish."""
        now = self.clock()
        with self.store.write():
            post = get_post(self.store, post_id)
            if post["status"] not in ("approved", "failed") or post["due_at"] != due_at \
                    or pause_state(self.store).paused:
                return None
            run = rows.find_run(self.store, post_id, due_at)
            if run and (run["status"] != "failed" or run["attempts"] >= MAX_ATTEMPTS):
                return None
            ids = json.loads(run["platform_ids"] or "{}") if run else {}
            run_id, attempts = rows.start_run(self.store, post_id, due_at, to_iso(now), run)
            first = run["first_started_at"] or run["started_at"] if run else None
        return _Run(post, run_id, datetime.fromisoformat(first) if first else now,
                    self._parts(post), ids, attempts, retried=bool(run))

    def _parts(self, post: dict[str, Any]) -> dict[str, str]:
        if self.config.bilingual == "twins":
            return {"cy": post["text_cy"], "en": post["text_en"]}
        return {"both": bilingual_text(post["text_cy"], post["text_en"])}

    # ── publish ──────────────────────────────────────────────────────────────────────────

    def _publish(self, post_id: int, due_at: str, report: PublishReport) -> str | None:
        run = self._claim(post_id, due_at)
        if run is None:
            return None
        if run.retried and not self._find_parts(run):
            # an earlier POST may have been applied and the feed cannot tell: no POST now
            self._hand_back(run)
            report.details.append(f"post {post_id}: the page's feed could not be read to "
                                  "check an earlier attempt; trying again later")
            return None
        for part, text in run.parts.items():
            if part in run.ids:
                continue
            try:
                run.ids[part] = self._post(text)
            except (TokenExpiredError, RateLimitedError) as exc:
                self._hand_back(run)
                report.token_refused = isinstance(exc, TokenExpiredError)
                raise _StopRound(str(exc)) from None
            except (UncertainOutcome, DuplicatePostError) as exc:
                log.warning("post %d: %s; checking the feed", post_id, exc)
                found = self._look_for(run, part, text)
                if found:
                    continue
                answered = isinstance(exc, UncertainOutcome) and exc.answered
                where = ("the page's feed could not be read" if found is None
                         else "not found on the page's feed")
                if answered:  # the server finished with it: a retry reads the feed first
                    return self._settle(run, "failed", report, f"{exc}; {where}")
                return self._settle(run, "uncertain", report, f"{exc}; {where} — check the "
                                    "page, then retry or dismiss")
            except GraphError as exc:
                return self._settle(run, "failed", report, str(exc))
        return self._settle(run, "published", report)

    def _post(self, text: str) -> str:
        body = self.client.post(f"/{self.client.page_id}/feed", {"message": text})
        return str(body.get("id") or "")

    def _look_for(self, run: _Run, part: str, text: str) -> bool | None:
        """Whether the part is on the feed (its id kept); None when the feed cannot be read."""
        try:
            found = self._feed_match(text, run.first_started_at, set(run.ids.values()))
        except (GraphError, UncertainOutcome) as exc:
            log.warning("post %d: could not read the feed (%s)", run.post["id"], exc)
            return None
        if found:
            run.ids[part] = found
        return bool(found)

    def _find_parts(self, run: _Run) -> bool:
        """Look on the feed for every part not known to be out; False if it cannot be read."""
        return all(self._look_for(run, part, text) is not None
                   for part, text in run.parts.items() if part not in run.ids)

    def _feed_match(self, text: str, since: datetime, taken: set[str]) -> str | None:
        """The id of a post on the page's feed with exactly this text, made since ``since``
        (less the clock slack) and not already one of ``taken``."""
        wanted = " ".join(text.split())
        start = since - CLOCK_SLACK
        params = {"fields": "id,message,created_time", "limit": 25,
                  "since": int(start.timestamp())}
        pages = self.client.pages(f"/{self.client.page_id}/feed", params)
        for _, page in zip(range(FEED_PAGES), pages, strict=False):
            for node in page.data:
                created = parse_fb_time(node.get("created_time"))
                if created is not None and created >= start and \
                        str(node.get("id", "")) not in taken and \
                        " ".join(str(node.get("message", "")).split()) == wanted:
                    return str(node.get("id", ""))
        return None

    def _hand_back(self, run: _Run) -> None:
        """Token or rate limit: the POST was refused, so the occurrence is as before."""
        rows.hand_back_run(self.store, run.run_id, run.post["id"],
                           untouched=run.attempts == 1 and not run.ids, ids=run.ids)

    # ── outcomes ─────────────────────────────────────────────────────────────────────────

    def _settle(self, run: _Run, outcome: str, report: PublishReport,
                error: str | None = None) -> str | None:
        """Record the outcome; returns the post's next due time if it has one to publish."""
        post, now = run.post, self.clock()
        retry = outcome == "failed" and run.attempts < MAX_ATTEMPTS and \
            datetime.fromisoformat(post["due_at"]) >= now - self.grace
        late = now - datetime.fromisoformat(post["due_at"])
        with self.store.write():
            rows.finish_run(self.store, run.run_id, outcome, run.ids, to_iso(now), error)
            changes: dict[str, Any] = {"last_error": error, "updated_at": to_iso(now)}
            if outcome == "published":
                changes.update(published_at=to_iso(now),
                               platform_id=run.ids.get("both") or run.ids.get("en"),
                               platform_id_cy=run.ids.get("cy"))
            next_due = self._advance(post, changes, outcome, retry)
            rows.update_post(self.store, post["id"], changes)
            audit_log.append(self.store, ACTOR, f"post_{outcome}", str(post["id"]), {
                "due_at": post["due_at"], "attempt": run.attempts, "ids": run.ids,
                "late_seconds": int(late.total_seconds()), "error": error})
        getattr(report, outcome).append(post["id"])
        if outcome == "published" and late > timedelta(minutes=1):
            report.late.append(post["id"])
        if error:
            report.details.append(f"post {post['id']}: {outcome} — {error}")
        return next_due

    def _advance(self, post: dict[str, Any], changes: dict[str, Any], outcome: str,
                 retry: bool) -> str | None:
        """Set the post's status after an occurrence; a recurring post moves on."""
        rule = timing_of(post)
        if retry:
            changes["status"] = "failed"
            return None
        if rule is None:
            changes["status"] = outcome
            return None
        following = next_occurrence(rule, datetime.fromisoformat(post["due_at"]), self.zone)
        changes.update(status="approved", due_at=to_iso(following.at))
        return str(changes["due_at"])

    def _miss(self, post_id: int, due_at: str, report: PublishReport) -> str | None:
        """Past grace: record it missed (once for a run of missed occurrences) and move on."""
        now = self.clock()
        with self.store.write():
            post = get_post(self.store, post_id)
            if post["due_at"] != due_at or post["status"] not in ("approved", "failed"):
                return None
            rule = timing_of(post)
            # An approved post past grace is missed; a recurring post still failing when its
            # grace runs out gives that occurrence up. Either way a recurring one moves on.
            outcome = "missed" if post["status"] == "approved" else "failed"
            skipped, next_due = int(outcome == "missed"), None
            changes: dict[str, Any] = {"status": outcome}
            if rule is not None:
                following = next_occurrence(rule, datetime.fromisoformat(due_at), self.zone)
                while following.at < now - self.grace:
                    skipped += 1
                    following = next_occurrence(rule, following.at, self.zone)
                next_due = to_iso(following.at)
                changes = {"status": "approved", "due_at": next_due}
            note = (f"{skipped} occurrences missed while socialdesk was not running or paused"
                    if skipped > 1 else None)
            error = (f"due {due_at}, not published within the {self.config.grace_minutes}-"
                     "minute grace" if outcome == "missed" else
                     "still failing when the grace period ran out")
            rows.record_missed_run(self.store, post_id, due_at, outcome, to_iso(now), error,
                                   note)
            changes.update(last_error=error, updated_at=to_iso(now))
            rows.update_post(self.store, post_id, changes)
            audit_log.append(self.store, ACTOR, f"post_{outcome}", str(post_id),
                             {"due_at": due_at, "skipped": skipped, "next_due": next_due})
        (report.missed if outcome == "missed" else report.failed).append(post_id)
        report.details.append(f"post {post_id}: {outcome} — {error}")
        return next_due

    # ── crashes ──────────────────────────────────────────────────────────────────────────

    def _recover_stale(self, report: PublishReport) -> None:
        """Runs left ``publishing`` (a crash mid-POST): published if on the feed, else
        uncertain."""
        cutoff = to_iso(self.clock() - STALE_PUBLISHING)
        for row in rows.stale_runs(self.store, cutoff):
            post = get_post(self.store, row["post_id"])
            first = row["first_started_at"] or row["started_at"]
            run = _Run(post, row["id"], datetime.fromisoformat(first),
                       self._parts(post), json.loads(row["platform_ids"] or "{}"),
                       row["attempts"])
            if not self._find_parts(run):
                report.details.append(f"post {post['id']}: stopped while publishing; the "
                                      "feed could not be read to check — trying again later")
                continue
            if set(run.ids) == set(run.parts):
                self._settle(run, "published", report)
            else:
                self._settle(run, "uncertain", report, "socialdesk stopped while publishing "
                             "and the post is not on the page's feed — check the page, then "
                             "retry or dismiss")

    # ── a person's retry ─────────────────────────────────────────────────────────────────

    def retry(self, actor: str, post_id: int) -> PublishReport:
        """A person checked the page: publish an uncertain or failed one-off again, now.

        The feed is still looked at first. A recurring post is not retried (its next
        occurrence comes anyway); copy it into a one-off to publish a lost occurrence.
        """
        report = PublishReport()
        with self.store.write():
            post = get_post(self.store, post_id)
            if post["recurrence"]:
                raise PostError(f"Post {post_id} repeats ({post['recurrence']}); to publish a "
                                f"lost occurrence now, add a one-off copy (posts add --copy "
                                f"{post_id} --at ...).")
            if post["status"] not in ("uncertain", "failed"):
                raise PostError(f"Post {post_id} is {post['status']}; only an uncertain or "
                                "failed post can be retried.")
            if pause_state(self.store).paused:
                raise PostError("Scheduled posts are paused; resume them first.")
            rows.reset_for_retry(self.store, post_id, post["due_at"])
            audit_log.append(self.store, actor, "post_retry", str(post_id),
                             {"due_at": post["due_at"], "was": post["status"]})
        try:
            self._publish(post_id, post["due_at"], report)
        except _StopRound as exc:
            report.error = str(exc)
        return report
