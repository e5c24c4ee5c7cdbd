"""The desk's ground floor: the context (config, database, acting user), the rooms built on it,
and the identity and role checks every other part of :class:`~socialdesk.core.desk.desk.Desk`
uses.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

from socialdesk.config import Config
from socialdesk.core.desk import access
from socialdesk.core.desk.alerts import AlertsDesk
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.desk.dropin import DropinDesk
from socialdesk.core.desk.followup import FollowUpDesk, HandoverDesk
from socialdesk.core.desk.listening import ListeningDesk
from socialdesk.core.desk.model import ModelDesk
from socialdesk.core.desk.notices import NoticesDesk
from socialdesk.core.desk.people import PeopleDesk
from socialdesk.core.desk.places import PlacesDesk
from socialdesk.core.desk.referrals import ReferralDesk
from socialdesk.core.desk.reply_library import ReplyLibraryDesk
from socialdesk.core.desk.safety_posts import SafetyPostDesk
from socialdesk.core.desk.scrutiny import ScrutinyDesk
from socialdesk.core.desk.team import TeamDesk
from socialdesk.core.outbox import sender as outbox
from socialdesk.core.store import Store, settings
from socialdesk.core.store.settings import DEMO, write_setting


def is_demo_database(path: Path) -> bool:
    """Whether the database file at ``path`` was made by `socialdesk demo` (read only)."""
    return settings.is_demo_database(path)


def already_there(action: outbox.Action, entry: int, status: str | None) -> str:
    """Why queuing this answer added nothing: the same one is waiting, or has gone."""
    noun = "answer" if action.answers else action.value
    if status in ("queued", "sending"):
        return (f"The same {noun} is already waiting to go out (outbox #{entry}); nothing new "
                "was queued.")
    return (f"The same {noun} has already gone to the page (outbox #{entry}); change the words "
            "to send another.")


class DeskBase:
    """The context and rooms of one desk (one config, one database, one acting user); the
    façade's other parts build on these."""

    def __init__(self, config: Config, db_path: str | Path | None = None,
                 actor: str | None = None, create: bool = True) -> None:
        self.context = DeskContext(config, db_path, actor, create)
        #: scheduled safety posts: drafts, approval, timing, publishing, the crisis pause
        self.posts = SafetyPostDesk(self.context)
        #: the classifier: loading, classifying what waits, building the full model
        self.model = ModelDesk(self.context)
        #: members and roles, and the team's policy, as the database holds them
        self.team = TeamDesk(self.context)
        #: what the jobs and other officers tell this user in every open dashboard
        self.notices = NoticesDesk(self.context)
        #: out-of-hours acknowledgements, SLA alerts, escalations (a background job)
        self.alerts = AlertsDesk(self.context, self.notices)
        #: the reply library: templates officers pick in the composer, kept by supervisors
        self.library = ReplyLibraryDesk(self.context)
        #: snoozes, notes on items with @mentions
        self.followup = FollowUpDesk(self.context)
        #: handover notes for the next shift
        self.handover = HandoverDesk(self.context)
        #: the places items name, and the hotspots by place and week
        self.places = PlacesDesk(self.context)
        #: people: contact history across linked ids, links, safeguarding markers
        self.people = PeopleDesk(self.context)
        #: referrals of items to partner agencies: written as files, tracked to acknowledged
        self.referrals = ReferralDesk(self.context)
        #: the scrutiny pack: a quarter's figures for the accountability board (supervisors)
        self.scrutiny = ScrutinyDesk(self.context)
        #: community listening: what people raise, as topics by month and place
        self.listening = ListeningDesk(self.context, self.model, self.places)
        #: drop-in sessions: planned windows of live answers, announced through ``posts``
        self.dropins = DropinDesk(self.context, self.posts, self.notices)

    @property
    def config(self) -> Config:
        """The validated configuration."""
        return self.context.config

    @property
    def db_path(self) -> Path:
        """The database file."""
        return self.context.db_path

    @property
    def actor(self) -> str:
        """The acting user."""
        return self.context.actor

    @property
    def role(self) -> access.Role:
        """The acting user's role: officer, supervisor, read-only or none."""
        return self.context.role

    @property
    def policy(self) -> access.Policy:
        """The team's policy (approval, retention, unknown accounts), from the database."""
        return self.context.policy

    @property
    def store(self) -> Store:
        """This thread's connection to the database."""
        return self.context.store

    def close(self) -> None:
        """Close this thread's connection, if open (a worker thread's last step)."""
        self.context.close()

    def session(self) -> AbstractContextManager[None]:
        """A block of work on a worker thread; its connection is closed at the end."""
        return self.context.session()

    def mark_demo(self) -> None:
        """Mark this database as a demo one (`socialdesk demo` may replace it later; it
        refuses any database without the mark)."""
        with self.store.write():
            write_setting(self.store, DEMO, {"demo": True})

    def require(self, action: str) -> None:
        """Refuse (AccessDenied, one sentence) unless the acting user may take ``action``."""
        self.context.require(action)

    def fill_due_times(self) -> int:
        """Compute when the first response is due for items that have no due time yet."""
        return self.context.fill_due_times()
