"""Issue 19, reviewed again after the features that came since (drop-in sessions, listening,
referrals, people, places, exports…): each gap the review found, on real SQLite files."""

from __future__ import annotations

import pytest

from socialdesk.core.desk import Desk
from socialdesk.core.outbox.sender import Action
from socialdesk.errors import StoreError


def test_undoing_a_hide_that_went_queues_the_unhide_with_its_audit_row(team_desk: Desk) -> None:
    """Undo of a hide already on the page queues an unhide: the outbox entry and its audit
    row were two transactions, so a failed audit write left an unhide queued with no row in
    the chain. Now both are kept, or neither."""
    item = team_desk.seeded[3]      # a comment   # type: ignore[attr-defined]
    record = team_desk.answer(item, "", Action.HIDE)
    with team_desk.store.write():   # the sender took it to the page
        team_desk.store.conn.execute("update outbox set status = 'sent' where item_id = ?",
                                     (item,))
    with team_desk.store.write():   # the audit write fails (as on a full disk)
        team_desk.store.conn.execute(
            "create trigger no_audit before insert on audit_log when new.action = "
            "'queue_unhide' begin select raise(abort, 'the audit write failed'); end")
    with pytest.raises(StoreError, match="the audit write failed"):
        team_desk.undo(record)
    assert team_desk.store.conn.execute(
        "select action, status from outbox where item_id = ? order by id",
        (item,)).fetchall() == [("hide", "sent")]
    with team_desk.store.write():
        team_desk.store.conn.execute("drop trigger no_audit")
    team_desk.undo(record)
    assert team_desk.store.conn.execute(
        "select count(*) from audit_log where action = 'queue_unhide' and subject = ?",
        (str(item),)).fetchone()[0] == 1
