"""The drop-in desk (``desk.dropins``): virtual drop-in sessions, an announced window in which
the team answers the page live for the people who would not walk into a station (issue 24).

An officer plans a session (start, end, place or topic). socialdesk drafts the bilingual
announcement from ``prompts/dropin.toml`` and schedules it through the safety-post workflow
(``desk.posts``): the same approval, both languages together, the crisis pause; there is no
second queue. The announcement goes out :data:`ANNOUNCE_BEFORE` ahead of the start (or as soon
as there is time for an approval, :data:`ANNOUNCE_SOONEST`), or when the officer says.

Moving or cancelling a session does the right thing to what the page has been told: an
announcement still waiting is redrafted for the new time (its approval revoked, as for any
edited post) or cancelled; one that has gone out is followed by a "new time" or "cancelled"
post, drafted the same way and due as soon as it can be approved.

Roles: officers plan; the officer who planned a session may move or cancel it, anyone else
needs a supervisor (:attr:`Permission.CHANGE_OTHERS_DROPIN`). Every change is in the audit
chain, in the transaction that makes it. Looking (the live view, the summaries) is open to
every member; the summaries are reports, so read-only accounts see them too.

A session is *planned* until its start, *running* until its end, then *over*; *cancelled*
whenever it was called off. Its figures are the page's items (not the page's own replies)
created in its window: contacts, categories, languages, how many were answered within the
window, answered later or still waiting, the median first response (DESIGN.md §4: the first
reply by a person on the page's side; automatic acknowledgements do not count) and the urgent
items with how fast they were answered.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

from socialdesk.core.audit.metrics import minutes_text
from socialdesk.core.desk import access
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.desk.notices import SUPERVISORS, NoticesDesk
from socialdesk.core.desk.safety_posts import SafetyPostDesk
from socialdesk.core.models import minutes_between, to_iso, utc_now
from socialdesk.core.places import fold, gazetteer
from socialdesk.core.schedule import templates
from socialdesk.core.schedule.timing import parse_clock, parse_local, resolve
from socialdesk.core.store import dropins as rows
from socialdesk.errors import UserError

TEMPLATE_FILE = "dropin.toml"
#: the announcement goes out this long before the session starts …
ANNOUNCE_BEFORE = timedelta(hours=24)
#: … or, when that has passed, this long from now (time for a supervisor's approval)
ANNOUNCE_SOONEST = timedelta(minutes=15)
#: a session's end is told to the supervisors if it ended this recently (a desk that was
#: down for longer does not flood them with old sessions)
SUMMARY_WITHIN = timedelta(days=2)
#: a session longer than this is a typing mistake
LONGEST = timedelta(hours=12)
TOPIC_LIMIT = 120
#: announcement posts whose text has not reached the page: they can still be changed
NOT_OUT = ("draft", "approved", "failed", "missed")
#: announcement posts that reached the page, or may have (a person checks an uncertain one)
OUT = ("published", "publishing", "uncertain")
#: the categories and languages every summary lists, in this order (others follow)
INFINITIVE = {"moved": "move", "cancelled": "cancel"}
#: a topic goes into a template: no braces (they would read as placeholders)
BRACES = re.compile(r"[{}]")
CATEGORIES = ("report", "concern", "chat", "unclassified")
LANGUAGES = ("cy", "en", "mixed", "unknown")


class DropinError(UserError):
    """A drop-in action that cannot be done (in the past, overlapping, already cancelled…)."""


@dataclass(frozen=True)
class DropinSession:
    """One session: its window (UTC), place or topic in both languages, who planned it,
    whether it was cancelled, and the safety posts that announce, move or call it off."""

    id: int
    start: datetime
    end: datetime
    topic: str
    topic_cy: str
    planned_by: str
    created_at: str
    cancelled_at: str | None = None
    cancelled_by: str | None = None
    cancel_reason: str | None = None
    posts: tuple[dict[str, Any], ...] = ()

    @classmethod
    def from_row(cls, row: dict[str, Any], posts: list[dict[str, Any]] | None = None
                 ) -> DropinSession:
        """A session from its database row (and its linked posts)."""
        return cls(int(row["id"]), datetime.fromisoformat(row["start_at"]),
                   datetime.fromisoformat(row["end_at"]), row["topic"],
                   row["topic_cy"] or row["topic"], row["planned_by"], row["created_at"],
                   row["cancelled_at"], row["cancelled_by"], row["cancel_reason"],
                   tuple(posts or row.get("posts") or ()))

    def state(self, now: datetime) -> str:
        """``planned``, ``running``, ``over`` or ``cancelled``."""
        if self.cancelled_at:
            return "cancelled"
        if now < self.start:
            return "planned"
        return "running" if now < self.end else "over"

    def window(self, zone: ZoneInfo, with_year: bool = True) -> str:
        """``Tue 08 Dec 2026 18:00–19:30 GMT`` (both days when it runs past midnight)."""
        start, end = self.start.astimezone(zone), self.end.astimezone(zone)
        tail = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a %d %b %H:%M}"
        year = " %Y" if with_year else ""
        return f"{start:%a %d %b{year} %H:%M}–{tail} {end.tzname()}"

    @property
    def label(self) -> str:
        """The place or topic in both languages (once when they are the same)."""
        return self.topic if self.topic_cy == self.topic else f"{self.topic_cy} / {self.topic}"

    @property
    def announcement(self) -> dict[str, Any] | None:
        """The newest post telling the page when the session is (announce or moved) that
        has not been cancelled, or None."""
        live = [p for p in self.posts if p["kind"] in ("announce", "moved")
                and p["status"] != "cancelled"]
        return live[-1] if live else None

    def as_dict(self, zone: ZoneInfo, now: datetime) -> dict[str, Any]:
        """For JSON: the stored fields, the state and the window as people read it."""
        return {"id": self.id, "state": self.state(now), "start": to_iso(self.start),
                "end": to_iso(self.end), "window": self.window(zone), "topic": self.topic,
                "topic_cy": self.topic_cy, "planned_by": self.planned_by,
                "created_at": self.created_at, "cancelled_at": self.cancelled_at,
                "cancelled_by": self.cancelled_by, "cancel_reason": self.cancel_reason,
                "posts": [dict(p) for p in self.posts]}


@dataclass(frozen=True)
class Urgent:
    """The urgent items of a session's window and how fast they were answered."""

    count: int = 0
    answered: int = 0
    answered_in_session: int = 0
    closed_without_reply: int = 0
    waiting: int = 0
    median_minutes: float | None = None
    slowest_minutes: float | None = None


