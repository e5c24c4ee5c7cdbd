"""Scores for `socialdesk eval` (DESIGN.md §6 keys) and for the benchmark comparisons."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from socialdesk.core.classify.data import CATEGORIES, ExampleFileError, load_examples


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def category_scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """n, accuracy, macro_f1, per_class, confusion (rows gold, columns predicted)."""
    per_class: dict[str, dict[str, float]] = {}
    for label in CATEGORIES:
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        precision, recall, f1 = _prf(tp, fp, fn)
        per_class[label] = {"precision": round(precision, 4), "recall": round(recall, 4),
                            "f1": round(f1, 4), "support": sum(g == label for g in gold)}
    n = len(gold)
    present = [c for c in CATEGORIES if per_class[c]["support"] > 0] or list(CATEGORIES)
    return {
        "n": n,
        "accuracy": round(sum(g == p for g, p in zip(gold, pred, strict=True)) / n, 4)
        if n else 0.0,
        "macro_f1": round(sum(per_class[c]["f1"] for c in present) / len(present), 4),
        "per_class": per_class,
        "confusion": {g: {p: sum(a == g and b == p for a, b in zip(gold, pred, strict=True))
                          for p in CATEGORIES} for g in CATEGORIES},
    }


def urgent_scores(gold: Sequence[bool], pred: Sequence[bool]) -> dict[str, float]:
    """precision, recall, f1, support of the urgent flag."""
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum((not g) and p for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    precision, recall, f1 = _prf(tp, fp, fn)
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "support": sum(bool(g) for g in gold)}


def by_language(gold: Sequence[str], pred: Sequence[str],
                languages: Sequence[str]) -> dict[str, dict[str, float]]:
    """n, accuracy and macro-F1 for each of en, cy, mixed."""
    out = {}
    for language in ("en", "cy", "mixed"):
        idx = [i for i, lang in enumerate(languages) if lang == language]
        scores = category_scores([gold[i] for i in idx], [pred[i] for i in idx])
        out[language] = {"n": len(idx), "accuracy": scores["accuracy"],
                         "macro_f1": scores["macro_f1"] if idx else 0.0}
    return out


def welsh_and_mixed(gold: Sequence[str], pred: Sequence[str],
                    languages: Sequence[str]) -> dict[str, Any]:
    """Category scores over the Welsh and mixed items together (the issue's Welsh goal)."""
    idx = [i for i, lang in enumerate(languages) if lang != "en"]
    return category_scores([gold[i] for i in idx], [pred[i] for i in idx])


def evaluate_file(model: Any, path: Path) -> dict[str, Any]:
    """Score ``model`` on a labelled .jsonl (or compact .txt) file; DESIGN.md §6 keys."""
    examples = load_examples(path)
    if not examples:
        raise ExampleFileError(f"{path}: no examples to score.")
    start = time.perf_counter()
    predictions = model.classify([e.text for e in examples], [e.post for e in examples],
                                 [e.kind for e in examples])
    seconds = time.perf_counter() - start
    labelled = [(e, p) for e, p in zip(examples, predictions, strict=True) if e.category]
    gold = [e.category or "" for e, _ in labelled]
    pred = [p.category for _, p in labelled]
    languages = [e.language or p.language for e, p in labelled]
    scores = category_scores(gold, pred)
    with_urgent = [(e, p) for e, p in zip(examples, predictions, strict=True)
                   if e.urgent is not None]
    return {
        "n": len(examples), "accuracy": scores["accuracy"], "macro_f1": scores["macro_f1"],
        "per_class": scores["per_class"],
        "urgent": urgent_scores([bool(e.urgent) for e, _ in with_urgent],
                                [p.urgent for _, p in with_urgent]),
        "by_language": by_language(gold, pred, languages),
        "confusion": scores["confusion"],
        "msgs_per_s": round(len(examples) / seconds, 1) if seconds else 0.0,
        "model": model.version,
    }


def format_report(result: dict[str, Any]) -> str:
    """The human-readable form of :func:`evaluate_file`'s result."""
    lines = [f"model {result['model']}",
             f"n {result['n']}   accuracy {result['accuracy']:.3f}   "
             f"macro-F1 {result['macro_f1']:.3f}   {result['msgs_per_s']:.0f} messages/s",
             "", f"{'class':<9}{'precision':>10}{'recall':>8}{'F1':>7}{'support':>9}"]
    for label, row in result["per_class"].items():
        lines.append(f"{label:<9}{row['precision']:>10.3f}{row['recall']:>8.3f}"
                     f"{row['f1']:>7.3f}{row['support']:>9}")
    u = result["urgent"]
    lines += [f"{'urgent':<9}{u['precision']:>10.3f}{u['recall']:>8.3f}{u['f1']:>7.3f}"
              f"{u['support']:>9}", "", "macro-F1 by language:"]
    for language, row in result["by_language"].items():
        lines.append(f"  {language:<6} n {row['n']:>4}   accuracy {row['accuracy']:.3f}   "
                     f"macro-F1 {row['macro_f1']:.3f}")
    lines += ["", "confusion (rows: labelled, columns: predicted):",
              "          " + "".join(f"{c:>9}" for c in CATEGORIES)]
    for gold, row in result["confusion"].items():
        lines.append(f"  {gold:<8}" + "".join(f"{row[c]:>9}" for c in CATEGORIES))
    return "\n".join(lines)
