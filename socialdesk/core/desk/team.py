"""The team desk (``desk.team``): members and their roles, and the policy, as the database
holds them. Looking is open to every member; changing is for supervisors, each change in the
audit chain. A configuration file only seeds a new database (see
:meth:`socialdesk.core.desk.context.DeskContext.config_overrides`)."""

from __future__ import annotations

from socialdesk.core.desk import access
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.models import to_iso, utc_now
from socialdesk.core.store import team
from socialdesk.errors import UserError


class TeamDesk:
    """Members and policy of one desk."""

    def __init__(self, context: DeskContext) -> None:
        self.context = context

    def members(self) -> dict[str, str]:
        """Every member and their role, by name."""
        self.context.require(access.Permission.USE)
        return team.members(self.context.store)

    def set_member(self, name: str, role: str) -> str | None:
        """Add a member or change their role (supervisors); returns the role before. The
        last supervisor cannot be made an officer: the desk would have nobody to manage it."""
        self.context.require(access.Permission.MANAGE_MEMBERS)
        chosen = access.check_role(role)
        name = name.strip()
        if not name or any(ch.isspace() for ch in name):
            raise UserError(f"'{name}' is not an account name (one word, as the host knows it).")
        store = self.context.store
        with store.write():
            self._keep_a_supervisor(name, chosen)
            before = team.set_member(store, name, chosen.value, self.context.actor,
                                     to_iso(utc_now()))
            self.context.record("member_set", name, {"role": chosen.value, "was": before})
        return before

    def remove_member(self, name: str) -> str:
        """Remove a member (supervisors); returns their role. Not the last supervisor."""
        self.context.require(access.Permission.MANAGE_MEMBERS)
        store = self.context.store
        with store.write():
            if team.role_of(store, name) is None:
                raise UserError(f"{name} is not a member of this desk.")
            self._keep_a_supervisor(name, None)
            before = team.remove_member(store, name)
            self.context.record("member_removed", name, {"was": before})
        assert before is not None
        return before

    def _keep_a_supervisor(self, name: str, role: access.Role | None) -> None:
        members = team.members(self.context.store)
        if members.get(name) != access.Role.SUPERVISOR or role is access.Role.SUPERVISOR:
            return
        if sum(r == access.Role.SUPERVISOR for r in members.values()) <= 1:
            raise UserError(f"{name} is the desk's only supervisor; make someone else a "
                            "supervisor first.")

    def policy(self) -> access.Policy:
        """The team's policy (approval, retention, unknown accounts) as the desk holds it now."""
        return self.context.policy

    def set_policy(self, key: str, text: str) -> object:
        """Change one policy value (supervisors); returns the value before."""
        self.context.require(access.Permission.SET_POLICY)
        value = access.parse_policy(key, text)
        store = self.context.store
        with store.write():
            before = self.context.policy.as_dict()[key]
            team.set_policy_value(store, key, value)
            self.context.record("policy_set", key, {"value": value, "was": before})
        return before
