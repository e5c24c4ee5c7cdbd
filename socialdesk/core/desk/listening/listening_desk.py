"""The listening desk: a period's topics for the dashboard and the CLI, found from the items'
vectors (embedded once and cached by item and embedding version), with the CSV export.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialdesk.core.classify import topics as topic_model
from socialdesk.core.classify.topic_names import name_topics
from socialdesk.core.classify.training import TrainProgress
from socialdesk.core.desk import access
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.desk.listening.embedding import Embedder, ModelEmbedder, listening_gloss
from socialdesk.core.desk.listening.findings import (
    EXAMPLES,
    HeardExample,
    Listening,
    Topic,
    is_rising,
    month_labels,
)
from socialdesk.core.desk.model import ModelDesk
from socialdesk.core.desk.places import PlacesDesk
from socialdesk.core.models import Progress, to_iso, utc_now
from socialdesk.core.places import place_label
from socialdesk.core.store import listening as store_listening
from socialdesk.errors import UserError
from socialdesk.lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
else:   # imported on first use: the dashboard paints without it
    np = lazy_module("numpy", globals(), "np")


#: The default period (it ends now), and the one before it is as long.
DEFAULT_PERIOD = timedelta(days=90)

#: Items embedded and cached per transaction (the progress steps).
EMBED_BATCH = 256

CSV_FIELDS = ["topic", "words_en", "words_cy", "borrowed", "count", "previous", "change",
              "rising", "months", "places", "examples"]


class ListeningDesk:
    """What the community raises: topics of a period."""

    def __init__(self, context: DeskContext, model: ModelDesk, places: PlacesDesk) -> None:
        self.context = context
        self.model = model
        self.places = places
        #: what embeds the items: None is the served model's encoder (trained on first use);
        #: tests and benches give their own
        self.embedder: Embedder | None = None

    def _embedder(self, train_progress: TrainProgress | None = None) -> Embedder:
        if self.embedder is not None:
            return self.embedder
        classifier = self.model.classifier(train_progress)
        assert classifier is not None   # trained on first use when missing
        return ModelEmbedder(classifier)

    def topics(self, since: datetime | None = None, until: datetime | None = None,
               progress: Progress | None = None, seed: int = topic_model.SEED,
               train_progress: TrainProgress | None = None) -> Listening:
        """The topics of [since, until) (default: the :data:`DEFAULT_PERIOD` ending now),
        with the period of equal length before it. ``progress`` hears (items embedded, items
        to embed) after each cached batch: a stopped run keeps what it embedded. On a machine
        with no model yet, the fast one is trained first (``train_progress`` hears it)."""
        self.context.require(access.Permission.LISTEN)
        until = until or utc_now()
        since = since or until - DEFAULT_PERIOD
        if since >= until:
            raise UserError("The period's start must come before its end.")
        before = since - (until - since)
        self.places.tag_new()
        store = self.context.store
        heard = store_listening.heard_items(store, before, until)
        embedder = self._embedder(train_progress)
        vectors, embedded, cached = self._vectors(heard, embedder, progress)
        since_s = to_iso(since)
        current = np.array([h.created_at >= since_s for h in heard], dtype=bool)
        vectors = topic_model.centred(vectors, [h.language for h in heard])
        clustering = topic_model.cluster(vectors, seed)
        names = name_topics([h.text for h in heard], [h.language for h in heard],
                                        clustering.labels, clustering.k, listening_gloss())
        typical = clustering.centrality(vectors)
        places = store_listening.places_of(store, [h.id for h in heard])
        zone = self.context.config.team.zone
        months = month_labels(since, until, zone)
        baseline = bool((~current).any())
        found = []
        for number, name in enumerate(names):
            mine = clustering.labels == number
            now = np.flatnonzero(mine & current)
            then = np.flatnonzero(mine & ~current)
            shown = now if len(now) else then
            best = _distinct(shown[np.argsort(-typical[shown], kind="stable")], heard)
            by_month = Counter(_month(heard[int(i)].created_at, zone) for i in now)
            by_place = Counter(p for i in now for p in places.get(heard[int(i)].id, []))
            found.append(Topic(
                number + 1, name.en, name.cy, name.borrowed, len(now), len(then),
                is_rising(len(now), len(then), baseline),
                {m: by_month.get(m, 0) for m in months},
                [(p, place_label(p), n) for p, n in
                 sorted(by_place.items(), key=lambda pn: (-pn[1], pn[0]))],
                [HeardExample(heard[int(i)].id, heard[int(i)].created_at,
                              heard[int(i)].language, heard[int(i)].category,
                              heard[int(i)].text) for i in best],
                [heard[int(i)].id for i in now]))
        found.sort(key=lambda t: (-t.count, -t.change, t.number))
        ranked = [replace(t, number=rank) for rank, t in enumerate(found, 1)]
        return Listening(since, until, ranked, int(current.sum()), int((~current).sum()), months,
                         embedder.version, clustering.silhouettes, embedded, cached)

    def _vectors(self, heard: list[store_listening.HeardItem], embedder: Embedder,
                 progress: Progress | None) -> tuple[np.ndarray, int, int]:
        """(vectors in the items' order, how many were embedded now, how many came from the
        cache). New vectors are cached batch by batch when this account may write."""
        store = self.context.store
        ids = [h.id for h in heard]
        have = store_listening.cached_vectors(store, ids, embedder.version)
        missing = [i for i, h in enumerate(heard) if h.id not in have]
        try:     # a member's desk caches; a read-only account writes nothing
            self.context.require(access.Permission.RUN_JOBS)
            may_write = True
        except access.AccessDenied:
            may_write = False
        fresh: dict[int, np.ndarray] = {}
        total = len(missing)
        if progress is not None and total:
            progress(0, total)
        for at in range(0, total, EMBED_BATCH):
            batch = missing[at:at + EMBED_BATCH]
            rows = embedder.embed([heard[i].text for i in batch],
                                  [heard[i].language for i in batch])
            batch_ids = [heard[i].id for i in batch]
            if may_write:
                store_listening.save_vectors(store, batch_ids, rows, embedder.version)
            fresh.update(zip(batch_ids, rows, strict=True))
            if progress is not None:
                progress(min(at + EMBED_BATCH, total), total)
        dim = next(iter(have.values()), next(iter(fresh.values()), np.zeros(0))).shape[0]
        vectors = np.zeros((len(heard), dim), np.float32)
        for row, item_id in enumerate(ids):
            vectors[row] = have[item_id] if item_id in have else fresh[item_id]
        return vectors, len(fresh), len(have)

    def export_csv(self, listening: Listening, path: str | Path) -> int:
        """Write the topics as CSV (an export: supervisors, recorded in the audit log; the
        examples by item id, nobody's text); return the rows written."""
        return self.context.export_rows_csv(
            "listening", [t.csv_row() for t in listening.topics], CSV_FIELDS, Path(path),
            {"since": str(listening.since), "until": str(listening.until)})


def _distinct(ranked: np.ndarray, heard: list[store_listening.HeardItem]) -> list[int]:
    """The first :data:`EXAMPLES` of ``ranked`` with different texts (case and spacing
    aside): three copies of one message are one example."""
    chosen: list[int] = []
    seen: set[str] = set()
    for index in ranked:
        key = " ".join(heard[int(index)].text.lower().split())
        if key not in seen:
            seen.add(key)
            chosen.append(int(index))
            if len(chosen) == EXAMPLES:
                break
    return chosen


def _month(created_at: str, zone: Any) -> str:
    return datetime.fromisoformat(created_at).astimezone(zone).strftime("%Y-%m")
