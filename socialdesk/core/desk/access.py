"""Who may do what. Identity is the effective OS account (see
:func:`socialdesk.core.desk.context.current_user`); roles and the team's policy are held in the
database (:mod:`socialdesk.core.store.team`), seeded from the configuration that created it.

Officers triage and answer; supervisors may also assign items to others, approve and pause
posts, export reports, purge, change members and policy, and edit the reply library. Accounts
that are not members get what the policy's ``unknown_users`` says: ``read-only`` (look, never
act) or ``none`` (no access at all). Every action is a :class:`Permission`; one the table does
not know is refused.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from socialdesk.config import ROLES, Config
from socialdesk.errors import UserError


class Role(StrEnum):
    """What an account may do on the desk."""

    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    READ_ONLY = "read-only"
    NONE = "none"


OFFICER, SUPERVISOR, READ_ONLY, NO_ACCESS = (Role.OFFICER, Role.SUPERVISOR, Role.READ_ONLY,
                                             Role.NONE)


class Permission(StrEnum):
    """Every action socialdesk checks, by the words the refusal uses."""

    USE = "use socialdesk"
    SEE_REPORTS = "see reports"
    IMPORT = "import"
    CLAIM = "claim"
    RELEASE = "release"
    ASSIGN = "assign"
    RECLASSIFY = "reclassify"
    CLOSE = "close"
    REOPEN = "reopen"
    UNDO = "undo"
    TAG = "tag"
    MERGE = "mark duplicates"
    REPLY = "reply"
    PRIVATE_REPLY = "private reply"
    MESSAGE = "message"
    HIDE = "hide"
    UNHIDE = "unhide"
    RESEND = "resend"
    RUN_JOBS = "run the page sync and sending"
    TRAIN = "train the model"
    SCHEDULE = "schedule posts"
    APPROVE = "approve"
    PAUSE = "pause"
    RESUME = "resume"
    EXPORT = "export"
    PURGE = "purge"
    MANAGE_MEMBERS = "change members"
    SET_POLICY = "change the policy"
    EDIT_REPLIES = "edit the reply library"
    SNOOZE = "snooze"
    UNSNOOZE = "unsnooze"
    NOTE = "add notes"
    HANDOVER = "write handover notes"
    TIMELINE = "export an evidence timeline"
    TIMELINE_NAMED = "export an evidence timeline with names"
    LINK_PEOPLE = "link two identities of one person"
    UNLINK_PEOPLE = "unlink an identity from a person"
    SET_MARKER = "set or change a safeguarding marker"
    REMOVE_MARKER = "remove a safeguarding marker"
    REFER = "refer an item to a partner agency"
    ACKNOWLEDGE_REFERRAL = "record a partner's acknowledgement of a referral"
    SCRUTINY = "export the scrutiny pack"
    SCRUTINY_NAMED = "export the scrutiny pack with names"
    LISTEN = "see what the community raises"
    PLAN_DROPIN = "plan drop-in sessions"
    CHANGE_OTHERS_DROPIN = "cancel or move another officer's drop-in session"


#: Actions only a supervisor may take.
SUPERVISOR_ONLY = frozenset({Permission.ASSIGN, Permission.APPROVE, Permission.PAUSE,
                             Permission.RESUME, Permission.EXPORT, Permission.PURGE,
                             Permission.MANAGE_MEMBERS, Permission.SET_POLICY,
                             Permission.EDIT_REPLIES, Permission.TIMELINE_NAMED,
                             Permission.REMOVE_MARKER, Permission.SCRUTINY,
                             Permission.SCRUTINY_NAMED, Permission.CHANGE_OTHERS_DROPIN})
#: What read-only accounts may do: look.
READ_ONLY_MAY = frozenset({Permission.USE, Permission.SEE_REPORTS, Permission.LISTEN})


class AccessDenied(UserError):
    """The acting user's role does not allow the action."""


