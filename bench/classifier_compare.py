"""Choose the classifier by measurement: every variant trained on prompts/examples and scored
on the development split (never trained on). Embeddings are computed once per encoder."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bench.report import write_section
from socialdesk.core.classify.cues import load_cues, match_cues
from socialdesk.core.classify.data import CATEGORIES, dev_file, parse_compact, training_files
from socialdesk.core.classify.encoder import OnnxEncoder, TorchEncoder, post_embeddings
from socialdesk.core.classify.evaluate import (
    by_language,
    category_scores,
    urgent_scores,
    welsh_and_mixed,
)
from socialdesk.core.classify.gloss import encoder_texts, load_gloss
from socialdesk.core.classify.model import GLOSSED_WORD_WEIGHT, Features, TriageModel
from socialdesk.core.classify.signals import load_signals

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"
OUT = Path(__file__).resolve().parent / "out"


def embed(encoder, examples, glossed=False):  # type: ignore[no-untyped-def]
    """(glossed texts for the glossed-word n-grams, text embeddings, post embeddings)."""
    texts = [e.text for e in examples]
    read = encoder_texts(texts, GLOSS)
    # as served, Welsh and mixed texts reach the encoder glossed
    return read, encoder.encode(read if glossed else texts), post_embeddings(encoder, examples)


def score(model, dev, emb, cues):  # type: ignore[no-untyped-def]
    probs, urgent = model.predict([e.text for e in dev], *emb)
    pred = [CATEGORIES[i] for i in probs.argmax(axis=1)]
    gold = [e.category for e in dev]
    langs = [e.language for e in dev]
    cue_hit = np.array([bool(match_cues(cues, e.text)) for e in dev])
    flagged = (urgent >= model.urgent_threshold) | cue_hit
    cat = category_scores(gold, pred)
    lang = by_language(gold, pred, langs)
    return {"macro_f1": cat["macro_f1"], "en": lang["en"]["macro_f1"],
            "cy_mixed": welsh_and_mixed(gold, pred, langs)["macro_f1"],
            "urgent": urgent_scores([bool(e.urgent) for e in dev], list(flagged)),
            "urgent_model_only": urgent_scores([bool(e.urgent) for e in dev],
                                               list(urgent >= model.urgent_threshold)),
            "threshold": model.urgent_threshold}


VARIANTS = [
    ("frozen MiniLM + LR", Features(True, False, False, False, False, False)),
    ("char n-grams (2–5) + LR", Features(False, True, False, False, False, False)),
    ("MiniLM ⊕ char n-grams", Features(True, True, False, False, False, False)),
    ("MiniLM ⊕ char n-grams ⊕ post context", Features(True, True, True, False, False, False)),
    ("… ⊕ word n-grams (1–2)", Features(True, True, True, True, False, False)),
    ("… ⊕ category signals", Features(True, True, True, False, True, False)),
    ("MiniLM ⊕ post ⊕ char ⊕ word n-grams ⊕ signals", Features(glossed_words=False)),
]
#: each with Welsh glossed for MiniLM: without, then with the glossed text's word n-grams
GLOSSED = [("… with Welsh glossed for MiniLM", Features(glossed_words=False)),
           ("… ⊕ word n-grams of the glossed text (served)", Features())]
SERVED = GLOSSED[-1][0]
GLOSS = load_gloss(PROMPTS / "welsh_gloss.toml")


def cross_validated(features, signals, train, emb,  # type: ignore[no-untyped-def]
                    glossed_weight=GLOSSED_WORD_WEIGHT):
    """Macro-F1 of 5-fold cross-validation inside the training data: (all, Welsh+mixed)."""
    from sklearn.model_selection import StratifiedKFold

    gold = [e.category for e in train]
    pred = [""] * len(train)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    for fit_idx, test_idx in folds.split(np.zeros(len(train)), gold):
        part = [train[i] for i in fit_idx]
        model = TriageModel(features=features, signals=signals, glossed_weight=glossed_weight)
        read, text_emb, post_emb = emb
        model.fit_category(part, [read[i] for i in fit_idx], text_emb[fit_idx],
                           post_emb[fit_idx])
        probs = model.predict_category([train[i].text for i in test_idx],
                                       [read[i] for i in test_idx], text_emb[test_idx],
                                       post_emb[test_idx])
        for i, row in zip(test_idx, probs, strict=True):
            pred[i] = CATEGORIES[int(row.argmax())]
    languages = [e.language for e in train]
    return (category_scores(gold, pred)["macro_f1"],
            welsh_and_mixed(gold, pred, languages)["macro_f1"])


def run() -> None:
    """Compare variants on the dev split and record the table."""
    train = [e for f in training_files(PROMPTS) for e in parse_compact(f)]
    dev = parse_compact(dev_file(PROMPTS))
    cues = load_cues(PROMPTS / "urgent_cues.toml")
    train_cues = np.array([bool(match_cues(cues, e.text)) for e in train])
    torch_encoder = TorchEncoder()
    start = time.perf_counter()
    emb_train, emb_dev = embed(torch_encoder, train), embed(torch_encoder, dev)
    embed_seconds = time.perf_counter() - start
    glossed_train, glossed_dev = (embed(torch_encoder, train, glossed=True),
                                  embed(torch_encoder, dev, glossed=True))
    signals = load_signals(PROMPTS / "category_signals.toml")
    rows = []
    for name, features in VARIANTS:
        start = time.perf_counter()
        model = TriageModel(features=features, signals=signals)
        model.fit(train, *emb_train, cue_hits=train_cues)
        fit_seconds = time.perf_counter() - start
        result = score(model, dev, emb_dev, cues)
        result["cv"], result["cv_cy"] = cross_validated(features, signals, train, emb_train)
        rows.append((name, "torch fp32", result, fit_seconds))
    for name, features in GLOSSED:
        start = time.perf_counter()
        model = TriageModel(features=features, signals=signals)
        model.fit(train, *glossed_train, cue_hits=train_cues)
        fit_seconds = time.perf_counter() - start
        result = score(model, dev, glossed_dev, cues)
        result["cv"], result["cv_cy"] = cross_validated(features, signals, train,
                                                        glossed_train)
        rows.append((name, "torch fp32", result, fit_seconds))
    sweep = glossed_weight_sweep(signals, train, glossed_train)
    fidelity = ["| int8 quantisation | cosine to fp32, mean | worst | Welsh+mixed mean |",
                "|---|---:|---:|---:|"]
    reference = None
    for label, graph in encoder_graphs(torch_encoder):
        encoder = OnnxEncoder(graph)
        train_emb = embed(encoder, train, True)
        served = TriageModel(signals=signals)
        served.fit(train, *train_emb, cue_hits=train_cues)
        result = score(served, dev, embed(encoder, dev, True), cues)
        result["cv"] = result["cv_cy"] = float("nan")
        rows.append((SERVED, label, result, 0.0))
        if reference is None:
            reference = train_emb[1]
        else:
            fidelity.append(fidelity_row(label, train_emb[1], reference, train))
    lines = ["| model | encoder | macro-F1 | English | Welsh+mixed | train 5-fold macro-F1 "
             "(Welsh+mixed) | urgent P / R (model OR cues) | urgent P / R (model only) "
             "| threshold | head fit s |",
             "|---|---|---:|---:|---:|---:|---|---|---:|---:|"]
    for name, enc, s, fit in rows:
        u, m = s["urgent"], s["urgent_model_only"]
        cv = "—" if s["cv"] != s["cv"] else f"{s['cv']:.3f} ({s['cv_cy']:.3f})"
        lines.append(f"| {name} | {enc} | {s['macro_f1']:.3f} | {s['en']:.3f} | {s['cy_mixed']:.3f} | {cv} | "
                     f"{u['precision']:.2f} / {u['recall']:.2f} | {m['precision']:.2f} / {m['recall']:.2f} | "
                     f"{s['threshold']:.2f} | {fit:.1f} |")
    body = (f"Trained on {len(train)} examples (prompts/examples), scored on the {len(dev)}-item "
            f"development split (never trained on); the 5-fold column is the same recipe "
            f"cross-validated inside the training data, a second opinion that does not lean on "
            f"one 402-item split. Embedding train+dev with torch fp32: "
            f"{embed_seconds:.1f} s.\n\n" + "\n".join(lines) + "\n\nUrgent = model score ≥ "
            "threshold (chosen by 5-fold cross-validation on training data for ≥ 0.98 recall "
            "together with the cues) OR a bilingual cue from prompts/urgent_cues.toml.\n\n"
            "How close each int8 encoder stays to fp32 (the training texts' embeddings, as "
            "the encoder reads them); the served one has a weight scale per channel:\n\n"
            + "\n".join(fidelity) + "\n\nThe weight of the glossed text's word n-grams "
            "(`model.GLOSSED_WORD_WEIGHT`), chosen by 5-fold cross-validation inside the "
            "training data (torch fp32 encoder, Welsh glossed):\n\n" + sweep)
    write_section("Classifier: approaches compared on the development split (issue 5)", body)
    write_section("Language detection (issue 5)", language_table(train, dev))


def glossed_weight_sweep(signals, train, emb) -> str:  # type: ignore[no-untyped-def]
    """Cross-validated macro-F1 for several weights of the glossed-word block."""
    rows = ["| weight | train 5-fold macro-F1 | Welsh+mixed |", "|---:|---:|---:|"]
    for weight in (0.0, 1.0, 1.5, 2.0, 3.0):
        total, welsh = cross_validated(Features(glossed_words=weight > 0), signals, train, emb,
                                       glossed_weight=weight)
        mark = " (served)" if weight == GLOSSED_WORD_WEIGHT else ""
        rows.append(f"| {weight:g}{mark} | {total:.3f} | {welsh:.3f} |")
    return "\n".join(rows)


def encoder_graphs(torch_encoder: TorchEncoder) -> list[tuple[str, Path]]:
    """The ONNX encoders compared: fp32 first (the reference), then the served int8
    (per-channel) and int8 with one scale per tensor."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32 = torch_encoder.export_onnx(OUT / "encoder-fp32.onnx")
    per_tensor = OUT / "encoder-int8-per-tensor.onnx"
    quantize_dynamic(str(fp32), str(per_tensor), weight_type=QuantType.QInt8)
    return [("onnx fp32", fp32),
            ("onnx int8 (served)", torch_encoder.export_onnx(OUT / "encoder-int8.onnx", True)),
            ("onnx int8, one scale per tensor", per_tensor)]


