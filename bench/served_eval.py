"""The two models socialdesk serves, built as `socialdesk train` builds them (into a private
root) and scored on the development split and on the independent test set (written blind by
writers who never saw the training data, issue 21): the fast one (first use) and the full one
(the fast one with a fine-tuned MiniLM blended in by language), plus the fine-tuned network
alone."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np

from bench.report import write_section
from socialdesk import paths
from socialdesk.core.classify import classifier, training
from socialdesk.core.classify.cues import load_cues, match_cues
from socialdesk.core.classify.data import (
    CATEGORIES,
    Example,
    dev_file,
    parse_compact,
    parse_jsonl,
)
from socialdesk.core.classify.evaluate import (
    by_language,
    category_scores,
    urgent_scores,
    welsh_and_mixed,
)
from socialdesk.core.classify.finetune import BATCH, EPOCHS, LEARNING_RATE, FineTunedModel
from socialdesk.core.classify.gloss import encoder_texts, with_posts

OUT = Path(__file__).resolve().parent / "out"
GOALS = ("Goals (issue 5, development split): macro-F1 ≥ 0.92, Welsh+mixed ≥ 0.90, urgent "
         "recall ≥ 0.98 with precision ≥ 0.6. Goals (issue 21, the independent set): macro-F1 "
         "≥ 0.93, Welsh+mixed ≥ 0.92, chat F1 ≥ 0.92, urgent recall ≥ 0.97 at precision ≥ "
         "0.65 for the full model, urgent recall ≥ 0.97 for the fast one.")
HEADER = ("| model | macro-F1 | English | Welsh+mixed | cy / mixed | report / concern / "
          "chat F1 | urgent P / R | msgs/s | build |\n"
          "|---|---:|---:|---:|---|---|---|---:|---|")


def independent_set() -> list[Example]:
    """prompts/test_sets/independent.jsonl: never trained on (a unit test checks it)."""
    return parse_jsonl(paths.prompts_dir() / "test_sets" / "independent.jsonl")


def row(name: str, dev: list[Example], pred: list[str], urgent: list[bool],
        seconds: float, build: str) -> str:
    """One table row of dev-split scores."""
    gold = [e.category or "" for e in dev]
    languages = [e.language or "en" for e in dev]
    cat = category_scores(gold, pred)
    lang = by_language(gold, pred, languages)
    cy_mixed = welsh_and_mixed(gold, pred, languages)
    u = urgent_scores([bool(e.urgent) for e in dev], urgent)
    f1 = " / ".join(f"{cat['per_class'][c]['f1']:.3f}" for c in CATEGORIES)
    return (f"| {name} | {cat['macro_f1']:.3f} | {lang['en']['macro_f1']:.3f} | "
            f"{cy_mixed['macro_f1']:.3f} | {lang['cy']['macro_f1']:.3f} / "
            f"{lang['mixed']['macro_f1']:.3f} | {f1} | {u['precision']:.3f} / "
            f"{u['recall']:.3f} | {len(dev) / seconds:.0f} | {build} |")


def served(folder: Path, dev: list[Example],
           sure_margin: float = classifier.SURE_MARGIN) -> tuple[list[str], list[bool], float]:
    """Predictions of a served model folder, and the seconds they took (model loaded)."""
    model = classifier.Classifier(folder, sure_margin=sure_margin)
    start = time.perf_counter()
    predictions = model.classify([e.text for e in dev], [e.post for e in dev],
                                 [e.kind for e in dev])
    seconds = time.perf_counter() - start
    return [p.category for p in predictions], [p.urgent for p in predictions], seconds


def scored_rows(items: list[Example], fast: Path, full: Path,
                builds: tuple[float, float]) -> list[str]:
    """The four rows of one table: fast, fine-tuned alone, full, full without a margin."""
    fast_build, full_build = builds
    rows = [row("fast: fused (first use, `train --fast`)", items, *served(fast, items),
                f"{fast_build:.0f} s")]
    cues = load_cues(paths.prompts_dir() / "urgent_cues.toml")
    tuned = FineTunedModel(full / "finetuned.onnx")
    words = json.loads((full / "gloss.json").read_text())
    start = time.perf_counter()
    probs, urgent = tuned.predict(with_posts(encoder_texts([e.text for e in items], words),
                                             items, words))
    seconds = time.perf_counter() - start
    flagged = [bool(u >= 0.5 or match_cues(cues, e.text)) for u, e in zip(urgent, items,
                                                                           strict=True)]
    rows.append(row("fine-tuned MiniLM alone (urgent ≥ 0.5 or a cue)", items,
                    [CATEGORIES[i] for i in np.argmax(probs, axis=1)], flagged, seconds,
                    f"+{full_build:.0f} s"))
    rows.append(row("**full: fused + fine-tuned by language where the fused model is not sure "
                    "(served after `socialdesk train`)**", items, *served(full, items),
                    f"{fast_build + full_build:.0f} s in all"))
    rows.append(row("full, the network blended into every item (no margin)", items,
                    *served(full, items, sure_margin=1.01), "—"))
    return rows


def describe(items: list[Example]) -> str:
    """'N items (W Welsh or mixed, U urgent)'."""
    return (f"{len(items)} items ({sum(e.language != 'en' for e in items)} Welsh or mixed, "
            f"{sum(bool(e.urgent) for e in items)} urgent)")


def run() -> None:
    """Build both models, score them and the fine-tuned network alone on the development
    split and on the independent set, record the tables."""
    root = OUT / "models"
    shutil.rmtree(root, ignore_errors=True)
    dev = parse_compact(dev_file(paths.prompts_dir()))
    independent = independent_set()
    start = time.perf_counter()
    fast = training.train(root=root)
    fast_build = time.perf_counter() - start
    start = time.perf_counter()
    full = training.train(root=root, full=True)
    full_build = time.perf_counter() - start
    builds = (fast_build, full_build)
    body = (f"Built with `core.classify.training.train` exactly as `socialdesk train [--fast]` "
            f"does (fine-tuning: {EPOCHS} epochs, batch {BATCH}, lr {LEARNING_RATE}, exported "
            "to int8 ONNX). Urgent = the model's score ≥ its threshold OR a cue (in both "
            "served models the fused head's score, with its threshold chosen by writer-grouped "
            "cross-validation). The full model blends the fine-tuned network's category "
            "probabilities in by language (weights from the cross-validation above: "
            f"{dict(classifier.FINETUNED_WEIGHT)}) where the fused model's top two categories "
            f"are less than {classifier.SURE_MARGIN} apart. msgs/s: classification of the set "
            "with the model loaded (the speed benchmark below is the throughput measurement)."
            f"\n\n**Development split** — {describe(dev)}, written by the team's hands:\n\n"
            + HEADER + "\n" + "\n".join(scored_rows(dev, fast, full, builds)) +
            f"\n\n**Independent set** (`prompts/test_sets/independent.jsonl`) — "
            f"{describe(independent)}, written blind by two writers who never saw the "
            "training data, labelled twice:\n\n" + HEADER + "\n" +
            "\n".join(scored_rows(independent, fast, full, builds)) + "\n\n" + GOALS)
    write_section("Served models: development split and independent set (issues 5, 21)", body)
