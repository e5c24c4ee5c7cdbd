"""Community listening (``desk.listening``, issue 24): what the community raises, as topics —
by month and by place, against the period before, rising ones flagged, each named by its
most typical words in English and Welsh, with its three most typical items.

How (the method and its limits are measured in BENCHMARKS.md, "Listening"):
- The items are the people's concerns and chat (reports are the inbox's business) of the
  period and of the period of equal length before it, clustered together so that a topic is
  the same topic in both and its change means something.
- Each item is embedded by the served model's MiniLM encoder, reading what the classifier
  reads (Welsh glossed into English, with everyday words the classifier's glossary lacks
  added from prompts/listening_gloss.toml), each place name replaced by "place" (topics are about
  what; the places are shown apart); vectors are cached in the database by item and
  embedding version, so a second look embeds only new items. Read-only accounts embed
  without writing the cache.
- Topics: the vectors centred by language (:func:`socialdesk.core.classify.topics.centred`:
  glossed Welsh otherwise made a topic of its own), then
  :func:`socialdesk.core.classify.topics.cluster` (seeded spherical k-means, k by
  silhouette) and :func:`~socialdesk.core.classify.topics.name_topics` (places left out).
- A topic is **rising** when it holds at least :data:`RISING_MIN` items this period and at
  least :data:`RISING_SHARE` times the previous period's count (+50%; a topic absent before
  counts when it reaches the minimum) — and only when the previous period holds any items at
  all (a new desk has no baseline: nothing is "rising" against nothing).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from socialdesk.core.audit import exports
from socialdesk.core.classify import topics as topic_model
from socialdesk.core.classify.gloss import GLOSS_FILE, encoder_texts, load_gloss
from socialdesk.core.classify.topics import topic_text
from socialdesk.core.classify.training import TrainProgress
from socialdesk.core.desk import access
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.desk.model import ModelDesk
from socialdesk.core.desk.places import PlacesDesk
from socialdesk.core.models import Progress, to_iso, utc_now
from socialdesk.core.places import load_gazetteer, place_label
from socialdesk.core.store import listening as store_listening
from socialdesk.errors import UserError
from socialdesk.lazy import lazy_module
from socialdesk.prompts import prompt_file

if TYPE_CHECKING:
    import numpy as np

    from socialdesk.core.classify.classifier import Classifier
else:   # imported on first use: the dashboard paints without it
    np = lazy_module("numpy", globals(), "np")

#: Everyday Welsh words the classifier's glossary lacks, read by listening only (the
#: classifier's glossary is part of its trained model; see the file's header).
EVERYDAY_FILE = "listening_gloss.toml"
#: The default period (it ends now), and the one before it is as long.
DEFAULT_PERIOD = timedelta(days=90)
#: The rising rule: at least this many items this period …
RISING_MIN = 5
#: … and at least this many times the previous period's count (1.5 = +50%).
RISING_SHARE = 1.5
#: Items embedded and cached per transaction (the progress steps).
EMBED_BATCH = 256
#: Examples and places shown per topic.
EXAMPLES = 3
PLACES_SHOWN = 3
CSV_FIELDS = ["topic", "words_en", "words_cy", "borrowed", "count", "previous", "change",
              "rising", "months", "places", "examples"]


class Embedder(Protocol):
    """Texts (with their languages) in, unit vectors out; ``version`` names what made them
    (cached vectors of another version are never mixed in)."""

    @property
    def version(self) -> str:
        """What made the vectors (an encoder and glossary fingerprint)."""
        ...

    def embed(self, texts: Sequence[str], languages: Sequence[str]) -> np.ndarray:
        """One unit vector per text, in order."""
        ...


class ModelEmbedder:
    """The served model's MiniLM encoder, reading Welsh glossed as the classifier does, and
    place names replaced (:func:`~socialdesk.core.classify.topics.topic_text`)."""

    def __init__(self, classifier: Classifier) -> None:
        self.classifier = classifier

    @cached_property
    def version(self) -> str:
        """A fingerprint of the encoder graph and the glossary (the fast and the full model
        share one encoder: their vectors are the same, and so is this)."""
        digest = hashlib.sha256()
        with (self.classifier.folder / "encoder.onnx").open("rb") as graph:
            for block in iter(lambda: graph.read(1 << 20), b""):
                digest.update(block)
        digest.update((self.classifier.folder / "gloss.json").read_bytes())
        digest.update(prompt_file(EVERYDAY_FILE).read_bytes())
        digest.update(f"places {load_gazetteer().version} as {topic_model.PLACE!r}".encode())
        return f"minilm-{digest.hexdigest()[:16]}"

    def embed(self, texts: Sequence[str], languages: Sequence[str]) -> np.ndarray:
        """MiniLM vectors of the texts (place names replaced, Welsh and mixed glossed with
        the model's glossary and listening's everyday words)."""
        return self.classifier.encoder.encode(encoder_texts(
            [topic_text(t) for t in texts], self.words, languages))

    @cached_property
    def words(self) -> dict[str, str]:
        """The model's glossary with listening's everyday words (prompts/listening_gloss.toml)
        added."""
        return {**load_gloss(prompt_file(EVERYDAY_FILE)), **self.classifier.gloss}


@dataclass(frozen=True)
class HeardExample:
    """One of a topic's most typical items."""

    id: int
    created_at: str
    language: str
    category: str
    text: str

    def as_dict(self) -> dict[str, Any]:
        """For --json."""
        return {"id": self.id, "created_at": self.created_at, "language": self.language,
                "category": self.category, "text": self.text}


