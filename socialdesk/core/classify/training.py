"""Build, store and find the triage classifier's models (serving is :mod:`.classifier`).

The model lives in ``<data dir>/models/<version>/`` (``encoder.onnx`` int8, ``head.npz`` and
``vocabulary.json`` for the heads — plain numpy, no pickle, no scikit-learn at serving time —
``meta.json``, and for the full model ``finetuned.onnx``) with ``<data dir>/models/current``
naming the one in use. It is never committed: the first classification on a fresh machine
trains the fast model (under a minute on 2 cores, with progress), the background jobs or
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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from socialdesk import paths
from socialdesk.core.classify.classifier import Classifier, cue_file
from socialdesk.core.classify.cues import load_cues, match_cues
from socialdesk.core.classify.data import Example, parse_compact, training_files
from socialdesk.core.classify.encoder import post_embeddings
from socialdesk.core.classify.finetune import EPOCHS
from socialdesk.core.classify.gloss import GLOSS_FILE, encoder_texts, load_gloss, with_posts
from socialdesk.core.classify.heads import ServingHead
from socialdesk.core.classify.signals import SIGNAL_FILE, load_signals
from socialdesk.lazy import lazy_module
from socialdesk.prompts import prompt_file

if TYPE_CHECKING:
    import numpy as np
else:   # imported on first use: the dashboard paints without it
    np = lazy_module("numpy", globals(), "np")

MODEL_KIND = "minilm-int8+ngrams+signals-lr"
#: 4 added gloss.json; 5: the fine-tuned network reads Welsh glossed, as the encoder does,
#: and int8 weights have a scale per channel; 6: word n-grams of the glossed text in the
#: fused model, and the fine-tuned network reads a comment's post after it
FORMAT = 6
FULL_MARK = "+finetuned"

#: What a model folder holds (meta.json last: it is written when the rest is complete).
MODEL_FILES = ("encoder.onnx", "head.npz", "vocabulary.json", "gloss.json", "meta.json")

#: Called with a short message about what training is doing and a fraction done (0–1).
TrainProgress = Callable[[str, float], None]


def models_root() -> Path:
    """Where trained models are kept."""
    return paths.data_dir() / "models"


def training_examples(corrections: Sequence[Example] = ()) -> list[Example]:
    """The team's examples from prompts/ plus officers' corrections."""
    examples = [e for f in training_files(paths.prompts_dir()) for e in parse_compact(f)]
    return examples + list(corrections)


@dataclass(frozen=True)
class Recipe:
    """What a model is built from besides the officers' corrections: the team's examples
    (None: those in prompts/examples) and how many epochs the network is fine-tuned for. The
    default is what `socialdesk train` builds; tests and benches build smaller ones."""

    examples: Sequence[Example] | None = None
    epochs: int = EPOCHS

    def training_set(self, corrections: Sequence[Example] = ()) -> list[Example]:
        """The examples to train on, corrections last."""
        base = training_examples() if self.examples is None else list(self.examples)
        return base + list(corrections)


def data_version(examples: Sequence[Example]) -> str:
    """A short fingerprint of the training data, cues and model recipe."""
    digest = hashlib.sha256(f"{MODEL_KIND}/{FORMAT}".encode())
    for e in examples:
        digest.update(json.dumps([e.text, e.category, e.urgent, e.post]).encode())
    digest.update(cue_file().read_bytes())
    digest.update(prompt_file(SIGNAL_FILE).read_bytes())
    digest.update(prompt_file(GLOSS_FILE).read_bytes())
    return digest.hexdigest()[:12]


def model_name(full: bool, fingerprint: str) -> str:
    """A model's version and folder name: the recipe, the full mark, the data fingerprint."""
    return f"{MODEL_KIND}{FULL_MARK if full else ''}-{fingerprint}"


def train(corrections: Sequence[Example] = (), progress: TrainProgress | None = None,
          root: Path | None = None, full: bool = False, recipe: Recipe | None = None) -> Path:
    """Build a model from the recipe's examples and the corrections, make it the current one
    and return its folder. Reproducible: the same data gives the same model (fixed seeds).

    ``full`` also fine-tunes MiniLM (minutes, not seconds) and serves the two models together.
    A failed or cancelled build leaves nothing behind and the current model unchanged.
    """
    say = progress or (lambda message, fraction: None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # exporter chatter is not for officers
        logging.getLogger().setLevel(logging.ERROR)
        return _train(corrections, say, root, full, recipe or Recipe())


def _train(corrections: Sequence[Example], say: TrainProgress, root: Path | None,
           full: bool, recipe: Recipe) -> Path:
    examples = recipe.training_set(corrections)
    fingerprint = data_version(examples)
    version = model_name(full, fingerprint)
    root = paths.private_dir(root or models_root())   # the models hold the team's words
    target = root / version
    staging = root / f".{version}.{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    started = time.perf_counter()
    try:
        threshold = _build(examples, staging, say, full, recipe.epochs,
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
           epochs: int, reuse: Path) -> float:
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
    words = load_gloss(prompt_file(GLOSS_FILE))
    (staging / "gloss.json").write_text(json.dumps(words, ensure_ascii=False))
    read = encoder_texts([e.text for e in examples], words)
    text_emb = encoder.encode(read)
    post_emb = post_embeddings(encoder, examples)
    say("fitting the category and urgent heads", 0.8)
    cues = load_cues(cue_file())
    cue_hits = np.array([bool(match_cues(cues, e.text)) for e in examples])
    model = TriageModel(signals=load_signals(prompt_file(SIGNAL_FILE)))
    model.fit(examples, read, text_emb, post_emb, cue_hits=cue_hits)
    ServingHead.from_model(model, EMBED_WEIGHT, POST_WEIGHT, SIGNAL_WEIGHT).save(staging)
    if full:
        _fine_tune(examples, read, words, staging, say, epochs, start=0.85)
    return model.urgent_threshold


def _fine_tune(examples: Sequence[Example], read: Sequence[str], words: dict[str, str],
               staging: Path, say: TrainProgress, epochs: int, start: float) -> None:
    """Fine-tune MiniLM into staging on what the network reads of each example: the
    encoder's text (``read``, Welsh glossed with ``words``) and a comment's post."""
    from socialdesk.core.classify.finetune import fine_tune

    span = 0.99 - start
    say("fine-tuning MiniLM (a few minutes on 2 cores)", start)
    fine_tune(examples, staging / "finetuned.onnx", epochs,
              progress=lambda f: say("fine-tuning MiniLM", start + span * f),
              texts=with_posts(read, examples, words))


def built_model(full: bool, root: Path | None = None, recipe: Recipe | None = None) -> Path:
    """The folder of the fast or full model of the recipe's examples (no corrections), built
    first unless it is already on disk."""
    root = root or models_root()
    folder = root / model_name(full, data_version((recipe or Recipe()).training_set()))
    return folder if _format_of(folder) == FORMAT else train(root=root, full=full,
                                                              recipe=recipe)


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


def load_or_train(progress: TrainProgress | None = None,
                  corrections: Sequence[Example] = (), recipe: Recipe | None = None,
                  ) -> Classifier:
    """The current model, loaded; the fast one is trained first if this machine has none
    (first use)."""
    folder = current_model_dir()
    if folder is None:
        folder = train(corrections, progress, recipe=recipe)
    return Classifier(folder)
