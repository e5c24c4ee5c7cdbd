"""Topics of what the community raises (issue 24, listening): sentence embeddings grouped by
a seeded spherical k-means, and each group named by its most typical words in English and in
Welsh. Plain numpy: nothing here needs scikit-learn (a training-only dependency).

Why this shape:
- The embeddings are the served model's MiniLM (unit vectors, Welsh glossed into English
  first, as the classifier reads it), so cosine similarity is a dot product and the centroid
  of a group, renormalised, is its typical meaning (spherical k-means).
- Topics are about what, not where: place names are replaced before embedding and never name
  a topic (:func:`topic_text`); and the vectors are centred by language (:func:`centred`), as
  glossed Welsh still reads to MiniLM as a language of its own.
- k is chosen, not guessed: every k from 2 to :data:`K_MAX` (at most one topic per
  :data:`MIN_TOPIC` items) is clustered and the k with the highest mean silhouette (cosine
  distance) wins — but when no k reaches :data:`STRUCTURE` (no k separates the items, the
  usual case for short messages) only k of at least :data:`K_MIN` compete, as the
  silhouette then favours merging; on a big period k is chosen on a seeded sample of
  :data:`CHOOSE_SAMPLE`
  items and then fitted to all of them. Silhouette
  asks of each item whether it is nearer its own topic than the next one: it does not reward
  k for growing, as the k-means objective does.
- Everything is seeded: the same items in the same order give the same topics, numbered by
  size (biggest first).
- A topic's words are class-based TF-IDF (a topic's items as one document against the other
  topics), in each language apart, stop words out, Welsh words folded to their radical
  (mutation) where the glossary knows it and English plurals folded to a singular the items
  use. A topic with no item in one language borrows that language's words from the glossary
  (prompts/welsh_gloss.toml and listening's prompts/listening_gloss.toml), and says so. The
  naming lives in :mod:`socialdesk.core.classify.topic_names`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from socialdesk.core.places import without_places
from socialdesk.lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
else:   # imported on first use: the dashboard paints without it
    np = lazy_module("numpy", globals(), "np")


#: The seed of every random choice (k-means++ starts, the silhouette sample).
SEED = 20261207
#: At most one topic per this many items on average (k ≤ n / MIN_TOPIC; fewer than 2×
#: MIN_TOPIC items make one topic): a topic of a handful of messages is not yet a theme.
MIN_TOPIC = 8
#: The most topics offered (a page's month rarely holds more distinct themes worth a name).
K_MAX = 12
#: A best mean silhouette below this says no k separates the items (Kaufman and
#: Rousseeuw's "no substantial structure"): short texts on overlapping subjects. Then the
#: silhouette favours the smallest k (thanks apart from everything else), so k is chosen
#: among :func:`fewest_topics` and more: for a listening view, several smaller coherent
#: topics say more than three mixed ones.
STRUCTURE = 0.25
#: The fewest topics then (when the items allow twice as many: :func:`fewest_topics`).
K_MIN = 6
#: Items the silhouette is measured on (it costs n²).
SILHOUETTE_SAMPLE = 1500
#: Items k is chosen on (a seeded sample of a bigger period; the chosen k is then fitted to
#: every item): choosing tries K_MAX − 1 values of k, each with every restart.
CHOOSE_SAMPLE = 800
#: k-means restarts per k (the best objective is kept) and iterations per restart: with
#: few, a k's clustering (and so its silhouette) depends on the seed's luck more than on k
#: (4 restarts: NMI 0.44 ± 0.03 over seeds on the blind sample, 10: 0.46 ± 0.04; 0.80 → 0.83
#: on the developer's).
RESTARTS = 10
ITERATIONS = 50
#: What a place name becomes in the text a topic is found by (see :func:`topic_text`).
PLACE = "place"
#: A language's mean counts as this many items of the overall mean when the vectors are
#: centred by language (:func:`centred`): one topic's minimum.
LANGUAGE_PRIOR = MIN_TOPIC

#: A person named by a title (the title kept, the one or two capitalised names after it
#: dropped), or an @mention.
PERSON = re.compile(r"@[\w.]+|\b(?P<title>Mr|Mrs|Ms|Miss|Dr|PC|PCSO|Sgt|Sarjant|Cwnstabl)"
                    r"\.?(?: +[A-Z][\w'’-]*){1,2}")


@dataclass(frozen=True)
class Clustering:
    """Topics of n items: each item's topic (0 = the biggest), the unit centroids, the k
    chosen and the mean silhouette of each k tried."""

    labels: np.ndarray
    centroids: np.ndarray
    silhouettes: dict[int, float] = field(default_factory=dict)

    @property
    def k(self) -> int:
        """How many topics the clustering found (one per centroid)."""
        return int(self.centroids.shape[0])

    def centrality(self, vectors: np.ndarray) -> np.ndarray:
        """Each item's cosine similarity to its own topic's centroid (its typicality)."""
        if not len(self.labels):
            return np.zeros(0, np.float32)
        return np.einsum("ij,ij->i", vectors, self.centroids[self.labels])


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.clip(np.linalg.norm(rows, axis=-1, keepdims=True), 1e-12, None)


def _plus_plus(vectors: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ starts with cosine distance: each next centre drawn in proportion to the
    squared distance to the nearest centre so far."""
    n = len(vectors)
    centres = [int(rng.integers(n))]
    nearest = 1.0 - vectors @ vectors[centres[0]]
    for _ in range(1, k):
        weights = np.clip(nearest, 0, None) ** 2
        total = weights.sum()
        pick = int(rng.choice(n, p=weights / total)) if total > 0 else int(rng.integers(n))
        centres.append(pick)
        nearest = np.minimum(nearest, 1.0 - vectors @ vectors[pick])
    return vectors[centres].copy()