@dataclass(frozen=True)
class SessionFigures:
    """What came in during a session's window (up to ``until``: the end, or now while it
    runs) and what became of it. Minutes are first-response times (elapsed)."""

    session: DropinSession
    state: str
    until: datetime
    contacts: int = 0
    #: the different authors (page-scoped ids) who wrote …
    people: int = 0
    #: … and the items whose author is not known (an import without one, or purged)
    unknown_authors: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    answered: int = 0
    answered_in_session: int = 0
    answered_later: int = 0
    closed_without_reply: int = 0
    waiting: int = 0
    median_minutes: float | None = None
    p90_minutes: float | None = None
    answered_by: dict[str, int] = field(default_factory=dict)
    urgent: Urgent = Urgent()
    #: the items themselves, oldest first (the live view lists them; not in the JSON)
    items: tuple[dict[str, Any], ...] = ()

    def as_dict(self, zone: ZoneInfo) -> dict[str, Any]:
        """The figures for JSON (without the items' texts: a summary is not a list of
        people's messages; ``item_ids`` says which items it counts)."""
        figures = asdict(self)
        figures.pop("items")
        figures["session"] = self.session.as_dict(zone, self.until)
        figures["state"] = self.state
        figures["until"] = to_iso(self.until)
        figures["item_ids"] = [int(item["id"]) for item in self.items]
        return figures


@dataclass(frozen=True)
class PlanResult:
    """A session planned, or moved: the session and the post now telling the page about it
    (whether it is approved, and when it goes out)."""

    session: DropinSession
    post_id: int | None
    post_kind: str
    approved: bool
    announce_at: datetime | None
    #: what happened to the page's posts, in a sentence (for the CLI and the dashboard)
    note: str = ""


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]


