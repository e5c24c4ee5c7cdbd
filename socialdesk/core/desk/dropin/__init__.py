"""Virtual drop-in sessions (``desk.dropins``, issue 24): an announced window in which the team
answers the page live.

The rooms: :mod:`.sessions` (what a session is), :mod:`.planning` (the rules a plan must pass,
and drafting its posts), :mod:`.dropin_desk` (the desk: plan, move, cancel, look),
:mod:`.figures` (a session's figures) and :mod:`.summaries` (those figures in words). This
module is the public face: import from it, not from the rooms.
"""

from socialdesk.core.desk.dropin.dropin_desk import DropinDesk
from socialdesk.core.desk.dropin.figures import SessionFigures
from socialdesk.core.desk.dropin.sessions import DropinError, DropinSession, PlanResult
from socialdesk.core.desk.dropin.summaries import summary_lines, urgent_text

__all__ = [
    "DropinDesk",
    "DropinError",
    "DropinSession",
    "PlanResult",
    "SessionFigures",
    "summary_lines",
    "urgent_text",
]
