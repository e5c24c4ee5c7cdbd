"""Past-tense messages that workers post back to the dashboard."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from socialdesk.core.desk.events import JobEvent, ModelState, SyncView
from socialdesk.core.models import DeskCounts, FacetCounts, InboxFilter, Notice
from socialdesk.core.triage.actions import Undo
from socialdesk.core.triage.tags import BatchUndo


class InboxLoaded(Message):
    """The item ids and counts of a filter were read."""

    def __init__(self, chosen: InboxFilter, ids: list[int], counts: FacetCounts,
                 desk: DeskCounts, sync: SyncView,
                 posts: tuple[str, bool] = ("", False),
                 notices: tuple[int, list[Notice]] = (0, []),
                 snooze_back: str | None = None) -> None:
        super().__init__()
        self.chosen, self.ids, self.counts, self.desk = chosen, ids, counts, desk
        self.sync = sync
        self.posts = posts
        #: (the newest notice this user had been shown, the notices newer than it)
        self.notices = notices
        #: when the next snoozed item is back in To do (ISO UTC), if any
        self.snooze_back = snooze_back


class InboxPainted(Message):
    """The inbox's first rows reached the screen: what the first screen does not need (the
    model, the background jobs, the handover notes) may start now."""


class DetailLoaded(Message):
    """One item's detail was read."""

    def __init__(self, item_id: int, item: dict[str, Any] | None) -> None:
        super().__init__()
        self.item_id, self.item = item_id, item


class ActionDone(Message):
    """An officer's action was written (with how to undo it, if it can be)."""

    def __init__(self, summary: str, undo: Undo | BatchUndo | None) -> None:
        super().__init__()
        self.summary, self.undo = summary, undo


class ModelStateChanged(Message):
    """The classifier is loading or training (with progress)."""

    def __init__(self, state: ModelState) -> None:
        super().__init__()
        self.state = state


class ModelReady(Message):
    """The classifier is loaded (the ``full`` one or the fast one); ``classified`` items were
    classified just now."""

    def __init__(self, version: str, classified: int, full: bool = False) -> None:
        super().__init__()
        self.version, self.classified, self.full = version, classified, full


class BacklogProgress(Message):
    """Classifying the waiting items: ``text`` for the status bar ("" when done) and, once
    done, how many were classified (``finished``)."""

    def __init__(self, text: str, finished: int = 0) -> None:
        super().__init__()
        self.text, self.finished = text, finished


class JobReported(Message):
    """A background job reported (a sync pass, sends, publishing, a stop, the model)."""

    def __init__(self, event: JobEvent) -> None:
        super().__init__()
        self.event = event