def figures_of(session: DropinSession, items: list[dict[str, Any]], now: datetime
               ) -> SessionFigures:
    """A session's figures from the items of its window (see :class:`SessionFigures`)."""
    until = min(now, session.end)
    end = to_iso(session.end)
    answered = [i for i in items if i["first_response_at"]]
    times = [minutes_between(i["created_at"], i["first_response_at"]) for i in answered]
    not_answered = [i for i in items if not i["first_response_at"]]
    urgent = [i for i in items if i["urgent"]]
    urgent_answered = [i for i in urgent if i["first_response_at"]]
    urgent_times = [minutes_between(i["created_at"], i["first_response_at"])
                    for i in urgent_answered]

    def ordered(counts: Counter[str], first: tuple[str, ...]) -> dict[str, int]:
        return {**{k: counts[k] for k in first}, **{k: v for k, v in sorted(counts.items())
                                                     if k not in first}}

    return SessionFigures(
        session=session, state=session.state(now), until=until, contacts=len(items),
        people=len({i["author_id"] for i in items if i["author_id"]}),
        unknown_authors=sum(not i["author_id"] for i in items),
        kinds=dict(sorted(Counter(i["kind"] for i in items).items())),
        categories=ordered(Counter(i["category"] or "unclassified" for i in items), CATEGORIES),
        languages=ordered(Counter(i["language"] or "unknown" for i in items), LANGUAGES),
        answered=len(answered),
        answered_in_session=sum(i["first_response_at"] < end for i in answered),
        answered_later=sum(i["first_response_at"] >= end for i in answered),
        closed_without_reply=sum(i["status"] == "closed" for i in not_answered),
        waiting=sum(i["status"] != "closed" for i in not_answered),
        median_minutes=round(median(times), 1) if times else None,
        p90_minutes=round(_p90(times) or 0, 1) if times else None,
        answered_by=dict(Counter(i["first_response_by"] or "—" for i in answered)
                         .most_common()),
        urgent=Urgent(
            count=len(urgent), answered=len(urgent_answered),
            answered_in_session=sum(i["first_response_at"] < end for i in urgent_answered),
            closed_without_reply=sum(not i["first_response_at"] and i["status"] == "closed"
                                     for i in urgent),
            waiting=sum(not i["first_response_at"] and i["status"] != "closed"
                        for i in urgent),
            median_minutes=round(median(urgent_times), 1) if urgent_times else None,
            slowest_minutes=round(max(urgent_times), 1) if urgent_times else None),
        items=tuple(items))


