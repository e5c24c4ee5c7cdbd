"""Who may do what. Identity is the OS user; roles come from ``[members]`` in the config.

Officers triage and answer; supervisors may also assign items to others, approve and pause
posts, export reports and purge. Users not in ``[members]`` get what ``[access]
unknown_users`` says: ``read-only`` (look, never act) or ``none`` (no access at all).
"""

from __future__ import annotations

from socialdesk.config import Config
from socialdesk.errors import UserError

OFFICER = "officer"
SUPERVISOR = "supervisor"
READ_ONLY = "read-only"
NO_ACCESS = "none"

#: Actions only a supervisor may take.
SUPERVISOR_ONLY = frozenset({"assign", "approve", "pause", "resume", "export", "purge"})


class AccessDenied(UserError):
    """The acting user's role does not allow the action."""


def role_of(config: Config, user: str) -> str:
    """officer, supervisor, read-only or none."""
    return config.access.role_of(user) or config.access.unknown_users


def require(config: Config, user: str, action: str) -> None:
    """Raise :class:`AccessDenied` (one sentence) unless ``user`` may take ``action``."""
    role = role_of(config, user)
    if role == NO_ACCESS:
        raise AccessDenied(f"{user} is not a member of this desk ([members] in "
                           f"{config.source}), so socialdesk is not available to them.")
    if role == READ_ONLY:
        raise AccessDenied(f"{user} has read-only access (not in [members] of "
                           f"{config.source}), so they cannot {action}.")
    if action in SUPERVISOR_ONLY and role != SUPERVISOR:
        raise AccessDenied(f"Only a supervisor can {action}; {user} is an officer.")