def fidelity_row(label: str, got: np.ndarray, reference: np.ndarray, train) -> str:  # type: ignore[no-untyped-def]
    """Cosine of each training text's embedding to the fp32 one."""
    cosine = (got * reference).sum(1) / (np.linalg.norm(got, axis=1)
                                         * np.linalg.norm(reference, axis=1))
    welsh = np.array([e.language != "en" for e in train])
    return f"| {label} | {cosine.mean():.4f} | {cosine.min():.4f} | {cosine[welsh].mean():.4f} |"


def language_table(train, dev) -> str:  # type: ignore[no-untyped-def]
    """Accuracy of en/cy/mixed detection against the labels, ours vs py3langid alone."""
    from socialdesk.core.classify.language import _identifier, detect_language

    def accuracy(detect, examples):  # type: ignore[no-untyped-def]
        return sum(detect(e.text) == e.language for e in examples) / len(examples)

    def langid(text: str) -> str:
        return str(_identifier().classify(text)[0])

    mixed_dev = [e for e in dev if e.language == "mixed"]
    rows = ["| detector | train accuracy | dev accuracy | dev mixed recall |", "|---|---:|---:|---:|"]
    for name, detect in (("py3langid restricted to en+cy", langid),
                         ("socialdesk: function words for code-switching + py3langid", detect_language)):
        rows.append(f"| {name} | {accuracy(detect, train):.3f} | {accuracy(detect, dev):.3f} | "
                    f"{accuracy(detect, mixed_dev):.3f} |")
    return ("Labels: the language column of prompts/examples (train) and dev.txt (dev). "
            "py3langid cannot say 'mixed', so code-switched texts count against it.\n\n"
            + "\n".join(rows))
