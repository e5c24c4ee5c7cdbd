"""What a plan must satisfy (a window still to come, not too long, overlapping no other session;
a one-line topic in both languages; who may change it) and how the session's posts are timed
and drafted through the safety-post desk from ``prompts/dropin.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from socialdesk.core.desk import access
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.desk.dropin.sessions import DropinError, DropinSession
from socialdesk.core.desk.notices import NoticesDesk
from socialdesk.core.desk.safety_posts import SafetyPostDesk
from socialdesk.core.models import to_iso, utc_now
from socialdesk.core.places import fold, gazetteer
from socialdesk.core.schedule import templates
from socialdesk.core.schedule.timing import parse_clock, parse_local, resolve
from socialdesk.core.store import dropins as rows

TEMPLATE_FILE = "dropin.toml"
#: the announcement goes out this long before the session starts …
ANNOUNCE_BEFORE = timedelta(hours=24)
#: … or, when that has passed, this long from now (time for a supervisor's approval)
ANNOUNCE_SOONEST = timedelta(minutes=15)

#: a session longer than this is a typing mistake
LONGEST = timedelta(hours=12)
TOPIC_LIMIT = 120
INFINITIVE = {"moved": "move", "cancelled": "cancel"}

#: a topic goes into a template: no braces (they would read as placeholders)
BRACES = re.compile(r"[{}]")


def dropin_templates() -> dict[str, templates.PostTemplate]:
    """The drop-in post templates (announce, moved, cancelled) by kind; one sentence when
    the file lacks one."""
    found = templates.load_templates(file=TEMPLATE_FILE)
    missing = [kind for kind in ("announce", "moved", "cancelled") if kind not in found]
    if missing:
        raise templates.TemplateError(f"prompts/{TEMPLATE_FILE} has no [{missing[0]}] "
                                      "template; the drop-in sessions need it.")
    return found


class DropinPlanning:
    """The rules a plan must pass and the drafting of a session's posts, shared by every change
    :class:`~socialdesk.core.desk.dropin.dropin_desk.DropinDesk` makes."""

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

    def _session(self, session_id: int) -> DropinSession:
        row = rows.find_session(self.context.store, session_id)
        if row is None:
            raise DropinError(f"There is no drop-in session {session_id} (see 'socialdesk "
                              "dropin list').")
        return DropinSession.from_row(row)

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
