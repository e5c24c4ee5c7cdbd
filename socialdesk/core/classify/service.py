"""Train, store, load and run the triage classifier.

The model lives in ``<data dir>/models/<version>/`` (``encoder.onnx`` int8, ``head.npz`` and
``vocabulary.json`` for the heads — plain numpy, no pickle, no scikit-learn at serving time —
``meta.json``, and for the full model ``finetuned.onnx``) with ``<data dir>/models/current``
naming the one in use. It is never committed: the first classification on a fresh machine
trains the fast model (well under a minute on 2 cores, with progress), the background jobs or
``socialdesk train`` then build the full one (minutes), reproducibly (fixed seeds) from
prompts/examples plus officers' corrections in the DB. No hub is ever needed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from socialdesk import paths
from socialdesk.core.classify.cues import Cue, load_cues, match_cues
from socialdesk.core.classify.data import CATEGORIES, Example, parse_compact, training_files
from socialdesk.core.classify.gloss import GLOSS_FILE, encoder_texts, load_gloss, with_posts
from socialdesk.core.classify.heads import ServingHead
from socialdesk.core.classify.language import detect_language
from socialdesk.core.classify.signals import SIGNAL_FILE, load_signals

MODEL_KIND = "minilm-int8+ngrams+signals-lr"
#: 4 added gloss.json; 5: the fine-tuned network reads Welsh glossed, as the encoder does,
#: and int8 weights have a scale per channel; 6: word n-grams of the glossed text in the
#: fused model, and the fine-tuned network reads a comment's post after it
FORMAT = 6
FULL_MARK = "+finetuned"
#: How much the full model trusts the fine-tuned MiniLM's category probabilities against the
#: fused model's, by language: chosen by 5-fold cross-validation inside the training data
#: (bench/ensemble_cv.py; BENCHMARKS.md "ensemble weights by cross-validation").
#: Format 6 (the network reads a comment's post; the fused model the glossed words; the longer
#: glossary), 1,967 examples, out-of-fold: English 0 → 0.924, 0.25 → 0.937, 0.5 → 0.942,
#: 0.75 → 0.938 (format 5: a plateau over 0.40–0.75); 0.5 stays. Welsh and mixed: 0 → 0.930,
#: 0.25 → 0.944, 0.5 → 0.937, 0.75 → 0.934 — the first runs in which the network helps Welsh
#: beyond the noise (format 5: 0.917 → 0.918; format 6 with the shorter glossary: 0.922 →
#: 0.935), so Welsh and mixed items now get the second pass too, at 0.25.
#: The urgent flag stays the fused head's (with its cross-validated threshold) OR a cue:
#: averaging in the fine-tuned urgent head has not helped out-of-fold precision at 98% recall
#: consistently (0.604 → 0.583, 0.597 → 0.581, 0.596 → 0.601; format 6: 0.608 → 0.614,
#: 0.622 → 0.636), and the fast model, serving first, has no fine-tuned head at all.
FINETUNED_WEIGHT = {"en": 0.5, "cy": 0.25, "mixed": 0.25}
#: Re-checked with 2,187 examples (2026-12-07): English 0 → 0.916, 0.25 → 0.922, 0.5 → 0.935,
#: 0.75 → 0.927; Welsh and mixed 0.912 / 0.918 / 0.918 / 0.912 — the same weights stay.
#: The second pass is skipped where the fused model is sure: the margin between its two most
#: likely categories is at least ``SURE_MARGIN``. Chosen on the same out-of-fold predictions
#: (bench/ensemble_cv.py): the lowest margin at which out-of-fold macro-F1 is that of blending
#: every item (0.927 at 0.8 and above; 0.926 at 0.6, 0.922 at 0.4), so that only a third of
#: the items need the network. For Welsh and mixed items (weight 0.25) a margin above 1/3 can
#: never be overturned anyway. A skipped item's probabilities are the fused model's.
SURE_MARGIN = 0.8

#: What a model folder holds (meta.json last: it is written when the rest is complete).
MODEL_FILES = ("encoder.onnx", "head.npz", "vocabulary.json", "gloss.json", "meta.json")

#: Called with a short message about what training is doing and a fraction done (0–1).
TrainProgress = Callable[[str, float], None]


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
        """JSON-ready form."""
        return asdict(self)


def models_root() -> Path:
    """Where trained models are kept."""
    return paths.data_dir() / "models"


def _cue_file() -> Path:
    return paths.prompts_dir() / "urgent_cues.toml"


def _signal_file() -> Path:
    return paths.prompts_dir() / SIGNAL_FILE


def _gloss_file() -> Path:
    return paths.prompts_dir() / GLOSS_FILE


def training_examples(corrections: Sequence[Example] = ()) -> list[Example]:
    """The team's examples from prompts/ plus officers' corrections."""
    examples = [e for f in training_files(paths.prompts_dir()) for e in parse_compact(f)]
    return examples + list(corrections)


def data_version(examples: Sequence[Example]) -> str:
    """A short fingerprint of the training data, cues and model recipe."""
    digest = hashlib.sha256(f"{MODEL_KIND}/{FORMAT}".encode())
    for e in examples:
        digest.update(json.dumps([e.text, e.category, e.urgent, e.post]).encode())
    digest.update(_cue_file().read_bytes())
    digest.update(_signal_file().read_bytes())
    digest.update(_gloss_file().read_bytes())
    return digest.hexdigest()[:12]


def model_name(full: bool, fingerprint: str) -> str:
    """A model's version and folder name: the recipe, the full mark, the data fingerprint."""
    return f"{MODEL_KIND}{FULL_MARK if full else ''}-{fingerprint}"