class DropinDesk:
    """Drop-in sessions of one desk, their announcements (through ``posts``) and figures."""

    def __init__(self, context: DeskContext, posts: SafetyPostDesk, notices: NoticesDesk,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.context = context
        self.posts = posts
        self.notices = notices
        self.clock = clock

    @property
    def zone(self) -> ZoneInfo:
        """The team's time zone."""
        return self.context.config.team.zone

    # ── planning ─────────────────────────────────────────────────────────────────────────

    def plan(self, start: str, end: str, topic: str, topic_cy: str | None = None,
             announce: str | None = None) -> PlanResult:
        """Plan a session (local times: ``start`` as ``YYYY-MM-DD HH:MM``, ``end`` the same
        or just ``HH:MM`` on the start's day) and schedule its announcement; officers."""
        self.context.require(access.Permission.PLAN_DROPIN)
        self.context.require(access.Permission.SCHEDULE)
        now = self.clock()
        begin, finish = self._window(start, end, now)
        topic, topic_cy = self._topic(topic, topic_cy)
        announce_at = self._announce_time(announce, begin, now)
        store = self.context.store
        with store.write():
            self._no_overlap(begin, finish, None)
            stamp = to_iso(now)
            session_id = rows.insert_session(store, {
                "start_at": to_iso(begin), "end_at": to_iso(finish), "topic": topic,
                "topic_cy": topic_cy, "planned_by": self.context.actor, "created_at": stamp,
                "updated_at": stamp})
            session = self._session(session_id)
            post_id = self._draft_post(session, "announce", announce_at)
            self.context.record("dropin_plan", str(session_id), {
                "start": to_iso(begin), "end": to_iso(finish), "topic": topic,
                "topic_cy": topic_cy, "post": post_id, "announce_at": to_iso(announce_at)})
            result = self._result(session_id, post_id, "announce", announce_at)
        return result

    def move(self, session_id: int, start: str, end: str,
             announce: str | None = None) -> PlanResult:
        """Give a planned session a new window. An announcement still waiting is redrafted
        for the new time (approval revoked, like any edited post); one that has gone out is
        followed by a "new time" post."""
        self.context.require(access.Permission.PLAN_DROPIN)
        now = self.clock()
        begin, finish = self._window(start, end, now)
        store = self.context.store
        with store.write():
            session = self._changeable(session_id, now, "moved")
            self._no_overlap(begin, finish, session_id)
            rows.update_session(store, session_id, {
                "start_at": to_iso(begin), "end_at": to_iso(finish), "updated_at": to_iso(now)})
            moved = self._session(session_id)
            waiting = session.announcement
            out = [p for p in session.posts if p["kind"] in ("announce", "moved")
                   and p["status"] in OUT]
            if waiting is not None and waiting["status"] in NOT_OUT:
                post_id, kind = int(waiting["post_id"]), str(waiting["kind"])
                # a new-time post goes out as soon as it can; an announcement on its rhythm
                announce_at = (self._soonest(announce, begin, now) if kind == "moved"
                               else self._announce_time(announce, begin, now))
                texts = self._texts(moved, kind)
                self.posts.edit(post_id, cy=texts["cy"], en=texts["en"],
                                title=self._title(moved, kind),
                                when=self._local(announce_at))
                if not self.context.policy.require_approval:
                    self.posts.approve(post_id)
                note = f"its announcement (post {post_id}) was redrafted for the new time"
            else:
                kind = "moved" if out else "announce"
                announce_at = (self._announce_time(announce, begin, now) if kind == "announce"
                               else self._soonest(announce, begin, now))
                post_id = self._draft_post(moved, kind, announce_at)
                note = (f"a new-time post (post {post_id}) was drafted, as the announcement "
                        "has gone out" if out else
                        f"a new announcement (post {post_id}) was drafted")
            self.context.record("dropin_move", str(session_id), {
                "was": [to_iso(session.start), to_iso(session.end)],
                "start": to_iso(begin), "end": to_iso(finish), "post": post_id,
                "post_kind": kind})
            result = self._result(session_id, post_id, kind, announce_at, note)
        return result

    def cancel(self, session_id: int, reason: str = "") -> PlanResult:
        """Call off a planned session: an announcement still waiting is cancelled with it;
        one that has gone out is followed by a "cancelled" post."""
        self.context.require(access.Permission.PLAN_DROPIN)
        now = self.clock()
        reason = " ".join(reason.split())
        if len(reason) > 500:
            raise DropinError("Keep the reason under 500 characters.")
        store = self.context.store
        with store.write():
            session = self._changeable(session_id, now, "cancelled")
            stopped = []
            for post in session.posts:
                if post["kind"] in ("announce", "moved") and post["status"] in NOT_OUT:
                    self.posts.cancel(int(post["post_id"]))
                    stopped.append(int(post["post_id"]))
            out = [p for p in session.posts if p["kind"] in ("announce", "moved")
                   and p["status"] in OUT]
            rows.update_session(store, session_id, {
                "cancelled_at": to_iso(now), "cancelled_by": self.context.actor,
                "cancel_reason": reason or None, "updated_at": to_iso(now)})
            post_id: int | None = None
            announce_at: datetime | None = None
            if out:
                # as soon as it can be approved, even if that is after the start: the
                # people who read the announcement must hear that nobody will be there
                announce_at = self._next_minute(now + ANNOUNCE_SOONEST)
                post_id = self._draft_post(session, "cancelled", announce_at)
                note = (f"the announcement had gone out, so a cancellation post (post "
                        f"{post_id}) was drafted")
            elif stopped:
                note = (f"its announcement (post {', '.join(map(str, stopped))}) was cancelled "
                        "before going out")
            else:
                note = "nothing had been announced"
            self.context.record("dropin_cancel", str(session_id), {
                "reason": reason, "posts_cancelled": stopped, "post": post_id})
            result = self._result(session_id, post_id, "cancelled", announce_at, note)
        return result

    # ── looking ──────────────────────────────────────────────────────────────────────────

    def get(self, session_id: int) -> DropinSession:
        """One session, or one sentence."""
        self.context.require(access.Permission.USE)
        return self._session(session_id)

    def sessions(self, limit: int = 200) -> list[DropinSession]:
        """Every session, latest start first."""
        self.context.require(access.Permission.USE)
        store = self.context.store
        return [DropinSession.from_row(row, rows.posts_of(store, int(row["id"])))
                for row in rows.sessions(store, limit)]

    def running(self, now: datetime | None = None) -> DropinSession | None:
        """The session running now, or None."""
        self.context.require(access.Permission.USE)
        row = rows.running(self.context.store, to_iso(now or self.clock()))
        return self._session(int(row["id"])) if row else None

    def next_planned(self, now: datetime | None = None) -> DropinSession | None:
        """The next session still to start, or None."""
        self.context.require(access.Permission.USE)
        row = rows.next_planned(self.context.store, to_iso(now or self.clock()))
        return self._session(int(row["id"])) if row else None

    def live(self, now: datetime | None = None) -> SessionFigures | None:
        """The running session's figures so far (the inbox's session view), or None."""
        now = now or self.clock()
        session = self.running(now)
        if session is None:
            return None
        return self._figures(session, now)

    def report(self, session_id: int, now: datetime | None = None) -> SessionFigures:
        """A session's summary (figures so far while it runs); everyone who sees reports."""
        self.context.require(access.Permission.SEE_REPORTS)
        return self._figures(self._session(session_id), now or self.clock())

    def summaries(self, now: datetime | None = None, limit: int = 100,
                  planned: bool = False) -> list[SessionFigures]:
        """The summaries of the sessions that have started (running or over, and those
        cancelled), latest first: the supervisor's list; with ``planned``, the sessions still
        to come too (first)."""
        self.context.require(access.Permission.SEE_REPORTS)
        now = now or self.clock()
        store = self.context.store
        chosen = [DropinSession.from_row(row, rows.posts_of(store, int(row["id"])))
                  for row in rows.sessions(store, limit * 2)]
        return [self._figures(s, now) for s in chosen if planned or s.start <= now][:limit]

    def headline(self, now: datetime | None = None) -> str:
        """One sentence: the session running (and how it stands), or that none is and when
        the next one is."""
        now = now or self.clock()
        live = self.live(now)
        if live is not None:
            return (f"Drop-in session {live.session.id} is running until "
                    f"{live.session.end.astimezone(self.zone):%H:%M}: {live.contacts} in, "
                    f"{live.answered} answered, {live.waiting} waiting.")
        upcoming = self.next_planned(now)
        if upcoming is None:
            return "No drop-in session is running, and none is planned."
        return (f"No drop-in session is running; the next is session {upcoming.id}, "
                f"{upcoming.window(self.zone)} ({upcoming.label}).")

    def summarise_ended(self, now: datetime | None = None) -> list[int]:
        """Tell the supervisors (and the officer who planned it) when a session has ended,
        with its headline figures — once per session, for sessions ended in the last
        :data:`SUMMARY_WITHIN` (a background job; members only). Returns the sessions told
        about."""
        self.context.require(access.Permission.RUN_JOBS)
        now = now or self.clock()
        store = self.context.store
        told = []
        for row in rows.ended_untold(store, to_iso(now - SUMMARY_WITHIN), to_iso(now)):
            figures = self._figures(DropinSession.from_row(row), now)
            text = ended_text(figures)
            with store.write():
                new = self.notices.notify(f"dropin_summary:{row['id']}", SUPERVISORS,
                                          "dropin_summary", text)
                self.notices.notify(f"dropin_summary:{row['id']}:{row['planned_by']}",
                                    row["planned_by"], "dropin_summary", text)
            if new:
                told.append(int(row["id"]))
        return told

    # ── inside ───────────────────────────────────────────────────────────────────────────

    def _session(self, session_id: int) -> DropinSession:
        row = rows.find_session(self.context.store, session_id)
        if row is None:
            raise DropinError(f"There is no drop-in session {session_id} (see 'socialdesk "
                              "dropin list').")
        return DropinSession.from_row(row)

    def _figures(self, session: DropinSession, now: datetime) -> SessionFigures:
        # a cancelled session held nothing: what came in at its time is ordinary traffic
        if session.cancelled_at:
            return figures_of(session, [], now)
        end = min(session.end, max(now, session.start))
        items = rows.window_items(self.context.store, to_iso(session.start), to_iso(end))
        return figures_of(session, items, now)

    def _result(self, session_id: int, post_id: int | None, kind: str,
                announce_at: datetime | None, note: str = "") -> PlanResult:
        post = self.posts.get(post_id) if post_id else None
        return PlanResult(self._session(session_id), post_id, kind,
                          bool(post and post["status"] == "approved"),
                          datetime.fromisoformat(post["due_at"]) if post else announce_at,
                          note)

    def _changeable(self, session_id: int, now: datetime, verb: str) -> DropinSession:
        """The session, if it may still be ``verb`` (moved, cancelled) by the acting user."""
        session = self._session(session_id)
        if session.cancelled_at:
            raise DropinError(f"Drop-in session {session_id} was cancelled by "
                              f"{session.cancelled_by}; plan a new one instead.")
        if session.start <= now:
            state = "running" if now < session.end else "over"
            raise DropinError(f"Drop-in session {session_id} has started ({state}), so it can "
                              f"no longer be {verb}.")
        if session.planned_by != self.context.actor:
            try:
                self.context.require(access.Permission.CHANGE_OTHERS_DROPIN)
            except access.AccessDenied:
                raise access.AccessDenied(
                    f"{session.planned_by} planned drop-in session {session_id}, so only they "
                    f"or a supervisor can {INFINITIVE[verb]} it; {self.context.actor} is an "
                    "officer."
                ) from None
        return session

    def _window(self, start: str, end: str, now: datetime) -> tuple[datetime, datetime]:
        """The session's window from local times; in the future, end after start, at most
        :data:`LONGEST`."""
        begin = parse_local(start, self.zone)
        end_text = end.strip()
        if re.fullmatch(r"\d{1,2}:\d{2}", end_text):
            finish = resolve(begin.local.date(), parse_clock(end_text), self.zone).at
        else:
            finish = parse_local(end_text, self.zone).at
        if begin.at <= now:
            raise DropinError(f"{begin.describe()} has passed; a drop-in session is planned "
                              "for a time still to come.")
        if finish <= begin.at:
            raise DropinError(f"The session must end after it starts ({end_text} is not after "
                              f"{begin.local:%H:%M}).")
        if finish - begin.at > LONGEST:
            raise DropinError(f"A drop-in session lasts at most {LONGEST.seconds // 3600} "
                              "hours; check the start and the end.")
        return begin.at, finish

    def _topic(self, topic: str, topic_cy: str | None) -> tuple[str, str]:
        """The place or topic, one line, in both languages (a place of the gazetteer gets
        its Welsh name when no Welsh wording is given)."""
        cleaned = " ".join((topic or "").split())
        if not cleaned:
            raise DropinError("Say what the session is about: a place or a topic "
                              "(--topic 'Scams and fraud', or --topic Holyhead).")
        welsh = " ".join((topic_cy or "").split())
        for text in (cleaned, welsh):
            if len(text) > TOPIC_LIMIT:
                raise DropinError(f"Keep the place or topic under {TOPIC_LIMIT} characters "
                                  "(it is one line of the announcement).")
            if BRACES.search(text):
                raise DropinError("The place or topic cannot contain braces ({ }).")
        if not welsh:
            folded = fold(cleaned)
            welsh = next((p.cy for p in gazetteer() if fold(p.en) == folded), cleaned)
        return cleaned, welsh

    def _announce_time(self, announce: str | None, start: datetime,
                       now: datetime) -> datetime:
        """When the announcement goes out: as given (before the start, still to come), else
        :data:`ANNOUNCE_BEFORE` ahead of the start, or as soon as there is time for an
        approval."""
        if announce:
            return self._given_time(announce, start, now)
        default = start - ANNOUNCE_BEFORE
        return default if default >= now + ANNOUNCE_SOONEST else self._soonest(None, start, now)

    def _soonest(self, announce: str | None, before: datetime, now: datetime) -> datetime:
        """As soon as a post can be approved and go out (a minute boundary), before
        ``before``."""
        if announce:
            return self._given_time(announce, before, now)
        soonest = self._next_minute(now + ANNOUNCE_SOONEST)
        if soonest >= before:
            raise DropinError(
                f"The session starts at {before.astimezone(self.zone):%H:%M}, too soon to "
                f"announce it (a post needs about {ANNOUNCE_SOONEST.seconds // 60} minutes "
                "for approval); give a later start.")
        return soonest

    @staticmethod
    def _next_minute(moment: datetime) -> datetime:
        """The next whole minute after ``moment`` (a post's time is to the minute)."""
        return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)

    def _given_time(self, announce: str, before: datetime, now: datetime) -> datetime:
        moment = parse_local(announce, self.zone).at
        if moment <= now:
            raise DropinError(f"The announcement time {announce.strip()} has passed; give a "
                              "time still to come.")
        if moment >= before:
            raise DropinError(f"The announcement time {announce.strip()} is not before the "
                              "session; people need to hear of it first.")
        return moment

    def _no_overlap(self, begin: datetime, finish: datetime, other_than: int | None) -> None:
        clash = rows.overlapping(self.context.store, to_iso(begin), to_iso(finish), other_than)
        if clash:
            other = DropinSession.from_row(clash)
            raise DropinError(f"Drop-in session {other.id} ({other.window(self.zone)}) is "
                              "already planned at that time; move or cancel it first.")

    def _local(self, moment: datetime) -> str:
        return f"{moment.astimezone(self.zone):%Y-%m-%d %H:%M}"

    def _texts(self, session: DropinSession, kind: str) -> dict[str, str]:
        chosen = dropin_templates()[kind]
        start, end = session.start.astimezone(self.zone), session.end.astimezone(self.zone)
        values = {"topic": session.topic, "topic_cy": session.topic_cy,
                  "date": f"{start:%Y-%m-%d}", "start": f"{start:%H:%M}",
                  "end": f"{end:%H:%M}"}
        return templates.fill(chosen, values, self.context.config.team.name)

    def _title(self, session: DropinSession, kind: str) -> str:
        title = dropin_templates()[kind].title
        start = session.start.astimezone(self.zone)
        return f"{title} — {start:%a %d %b %H:%M} — {session.topic}"[:200]

    def _draft_post(self, session: DropinSession, kind: str, due: datetime) -> int:
        """Draft one of the session's posts through the safety-post desk (approved at once
        where the policy allows) and link it; inside the caller's transaction."""
        texts = self._texts(session, kind)
        post_id = self.posts.add(self._title(session, kind), texts["cy"], texts["en"],
                                 self._local(due), template=f"dropin-{kind}")
        rows.link_post(self.context.store, session.id, post_id, kind, to_iso(self.clock()))
        return post_id


