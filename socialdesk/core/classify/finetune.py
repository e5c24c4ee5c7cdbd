"""Full fine-tuning of MiniLM with a category and an urgent head, exported to int8 ONNX.

Measured (BENCHMARKS.md): alone it is better than the fused model on English and weaker on
Welsh; blended in, it helps both, so the full model mixes its category probabilities in with a
weight per language chosen by cross-validation (``classifier.FINETUNED_WEIGHT``). It reads each
text as the encoder does (Welsh glossed) and, for a comment, the post after it. It takes
roughly 20 minutes on 2 cores (7,687 examples), so it is never part of first use:
`socialdesk train` or the background jobs build it after the fast model is serving."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialdesk.core.classify.data import CATEGORIES, Example
from socialdesk.core.classify.encoder import (
    MAX_TOKENS,
    ParallelBatches,
    model_path,
    quantize_int8,
)
from socialdesk.core.classify.heads import sigmoid, softmax
from socialdesk.lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
else:   # imported on first use: the dashboard paints without it
    np = lazy_module("numpy", globals(), "np")

EPOCHS, BATCH, LEARNING_RATE, SEED = 4, 16, 5e-5, 20261123


def _network() -> Any:
    import torch
    from transformers import AutoModel

    class Network(torch.nn.Module):
        """MiniLM, mean pooling, and two linear heads."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(model_path())
            self.category = torch.nn.Linear(384, len(CATEGORIES))
            self.urgent = torch.nn.Linear(384, 1)

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return self.category(pooled), self.urgent(pooled).squeeze(-1)

    return Network()


def fine_tune(examples: Sequence[Example], target: Path, epochs: int = EPOCHS,
              progress: Callable[[float], None] | None = None,
              texts: Sequence[str] | None = None) -> Path:
    """Train on ``examples`` and write an int8 ONNX graph with both heads to ``target``.

    ``texts`` is what the network reads for each example (the served model gives it the
    encoder's texts: Welsh glossed); by default the examples' own text."""
    import torch
    from transformers import AutoTokenizer

    torch.manual_seed(SEED)
    shuffle = random.Random(SEED)
    tokenizer = AutoTokenizer.from_pretrained(model_path())
    network = _network()
    optimiser = torch.optim.AdamW(network.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    y_cat = torch.tensor([CATEGORIES.index(e.category or "chat") for e in examples])
    y_urg = torch.tensor([float(bool(e.urgent)) for e in examples])
    pos_weight = (len(examples) - y_urg.sum()) / y_urg.sum().clamp(min=1.0)
    read = list(texts) if texts is not None else [e.text for e in examples]
    order = sorted(range(len(examples)), key=lambda i: len(read[i]))
    batches = [order[i:i + BATCH] for i in range(0, len(order), BATCH)]
    network.train()
    steps, done = epochs * len(batches), 0
    for _ in range(epochs):
        shuffle.shuffle(batches)
        for batch in batches:
            tokens = tokenizer([read[i] for i in batch], padding=True,
                               truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
            category, urgent = network(tokens["input_ids"], tokens["attention_mask"],
                                       tokens["token_type_ids"])
            loss = torch.nn.functional.cross_entropy(category, y_cat[batch]) + \
                torch.nn.functional.binary_cross_entropy_with_logits(
                    urgent, y_urg[batch], pos_weight=pos_weight)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            done += 1
            if progress:
                progress(done / steps)
    network.eval()
    return _export(network, tokenizer, target)


def _export(network: Any, tokenizer: Any, target: Path) -> Path:
    import torch

    sample = tokenizer(["export sample"], return_tensors="pt")
    fp32 = target.with_suffix(".fp32.onnx")
    with torch.no_grad():
        torch.onnx.export(
            network, (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
            str(fp32), input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["category_logits", "urgent_logit"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                          "attention_mask": {0: "batch", 1: "tokens"},
                          "token_type_ids": {0: "batch", 1: "tokens"},
                          "category_logits": {0: "batch"}, "urgent_logit": {0: "batch"}},
            opset_version=17, dynamo=False)
    return quantize_int8(fp32, target)


class FineTunedModel:
    """The exported fine-tuned network on ONNX Runtime."""

    def __init__(self, graph: Path, batch_size: int = 32) -> None:
        self.runner = ParallelBatches(graph, batch_size)

    def predict(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(category probabilities (n, 3), urgent probabilities (n,))."""
        probs = np.zeros((len(texts), len(CATEGORIES)))
        urgent = np.zeros(len(texts))

        def scores(batch: list[int], _feeds: dict[str, np.ndarray],
                   results: list[np.ndarray]) -> None:
            logits, urgent_logit = results
            probs[batch] = softmax(logits)
            urgent[batch] = sigmoid(urgent_logit)

        self.runner.run(texts, ["category_logits", "urgent_logit"], scores)
        return probs, urgent
