"""Referrals of items to partner agencies: the rows that track them (drafted, sent,
acknowledged) and the counts the supervisor's report shows. The rules live in
:mod:`socialdesk.core.desk.referrals`."""

from __future__ import annotations

from typing import Any

from socialdesk.core.store.db import Store, as_dicts

#: A referral's states, in the order it goes through them.
STATES = ("drafted", "sent", "acknowledged")
_COLUMNS = ("id, item_id, agency, agency_name, email, grading, format, file_name, sha256, "
            "state, created_by, created_at, sent_by, sent_at, acknowledged_by, "
            "acknowledged_at, partner_ref")


def add_referral(store: Store, item_id: int, agency: str, agency_name: str, email: str,
                 grading: str, file_format: str, by: str, at: str) -> int:
    """A new referral, drafted (inside the caller's transaction); its id."""
    with store.write():
        cursor = store.conn.execute(
            "insert into referrals (item_id, agency, agency_name, email, grading, format, "
            "state, created_by, created_at) values (?, ?, ?, ?, ?, ?, 'drafted', ?, ?)",
            (item_id, agency, agency_name, email, grading, file_format, by, at))
        return int(cursor.lastrowid or 0)


def set_file(store: Store, referral_id: int, file_name: str, sha256: str) -> None:
    """The file a referral was written to, and its SHA-256."""
    with store.write():
        store.conn.execute("update referrals set file_name = ?, sha256 = ? where id = ?",
                           (file_name, sha256, referral_id))


def get_referral(store: Store, referral_id: int) -> dict[str, Any] | None:
    """One referral, or None."""
    rows = as_dicts(store.conn.execute(f"select {_COLUMNS} from referrals where id = ?",
                                       (referral_id,)))
    return rows[0] if rows else None


def mark_sent(store: Store, referral_id: int, by: str, at: str) -> None:
    """A drafted referral was sent by ``by``."""
    with store.write():
        store.conn.execute("update referrals set state = 'sent', sent_by = ?, sent_at = ? "
                           "where id = ? and state = 'drafted'", (by, at, referral_id))


def mark_acknowledged(store: Store, referral_id: int, by: str, at: str,
                      partner_ref: str) -> None:
    """The partner acknowledged a referral (recorded by ``by``); one never marked sent is
    taken as sent then."""
    with store.write():
        store.conn.execute(
            "update referrals set state = 'acknowledged', acknowledged_by = ?, "
            "acknowledged_at = ?, partner_ref = ?, sent_by = coalesce(sent_by, ?), "
            "sent_at = coalesce(sent_at, ?) where id = ?",
            (by, at, partner_ref or None, by, at, referral_id))


def referrals_of_item(store: Store, item_id: int) -> list[dict[str, Any]]:
    """An item's referrals, oldest first."""
    return as_dicts(store.conn.execute(
        f"select {_COLUMNS} from referrals where item_id = ? order by id", (item_id,)))


def list_referrals(store: Store, open_only: bool = False,
                   limit: int = -1) -> list[dict[str, Any]]:
    """Referrals, newest first (``open_only``: not acknowledged yet)."""
    where = "where state != 'acknowledged'" if open_only else ""
    return as_dicts(store.conn.execute(
        f"select {_COLUMNS} from referrals {where} order by id desc limit ?", (limit,)))


def referral_counts(store: Store, since: str | None = None,
                    until: str | None = None) -> list[tuple[str, str, str, int]]:
    """(agency key, agency name, state, how many) of the referrals written in a window
    (ISO UTC bounds, either open), by agency then state."""
    return [(row[0], row[1], row[2], int(row[3])) for row in store.conn.execute(
        "select agency, max(agency_name), state, count(*) from referrals "
        "where created_at >= coalesce(?, '') and created_at < coalesce(?, '9999') "
        "group by agency, state order by agency, state", (since, until))]
