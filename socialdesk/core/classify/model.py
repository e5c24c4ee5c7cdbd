"""The triage model: MiniLM sentence embeddings fused with n-grams and signals, two heads.

Why this shape (measured on the development split, BENCHMARKS.md): all-MiniLM-L6-v2 knows
little Welsh, so character n-grams (2–5) carry Welsh and the embeddings carry English meaning;
word uni- and bigrams and the bilingual category signals (prompts/category_signals.toml) add
the guide's distinctions (a specific time or "now" vs. something recurring, a request for
advice, a follow-up, thanks). Word uni- and bigrams of what the encoder reads (Welsh glossed
into English, English as written) let the English examples teach the Welsh ones: a Welsh
"dwyn" reads as "steal", a word the English reports have weighted. Category: multinomial
logistic regression on [embedding of the text, ½·embedding of its post, char n-gram TF-IDF,
word n-gram TF-IDF, 1.5·glossed word n-gram TF-IDF, 0.3·signals].
Urgent: a class-balanced logistic regression on the same features whose threshold is chosen
by cross-validation on the training data so that, together with the cues, out-of-fold
training recall reaches ``URGENT_RECALL_TARGET``. The folds are grouped by example file (one
writer or one round of writing per file), so the threshold is chosen on writers the fold's
model has not read — as it will meet them on the page — not on the same hands' other lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from socialdesk.core.classify.data import CATEGORIES, Example
from socialdesk.core.classify.signals import Signal, signal_matrix

SEED = 20261123
POST_WEIGHT = 0.5
EMBED_WEIGHT = 1.0
SIGNAL_WEIGHT = 0.3
#: The glossed-word block's weight, chosen by 5-fold cross-validation inside the training
#: data (the sweep is in BENCHMARKS.md, "approaches compared").
GLOSSED_WORD_WEIGHT = 1.5
#: words with apostrophes kept whole (Welsh "i'r", "mae'r"; English "don't")
WORD_TOKENS = r"(?u)\b\w[\w']*\b"
#: Out-of-fold urgent recall (model OR cues) the threshold must reach. The folds hold out
#: whole writers, so this is the recall to expect on writers the model has never read — the
#: goal on strangers' text. Measured on 4,187 examples (grouped folds): recall 0.96 at
#: threshold 0.34 (precision 0.72), 0.97 at 0.26 (0.68), 0.975 at 0.12 (0.55), 0.98 at 0.11
#: (0.53) — past 0.97 a few examples no threshold reaches cost 13 points of precision.
URGENT_RECALL_TARGET = 0.97
#: Cross-validation folds for the urgent threshold.
FOLDS = 5


def _char_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                           min_df=2, lowercase=True, max_features=150_000)


def _word_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=2,
                           lowercase=True, token_pattern=WORD_TOKENS)


def writers(examples: Sequence[Example]) -> list[str]:
    """Who wrote each example, as far as we know: its file (each file is one writer or one
    round of writing); officers' corrections are one group."""
    return [e.source.split(":", 1)[0] or "corrections" for e in examples]


def threshold_for_recall(scores: np.ndarray, gold: np.ndarray, cues: np.ndarray,
                         target: float = URGENT_RECALL_TARGET) -> float:
    """Highest threshold (0.95 down to 0.01) at which ``scores ≥ threshold OR cues`` still
    recalls ``target`` of the ``gold`` urgent items."""
    for threshold in np.arange(0.95, 0.0, -0.01):
        flagged = (scores >= threshold) | cues
        if (flagged & gold).sum() / max(1, gold.sum()) >= target:
            return float(round(threshold, 2))
    return 0.01


@dataclass
class Features:
    """Which feature families a model uses (for the measured comparison)."""

    embeddings: bool = True
    chars: bool = True
    post: bool = True
    words: bool = True
    signals: bool = True
    glossed_words: bool = True


