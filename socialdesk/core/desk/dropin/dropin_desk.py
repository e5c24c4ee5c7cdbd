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

from datetime import datetime, timedelta

from socialdesk.core.desk import access
from socialdesk.core.desk.dropin.figures import SessionFigures, figures_of
from socialdesk.core.desk.dropin.planning import ANNOUNCE_SOONEST, DropinPlanning
from socialdesk.core.desk.dropin.sessions import DropinError, DropinSession, PlanResult
from socialdesk.core.desk.dropin.summaries import ended_text
from socialdesk.core.desk.notices import SUPERVISORS
from socialdesk.core.models import to_iso
from socialdesk.core.store import dropins as rows

#: a session's end is told to the supervisors if it ended this recently (a desk that was
#: down for longer does not flood them with old sessions)
SUMMARY_WITHIN = timedelta(days=2)

#: announcement posts whose text has not reached the page: they can still be changed
NOT_OUT = ("draft", "approved", "failed", "missed")
#: announcement posts that reached the page, or may have (a person checks an uncertain one)
OUT = ("published", "publishing", "uncertain")


class DropinDesk(DropinPlanning):
    """Drop-in sessions of one desk, their announcements (through ``posts``) and figures."""

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












