"""The reply library's table, ``reply_templates``: one row per template and language, the
English and Welsh twins sharing a ``key``. What may be written there (placeholders, who may
save) is decided in :mod:`socialdesk.core.triage.reply_library` and the desk."""

from __future__ import annotations

from typing import Any

from socialdesk.core.store.db import Store, as_dicts
from socialdesk.core.store.settings import read_setting, write_setting

#: The SHA-256 of the prompts file the library was last seeded from.
SEEDED_FROM = "reply_library_seed"
COLUMNS = ("key", "topic", "title", "language", "text", "public", "version", "updated_by",
           "updated_at", "retired")


def seeded_digest(store: Store) -> str:
    """The digest of the prompts file last seeded from ("" when never)."""
    return str(read_setting(store, SEEDED_FROM).get("sha256") or "")


def mark_seeded(store: Store, digest: str) -> None:
    """Remember which prompts file was seeded (inside the caller's transaction)."""
    write_setting(store, SEEDED_FROM, {"sha256": digest})


def insert_missing(store: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert the rows whose (key, language) the table does not hold yet — an edited or
    retired template is never overwritten or brought back; returns the rows inserted."""
    added = []
    with store.write():
        for row in rows:
            cursor = store.conn.execute(
                f"insert or ignore into reply_templates ({', '.join(COLUMNS)}) values "
                f"({', '.join(':' + c for c in COLUMNS)})", row)
            if cursor.rowcount:
                added.append({**row, "id": int(cursor.lastrowid or 0)})
    return added


def insert_template(store: Store, row: dict[str, Any]) -> int | None:
    """A new template row; None when its (key, language) is taken."""
    with store.write():
        cursor = store.conn.execute(
            f"insert or ignore into reply_templates ({', '.join(COLUMNS)}) values "
            f"({', '.join(':' + c for c in COLUMNS)})", row)
        return int(cursor.lastrowid or 0) if cursor.rowcount else None


def update_template(store: Store, template_id: int, changes: dict[str, Any]) -> None:
    """Set columns of one template (inside the caller's transaction, if any)."""
    assignments = ", ".join(f"{name} = :{name}" for name in changes)
    with store.write():
        store.conn.execute(f"update reply_templates set {assignments} where id = :id",
                           {**changes, "id": template_id})


def find_template(store: Store, template_id: int) -> dict[str, Any] | None:
    """One template row, or None."""
    rows = as_dicts(store.conn.execute("select * from reply_templates where id = ?",
                                       (template_id,)))
    return rows[0] if rows else None


def templates(store: Store, include_retired: bool = False) -> list[dict[str, Any]]:
    """Every template (live ones only unless ``include_retired``), by topic, key, language."""
    return as_dicts(store.conn.execute(
        "select * from reply_templates where retired = 0 or ? "
        "order by topic, key, language desc", (int(include_retired),)))


def twin(store: Store, key: str, language: str) -> dict[str, Any] | None:
    """The template of ``key`` in ``language`` (retired ones included), or None."""
    rows = as_dicts(store.conn.execute(
        "select * from reply_templates where key = ? and language = ?", (key, language)))
    return rows[0] if rows else None


def history(store: Store, subject: str) -> list[dict[str, Any]]:
    """The audit rows about one template, oldest first (its versions)."""
    return as_dicts(store.conn.execute(
        "select id, at, actor, action, payload from audit_log where subject = ? order by id",
        (subject,)))