def spherical_kmeans(vectors: np.ndarray, k: int, seed: int = SEED, restarts: int = RESTARTS,
                     iterations: int = ITERATIONS) -> tuple[np.ndarray, np.ndarray, float]:
    """(labels, unit centroids, mean cosine to the own centroid) of the best of ``restarts``
    seeded runs. An emptied topic is restarted on the item worst served."""
    best: tuple[np.ndarray, np.ndarray, float] | None = None
    for restart in range(restarts):
        rng = np.random.default_rng([seed, k, restart])
        centroids = _plus_plus(vectors, k, rng)
        labels = np.full(len(vectors), -1)
        for _ in range(iterations):
            similarity = vectors @ centroids.T
            new = similarity.argmax(axis=1)
            for empty in set(range(k)) - set(np.unique(new).tolist()):
                worst = int(similarity[np.arange(len(vectors)), new].argmin())
                new[worst] = empty
            if np.array_equal(new, labels):
                break
            labels = new
            member = np.zeros((len(vectors), k), np.float32)
            member[np.arange(len(vectors)), labels] = 1.0
            centroids = _unit(member.T @ vectors)
        score = float(np.einsum("ij,ij->i", vectors, centroids[labels]).mean())
        if best is None or score > best[2] + 1e-9:
            best = (labels, centroids, score)
    assert best is not None
    return best


def silhouette(vectors: np.ndarray, labels: np.ndarray, seed: int = SEED,
               sample: int = SILHOUETTE_SAMPLE) -> float:
    """Mean silhouette with cosine distance (on a seeded sample of at most ``sample`` items;
    an item alone in its topic scores 0)."""
    n = len(vectors)
    if n > sample:
        chosen = np.sort(np.random.default_rng([seed, n]).choice(n, sample, replace=False))
        vectors, labels = vectors[chosen], labels[chosen]
    topics = np.unique(labels)
    if len(topics) < 2:
        return 0.0
    distance = 1.0 - vectors @ vectors.T
    member = labels[:, None] == topics[None, :]                    # (n, k)
    sizes = member.sum(axis=0)
    sums = distance @ member                                       # (n, k) distance to each
    own = member.argmax(axis=1)
    own_size = sizes[own]
    a = sums[np.arange(len(labels)), own] / np.clip(own_size - 1, 1, None)
    others = np.where(member, np.inf, sums / sizes[None, :])
    b = others.min(axis=1)
    scores = np.where(own_size > 1, (b - a) / np.clip(np.maximum(a, b), 1e-12, None), 0.0)
    return float(scores.mean())


def topic_text(text: str, instead: str = PLACE) -> str:
    """What a topic is found by: the text with each place name the gazetteer finds replaced
    by ``instead`` (a name that says what kind of place it is keeps that: "Llangefni school"
    → "school"). Topics are about what; where is shown apart, from the items' place tags —
    left in, the names pulled the items of one town together whatever they said. People
    named by a title ("PC Jones", "Mrs Hughes") keep the title only, and @mentions go: a
    topic is never named after someone."""
    if PERSON.search(text):
        text = " ".join(PERSON.sub(lambda m: m.group("title") or "", text).split())
    return without_places(text, instead)