@dataclass(frozen=True)
class Topic:
    """One topic: its words in both languages (``borrowed``: the language whose words came
    from the glossary, none of its items being in it), this period's count and the previous
    one's, this period by month ("2026-11") and by place (id, label, count; busiest first),
    its most typical items of this period (or of the previous one when it has none now) and
    every item of this period."""

    number: int
    en: list[str]
    cy: list[str]
    borrowed: str | None
    count: int
    previous: int
    rising: bool
    months: dict[str, int] = field(default_factory=dict)
    places: list[tuple[str, str, int]] = field(default_factory=list)
    examples: list[HeardExample] = field(default_factory=list)
    item_ids: list[int] = field(default_factory=list)

    @property
    def change(self) -> int:
        """This period's count less the previous period's."""
        return self.count - self.previous

    @property
    def name(self) -> str:
        """"speed, car · goryrru, ceir" (a side without words is left out)."""
        sides = [", ".join(words) for words in (self.en[:3], self.cy[:3]) if words]
        return " · ".join(sides) or "(no typical words)"

    def change_text(self) -> str:
        """"+3 (+50%)", "-1 (-20%)", "0", or "new"."""
        if self.previous == 0:
            return "new" if self.count else "0"
        if not self.change:
            return "0"
        return f"{self.change:+d} ({self.change / self.previous:+.0%})"

    def as_dict(self) -> dict[str, Any]:
        """For --json."""
        return {"topic": self.number, "words": {"en": self.en, "cy": self.cy},
                "borrowed": self.borrowed, "count": self.count, "previous": self.previous,
                "change": self.change, "rising": self.rising, "months": self.months,
                "places": [{"place": p, "name": label, "count": n}
                           for p, label, n in self.places],
                "examples": [e.as_dict() for e in self.examples], "items": self.item_ids}

    def csv_row(self) -> dict[str, Any]:
        """For --csv (no text of anyone's: the examples by item id)."""
        return {"topic": self.number, "words_en": " ".join(self.en),
                "words_cy": " ".join(self.cy), "borrowed": self.borrowed or "",
                "count": self.count, "previous": self.previous, "change": self.change,
                "rising": "yes" if self.rising else "",
                "months": " ".join(f"{m}:{n}" for m, n in self.months.items()),
                "places": "; ".join(f"{label}: {n}" for _, label, n in self.places),
                "examples": [e.id for e in self.examples]}


@dataclass(frozen=True)
class Listening:
    """A period's topics and how they were found."""

    since: datetime
    until: datetime
    topics: list[Topic]
    items: int
    previous_items: int
    months: list[str]
    version: str
    silhouettes: dict[int, float]
    embedded: int
    cached: int

    @property
    def previous_since(self) -> datetime:
        """Where the period before this one starts."""
        return self.since - (self.until - self.since)

    @property
    def rising(self) -> list[Topic]:
        """The rising topics."""
        return [t for t in self.topics if t.rising]

    @property
    def by_month(self) -> dict[str, int]:
        """This period's items by local month (every topic)."""
        return {m: sum(t.months.get(m, 0) for t in self.topics) for m in self.months}

    @property
    def by_place(self) -> list[tuple[str, str, int]]:
        """This period's items by place (id, label, count; busiest first): an item naming two
        places counts in both."""
        counts: Counter[tuple[str, str]] = Counter()
        for topic in self.topics:
            for place, label, n in topic.places:
                counts[(place, label)] += n
        return [(p, label, n) for (p, label), n in
                sorted(counts.items(), key=lambda pn: (-pn[1], pn[0][1]))]

    def as_dict(self) -> dict[str, Any]:
        """For --json."""
        return {"since": self.since.isoformat(), "until": self.until.isoformat(),
                "previous_since": self.previous_since.isoformat(), "items": self.items,
                "previous_items": self.previous_items, "months": self.months,
                "by_month": self.by_month,
                "by_place": [{"place": p, "name": label, "count": n}
                             for p, label, n in self.by_place],
                "rising_rule": rising_rule(), "embedding": self.version,
                "silhouette_by_k": {str(k): v for k, v in self.silhouettes.items()},
                "embedded_now": self.embedded, "from_cache": self.cached,
                "topics": [t.as_dict() for t in self.topics]}


def rising_rule() -> str:
    """The rising rule in words (for the screen, --json and the README)."""
    return (f"at least {RISING_MIN} items this period and at least "
            f"{RISING_SHARE - 1:+.0%} on the period before")


def is_rising(count: int, previous: int, baseline: bool) -> bool:
    """The rising rule (see the module's docstring); ``baseline``: the previous period holds
    any items at all."""
    return baseline and count >= RISING_MIN and count >= RISING_SHARE * previous


def month_labels(since: datetime, until: datetime, zone: Any) -> list[str]:
    """The local months ("2026-11") the period touches, oldest first."""
    first, last = since.astimezone(zone), (until - timedelta(microseconds=1)).astimezone(zone)
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


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
        names = topic_model.name_topics([h.text for h in heard], [h.language for h in heard],
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
        self.context.require(access.Permission.EXPORT)
        with self.context.store.write():   # the audit row is kept only with the file written
            chain = self.context.audit_chain()   # the export's own row follows this head
            rows = exports.write_rows_csv([t.csv_row() for t in listening.topics], CSV_FIELDS,
                                          Path(path), chain)
            self.context.record("export", Path(path).name,
                                {"what": "listening", "rows": rows,
                                 "since": str(listening.since), "until": str(listening.until),
                                 "audit_rows": chain["rows"], "audit_head": chain["head"]})
        return rows


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


@cache
def listening_gloss() -> dict[str, str]:
    """The glossary (prompts/welsh_gloss.toml) with listening's everyday words
    (prompts/listening_gloss.toml): Welsh radicals for naming, and the words a topic borrows
    in the language none of its items was written in."""
    return {**load_gloss(prompt_file(EVERYDAY_FILE)), **load_gloss(prompt_file(GLOSS_FILE))}
