"""The team as the database holds it: members with their roles, and the policy (approval,
retention, what unknown accounts get). Seeded once, from the configuration that creates the
database; changed afterwards only through the desk (supervisors, audited) — a process started
with another configuration file cannot change them."""

from __future__ import annotations

import json
from typing import Any

from socialdesk.core.store.db import Store
from socialdesk.core.store.settings import read_setting, write_setting

#: Marks a database whose team has been seeded (never seeded twice).
SEEDED = "team_seeded"


def is_seeded(store: Store) -> bool:
    """Whether the team (members, policy) has been written into this database."""
    return bool(read_setting(store, SEEDED).get("at"))


def seed(store: Store, members: dict[str, str], policy: dict[str, Any], by: str,
         at: str) -> bool:
    """Write the first members and policy, once; returns False when already seeded (another
    process may have done it meanwhile)."""
    with store.write():
        if is_seeded(store):
            return False
        store.conn.executemany(
            "insert into members (name, role, added_by, added_at) values (?, ?, ?, ?)",
            [(name, role, by, at) for name, role in sorted(members.items())])
        for key, value in policy.items():
            set_policy_value(store, key, value)
        write_setting(store, SEEDED, {"at": at, "by": by, "members": members,
                                      "policy": policy})
    return True


def seeded_with(store: Store) -> tuple[dict[str, str], dict[str, Any], str]:
    """The members and policy the team was first seeded with (later changes not included),
    and the account that created it."""
    seeded = read_setting(store, SEEDED)
    return (dict(seeded.get("members") or {}), dict(seeded.get("policy") or {}),
            str(seeded.get("by") or ""))


def members(store: Store) -> dict[str, str]:
    """Every member and their role, by name."""
    return dict(store.conn.execute("select name, role from members order by name"))


def role_of(store: Store, name: str) -> str | None:
    """A member's role, or None when the account is not a member."""
    row = store.conn.execute("select role from members where name = ?", (name,)).fetchone()
    return str(row[0]) if row else None


def set_member(store: Store, name: str, role: str, by: str, at: str) -> str | None:
    """Add a member or change their role; returns the role before (None: new member)."""
    with store.write():
        before = role_of(store, name)
        store.conn.execute(
            "insert into members (name, role, added_by, added_at) values (?, ?, ?, ?) "
            "on conflict(name) do update set role = excluded.role", (name, role, by, at))
        return before


def remove_member(store: Store, name: str) -> str | None:
    """Remove a member; returns their role (None: there was no such member)."""
    with store.write():
        before = role_of(store, name)
        store.conn.execute("delete from members where name = ?", (name,))
        return before


def policy(store: Store) -> dict[str, Any]:
    """The policy values by key."""
    found: dict[str, Any] = {}
    for key, value in store.conn.execute("select key, value from policy"):
        try:
            found[key] = json.loads(value)
        except ValueError:
            continue
    return found


def set_policy_value(store: Store, key: str, value: Any) -> None:
    """Set one policy value (inside the caller's transaction, if any)."""
    with store.write():
        store.conn.execute("insert into policy (key, value) values (?, ?) on conflict(key) "
                           "do update set value = excluded.value", (key, json.dumps(value)))
