"""The safety-post desk (``desk.posts``): scheduled safety posts as the CLI and the dashboard
use them.

Roles: any officer drafts, edits, cancels, dismisses and retries; approving needs a
supervisor when ``[posts] require_approval`` is true (otherwise an officer may approve, and
a post with both languages is approved as it is added); pausing and resuming all publishing
is for supervisors only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from socialdesk.core.desk import access
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.graph.client import GraphClient
from socialdesk.core.models import utc_now
from socialdesk.core.schedule import templates, workflow
from socialdesk.core.schedule.publisher import Publisher, PublishReport
from socialdesk.core.schedule.timing import Occurrence, next_occurrence, parse_local, preview
from socialdesk.core.store import Store
from socialdesk.core.store import safety_posts as rows

SCHEDULE = "schedule posts"


@dataclass(frozen=True)
class Draft:
    """A template filled in both languages."""

    template: str
    title: str
    cy: str
    en: str


class SafetyPostDesk:
    """Scheduled safety posts for one desk (its config, DB and acting user)."""

    def __init__(self, context: DeskContext, clock: Callable[[], datetime] = utc_now) -> None:
        self.context = context
        self.clock = clock

    @property
    def _store(self) -> Store:
        return self.context.store

    @property
    def _actor(self) -> str:
        return self.context.actor

    @property
    def zone(self) -> ZoneInfo:
        """The team's time zone."""
        return self.context.config.team.zone

    # ── drafting ─────────────────────────────────────────────────────────────────────────

    @staticmethod
    def templates() -> list[templates.PostTemplate]:
        """The safety-post templates, by name."""
        return sorted(templates.load_templates().values(), key=lambda t: t.name)

    def draft(self, template: str, values: dict[str, str]) -> Draft:
        """A template filled in both languages ({team} from the config)."""
        chosen = templates.get_template(template)
        texts = templates.fill(chosen, values, self.context.config.team.name)
        return Draft(chosen.name, chosen.title, texts["cy"], texts["en"])

    @staticmethod
    def check_form(cy: str, en: str) -> None:
        """Refuse, in one sentence, texts the post could not be saved with (nothing is read
        or written: a form checks itself before it closes)."""
        workflow.check_texts(cy, en)

    def timing(self, text: str) -> workflow.Timing:
        """Parse a one-off time or a rule, in the team's zone."""
        return workflow.parse_timing(text, self.zone, self.clock())

    def preview(self, timing: workflow.Timing, count: int = 5) -> list[Occurrence]:
        """The next occurrences (with notes on clock-change days)."""
        return preview(timing.rule, timing.first, self.zone, count)

    def add(self, title: str, cy: str, en: str, when: str,
            template: str | None = None) -> int:
        """Add a draft (approved at once when approval is not required and both texts are
        there); returns its id."""
        self.context.require(SCHEDULE)
        post_id = workflow.create(self._store, self._actor, title, cy, en,
                               self.timing(when), self.clock(), template)
        if not self.context.policy.require_approval and cy.strip() and en.strip():
            workflow.approve(self._store, self._actor, post_id, self.clock(), self.zone)
        return post_id

    def copy(self, post_id: int, when: str) -> int:
        """A new draft with the texts of an existing post (e.g. to re-publish a lost one)."""
        original = self.get(post_id)
        return self.add(original["title"] or f"copy of {post_id}", original["text_cy"] or "",
                        original["text_en"] or "", when, original["template"])

    def edit(self, post_id: int, *, cy: str | None = None, en: str | None = None,
             title: str | None = None, when: str | None = None) -> bool:
        """Change a post; True if its approval was revoked (it is a draft again)."""
        self.context.require(SCHEDULE)
        return workflow.edit(self._store, self._actor, post_id, self.clock(), cy=cy,
                          en=en, title=title, timing=self.timing(when) if when else None)

    # ── the workflow ─────────────────────────────────────────────────────────────────────

    def approve(self, post_id: int) -> None:
        """Approve a draft (a supervisor, when the config requires it)."""
        policy = self.context.policy
        self.context.require("approve" if policy.require_approval else SCHEDULE)
        workflow.approve(self._store, self._actor, post_id, self.clock(), self.zone,
                         own_allowed=policy.self_approval or not policy.require_approval)

    def cancel(self, post_id: int) -> None:
        """Cancel a post that has not gone out."""
        self.context.require(SCHEDULE)
        workflow.cancel(self._store, self._actor, post_id, self.clock())

    def dismiss(self, post_id: int) -> int:
        """Mark a post's failed/missed/uncertain occurrences as seen."""
        self.context.require(SCHEDULE)
        return workflow.dismiss(self._store, self._actor, post_id)

    def pause(self, reason: str) -> None:
        """Pause all scheduled publishing (supervisors), with a reason everyone sees."""
        self.context.require("pause")
        workflow.pause(self._store, self._actor, reason, self.clock())

    def resume(self) -> workflow.PauseState:
        """Resume publishing; what fell due meanwhile is judged by the grace rule."""
        self.context.require("resume")
        return workflow.resume(self._store, self._actor)

    def retry(self, post_id: int, client: GraphClient | None = None) -> PublishReport:
        """Publish an uncertain/failed one-off again now (after a person checked the page)."""
        self.context.require(SCHEDULE)
        with self.context.graph(client) as graph:
            return self._publisher(graph).retry(self._actor, post_id)

    def publish_due(self, client: GraphClient | None = None) -> PublishReport:
        """One publishing round (the background jobs call this on the timer); members only."""
        self.context.require(access.Permission.RUN_JOBS)
        with self.context.graph(client) as graph:
            report = self._publisher(graph).run()
        if report.error:
            self.context.record("posts_round", "posts", {"error": report.error},
                                actor="system")
        return report

    def _publisher(self, graph: GraphClient) -> Publisher:
        return Publisher(self._store, graph, self.context.config.posts, self.zone, self.clock)

    # ── views ────────────────────────────────────────────────────────────────────────────

    def pause_state(self) -> workflow.PauseState:
        """Whether publishing is paused, why, by whom, since when."""
        return workflow.pause_state(self._store)

    def headline(self) -> tuple[str, bool]:
        """One line for the status bar, and whether it needs attention (paused, problems)."""
        state = workflow.pause_state(self._store)
        if state.paused:
            return f"posts: ⏸ PAUSED by {state.by} — {state.reason}", True
        drafts, problems, next_due = rows.summary(self._store)
        parts = []
        if next_due:
            moment = datetime.fromisoformat(next_due).astimezone(self.zone)
            parts.append(f"next {moment:%a %H:%M}")
        if drafts:
            parts.append(f"{drafts} to approve")
        if problems:
            parts.append(f"{problems} need a person")
        return f"posts: {', '.join(parts) or 'none scheduled'}", bool(problems)

    def get(self, post_id: int) -> dict[str, Any]:
        """The post with this id as a dict; a PostError in one sentence when there is none."""
        return workflow.get_post(self._store, post_id)

    def agenda(self) -> list[dict[str, Any]]:
        """Drafts and posts still to go out, and last week's, by due time."""
        return workflow.agenda(self._store, self.clock())

    def problems(self) -> list[dict[str, Any]]:
        """Failed, missed and uncertain occurrences nobody has dismissed."""
        return rows.problems(self._store)

    def history(self, post_id: int) -> list[dict[str, Any]]:
        """A post's occurrences, newest first."""
        return rows.history(self._store, post_id)

    def all(self) -> list[dict[str, Any]]:
        """Every post, newest due first (at most 500)."""
        return rows.all_posts(self._store)

    def upcoming(self, post: dict[str, Any], count: int = 5) -> list[Occurrence]:
        """The post's next occurrences from its due time (one for a one-off), with notes on
        clock-change days."""
        due = datetime.fromisoformat(post["due_at"])
        rule = workflow.timing_of(post)
        if rule is not None:
            first = next_occurrence(rule, due - timedelta(seconds=1), self.zone)
        elif post.get("timing"):
            first = parse_local(post["timing"], self.zone)
        else:
            first = Occurrence(due, due.astimezone(self.zone))
        return preview(rule, first, self.zone, count)