@dataclass(frozen=True)
class Policy:
    """The team's policy: approval of safety posts, retention, unknown accounts."""

    require_approval: bool = True
    self_approval: bool = False
    retention_days: int = 365
    unknown_users: str = Role.READ_ONLY.value
    #: a message written while the desk is not staffed gets one automatic acknowledgement
    acknowledge_out_of_hours: bool = True
    #: … and so does a comment (a public reply under it)
    acknowledge_comments: bool = False

    @classmethod
    def from_config(cls, config: Config) -> Policy:
        """The policy a configuration file would seed."""
        return cls(config.posts.require_approval, config.posts.self_approval,
                   config.retention_days, config.access.unknown_users,
                   config.out_of_hours.acknowledge, config.out_of_hours.comments)

    @classmethod
    def from_values(cls, values: dict[str, Any], fallback: Policy) -> Policy:
        """The policy stored in a database (missing or bad values: the fallback's)."""
        chosen = asdict(fallback)
        for key, value in values.items():
            if key in chosen:
                try:
                    chosen[key] = parse_policy(key, str(value))
                except UserError:
                    continue
        return cls(**chosen)

    def as_dict(self) -> dict[str, Any]:
        """The values by key."""
        return asdict(self)


#: How each policy key is read from what a supervisor types, and what is allowed.
POLICY_RULES = {
    "require_approval": "true or false: safety posts need a supervisor's approval",
    "self_approval": "true or false: a supervisor may approve a post they wrote",
    "retention_days": "a whole number of days from 1 to 36500: personal data kept this long",
    "unknown_users": '"read-only" or "none": what accounts that are not members get',
    "acknowledge_out_of_hours": "true or false: messages written while the desk is not "
                                "staffed get one automatic acknowledgement",
    "acknowledge_comments": "true or false: comments get it too (a public reply)",
}
#: The policy keys that are true or false.
SWITCHES = ("require_approval", "self_approval", "acknowledge_out_of_hours",
            "acknowledge_comments")


def parse_policy(key: str, text: str) -> bool | int | str:
    """A policy value from its text; one sentence naming the key and what is allowed."""
    if key not in POLICY_RULES:
        raise UserError(f"'{key}' is not a policy key ({', '.join(POLICY_RULES)}).")
    value = text.strip().lower()
    if key in SWITCHES and value in ("true", "false"):
        return value == "true"
    if key == "retention_days" and value.isdigit() and 1 <= int(value) <= 36500:
        return int(value)
    if key == "unknown_users" and value in (Role.READ_ONLY.value, Role.NONE.value):
        return value
    raise UserError(f"Policy {key} must be {POLICY_RULES[key]}, got '{text}'.")


def check_role(role: str) -> Role:
    """A member's role from what a supervisor typed (officer or supervisor)."""
    if role not in ROLES:
        raise UserError(f"A member's role is \"officer\" or \"supervisor\", got '{role}'.")
    return Role(role)


def permission(action: Permission | str) -> Permission:
    """The permission an action needs; an action the table does not know is refused."""
    try:
        return Permission(action)
    except ValueError:
        raise AccessDenied(f"'{action}' is not an action socialdesk knows, so it is refused.") \
            from None


def require(role: str, user: str, action: Permission | str) -> None:
    """Raise :class:`AccessDenied` (one sentence) unless ``user`` with ``role`` may take
    ``action``."""
    needed = permission(action)
    if role == Role.NONE:
        raise AccessDenied(f"{user} is not a member of this desk, so socialdesk is not "
                           "available to them (a supervisor adds members with 'socialdesk "
                           "members add').")
    if role == Role.READ_ONLY and needed not in READ_ONLY_MAY:
        raise AccessDenied(f"{user} has read-only access (not a member of this desk), so "
                           f"they cannot {needed}.")
    if needed in SUPERVISOR_ONLY and role != Role.SUPERVISOR:
        raise AccessDenied(f"Only a supervisor can {needed}; {user} is an officer.")
