"""The façade the CLI and the dashboard call: the inbox, triage, the page, supervision.

A :class:`Desk` binds a validated :class:`Config` to a database file and the acting OS user
(a :class:`~socialdesk.core.desk.context.DeskContext`). Safety posts are ``desk.posts``
(:class:`SafetyPostDesk`) and the classifier ``desk.model`` (:class:`ModelDesk`), both on the
same context. Everything here works without Textual; every action checks the user's role first
and is written to the audit log.
"""

from __future__ import annotations

from socialdesk.core.desk.desk_base import already_there, is_demo_database
from socialdesk.core.desk.desk_supervision import SupervisionWork

__all__ = ["Desk", "already_there", "is_demo_database"]


class Desk(SupervisionWork):
    """socialdesk's services for one config, one database and one acting user.

    Built in floors, each in its own module: the rooms and identity
    (:class:`~socialdesk.core.desk.desk_base.DeskBase`), the page
    (:class:`~socialdesk.core.desk.desk_page.PageWork`: import, sync, outbox), the inbox and
    triage (:class:`~socialdesk.core.desk.desk_triage.TriageWork`) and supervision
    (:class:`~socialdesk.core.desk.desk_supervision.SupervisionWork`: reports, timelines, the
    audit chain, retention)."""
