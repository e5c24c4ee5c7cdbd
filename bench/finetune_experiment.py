"""Measure full fine-tuning of MiniLM, alone and averaged with the fused model, on the dev split.

Not part of the served model yet: this records whether the ensemble DESIGN.md §6 describes
closes the gap on this team's data, and what it costs on these 2 cores.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import numpy as np

from bench.report import write_section
from socialdesk.core.classify.cues import load_cues, match_cues
from socialdesk.core.classify.data import CATEGORIES, dev_file, parse_compact, training_files
from socialdesk.core.classify.encoder import OnnxEncoder, TorchEncoder, model_path
from socialdesk.core.classify.evaluate import category_scores, urgent_scores
from socialdesk.core.classify.model import TriageModel

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"
EPOCHS, BATCH, LR, SEED = 4, 16, 5e-5, 20261123


def fine_tune(train, dev):  # type: ignore[no-untyped-def]
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(SEED)
    random.seed(SEED)
    tokenizer = AutoTokenizer.from_pretrained(model_path())
    encoder = AutoModel.from_pretrained(model_path())
    category = torch.nn.Linear(384, 3)
    urgent = torch.nn.Linear(384, 1)
    params = [*encoder.parameters(), *category.parameters(), *urgent.parameters()]
    optimiser = torch.optim.AdamW(params, lr=LR, weight_decay=0.01)
    y_cat = torch.tensor([CATEGORIES.index(e.category) for e in train])
    y_urg = torch.tensor([float(bool(e.urgent)) for e in train])
    pos_weight = (len(train) - y_urg.sum()) / y_urg.sum()

    def embed(texts):  # type: ignore[no-untyped-def]
        tokens = tokenizer(texts, padding=True, truncation=True, max_length=128,
                           return_tensors="pt")
        hidden = encoder(**tokens).last_hidden_state
        mask = tokens["attention_mask"].unsqueeze(-1).float()
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    order = sorted(range(len(train)), key=lambda i: len(train[i].text))
    batches = [order[i:i + BATCH] for i in range(0, len(order), BATCH)]
    start = time.perf_counter()
    encoder.train()
    for _ in range(EPOCHS):
        random.shuffle(batches)
        for batch in batches:
            pooled = embed([train[i].text for i in batch])
            loss = torch.nn.functional.cross_entropy(category(pooled), y_cat[batch]) + \
                torch.nn.functional.binary_cross_entropy_with_logits(
                    urgent(pooled).squeeze(-1), y_urg[batch], pos_weight=pos_weight)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    seconds = time.perf_counter() - start
    encoder.eval()
    probs, scores = [], []
    with torch.inference_mode():
        for i in range(0, len(dev), 64):
            pooled = embed([e.text for e in dev[i:i + 64]])
            probs.append(torch.softmax(category(pooled), -1).numpy())
            scores.append(torch.sigmoid(urgent(pooled)).squeeze(-1).numpy())
    return np.vstack(probs), np.concatenate(scores), seconds


def run() -> None:
    """Fine-tune, score alone and in the ensemble, record the figures."""
    train = [e for f in training_files(PROMPTS) for e in parse_compact(f)]
    dev = parse_compact(dev_file(PROMPTS))
    cues = load_cues(PROMPTS / "urgent_cues.toml")
    graph = TorchEncoder().export_onnx(Path(__file__).parent / "out" / "ft-int8.onnx", True)
    encoder = OnnxEncoder(graph)
    zeros_train, zeros_dev = np.zeros((len(train), 384)), np.zeros((len(dev), 384))
    fused = TriageModel().fit(train, encoder.encode([e.text for e in train]), zeros_train,
                              cue_hits=np.array([bool(match_cues(cues, e.text)) for e in train]))
    fused_probs, fused_urgent = fused.predict([e.text for e in dev],
                                              encoder.encode([e.text for e in dev]), zeros_dev)
    ft_probs, ft_urgent, seconds = fine_tune(train, dev)
    gold = [e.category for e in dev]
    welsh = [i for i, e in enumerate(dev) if e.language != "en"]
    cue_hit = np.array([bool(match_cues(cues, e.text)) for e in dev])
    rows = []
    for name, probs, urgent, threshold in (
            ("fused (MiniLM int8 ⊕ char n-grams)", fused_probs, fused_urgent,
             fused.urgent_threshold),
            ("fine-tuned MiniLM", ft_probs, ft_urgent, 0.5),
            ("mean of the two", (fused_probs + ft_probs) / 2, (fused_urgent + ft_urgent) / 2,
             (fused.urgent_threshold + 0.5) / 2)):
        pred = [CATEGORIES[i] for i in probs.argmax(1)]
        cat = category_scores(gold, pred)
        cy = category_scores([gold[i] for i in welsh], [pred[i] for i in welsh])
        u = urgent_scores([bool(e.urgent) for e in dev], list((urgent >= threshold) | cue_hit))
        rows.append(f"| {name} | {cat['macro_f1']:.3f} | {cy['macro_f1']:.3f} | "
                    f"{u['precision']:.2f} / {u['recall']:.2f} |")
    body = (f"Full fine-tuning of all-MiniLM-L6-v2 with a category and an urgent head, "
            f"{EPOCHS} epochs, batch {BATCH}, lr {LR}, on the {len(train)} training examples: "
            f"{seconds:.0f} s on these 2 cores. Scored on the {len(dev)}-item dev split. "
            "Urgent thresholds here are not tuned (0.5 for the fine-tuned head), so compare "
            "the category columns.\n\n| model | macro-F1 | Welsh+mixed | urgent P / R (with cues) |"
            "\n|---|---:|---:|---|\n" + "\n".join(rows))
    write_section("Fine-tuning experiment (issue 5, not yet served)", body)
