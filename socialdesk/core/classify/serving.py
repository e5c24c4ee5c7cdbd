"""The trained heads as plain numpy, so that serving never imports scikit-learn or scipy.

Importing scikit-learn costs ~0.8 s on these 2 cores, most of the 2 s budget of one
`socialdesk classify "text"`. :class:`ServingHead` holds the char n-gram vocabulary, idf and
the logistic-regression weights, and reproduces ``TfidfVectorizer(analyzer="char_wb",
sublinear_tf=True, norm="l2")`` + ``predict_proba`` exactly (a test checks it against
scikit-learn to 1e-6).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

WHITESPACE = re.compile(r"\s\s+")


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """scikit-learn's ``char_wb`` analyzer (lower-cased), n-grams inside word boundaries."""
    grams: list[str] = []
    for word in WHITESPACE.sub(" ", text.lower()).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[offset:offset + n])
            while offset + n < length:
                offset += 1
                grams.append(padded[offset:offset + n])
            if offset == 0:  # a short word is counted once
                break
    return grams


@dataclass
class ServingHead:
    """Both heads of a :class:`TriageModel`, numpy only."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    ngram_range: tuple[int, int]
    embed_weight: float
    post_weight: float
    use_embeddings: bool
    use_post: bool
    category_coef: np.ndarray      # (classes, features)
    category_intercept: np.ndarray  # (classes,)
    urgent_coef: np.ndarray         # (features,)
    urgent_intercept: float
    urgent_threshold: float

    @classmethod
    def from_model(cls, model: Any, embed_weight: float, post_weight: float) -> ServingHead:
        """Copy the weights out of a fitted TriageModel."""
        vectorizer = model.vectorizer
        return cls(
            vocabulary={k: int(v) for k, v in vectorizer.vocabulary_.items()},
            idf=vectorizer.idf_.astype(np.float64), ngram_range=tuple(vectorizer.ngram_range),
            embed_weight=embed_weight, post_weight=post_weight,
            use_embeddings=model.features.embeddings, use_post=model.features.post,
            category_coef=model.category_head.coef_, category_intercept=model.category_head
            .intercept_, urgent_coef=model.urgent_head.coef_[0],
            urgent_intercept=float(model.urgent_head.intercept_[0]),
            urgent_threshold=model.urgent_threshold)

    def save(self, folder: Path) -> None:
        """Write ``head.npz`` and ``vocabulary.json``."""
        np.savez(folder / "head.npz", idf=self.idf, category_coef=self.category_coef,
                 category_intercept=self.category_intercept, urgent_coef=self.urgent_coef)
        (folder / "vocabulary.json").write_text(json.dumps({
            "vocabulary": self.vocabulary, "ngram_range": list(self.ngram_range),
            "embed_weight": self.embed_weight, "post_weight": self.post_weight,
            "use_embeddings": self.use_embeddings, "use_post": self.use_post,
            "urgent_intercept": self.urgent_intercept,
            "urgent_threshold": self.urgent_threshold}, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path) -> ServingHead:
        """Read what :meth:`save` wrote."""
        arrays = np.load(folder / "head.npz")
        meta = json.loads((folder / "vocabulary.json").read_text())
        return cls(vocabulary=meta["vocabulary"], idf=arrays["idf"],
                   ngram_range=tuple(meta["ngram_range"]), embed_weight=meta["embed_weight"],
                   post_weight=meta["post_weight"], use_embeddings=meta["use_embeddings"],
                   use_post=meta["use_post"], category_coef=arrays["category_coef"],
                   category_intercept=arrays["category_intercept"],
                   urgent_coef=arrays["urgent_coef"],
                   urgent_intercept=meta["urgent_intercept"],
                   urgent_threshold=meta["urgent_threshold"])

    def _char_features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(g for g in char_wb_ngrams(text, *self.ngram_range)
                         if g in self.vocabulary)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        index = np.fromiter((self.vocabulary[g] for g in counts), dtype=np.int64)
        values = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64)
        values *= self.idf[index]
        return index, values / np.linalg.norm(values)

    def predict(self, texts: Sequence[str], text_emb: np.ndarray,
                post_emb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(category probabilities (n, classes), urgent scores (n,)) like the sklearn heads."""
        dense_parts = []
        if self.use_embeddings:
            dense_parts.append(text_emb * self.embed_weight)
            if self.use_post:
                dense_parts.append(post_emb * self.post_weight)
        width = sum(p.shape[1] for p in dense_parts)
        dense = np.hstack(dense_parts) if dense_parts else np.zeros((len(texts), 0))
        logits = dense @ self.category_coef[:, :width].T + self.category_intercept
        urgent = dense @ self.urgent_coef[:width] + self.urgent_intercept
        for row, text in enumerate(texts):
            index, values = self._char_features(text)
            logits[row] += self.category_coef[:, width + index] @ values
            urgent[row] += self.urgent_coef[width + index] @ values
        return softmax(logits), sigmoid(urgent)


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax."""
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def sigmoid(values: np.ndarray) -> np.ndarray:
    """Element-wise logistic function."""
    return 1.0 / (1.0 + np.exp(-values))
