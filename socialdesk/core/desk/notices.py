"""The notices desk (``desk.notices``): what the background jobs and other officers tell a
person in every dashboard they have open. Notices are rows in the database, so a dashboard
opened later still shows what it missed since its user last looked (see :meth:`last_read`)."""

from __future__ import annotations

from typing import Any

from socialdesk.core.desk import access
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.models import Notice, to_iso, utc_now
from socialdesk.core.store import notifications
from socialdesk.core.store.settings import read_setting, write_setting

#: How each kind of notice is shown.
SEVERITY = {"sla_passed": "error", "escalated": "error", "sla_soon": "warning",
            "mention": "warning", "snooze_back": "information",
            "dropin_summary": "information"}


def _notice(row: dict[str, Any]) -> Notice:
    return Notice(int(row["id"]), row["kind"], row["text"], row["item_id"], row["created_at"],
                  SEVERITY.get(row["kind"], "information"))


class NoticesDesk:
    """Notices for the acting user."""

    def __init__(self, context: DeskContext) -> None:
        self.context = context

    def _supervisor(self) -> bool:
        return self.context.role == access.Role.SUPERVISOR

    def after(self, after_id: int) -> list[Notice]:
        """The acting user's notices newer than ``after_id``, oldest first (at most 50)."""
        self.context.require(access.Permission.USE)
        return [_notice(row) for row in notifications.notices_after(
            self.context.store, after_id, self.context.actor, self._supervisor())]

    def recent(self, limit: int = 50) -> list[Notice]:
        """The acting user's newest notices, newest first."""
        self.context.require(access.Permission.USE)
        return [_notice(row) for row in notifications.recent_notices(
            self.context.store, self.context.actor, self._supervisor(), limit)]

    def _read_key(self) -> str:
        return f"notices_read:{self.context.actor}"

    def last_read(self) -> int:
        """The newest notice this user has been shown (in any dashboard); a user who never
        looked starts at the newest notice, not at the desk's whole history."""
        seen = read_setting(self.context.store, self._read_key()).get("id")
        if isinstance(seen, int):
            return seen
        return notifications.last_notice_id(self.context.store)

    def mark_read(self, notice_id: int) -> None:
        """Remember that this user has been shown the notices up to ``notice_id`` (not for
        read-only accounts: they look, they never write)."""
        if self.context.role in (access.Role.READ_ONLY, access.Role.NONE):
            return
        if notice_id > self.last_read():
            write_setting(self.context.store, self._read_key(), {"id": notice_id})

    def notify(self, key: str, recipient: str, kind: str, text: str,
               item_id: int | None = None) -> bool:
        """Write a notice for ``recipient`` (a user, :data:`notifications.EVERYONE` or
        :data:`notifications.SUPERVISORS`) unless one with ``key`` was written before; True
        when it is new."""
        return notifications.add_notice(self.context.store, key, recipient, kind, text,
                                        to_iso(utc_now()), item_id)


EVERYONE, SUPERVISORS = notifications.EVERYONE, notifications.SUPERVISORS