def dropin_templates() -> dict[str, templates.PostTemplate]:
    """The drop-in post templates (announce, moved, cancelled) by kind; one sentence when
    the file lacks one."""
    found = templates.load_templates(file=TEMPLATE_FILE)
    missing = [kind for kind in ("announce", "moved", "cancelled") if kind not in found]
    if missing:
        raise templates.TemplateError(f"prompts/{TEMPLATE_FILE} has no [{missing[0]}] "
                                      "template; the drop-in sessions need it.")
    return found


LANGUAGE_NAMES = {"cy": "Welsh", "en": "English", "mixed": "mixed", "unknown": "unknown"}


def _counts(counts: dict[str, int], names: dict[str, str] | None = None,
            quiet: tuple[str, ...] = ("unclassified", "unknown")) -> str:
    """``report 3 · concern 6 · chat 3`` (the quiet keys only when not zero)."""
    return " · ".join(f"{(names or {}).get(key, key)} {value}" for key, value in counts.items()
                      if value or key not in quiet) or "—"


def urgent_text(urgent: Urgent) -> str:
    """How the urgent items of a session were handled, in one line."""
    if not urgent.count:
        return "none"
    later = urgent.answered - urgent.answered_in_session
    buckets = [(n, what) for n, what in (
        (urgent.answered_in_session, "answered in the session"), (later, "answered later"),
        (urgent.closed_without_reply, "closed, no reply"), (urgent.waiting, "STILL WAITING"))
        if n]
    if len(buckets) == 1:   # all in one: "1 — STILL WAITING", "3 — all answered in …"
        parts = [("all " if urgent.count > 1 else "") + buckets[0][1]]
    else:
        parts = [f"{n} {what}" for n, what in buckets]
    speed = (f" — first response median {minutes_text(urgent.median_minutes)}, slowest "
             f"{minutes_text(urgent.slowest_minutes)}" if urgent.answered else "")
    return f"{urgent.count} — {', '.join(parts)}{speed}"


