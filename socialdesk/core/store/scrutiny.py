"""What the scrutiny pack reads beyond the supervisor's report (see
:mod:`socialdesk.core.audit.scrutiny`): the model's labels against the officers' corrections,
the urgent items of a window, and the facts of retention. Read only; no personal data unless
the caller asks for it (``names``)."""

from __future__ import annotations

import json
from typing import Any

from socialdesk.core.store.db import Store, as_dicts


def _window(since: str, until: str) -> tuple[str, list[str]]:
    return "created_at >= ? and created_at < ?", [since, until]


def handled_labels(store: Store, since: str, until: str
                   ) -> list[tuple[int, str, str | None, int | None]]:
    """(id, created_at, category, urgent) of every public item created in [since, until) that
    a model classified and an officer handled: claimed, answered, closed or reclassified.
    Items nobody touched are not read (a quarter of a busy page is mostly those)."""
    where, params = _window(since, until)
    return store.conn.execute(
        f"select id, created_at, category, urgent from items "
        f"where from_page = 0 and model_version is not null and {where} "
        "and (assignee is not null or status in ('answered', 'closed') "
        "or id in (select item_id from corrections)) order by id", params).fetchall()


def corrections_of_window(store: Store, since: str, until: str
                          ) -> dict[int, dict[str, Any]]:
    """For each item created in [since, until) that officers reclassified: the label before
    the first correction (``old_category``, ``old_urgent``: what stood when an officer first
    changed it), the label after the latest (``new_category``, ``new_urgent``), how many
    corrections, and who made the latest and when."""
    rows = store.conn.execute(
        "select c.item_id, c.id, c.old_category, c.old_urgent, c.new_category, c.new_urgent, "
        "c.actor, c.at from corrections c join items i on i.id = c.item_id "
        "where i.from_page = 0 and i.created_at >= ? and i.created_at < ? "
        "order by c.item_id, c.id", (since, until)).fetchall()
    found: dict[int, dict[str, Any]] = {}
    for item_id, _cid, old_cat, old_urgent, new_cat, new_urgent, actor, at in rows:
        entry = found.setdefault(item_id, {"old_category": old_cat,
                                           "old_urgent": old_urgent, "count": 0})
        entry.update(new_category=new_cat, new_urgent=new_urgent, actor=actor, at=at)
        entry["count"] += 1
    return found


def urgent_items(store: Store, since: str, until: str, names: bool) -> list[dict[str, Any]]:
    """The public items created in [since, until) flagged urgent (by the model, a cue or an
    officer), oldest first, with when they were claimed, answered and closed; with ``names``
    the author's name, the words and the officer who answered too."""
    where, params = _window(since, until)
    personal = (", author_name, text, purged_at, first_response_by, assignee"
                if names else "")
    return as_dicts(store.conn.execute(
        "select id, created_at, kind, language, category, status, claimed_at, "
        "first_response_at, closed_at, close_reason, sla_due_at"
        f"{personal} from items where from_page = 0 and urgent = 1 and {where} "
        "order by created_at, id", params))


def model_versions(store: Store, since: str, until: str) -> list[tuple[str, int]]:
    """The model versions that classified the window's public items, with how many each."""
    where, params = _window(since, until)
    return [(str(version), int(count)) for version, count in store.conn.execute(
        f"select model_version, count(*) from items where from_page = 0 and {where} "
        "and model_version is not null group by model_version order by count(*) desc",
        params)]


def retention_facts(store: Store, since: str, until: str) -> dict[str, Any]:
    """The last purge (when, by whom, the cutoff it used), how many items' words were purged
    during [since, until) and in all, and when the oldest item still holding words was
    received."""
    last = store.conn.execute(
        "select at, actor, payload from audit_log where action = 'purge' "
        "order by id desc limit 1").fetchone()
    cutoff = None
    if last:
        try:
            cutoff = json.loads(last[2] or "{}").get("cutoff")
        except (ValueError, AttributeError):
            cutoff = None
    purged_window, purged_all = store.conn.execute(
        "select coalesce(sum(purged_at >= ? and purged_at < ?), 0), count(purged_at) "
        "from items", (since, until)).fetchone()
    oldest = store.conn.execute(
        "select min(created_at) from items indexed by idx_items_unpurged "
        "where purged_at is null").fetchone()[0]
    return {"last_purge_at": last[0] if last else None,
            "last_purge_by": last[1] if last else None, "last_purge_cutoff": cutoff,
            "purged_in_window": int(purged_window), "purged_all": int(purged_all),
            "oldest_kept": oldest}