@dataclass
class TriageModel:
    """Category and urgent heads over fused features."""

    features: Features = field(default_factory=Features)
    signals: Sequence[Signal] = ()
    C: float = 4.0
    glossed_weight: float = GLOSSED_WORD_WEIGHT
    vectorizer: TfidfVectorizer | None = None
    word_vectorizer: TfidfVectorizer | None = None
    glossed_vectorizer: TfidfVectorizer | None = None
    category_head: LogisticRegression | None = None
    urgent_head: LogisticRegression | None = None
    urgent_threshold: float = 0.5

    def _matrix(self, texts: Sequence[str], read: Sequence[str], text_emb: np.ndarray,
                post_emb: np.ndarray, fit: bool = False) -> sparse.csr_matrix:
        blocks = []
        if self.features.embeddings:
            blocks.append(sparse.csr_matrix(text_emb * EMBED_WEIGHT))
            if self.features.post:
                blocks.append(sparse.csr_matrix(post_emb * POST_WEIGHT))
        if self.features.chars:
            if fit:
                self.vectorizer = _char_vectorizer().fit(texts)
            assert self.vectorizer is not None
            blocks.append(self.vectorizer.transform(texts))
        if self.features.words:
            if fit:
                self.word_vectorizer = _word_vectorizer().fit(texts)
            assert self.word_vectorizer is not None
            blocks.append(self.word_vectorizer.transform(texts))
        if self.features.glossed_words:
            if fit:
                self.glossed_vectorizer = _word_vectorizer().fit(read)
            assert self.glossed_vectorizer is not None
            blocks.append(self.glossed_vectorizer.transform(read) * self.glossed_weight)
        if self.features.signals and self.signals:
            blocks.append(sparse.csr_matrix(signal_matrix(self.signals, texts) * SIGNAL_WEIGHT))
        return sparse.hstack(blocks).tocsr()

    def _head(self, balanced: bool) -> LogisticRegression:
        return LogisticRegression(C=self.C, max_iter=3000, random_state=SEED,
                                  class_weight="balanced" if balanced else None)

    def fit(self, examples: Sequence[Example], read: Sequence[str], text_emb: np.ndarray,
            post_emb: np.ndarray, cue_hits: np.ndarray | None = None) -> TriageModel:
        """Train both heads; pick the urgent threshold by 5-fold cross-validation.

        ``read`` is what the encoder reads of each example (Welsh glossed); ``text_emb`` and
        ``post_emb`` are the embeddings of the texts and of their posts."""
        X = self.fit_category(examples, read, text_emb, post_emb)
        y_urg = np.array([bool(e.urgent) for e in examples], dtype=int)
        self.urgent_head = self._head(balanced=True).fit(X, y_urg)
        self.urgent_threshold = self._choose_threshold(X, y_urg, cue_hits, writers(examples))
        return self

    def fit_category(self, examples: Sequence[Example], read: Sequence[str],
                     text_emb: np.ndarray, post_emb: np.ndarray) -> sparse.csr_matrix:
        """Fit the features and the category head only; return the training matrix."""
        X = self._matrix([e.text for e in examples], read, text_emb, post_emb, fit=True)
        y_cat = np.array([CATEGORIES.index(e.category or "chat") for e in examples])
        self.category_head = self._head(balanced=False).fit(X, y_cat)
        return X

    def predict_category(self, texts: Sequence[str], read: Sequence[str], text_emb: np.ndarray,
                         post_emb: np.ndarray) -> np.ndarray:
        """Category probabilities (n, 3) in CATEGORIES order."""
        assert self.category_head is not None
        return self.category_head.predict_proba(self._matrix(texts, read, text_emb, post_emb))

    def _choose_threshold(self, X: sparse.csr_matrix, y: np.ndarray,
                          cue_hits: np.ndarray | None, groups: Sequence[str]) -> float:
        """Highest threshold whose out-of-fold recall (model OR cues) meets the target; the
        folds keep each writer's examples together when there are enough writers."""
        scores = np.zeros(len(y))
        if len(set(groups)) >= 2 * FOLDS:
            splits = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED) \
                .split(X, y, groups)
        else:
            splits = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED).split(X, y)
        for train, test in splits:
            head = self._head(balanced=True).fit(X[train], y[train])
            scores[test] = head.predict_proba(X[test])[:, 1]
        cues = cue_hits if cue_hits is not None else np.zeros(len(y), dtype=bool)
        return threshold_for_recall(scores, y == 1, cues)

    def predict(self, texts: Sequence[str], read: Sequence[str], text_emb: np.ndarray,
                post_emb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(category probabilities (n, 3) in CATEGORIES order, urgent scores (n,))."""
        assert self.category_head is not None and self.urgent_head is not None
        X = self._matrix(texts, read, text_emb, post_emb)
        return self.category_head.predict_proba(X), self.urgent_head.predict_proba(X)[:, 1]
