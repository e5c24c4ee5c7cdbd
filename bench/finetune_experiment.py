"""Measure the fine-tuned MiniLM (as `train --full` builds and serves it), alone and averaged
with the fused model, on the dev split, and what fine-tuning costs on these 2 cores."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bench.report import write_section
from socialdesk.core.classify.cues import load_cues, match_cues
from socialdesk.core.classify.data import CATEGORIES, dev_file, parse_compact, training_files
from socialdesk.core.classify.encoder import OnnxEncoder, TorchEncoder
from socialdesk.core.classify.evaluate import category_scores, urgent_scores
from socialdesk.core.classify.finetune import (
    BATCH,
    EPOCHS,
    LEARNING_RATE,
    FineTunedModel,
    fine_tune,
)
from socialdesk.core.classify.model import TriageModel

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"


def fine_tune_and_score(train, dev):  # type: ignore[no-untyped-def]
    """The served path: core.classify.finetune, exported to int8 ONNX, run on ONNX Runtime."""
    start = time.perf_counter()
    graph = fine_tune(train, Path(__file__).parent / "out" / "finetuned.onnx")
    seconds = time.perf_counter() - start
    probs, urgent = FineTunedModel(graph).predict([e.text for e in dev])
    return probs, urgent, seconds


def run() -> None:
    """Fine-tune, score alone and in the ensemble, record the figures."""
    train = [e for f in training_files(PROMPTS) for e in parse_compact(f)]
    dev = parse_compact(dev_file(PROMPTS))
    cues = load_cues(PROMPTS / "urgent_cues.toml")
    graph = TorchEncoder().export_onnx(Path(__file__).parent / "out" / "ft-int8.onnx", True)
    encoder = OnnxEncoder(graph)
    zeros_train, zeros_dev = np.zeros((len(train), 384)), np.zeros((len(dev), 384))
    fused = TriageModel().fit(
        train,
        encoder.encode([e.text for e in train]),
        zeros_train,
        cue_hits=np.array([bool(match_cues(cues, e.text)) for e in train]),
    )
    fused_probs, fused_urgent = fused.predict(
        [e.text for e in dev], encoder.encode([e.text for e in dev]), zeros_dev
    )
    ft_probs, ft_urgent, seconds = fine_tune_and_score(train, dev)
    gold = [e.category for e in dev]
    welsh = [i for i, e in enumerate(dev) if e.language != "en"]
    cue_hit = np.array([bool(match_cues(cues, e.text)) for e in dev])
    rows = []
    for name, probs, urgent, threshold in (
        ("fused (MiniLM int8 ⊕ char n-grams)", fused_probs, fused_urgent, fused.urgent_threshold),
        ("fine-tuned MiniLM", ft_probs, ft_urgent, 0.5),
        (
            "mean of the two",
            (fused_probs + ft_probs) / 2,
            (fused_urgent + ft_urgent) / 2,
            (fused.urgent_threshold + 0.5) / 2,
        ),
    ):
        pred = [CATEGORIES[i] for i in probs.argmax(1)]
        cat = category_scores(gold, pred)
        cy = category_scores([gold[i] for i in welsh], [pred[i] for i in welsh])
        u = urgent_scores([bool(e.urgent) for e in dev], list((urgent >= threshold) | cue_hit))
        rows.append(
            f"| {name} | {cat['macro_f1']:.3f} | {cy['macro_f1']:.3f} | "
            f"{u['precision']:.2f} / {u['recall']:.2f} |"
        )
    body = (
        f"Full fine-tuning of all-MiniLM-L6-v2 with a category and an urgent head, "
        f"{EPOCHS} epochs, batch {BATCH}, lr {LEARNING_RATE}, on the {len(train)} training "
        f"examples, then exported to int8 ONNX as served (core.classify.finetune): "
        f"{seconds:.0f} s on these 2 cores. Scored on the {len(dev)}-item dev split. "
        "Urgent thresholds here are not tuned (0.5 for the fine-tuned head), so compare "
        "the category columns.\n\n| model | macro-F1 | Welsh+mixed | urgent P / R (with cues) |"
        "\n|---|---:|---:|---|\n" + "\n".join(rows)
    )
    write_section("Fine-tuning (issue 5, served by `socialdesk train --full`)", body)
