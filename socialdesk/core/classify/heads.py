"""The trained heads as plain numpy, so that serving never imports scikit-learn or scipy.

Importing scikit-learn costs ~0.8 s on these 2 cores, most of the 2 s budget of one
`socialdesk classify "text"`. :class:`ServingHead` holds the n-gram vocabularies, idf, the
signal patterns and the logistic-regression weights, and reproduces the two
``TfidfVectorizer``s (``char_wb`` 2–5 and words 1–2, ``sublinear_tf=True``, ``norm="l2"``;
the words once more on the glossed text), the signals and ``predict_proba`` exactly (a test
checks it against scikit-learn to 1e-9).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialdesk.core.classify.signals import Signal, parse_signals, signal_matrix
from socialdesk.lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
else:   # imported on first use: the dashboard paints without it
    np = lazy_module("numpy", globals(), "np")

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


def word_ngrams(text: str, token_pattern: str, low: int, high: int) -> list[str]:
    """scikit-learn's ``word`` analyzer (lower-cased): tokens, then n-grams joined by a space."""
    tokens = re.findall(token_pattern, text.lower())
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), high + 1):
        grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return grams


@dataclass
class NgramBlock:
    """One fitted TF-IDF vectorizer: vocabulary, idf and how text is cut into n-grams."""

    analyzer: str                 # "char_wb" or "word"
    vocabulary: dict[str, int]
    idf: np.ndarray
    ngram_range: tuple[int, int]
    token_pattern: str = ""
    reads: str = "text"           # "text" as written, or "read": what the encoder reads
    weight: float = 1.0

    @classmethod
    def from_vectorizer(cls, vectorizer: Any, reads: str = "text",
                        weight: float = 1.0) -> NgramBlock:
        """Copy what serving needs out of a fitted ``TfidfVectorizer``."""
        return cls(analyzer=vectorizer.analyzer,
                   vocabulary={k: int(v) for k, v in vectorizer.vocabulary_.items()},
                   idf=vectorizer.idf_.astype(np.float64),
                   ngram_range=tuple(vectorizer.ngram_range),
                   token_pattern=vectorizer.token_pattern or "", reads=reads, weight=weight)

    def meta(self) -> dict[str, Any]:
        """JSON-ready description (the idf goes to the npz)."""
        return {"analyzer": self.analyzer, "vocabulary": self.vocabulary,
                "ngram_range": list(self.ngram_range), "token_pattern": self.token_pattern,
                "reads": self.reads, "weight": self.weight}

    def _grams(self, text: str) -> list[str]:
        low, high = self.ngram_range
        if self.analyzer == "word":
            return word_ngrams(text, self.token_pattern, low, high)
        return char_wb_ngrams(text, low, high)

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(column indices, l2-normalised sublinear TF-IDF values) of one text."""
        counts = Counter(g for g in self._grams(text) if g in self.vocabulary)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        index = np.fromiter((self.vocabulary[g] for g in counts), dtype=np.int64)
        values = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64)
        values *= self.idf[index]
        return index, values * (self.weight / np.linalg.norm(values))


@dataclass
class ServingHead:
    """Both heads of a :class:`TriageModel`, numpy only."""

    blocks: list[NgramBlock]
    signals: list[Signal]
    signal_weight: float
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
    def from_model(cls, model: Any, embed_weight: float, post_weight: float,
                   signal_weight: float) -> ServingHead:
        """Copy the weights out of a fitted TriageModel."""
        features = model.features
        blocks = []
        if features.chars:
            blocks.append(NgramBlock.from_vectorizer(model.vectorizer))
        if features.words:
            blocks.append(NgramBlock.from_vectorizer(model.word_vectorizer))
        if features.glossed_words:
            blocks.append(NgramBlock.from_vectorizer(model.glossed_vectorizer, reads="read",
                                                     weight=model.glossed_weight))
        return cls(
            blocks=blocks,
            signals=list(model.signals) if features.signals else [],
            signal_weight=signal_weight, embed_weight=embed_weight, post_weight=post_weight,
            use_embeddings=features.embeddings, use_post=features.post,
            category_coef=model.category_head.coef_,
            category_intercept=model.category_head.intercept_,
            urgent_coef=model.urgent_head.coef_[0],
            urgent_intercept=float(model.urgent_head.intercept_[0]),
            urgent_threshold=model.urgent_threshold)

    def save(self, folder: Path) -> None:
        """Write ``head.npz`` and ``vocabulary.json``."""
        arrays: dict[str, Any] = {f"idf_{i}": block.idf for i, block in enumerate(self.blocks)}
        arrays.update(category_coef=self.category_coef,
                      category_intercept=self.category_intercept, urgent_coef=self.urgent_coef)
        np.savez(folder / "head.npz", **arrays)
        (folder / "vocabulary.json").write_text(json.dumps({
            "blocks": [block.meta() for block in self.blocks],
            "signals": [[s.id, s.pattern.pattern] for s in self.signals],
            "signal_weight": self.signal_weight,
            "embed_weight": self.embed_weight, "post_weight": self.post_weight,
            "use_embeddings": self.use_embeddings, "use_post": self.use_post,
            "urgent_intercept": self.urgent_intercept,
            "urgent_threshold": self.urgent_threshold}, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path) -> ServingHead:
        """Read what :meth:`save` wrote."""
        arrays = np.load(folder / "head.npz")
        meta = json.loads((folder / "vocabulary.json").read_text())
        blocks = [NgramBlock(analyzer=b["analyzer"], vocabulary=b["vocabulary"],
                             idf=arrays[f"idf_{i}"], ngram_range=tuple(b["ngram_range"]),
                             token_pattern=b["token_pattern"], reads=b["reads"],
                             weight=b["weight"])
                  for i, b in enumerate(meta["blocks"])]
        return cls(blocks=blocks,
                   signals=parse_signals([tuple(s) for s in meta["signals"]],
                                         str(folder / "vocabulary.json")),
                   signal_weight=meta["signal_weight"], embed_weight=meta["embed_weight"],
                   post_weight=meta["post_weight"], use_embeddings=meta["use_embeddings"],
                   use_post=meta["use_post"], category_coef=arrays["category_coef"],
                   category_intercept=arrays["category_intercept"],
                   urgent_coef=arrays["urgent_coef"],
                   urgent_intercept=meta["urgent_intercept"],
                   urgent_threshold=meta["urgent_threshold"])

    def _dense(self, texts: Sequence[str], text_emb: np.ndarray,
               post_emb: np.ndarray) -> np.ndarray:
        parts = []
        if self.use_embeddings:
            parts.append(text_emb * self.embed_weight)
            if self.use_post:
                parts.append(post_emb * self.post_weight)
        return np.hstack(parts) if parts else np.zeros((len(texts), 0))

    def predict(self, texts: Sequence[str], read: Sequence[str], text_emb: np.ndarray,
                post_emb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(category probabilities (n, classes), urgent scores (n,)) like the sklearn heads;
        ``read`` is what the encoder read of each text (Welsh glossed)."""
        dense = self._dense(texts, text_emb, post_emb)
        width = dense.shape[1]
        logits = dense @ self.category_coef[:, :width].T + self.category_intercept
        urgent = dense @ self.urgent_coef[:width] + self.urgent_intercept
        offset = width
        for block in self.blocks:
            for row, text in enumerate(read if block.reads == "read" else texts):
                index, values = block.features(text)
                logits[row] += self.category_coef[:, offset + index] @ values
                urgent[row] += self.urgent_coef[offset + index] @ values
            offset += len(block.idf)
        if self.signals:
            hits = signal_matrix(self.signals, texts) * self.signal_weight
            end = offset + len(self.signals)
            logits += hits @ self.category_coef[:, offset:end].T
            urgent += hits @ self.urgent_coef[offset:end]
        return softmax(logits), sigmoid(urgent)


def softmax(logits: np.ndarray) -> np.ndarray:
    """Each row of logits as probabilities summing to 1 (shifted by the row's maximum first, so
    large logits cannot overflow)."""
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def sigmoid(values: np.ndarray) -> np.ndarray:
    """Element-wise logistic function."""
    return 1.0 / (1.0 + np.exp(-values))
