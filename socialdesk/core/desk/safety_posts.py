"""Safety posts as the CLI and the dashboard use them: ``desk.posts``.

Roles: any officer drafts, edits, cancels, dismisses and retries; approving needs a
supervisor when ``[posts] require_approval`` is true (otherwise an officer may approve, and
a post with both languages is approved as it is added); pausing and resuming all publishing
is for supervisors only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from socialdesk.core.graph.client import GraphClient
from socialdesk.core.models import utc_now
from socialdesk.core.schedule import templates
from socialdesk.core.schedule import workflow as posts
from socialdesk.core.schedule.publisher import Publisher, PublishReport
from socialdesk.core.schedule.timing import Occurrence, next_occurrence, parse_local, preview
from socialdesk.core.store import audit_log
from socialdesk.core.store import safety_posts as rows

if TYPE_CHECKING:
    from socialdesk.core.desk.desk import Desk

SCHEDULE = "schedule posts"


@dataclass(frozen=True)
class Draft:
    """A template filled in both languages."""

    template: str
    title: str
    cy: str
    en: str


class PostDesk:
    """Scheduled safety posts for one desk (its config, DB and acting user)."""

    def __init__(self, desk: Desk, clock: Callable[[], datetime] = utc_now) -> None:
        self.desk = desk
        self.clock = clock

    @property
    def zone(self) -> ZoneInfo:
        """The team's time zone."""
        return self.desk.config.team.zone

    # ── drafting ─────────────────────────────────────────────────────────────────────────

    @staticmethod
    def templates() -> list[templates.PostTemplate]:
        """The safety-post templates, by name."""
        return sorted(templates.load_templates().values(), key=lambda t: t.name)

    def draft(self, template: str, values: dict[str, str]) -> Draft:
        """A template filled in both languages ({team} from the config)."""
        chosen = templates.get_template(template)
        texts = templates.fill(chosen, values, self.desk.config.team.name)
        return Draft(chosen.name, chosen.title, texts["cy"], texts["en"])

    def timing(self, text: str) -> posts.Timing:
        """Parse a one-off time or a rule, in the team's zone."""
        return posts.parse_timing(text, self.zone, self.clock())

    def preview(self, timing: posts.Timing, count: int = 5) -> list[Occurrence]:
        """The next occurrences (with notes on clock-change days)."""
        return preview(timing.rule, timing.first, self.zone, count)

    def add(self, title: str, cy: str, en: str, when: str,
            template: str | None = None) -> int:
        """Add a draft (approved at once when approval is not required and both texts are
        there); returns its id."""
        self.desk.require(SCHEDULE)
        post_id = posts.create(self.desk.store, self.desk.actor, title, cy, en,
                               self.timing(when), self.clock(), template)
        if not self.desk.config.posts.require_approval and cy.strip() and en.strip():
            posts.approve(self.desk.store, self.desk.actor, post_id, self.clock(), self.zone)
        return post_id

    def copy(self, post_id: int, when: str) -> int:
        """A new draft with the texts of an existing post (e.g. to re-publish a lost one)."""
        original = self.get(post_id)
        return self.add(original["title"] or f"copy of {post_id}", original["text_cy"] or "",
                        original["text_en"] or "", when, original["template"])

    def edit(self, post_id: int, *, cy: str | None = None, en: str | None = None,
             title: str | None = None, when: str | None = None) -> bool:
        """Change a post; True if its approval was revoked (it is a draft again)."""
        self.desk.require(SCHEDULE)
        return posts.edit(self.desk.store, self.desk.actor, post_id, self.clock(), cy=cy,
                          en=en, title=title, timing=self.timing(when) if when else None)

    # ── the workflow ─────────────────────────────────────────────────────────────────────

    def approve(self, post_id: int) -> None:
        """Approve a draft (a supervisor, when the config requires it)."""
        self.desk.require("approve" if self.desk.config.posts.require_approval else SCHEDULE)
        posts.approve(self.desk.store, self.desk.actor, post_id, self.clock(), self.zone)

    def cancel(self, post_id: int) -> None:
        """Cancel a post that has not gone out."""
        self.desk.require(SCHEDULE)
        posts.cancel(self.desk.store, self.desk.actor, post_id, self.clock())

    def dismiss(self, post_id: int) -> int:
        """Mark a post's failed/missed/uncertain occurrences as seen."""
        self.desk.require(SCHEDULE)
        return posts.dismiss(self.desk.store, self.desk.actor, post_id)

    def pause(self, reason: str) -> None:
        """Pause all scheduled publishing (supervisors), with a reason everyone sees."""
        self.desk.require("pause")
        posts.pause(self.desk.store, self.desk.actor, reason, self.clock())

    def resume(self) -> posts.PauseState:
        """Resume publishing; what fell due meanwhile is judged by the grace rule."""
        self.desk.require("resume")
        return posts.resume(self.desk.store, self.desk.actor)

    def retry(self, post_id: int, client: GraphClient | None = None) -> PublishReport:
        """Publish an uncertain/failed one-off again now (after a person checked the page)."""
        self.desk.require(SCHEDULE)
        with self.desk.graph(client) as graph:
            return self._publisher(graph).retry(self.desk.actor, post_id)

    def publish_due(self, client: GraphClient | None = None) -> PublishReport:
        """One publishing round (the background jobs call this on the timer)."""
        with self.desk.graph(client) as graph:
            report = self._publisher(graph).run()
        if report.error:
            audit_log.append(self.desk.store, "system", "posts_round", "posts",
                             {"error": report.error})
        return report

    def _publisher(self, graph: GraphClient) -> Publisher:
        return Publisher(self.desk.store, graph, self.desk.config.posts, self.zone, self.clock)

    # ── views ────────────────────────────────────────────────────────────────────────────

    def pause_state(self) -> posts.PauseState:
        """Whether publishing is paused, why, by whom, since when."""
        return posts.pause_state(self.desk.store)

    def headline(self) -> tuple[str, bool]:
        """One line for the status bar, and whether it needs attention (paused, problems)."""
        state = posts.pause_state(self.desk.store)
        if state.paused:
            return f"posts: ⏸ PAUSED by {state.by} — {state.reason}", True
        drafts, problems, next_due = rows.summary(self.desk.store)
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
        """One post."""
        return posts.get_post(self.desk.store, post_id)

    def agenda(self) -> list[dict[str, Any]]:
        """Drafts and posts still to go out, and last week's, by due time."""
        return posts.agenda(self.desk.store, self.clock())

    def problems(self) -> list[dict[str, Any]]:
        """Failed, missed and uncertain occurrences nobody has dismissed."""
        return rows.problems(self.desk.store)

    def history(self, post_id: int) -> list[dict[str, Any]]:
        """A post's occurrences, newest first."""
        return rows.history(self.desk.store, post_id)

    def all(self) -> list[dict[str, Any]]:
        """Every post."""
        return rows.all_posts(self.desk.store)

    def upcoming(self, post: dict[str, Any], count: int = 5) -> list[Occurrence]:
        """The post's next occurrences from its due time (one for a one-off), with notes on
        clock-change days."""
        due = datetime.fromisoformat(post["due_at"])
        rule = posts.timing_of(post)
        if rule is not None:
            first = next_occurrence(rule, due - timedelta(seconds=1), self.zone)
        elif post.get("timing"):
            first = parse_local(post["timing"], self.zone)
        else:
            first = Occurrence(due, due.astimezone(self.zone))
        return preview(rule, first, self.zone, count)