def post_embeddings(encoder: object, examples: Sequence[Example]) -> np.ndarray:
    """The embedding of each comment's post (zeros for messages and comments without one)."""
    posts = sorted({e.context for e in examples if e.context})
    vectors = dict(zip(posts, encoder.encode(posts), strict=True)) if posts else {}  # type: ignore[attr-defined]
    zero = np.zeros(384, np.float32)
    return np.stack([vectors[e.context] if e.context else zero for e in examples]) \
        if examples else np.zeros((0, 384), np.float32)


def train(corrections: Sequence[Example] = (), progress: TrainProgress | None = None,
          root: Path | None = None, full: bool = False, epochs: int | None = None) -> Path:
    """Build a model from the examples (and corrections); make it current; return its dir.

    ``full`` also fine-tunes MiniLM (minutes, not seconds) and serves the two models together.
    """
    say = progress or (lambda message, fraction: None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # exporter chatter is not for officers
        logging.getLogger().setLevel(logging.ERROR)
        return _train(corrections, say, root, full, epochs)


def _train(corrections: Sequence[Example], say: TrainProgress, root: Path | None,
           full: bool, epochs: int | None) -> Path:
    examples = training_examples(corrections)
    fingerprint = data_version(examples)
    version = model_name(full, fingerprint)
    root = root or models_root()
    target = root / version
    staging = root / f".{version}.{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    started = time.perf_counter()
    try:
        threshold = _build(examples, staging, say, full, epochs,
                           reuse=root / model_name(False, fingerprint))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # a cancelled or failed build leaves nothing
        raise
    meta = {"version": version, "kind": MODEL_KIND, "format": FORMAT, "finetuned": full,
            "examples": len(examples), "corrections": len(corrections),
            "urgent_threshold": threshold,
            "trained_seconds": round(time.perf_counter() - started, 1)}
    (staging / "meta.json").write_text(json.dumps(meta, indent=2))
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    pointer = root / f".current.{os.getpid()}"
    pointer.write_text(version)
    pointer.replace(root / "current")
    say(f"model {version} ready", 1.0)
    return target


def _build(examples: Sequence[Example], staging: Path, say: TrainProgress, full: bool,
           epochs: int | None, reuse: Path) -> float:
    """Write the model files into ``staging``; return the urgent threshold.

    The full model is the fast one plus a fine-tuned MiniLM: when the fast model of the same
    data is already on disk (``reuse``) its files are copied instead of being built again.
    """
    if full and _format_of(reuse) == FORMAT:
        say("reusing the fast model of the same data", 0.05)
        staging.mkdir(parents=True)
        for name in MODEL_FILES[:-1]:
            shutil.copy2(reuse / name, staging / name)
        threshold = float(json.loads((reuse / "meta.json").read_text())["urgent_threshold"])
        words = json.loads((staging / "gloss.json").read_text())
        read = encoder_texts([e.text for e in examples], words)
        _fine_tune(examples, read, words, staging, say, epochs, start=0.1)
        return threshold
    from socialdesk.core.classify.encoder import OnnxEncoder, TorchEncoder
    from socialdesk.core.classify.model import (
        EMBED_WEIGHT,
        POST_WEIGHT,
        SIGNAL_WEIGHT,
        TriageModel,
    )

    say("loading MiniLM (all-MiniLM-L6-v2) from the installed package", 0.05)
    torch_encoder = TorchEncoder()
    say("exporting the encoder to ONNX (int8)", 0.15)
    graph = torch_encoder.export_onnx(staging / "encoder.onnx", quantize=True)
    del torch_encoder
    encoder = OnnxEncoder(graph)
    say(f"embedding {len(examples)} training examples", 0.35)
    words = load_gloss(_gloss_file())
    (staging / "gloss.json").write_text(json.dumps(words, ensure_ascii=False))
    read = encoder_texts([e.text for e in examples], words)
    text_emb = encoder.encode(read)
    post_emb = post_embeddings(encoder, examples)
    say("fitting the category and urgent heads", 0.8)
    cues = load_cues(_cue_file())
    cue_hits = np.array([bool(match_cues(cues, e.text)) for e in examples])
    model = TriageModel(signals=load_signals(_signal_file()))
    model.fit(examples, read, text_emb, post_emb, cue_hits=cue_hits)
    ServingHead.from_model(model, EMBED_WEIGHT, POST_WEIGHT, SIGNAL_WEIGHT).save(staging)
    if full:
        _fine_tune(examples, read, words, staging, say, epochs, start=0.85)
    return model.urgent_threshold


def _fine_tune(examples: Sequence[Example], read: Sequence[str], words: dict[str, str],
               staging: Path, say: TrainProgress, epochs: int | None, start: float) -> None:
    """Fine-tune MiniLM into staging on what the network reads of each example: the
    encoder's text (``read``, Welsh glossed with ``words``) and a comment's post."""
    from socialdesk.core.classify.finetune import EPOCHS, fine_tune

    span = 0.99 - start
    say("fine-tuning MiniLM (a few minutes on 2 cores)", start)
    fine_tune(examples, staging / "finetuned.onnx", epochs or EPOCHS,
              progress=lambda f: say("fine-tuning MiniLM", start + span * f),
              texts=with_posts(read, examples, words))


def built_model(full: bool, root: Path | None = None) -> Path:
    """The folder of the fast or full model of today's examples (no corrections), built
    first unless it is already on disk."""
    root = root or models_root()
    folder = root / model_name(full, data_version(training_examples()))
    return folder if _format_of(folder) == FORMAT else train(root=root, full=full)


def current_model_dir(root: Path | None = None) -> Path | None:
    """The model in use, or None when none has been trained yet."""
    root = root or models_root()
    try:
        version = (root / "current").read_text().strip()
    except OSError:
        return None
    folder = root / version
    if not all((folder / name).is_file() for name in MODEL_FILES):
        return None
    return folder if _format_of(folder) == FORMAT else None


def _format_of(folder: Path) -> int | None:
    """The model format a folder was written in (an older one is rebuilt, not misread)."""
    try:
        return int(json.loads((folder / "meta.json").read_text())["format"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


class Classifier:
    """A loaded model: texts in, :class:`Prediction` out."""

    def __init__(self, folder: Path) -> None:
        from socialdesk.core.classify.encoder import OnnxEncoder

        self.folder = folder
        self.meta = json.loads((folder / "meta.json").read_text())
        self.version: str = self.meta["version"]
        self.model = ServingHead.load(folder)
        self.finetuned = None
        if (folder / "finetuned.onnx").is_file():
            from socialdesk.core.classify.finetune import FineTunedModel

            self.finetuned = FineTunedModel(folder / "finetuned.onnx")
        self.encoder = OnnxEncoder(folder / "encoder.onnx")
        self.gloss: dict[str, str] = json.loads((folder / "gloss.json").read_text())
        self.cues: list[Cue] = load_cues(_cue_file())

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
        weight = blend_weights(probs, languages)
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
                  margin: float | None = None) -> np.ndarray:
    """Per item, the weight of the fine-tuned network in the full model: its language's
    ``FINETUNED_WEIGHT``, or 0 where the fused model (``probs``) is sure — its top two
    categories at least ``margin`` (default ``SURE_MARGIN``) apart — and no second pass runs."""
    weight = np.array([FINETUNED_WEIGHT.get(lang, 0.0) for lang in languages])
    sure = top_margin(probs) >= (SURE_MARGIN if margin is None else margin)
    return np.where(sure, 0.0, weight)


def load_or_train(progress: TrainProgress | None = None,
                  corrections: Sequence[Example] = ()) -> Classifier:
    """The current model; trained first if this machine has none (first use)."""
    folder = current_model_dir()
    if folder is None:
        folder = train(corrections, progress)
    return Classifier(folder)
