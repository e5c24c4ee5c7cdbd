"""Train, store, load and run the triage classifier.

The model lives in ``<data dir>/models/<version>/`` (``encoder.onnx`` int8, ``head.npz`` and
``vocabulary.json`` for the heads — plain numpy, no pickle, no scikit-learn at serving time —
and ``meta.json``) with ``<data dir>/models/current`` naming the one in use. It is never committed:
``socialdesk train`` rebuilds it reproducibly (fixed seeds) from prompts/examples plus officers'
corrections in the DB, and the first classification on a fresh machine trains it (about a
minute on 2 cores, with progress), so no hub is ever needed.
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
from socialdesk.core.classify.language import detect_language
from socialdesk.core.classify.serving import ServingHead

MODEL_KIND = "minilm-int8+char-ngrams-lr"
FORMAT = 2
FINETUNED_URGENT_THRESHOLD = 0.5

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
    return digest.hexdigest()[:12]


def _post_embeddings(encoder: object, examples: Sequence[Example]) -> np.ndarray:
    posts = sorted({e.post for e in examples if e.post and (e.kind or "comment") == "comment"})
    vectors = dict(zip(posts, encoder.encode(posts), strict=True)) if posts else {}  # type: ignore[attr-defined]
    zero = np.zeros(384, np.float32)
    return np.stack([vectors.get(e.post, zero) if e.post else zero for e in examples]) \
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
    from socialdesk.core.classify.encoder import OnnxEncoder, TorchEncoder
    from socialdesk.core.classify.model import EMBED_WEIGHT, POST_WEIGHT, TriageModel

    examples = training_examples(corrections)
    version = f"{MODEL_KIND}{'+finetuned' if full else ''}-{data_version(examples)}"
    root = root or models_root()
    target = root / version
    staging = root / f".{version}.{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    started = time.perf_counter()
    say("loading MiniLM (all-MiniLM-L6-v2) from the installed package", 0.05)
    torch_encoder = TorchEncoder()
    say("exporting the encoder to ONNX (int8)", 0.15)
    graph = torch_encoder.export_onnx(staging / "encoder.onnx", quantize=True)
    del torch_encoder
    encoder = OnnxEncoder(graph)
    say(f"embedding {len(examples)} training examples", 0.35)
    text_emb = encoder.encode([e.text for e in examples])
    post_emb = _post_embeddings(encoder, examples)
    say("fitting the category and urgent heads", 0.8)
    cues = load_cues(_cue_file())
    cue_hits = np.array([bool(match_cues(cues, e.text)) for e in examples])
    model = TriageModel().fit(examples, text_emb, post_emb, cue_hits=cue_hits)
    ServingHead.from_model(model, EMBED_WEIGHT, POST_WEIGHT).save(staging)
    if full:
        from socialdesk.core.classify.finetune import EPOCHS, fine_tune

        say("fine-tuning MiniLM (a few minutes on 2 cores)", 0.85)
        fine_tune(examples, staging / "finetuned.onnx", epochs or EPOCHS,
                  progress=lambda f: say("fine-tuning MiniLM", 0.85 + 0.14 * f))
    meta = {"version": version, "kind": MODEL_KIND, "format": FORMAT, "finetuned": full,
            "examples": len(examples), "corrections": len(corrections),
            "urgent_threshold": model.urgent_threshold,
            "trained_seconds": round(time.perf_counter() - started, 1)}
    (staging / "meta.json").write_text(json.dumps(meta, indent=2))
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    pointer = root / f".current.{os.getpid()}"
    pointer.write_text(version)
    pointer.replace(root / "current")
    say(f"model {version} ready", 1.0)
    return target


def current_model_dir(root: Path | None = None) -> Path | None:
    """The model in use, or None when none has been trained yet."""
    root = root or models_root()
    try:
        version = (root / "current").read_text().strip()
    except OSError:
        return None
    folder = root / version
    needed = ("head.npz", "vocabulary.json", "encoder.onnx", "meta.json")
    return folder if all((folder / name).is_file() for name in needed) else None


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
        text_emb = self.encoder.encode(list(texts))
        probs, urgent = self.model.predict(texts, text_emb, _post_embeddings(self.encoder,
                                                                             examples))
        tuned_urgent = np.zeros(len(texts))
        if self.finetuned is not None:
            # category: the mean of both models (measured better than either); urgent: either
            # model OR a cue, so the ensemble can only raise urgent recall, never lower it
            tuned_probs, tuned_urgent = self.finetuned.predict(list(texts))
            probs = (probs + tuned_probs) / 2
        out = []
        for text, row, score, tuned in zip(texts, probs, urgent, tuned_urgent, strict=True):
            cues = match_cues(self.cues, text)
            model_says = score >= self.model.urgent_threshold
            tuned_says = bool(tuned >= FINETUNED_URGENT_THRESHOLD)
            best = int(row.argmax())
            out.append(Prediction(
                category=CATEGORIES[best],
                probabilities={c: round(float(p), 4) for c, p in zip(CATEGORIES, row,
                                                                      strict=True)},
                confidence=round(float(row[best]), 4),
                urgent=bool(model_says or tuned_says or cues),
                urgent_score=round(float(max(score, tuned)), 4),
                urgent_cues=[c.reason for c in cues]
                + (["model: urgent score high"] if model_says else [])
                + (["fine-tuned model: urgent score high"] if tuned_says else []),
                language=detect_language(text), model_version=self.version))
        return out


def load_or_train(progress: TrainProgress | None = None,
                  corrections: Sequence[Example] = ()) -> Classifier:
    """The current model; trained first if this machine has none (first use)."""
    folder = current_model_dir()
    if folder is None:
        folder = train(corrections, progress)
    return Classifier(folder)
