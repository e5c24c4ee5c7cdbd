"""How much to trust the fine-tuned MiniLM against the fused model, per language, chosen by
5-fold cross-validation inside the training data (the development split is not used).

For each fold: the fused model (as served: int8 MiniLM ⊕ post ⊕ n-grams ⊕ signals) and the
fine-tuned network are trained on four fifths and predict the fifth. The weight of the
fine-tuned model's probabilities is then chosen per language group (English; Welsh and mixed)
on these out-of-fold predictions; and for the urgent flag, each score's precision at the
threshold that keeps 98% out-of-fold recall together with the cues. What the full model
serves, and why, is written beside ``classifier.FINETUNED_WEIGHT``."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bench.report import write_section
from socialdesk import paths
from socialdesk.core.classify.classifier import FINETUNED_WEIGHT, SURE_MARGIN, blend_weights
from socialdesk.core.classify.cues import load_cues, match_cues
from socialdesk.core.classify.data import CATEGORIES, Example
from socialdesk.core.classify.encoder import OnnxEncoder, TorchEncoder, post_embeddings
from socialdesk.core.classify.evaluate import category_scores
from socialdesk.core.classify.finetune import FineTunedModel, fine_tune
from socialdesk.core.classify.gloss import GLOSS_FILE, encoder_texts, load_gloss, with_posts
from socialdesk.core.classify.model import TriageModel, threshold_for_recall
from socialdesk.core.classify.signals import SIGNAL_FILE, load_signals
from socialdesk.core.classify.training import training_examples

OUT = Path(__file__).resolve().parent / "out"
WEIGHTS = (0.0, 0.25, 0.5, 0.75)
MARGINS = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.01)


def run() -> None:
    """Out-of-fold probabilities of both models, then macro-F1 per weight and language."""
    from sklearn.model_selection import StratifiedKFold

    examples = training_examples()
    signals = load_signals(paths.prompts_dir() / SIGNAL_FILE)
    encoder = OnnxEncoder(TorchEncoder().export_onnx(OUT / "cv-encoder.onnx", quantize=True))
    texts = [e.text for e in examples]
    gloss = load_gloss(paths.prompts_dir() / GLOSS_FILE)
    read = encoder_texts(texts, gloss)  # Welsh glossed, for the encoder
    network_read = with_posts(read, examples, gloss)  # and a comment's post, for the network
    text_emb = encoder.encode(read)
    post_emb = post_embeddings(encoder, examples)
    gold = [e.category or "chat" for e in examples]
    fused = np.zeros((len(examples), len(CATEGORIES)))
    tuned = np.zeros_like(fused)
    fused_urgent, tuned_urgent = np.zeros(len(examples)), np.zeros(len(examples))
    cues = load_cues(paths.prompts_dir() / "urgent_cues.toml")
    cue_hits = np.array([bool(match_cues(cues, e.text)) for e in examples])
    start = time.perf_counter()
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    for fit, held in folds.split(np.zeros(len(examples)), gold):
        part = [examples[i] for i in fit]
        model = TriageModel(signals=signals)
        model.fit(part, [read[i] for i in fit], text_emb[fit], post_emb[fit],
                  cue_hits=cue_hits[fit])
        fused[held], fused_urgent[held] = model.predict(
            [examples[i].text for i in held], [read[i] for i in held], text_emb[held],
            post_emb[held])
        graph = fine_tune(part, OUT / "cv-finetuned.onnx",
                          texts=[network_read[i] for i in fit])
        tuned[held], tuned_urgent[held] = FineTunedModel(graph).predict(
            [network_read[i] for i in held])
    np.savez(OUT / "ensemble-cv.npz", fused=fused, tuned=tuned, fused_urgent=fused_urgent,
             tuned_urgent=tuned_urgent, cue_hits=cue_hits)
    seconds = time.perf_counter() - start
    groups = {"English": [i for i, e in enumerate(examples) if e.language == "en"],
              "Welsh + mixed": [i for i, e in enumerate(examples) if e.language != "en"]}
    lines = ["| weight of the fine-tuned model | " + " | ".join(groups) + " | all |",
             "|---:|" + "---:|" * (len(groups) + 1)]
    for w in WEIGHTS:
        probs = (1 - w) * fused + w * tuned
        pred = [CATEGORIES[i] for i in probs.argmax(axis=1)]
        cells = [category_scores([gold[i] for i in idx], [pred[i] for i in idx])["macro_f1"]
                 for idx in groups.values()]
        total = category_scores(gold, pred)["macro_f1"]
        lines.append(f"| {w:.2f} | " + " | ".join(f"{c:.3f}" for c in cells)
                     + f" | {total:.3f} |")
    lines += ["", f"Served (`classifier.FINETUNED_WEIGHT`): {FINETUNED_WEIGHT} — see its comment "
              "for how it was chosen. The urgent flag stays the fused head's when the averaged "
              "score is not better:", "",
              urgent_table(examples, fused_urgent, tuned_urgent, cue_hits), "",
              "The second pass only where the fused model is not sure (the margin between its "
              "two most likely categories below m), served weights; out-of-fold:", "",
              cascade_table(examples, fused, tuned)]
    body = (f"5-fold cross-validation inside the {len(examples)} training examples (the "
            f"development split untouched): out-of-fold macro-F1 of "
            f"(1 − w)·fused + w·fine-tuned, per language group. Five fine-tunes and five "
            f"fused fits: {seconds / 60:.0f} min on these 2 cores.\n\n" + "\n".join(lines))
    write_section("Classifier: ensemble weights by cross-validation (issue 5)", body)


def urgent_table(examples: list[Example], fused: np.ndarray, tuned: np.ndarray,
                 cues: np.ndarray) -> str:
    """Out-of-fold urgent precision at ≥ 98% recall (with the cues) for each score."""
    gold = np.array([bool(e.urgent) for e in examples])
    rows = ["| urgent score (OR a cue) | threshold for 98% out-of-fold recall | precision |",
            "|---|---:|---:|"]
    for name, score in (("fused head", fused), ("fine-tuned head", tuned),
                        ("mean of the two", (fused + tuned) / 2)):
        threshold = threshold_for_recall(score, gold, cues)
        flagged = (score >= threshold) | cues
        precision = (flagged & gold).sum() / max(1, flagged.sum())
        rows.append(f"| {name} | {threshold:.2f} | {precision:.3f} |")
    return "\n".join(rows)


def cascade_table(examples: list[Example], fused: np.ndarray, tuned: np.ndarray) -> str:
    """Out-of-fold macro-F1 and share of second passes when the fine-tuned network runs only
    on items whose fused margin is below m (served weights per language)."""
    gold = [e.category or "chat" for e in examples]
    languages = [e.language or "en" for e in examples]
    rows = ["| second pass where the fused margin < m | items with a second pass | macro-F1 |",
            "|---|---:|---:|"]
    for m in MARGINS:
        w = blend_weights(fused, languages, margin=m)[:, None]
        pred = [CATEGORIES[i] for i in ((1 - w) * fused + w * tuned).argmax(axis=1)]
        served = " (served, `classifier.SURE_MARGIN`)" if m == SURE_MARGIN else ""
        rows.append(f"| {m:.2f}{served} | {(w > 0).mean():.0%} | "
                    f"{category_scores(gold, pred)['macro_f1']:.3f} |")
    return "\n".join(rows)
