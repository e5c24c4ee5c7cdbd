"""What one sync pass did (:class:`SyncReport`), and its problems in one line."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SyncReport:
    """What one pass did."""

    full: bool = False
    new: list[str] = field(default_factory=list)
    updated: int = 0
    deleted: int = 0
    answered: int = 0
    posts: int = 0
    requests: int = 0
    gone_posts: int = 0                 # posts deleted on the page, found this pass
    unread_posts: int = 0               # posts whose comments could not be read
    problems: dict[str, str] = field(default_factory=dict)  # step → what went wrong
    error: str | None = None
    token_refused: bool = False       # 190: nothing more until a person renews the token
    backoff_until: str | None = None  # rate limited: no request before this time

    @property
    def ok(self) -> bool:
        """The pass completed without an error."""
        return self.error is None

    @property
    def stopped(self) -> bool:
        """Syncing cannot go on by itself (token refused, or backing off)."""
        return self.token_refused or self.backoff_until is not None


STEPS = ("messages", "posts", "comments")


def problem_summary(problems: dict[str, str], unread_posts: int = 0) -> str:
    """One line for the status bar: what was not synced first, what still was, then why."""
    blocked = [f"comments of {unread_posts} post{'s' if unread_posts != 1 else ''}"
               if step == "comments" and unread_posts else step
               for step in STEPS if step in problems]
    fine = [step for step in STEPS if step not in problems]
    why = next(iter(problems.values()), "")
    return (f"{', '.join(blocked)} not synced" + (f" — {', '.join(fine)} ok" if fine else "")
            + f" ({why})")