def centred(vectors: np.ndarray, languages: Sequence[str]) -> np.ndarray:
    """Unit ``vectors`` less the mean of their language's (English, or Welsh and mixed),
    renormalised: MiniLM reads glossed Welsh as a language of its own, and without this the
    Welsh items made a topic of their own whatever they said. A language seen in few items
    is centred mostly on the mean of all (its mean shrunk by :data:`LANGUAGE_PRIOR` items'
    worth of the overall one), so that a handful of Welsh messages keep what they say."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if not len(vectors):
        return vectors
    welsh = np.array([language != "en" for language in languages], dtype=bool)
    overall = vectors.mean(axis=0)
    out = vectors.copy()
    for group in (welsh, ~welsh):
        count = int(group.sum())
        if count:
            mean = (vectors[group].sum(axis=0) + LANGUAGE_PRIOR * overall) / (
                count + LANGUAGE_PRIOR)
            out[group] -= mean
    return _unit(out).astype(np.float32)


def fewest_topics(n: int) -> int:
    """The fewest topics chosen for n items when no k separates them (see
    :data:`STRUCTURE`): :data:`K_MIN`, or half the most allowed when fewer."""
    return max(2, min(K_MIN, (choose_k(n).stop - 1) // 2))


def choose_k(n: int) -> range:
    """The k tried for n items: 2 … min(K_MAX, n // MIN_TOPIC) (empty below 2×MIN_TOPIC)."""
    return range(2, min(K_MAX, n // MIN_TOPIC) + 1)


def cluster(vectors: np.ndarray, seed: int = SEED, k: int | None = None) -> Clustering:
    """Topics of unit ``vectors``: ``k`` given, or the k of :func:`choose_k` with the best
    silhouette (ties: the smaller k; when none reaches :data:`STRUCTURE`, the best of at
    least :func:`fewest_topics`). Fewer than 2×MIN_TOPIC items make one topic.

    BLAS runs on one thread here: the products are small (n × 384 by 384 × k) and OpenBLAS's
    waiting threads spin — on 2 shared cores, 2,380 items took 3.7 s threaded and 0.5 s on
    one thread (the encoder found the same, core/classify/encoder.py)."""
    with _one_blas_thread():
        return _cluster(vectors, seed, k)


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """BLAS limited to one thread for the block (threadpoolctl comes with scikit-learn; where
    it is missing, BLAS keeps its threads)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:   # pragma: no cover - installed with scikit-learn
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _cluster(vectors: np.ndarray, seed: int, k: int | None) -> Clustering:
    vectors = np.asarray(vectors, dtype=np.float32)
    n = len(vectors)
    if n == 0:
        return Clustering(np.zeros(0, int), np.zeros((0, vectors.shape[1] if vectors.ndim == 2
                                                      else 0), np.float32))
    scores: dict[int, float] = {}
    if k is None:
        found: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        sample = vectors if n <= CHOOSE_SAMPLE else vectors[np.sort(
            np.random.default_rng([seed, n, 1]).choice(n, CHOOSE_SAMPLE, replace=False))]
        for tried in choose_k(n):   # every start for every k: one start per k chose less well
            labels, centroids, _ = spherical_kmeans(sample, tried, seed)
            scores[tried] = round(silhouette(sample, labels, seed), 4)
            found[tried] = (labels, centroids)
        if not found:
            labels, centroids = np.zeros(n, int), _unit(vectors.sum(axis=0, keepdims=True))
        else:
            chosen = max(scores, key=lambda t: (scores[t], -t))
            if scores[chosen] < STRUCTURE:   # no k separates: the silhouette cannot choose
                floor = fewest_topics(n)      # the small k it then favours is a merge
                chosen = max((t for t in scores if t >= floor),
                             key=lambda t: (scores[t], -t), default=chosen)
            labels, centroids = found[chosen]
            if n > CHOOSE_SAMPLE:   # the chosen k on every item
                labels, centroids, _ = spherical_kmeans(vectors, chosen, seed)
    else:
        labels, centroids, _ = spherical_kmeans(vectors, max(1, min(k, n)), seed)
    return _by_size(labels, centroids, scores)


def _by_size(labels: np.ndarray, centroids: np.ndarray,
             scores: dict[int, float]) -> Clustering:
    """Topics renumbered biggest first (ties: the one whose first item comes first)."""
    sizes = np.bincount(labels, minlength=len(centroids))
    first = [int(np.flatnonzero(labels == t)[0]) if sizes[t] else len(labels)
             for t in range(len(centroids))]
    order = sorted(range(len(centroids)), key=lambda t: (-sizes[t], first[t]))
    keep = [t for t in order if sizes[t]]
    rank = {old: new for new, old in enumerate(keep)}
    return Clustering(np.array([rank[int(t)] for t in labels], dtype=int),
                      centroids[keep], scores)


def assign(vectors: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """The nearest topic of each vector (for items outside the clustered set)."""
    return (np.asarray(vectors, np.float32) @ centroids.T).argmax(axis=1)
