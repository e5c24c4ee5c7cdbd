"""A loaded model: texts in, :class:`Prediction` out (category, urgent with its reasons,
language).

The full model blends the fine-tuned MiniLM's category probabilities into the fused model's,
by language (:data:`FINETUNED_WEIGHT`), only where the fused model is not sure (its two most
likely categories less than :data:`SURE_MARGIN` apart). Both were chosen by 5-fold
cross-validation inside the training data (``bench/ensemble_cv.py``); the figures behind the
choice are in BENCHMARKS.md ("ensemble weights by cross-validation"). The urgent flag is the
fused head's (with its cross-validated threshold) OR a bilingual cue.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from socialdesk.core.classify.cues import Cue, load_cues, match_cues
from socialdesk.core.classify.data import CATEGORIES, Example
from socialdesk.core.classify.encoder import post_embeddings
from socialdesk.core.classify.gloss import encoder_texts, with_posts
from socialdesk.core.classify.heads import ServingHead
from socialdesk.core.classify.language import detect_language
from socialdesk.lazy import lazy_module
from socialdesk.prompts import prompt_file

if TYPE_CHECKING:
    import numpy as np
else:   # imported on first use: the dashboard paints without it
    np = lazy_module("numpy", globals(), "np")

#: How much the full model trusts the fine-tuned network against the fused model, by language.
FINETUNED_WEIGHT: Mapping[str, float] = {"en": 0.5, "cy": 0.25, "mixed": 0.25}
#: The second pass is skipped where the fused model's top two categories are at least this far
#: apart (a skipped item's probabilities are the fused model's).
SURE_MARGIN = 0.8


def cue_file() -> Path:
    """The bilingual urgent cues (prompts/urgent_cues.toml)."""
    return prompt_file("urgent_cues.toml")


@dataclass
class Prediction:
    """What the classifier says about one item."""

    category: str
    probabilities: dict[str, float]
    confidence: float
    urgent: bool
    urgent_score: float
    urgent_cues: list[str]
    language: str
    model_version: str

    def as_dict(self) -> dict[str, object]:
        """The same fields as a plain dict, ready for ``json.dumps``."""
        return asdict(self)


class Classifier:
    """A loaded model: texts in, :class:`Prediction` out."""

    def __init__(self, folder: Path, weights: Mapping[str, float] = FINETUNED_WEIGHT,
                 sure_margin: float = SURE_MARGIN) -> None:
        from socialdesk.core.classify.encoder import OnnxEncoder

        self.folder = folder
        #: the fine-tuned network's weight by language, and the margin that skips it
        self.weights, self.sure_margin = dict(weights), sure_margin
        self.meta = json.loads((folder / "meta.json").read_text())
        self.version: str = self.meta["version"]
        self.model = ServingHead.load(folder)
        self.finetuned = None
        if (folder / "finetuned.onnx").is_file():
            from socialdesk.core.classify.finetune import FineTunedModel

            self.finetuned = FineTunedModel(folder / "finetuned.onnx")
        self.encoder = OnnxEncoder(folder / "encoder.onnx")
        self.gloss: dict[str, str] = json.loads((folder / "gloss.json").read_text())
        self.cues: list[Cue] = load_cues(cue_file())

    def classify(self, texts: Sequence[str], posts: Sequence[str | None] | None = None,
                 kinds: Sequence[str | None] | None = None) -> list[Prediction]:
        """Predict category, urgent (model OR cues) and language for each text."""
        if not texts:
            return []
        posts = posts or [None] * len(texts)
        kinds = kinds or [None] * len(texts)
        examples = [Example(text=t, post=p if (k or "comment") == "comment" else None, kind=k)
                    for t, p, k in zip(texts, posts, kinds, strict=True)]
        languages = [detect_language(text) for text in texts]
        read = encoder_texts(texts, self.gloss, languages)
        text_emb = self.encoder.encode(read)
        probs, urgent = self.model.predict(texts, read, text_emb,
                                           post_embeddings(self.encoder, examples))
        if self.finetuned is not None:
            probs = self._with_finetuned(with_posts(read, examples, self.gloss), languages,
                                         probs)
        return [self._prediction(text, row, score, language)
                for text, row, score, language in zip(texts, probs, urgent, languages,
                                                      strict=True)]

    def _with_finetuned(self, read: Sequence[str], languages: Sequence[str],
                        probs: np.ndarray) -> np.ndarray:
        """Blend in the fine-tuned MiniLM's category probabilities, weighted by language (it
        reads what the encoder reads, Welsh glossed, with a comment's post, and runs only on
        the items whose weight is not zero and where the fused model is not sure)."""
        assert self.finetuned is not None
        weight = blend_weights(probs, languages, self.weights, self.sure_margin)
        used = np.flatnonzero(weight > 0)
        if used.size:
            tuned, _ = self.finetuned.predict([read[int(i)] for i in used])
            w = weight[used][:, None]
            probs = probs.copy()
            probs[used] = (1 - w) * probs[used] + w * tuned
        return probs

    def _prediction(self, text: str, row: np.ndarray, score: float,
                    language: str) -> Prediction:
        cues = match_cues(self.cues, text)
        model_says = bool(score >= self.model.urgent_threshold)
        best = int(row.argmax())
        return Prediction(
            category=CATEGORIES[best],
            probabilities={c: round(float(p), 4) for c, p in zip(CATEGORIES, row, strict=True)},
            confidence=round(float(row[best]), 4),
            urgent=bool(model_says or cues), urgent_score=round(float(score), 4),
            urgent_cues=[c.reason for c in cues]
            + (["model: urgent score high"] if model_says else []),
            language=language, model_version=self.version)


def top_margin(probs: np.ndarray) -> np.ndarray:
    """Per row, how far the most likely category is ahead of the second."""
    ordered = np.sort(probs, axis=1)
    return ordered[:, -1] - ordered[:, -2]


def blend_weights(probs: np.ndarray, languages: Sequence[str],
                  weights: Mapping[str, float] = FINETUNED_WEIGHT,
                  margin: float = SURE_MARGIN) -> np.ndarray:
    """Per item, the weight of the fine-tuned network in the full model: its language's
    weight, or 0 where the fused model (``probs``) is sure — its top two categories at least
    ``margin`` apart — so that no second pass runs."""
    weight = np.array([weights.get(lang, 0.0) for lang in languages])
    return np.where(top_margin(probs) >= margin, 0.0, weight)


