"""Past-tense messages that workers post back to the dashboard."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from socialdesk.core.models import DeskCounts, FacetCounts, InboxFilter
from socialdesk.core.triage.actions import Undo


class InboxLoaded(Message):
    """The item ids and counts of a filter were read."""

    def __init__(self, chosen: InboxFilter, ids: list[int], counts: FacetCounts,
                 desk: DeskCounts, sync: str, sync_problem: bool,
                 posts: tuple[str, bool] = ("", False)) -> None:
        super().__init__()
        self.chosen, self.ids, self.counts, self.desk = chosen, ids, counts, desk
        self.sync, self.sync_problem = sync, sync_problem
        self.posts = posts


class DetailLoaded(Message):
    """One item's detail was read."""

    def __init__(self, item_id: int, item: dict[str, Any] | None) -> None:
        super().__init__()
        self.item_id, self.item = item_id, item


class ActionDone(Message):
    """An officer's action was written (with how to undo it, if it can be)."""

    def __init__(self, summary: str, undo: Undo | None) -> None:
        super().__init__()
        self.summary, self.undo = summary, undo


class ModelProgress(Message):
    """The classifier is loading or training."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ModelReady(Message):
    """The classifier is loaded (the ``full`` one or the fast one); ``classified`` items were
    classified just now."""

    def __init__(self, version: str, classified: int, full: bool = False) -> None:
        super().__init__()
        self.version, self.classified, self.full = version, classified, full


class SyncFinished(Message):
    """A background job reported (sync pass, sends, or a stop)."""

    def __init__(self, kind: str, payload: object) -> None:
        super().__init__()
        self.kind, self.payload = kind, payload