def ended_text(figures: SessionFigures) -> str:
    """The notice when a session has ended: its headline figures in one sentence."""
    session = figures.session
    waiting = (f", {figures.waiting} STILL WAITING for an answer" if figures.waiting else "")
    urgent = (f"; urgent: {urgent_text(figures.urgent)}" if figures.urgent.count else "")
    return (f"Drop-in session {session.id} ({session.label}) has ended: {figures.contacts} "
            f"contact{'s' if figures.contacts != 1 else ''}, {figures.answered_in_session} "
            f"answered in the session (median {minutes_text(figures.median_minutes)})"
            f"{waiting}{urgent}. s, then i, shows its summary.")


def summary_lines(figures: SessionFigures, zone: ZoneInfo) -> list[tuple[str, str]]:
    """A session's summary as (label, text) lines, the same in the CLI and the dashboard."""
    session = figures.session
    state = {"running": f"running (figures so far, until "
                        f"{figures.until.astimezone(zone):%H:%M})",
             "over": "over", "planned": "not started yet",
             "cancelled": f"cancelled by {session.cancelled_by}"
                          + (f": {session.cancel_reason}" if session.cancel_reason else "")
             }[figures.state]
    posts = ", ".join(f"{p['kind']} post {p['post_id']} ({p['status']})"
                      for p in session.posts) or "none"
    kinds = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}"
                      for kind, n in figures.kinds.items())
    people = f"{figures.people} {'person' if figures.people == 1 else 'people'}"
    if figures.unknown_authors:
        unknown = (f"{figures.unknown_authors} "
                   f"{'person' if figures.unknown_authors == 1 else 'people'} not known by name")
        people = f"{people} and {unknown}" if figures.people else unknown
    return [
        ("Session", f"{session.id} — {session.window(zone)} — {session.label}"),
        ("State", f"{state}; planned by {session.planned_by}"),
        ("Posts", posts),
        ("Contacts", f"{figures.contacts} from {people}" + (f" ({kinds})" if kinds else "")),
        ("Categories", _counts(figures.categories)),
        ("Languages", _counts(figures.languages, LANGUAGE_NAMES)),
        ("Answered", f"{figures.answered_in_session} in the session · {figures.answered_later} "
                     f"later · {figures.closed_without_reply} closed, no reply · "
                     f"{figures.waiting} waiting"),
        ("First response", f"median {minutes_text(figures.median_minutes)} · p90 "
                           f"{minutes_text(figures.p90_minutes)}"),
        ("Answered by", _counts(figures.answered_by) if figures.answered_by else "—"),
        ("Urgent", urgent_text(figures.urgent)),
    ]
