"""Classifier parts without the model: language, cues, metrics, example files."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialdesk import paths
from socialdesk.core.classify.cues import load_cues, match_cues
from socialdesk.core.classify.data import (
    ExampleFileError,
    dev_file,
    load_examples,
    parse_compact,
    training_files,
)
from socialdesk.core.classify.evaluate import category_scores, urgent_scores
from socialdesk.core.classify.language import detect_language

CUES = load_cues(paths.prompts_dir() / "urgent_cues.toml")


@pytest.mark.parametrize(("text", "language"), [
    ("Someone has stolen my bike from outside the leisure centre", "en"),
    ("Mae rhywun wedi dwyn fy meic o'r tu allan i'r ganolfan hamdden", "cy"),
    ("Diolch o galon i chi gyd", "cy"),
    ("Helo, someone has stolen fy meic from outside the Spar neithiwr", "mixed"),
    ("👍", "en"),
])
def test_language(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(("text", "cue"), [
    ("I've taken all my tablets, I just wanted someone to know", "self-harm or suicide"),
    ("Dwi am orffen y cwbl heno", "self-harm or suicide"),
    ("There's a man with a knife outside the Co-op", "weapon mentioned"),
    ("Mae 'na ddyn efo cyllell tu allan i'r siop", "weapon mentioned"),
    ("Drunk driver on the A55 now, all over the road", "drink-driver or dangerous driver on "
     "the road now"),
    ("Mae Taid ar goll, mae ganddo fo ddementia", "vulnerable person missing now"),
    ("Someone is in the water off the slipway shouting", "person in danger (water, fire, fall, "
     "collapse, crash)"),
])
def test_cues_fire_in_both_languages(text: str, cue: str) -> None:
    assert cue in [c.reason for c in match_cues(CUES, text)]


@pytest.mark.parametrize("text", [
    "I'll kill my brother if he eats my chocolate again 😂",
    "Dwi am ladd y gŵr os prynith o un wialen bysgota arall 😂",
    "Thanks for the talk at school, the kids loved it",
    "Is this parcel text a scam?",
])
def test_jokes_and_ordinary_texts_raise_no_cue(text: str) -> None:
    assert match_cues(CUES, text) == []


def test_self_harm_cue_ignores_laughing_marks() -> None:
    assert match_cues(CUES, "lol I can't go on, taken all my tablets 😂")  # never joke-guarded


def test_metrics_against_hand_computed_values() -> None:
    gold = ["report", "report", "concern", "chat", "chat", "concern"]
    pred = ["report", "concern", "concern", "chat", "report", "chat"]
    scores = category_scores(gold, pred)
    # report: tp1 fp1 fn1 → P .5 R .5 F .5; concern: tp1 fp1 fn1 → .5; chat: tp1 fp1 fn1 → .5
    assert scores["accuracy"] == 0.5 and scores["macro_f1"] == 0.5
    assert scores["confusion"]["report"] == {"report": 1, "concern": 1, "chat": 0}
    urgent = urgent_scores([True, True, False, False], [True, False, True, False])
    assert urgent == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}


def test_example_files_parse_and_a_bad_line_names_itself(tmp_path: Path) -> None:
    examples = [e for f in training_files(paths.prompts_dir()) for e in parse_compact(f)]
    assert len(examples) >= 1500
    assert sum(e.language != "en" for e in examples) / len(examples) >= 0.30
    assert sum(bool(e.urgent) for e in examples) >= 150
    bad = tmp_path / "bad.txt"
    bad.write_text("r en m  fine line\nx en m  unknown label\n")
    with pytest.raises(ExampleFileError, match=r"bad\.txt:2"):
        parse_compact(bad)


def test_numpy_serving_head_matches_scikit_learn_exactly(tmp_path: Path) -> None:
    """Serving without scikit-learn (after a save and load) gives the fitted model's answers."""
    import numpy as np

    from socialdesk.core.classify.gloss import encoder_texts, load_gloss
    from socialdesk.core.classify.heads import ServingHead
    from socialdesk.core.classify.model import (
        EMBED_WEIGHT,
        POST_WEIGHT,
        SIGNAL_WEIGHT,
        TriageModel,
    )
    from socialdesk.core.classify.signals import load_signals

    # every other one of the first 400 (all categories, languages, urgent, with posts): the
    # solver's time grows much faster than the examples (400: 11 s, these 200: 3 s)
    examples = [e for f in training_files(paths.prompts_dir())
                for e in parse_compact(f)][:400][::2]
    rng = np.random.default_rng(1)
    gloss = load_gloss(paths.prompts_dir() / "welsh_gloss.toml")
    text_emb = rng.normal(size=(len(examples), 384)).astype(np.float32)
    post_emb = rng.normal(size=(len(examples), 384)).astype(np.float32)
    model = TriageModel(signals=load_signals(paths.prompts_dir() / "category_signals.toml"))
    read = encoder_texts([e.text for e in examples], gloss)
    model.fit(examples, read, text_emb, post_emb)
    ServingHead.from_model(model, EMBED_WEIGHT, POST_WEIGHT, SIGNAL_WEIGHT).save(tmp_path)
    head = ServingHead.load(tmp_path)
    assert [b.reads for b in head.blocks] == ["text", "text", "read"]
    assert len(head.signals) >= 10
    texts = [e.text for e in examples[:100]] + ["", "👍", "ŵŷ  double  spaces\nand lines",
                                               "Don't  GO  i'r dre, every night!"]
    emb = rng.normal(size=(len(texts), 384)).astype(np.float32)
    read = encoder_texts(texts, gloss)
    assert sum(r != t for r, t in zip(read, texts, strict=True)) > 20  # Welsh ones glossed
    expected, expected_urgent = model.predict(texts, read, emb, emb)
    got, got_urgent = head.predict(texts, read, emb, emb)
    assert np.abs(expected - got).max() < 1e-9
    assert np.abs(expected_urgent - got_urgent).max() < 1e-9


def test_serving_does_not_import_scikit_learn() -> None:
    import subprocess
    import sys

    code = ("import sys, socialdesk.core.classify.classifier, socialdesk.core.classify.training, "
            "socialdesk.core.desk, socialdesk.cli; "
            "print(any(m == 'sklearn' or m.startswith('sklearn.') for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_welsh_gloss_finds_mutated_forms_and_leaves_the_rest() -> None:
    from socialdesk.core.classify.gloss import encoder_texts, gloss, load_gloss

    words = load_gloss(paths.prompts_dir() / "welsh_gloss.toml")
    assert len(words) >= 300
    glossed = gloss("Mae rhywun wedi dwyn fy meic o'r sied neithiwr", words)
    assert "steal" in glossed and "bike" in glossed and "last night" in glossed
    assert gloss("Dwi'n poeni am fy nghar", words).split()[-2:] == ["my", "car"]
    assert "yn" not in gloss("mae o yn y tŷ", words).split()  # an empty gloss drops the word
    assert gloss("Xyzzy Plugh", words) == "xyzzy plugh"        # unknown words stay
    # a clitic not listed whole is glossed part by part; an unknown head stays as written
    assert gloss("efo'r plant drwy'r haf", words).split()[:4] == ["with", "the", "children",
                                                                  "through"]
    assert gloss("xyzzy'r", words) == "xyzzy'r"
    texts = ["I saw a car", "Welais i gar"]
    assert encoder_texts(texts, words, ["en", "cy"])[0] == "I saw a car"  # English untouched


def test_a_broken_gloss_file_is_one_sentence(tmp_path: Path) -> None:
    from socialdesk.core.classify.gloss import load_gloss
    from socialdesk.errors import UserError

    bad = tmp_path / "gloss.toml"
    bad.write_text("[words]\nbeic = 3\n")
    with pytest.raises(UserError, match="must map each Welsh word"):
        load_gloss(bad)
    bad.write_text("[words\n")
    with pytest.raises(UserError, match="cannot read the Welsh glossary"):
        load_gloss(bad)


def test_no_text_of_a_test_set_is_trained_on() -> None:
    """prompts/test_sets/ is never read by training, and none of its texts (nor of the
    development split) appears in a training file (issue 21: measured on writers never read)."""
    import json

    root = paths.prompts_dir()
    files = training_files(root)
    assert files and not any("test_sets" in str(path) or path.name.startswith("dev")
                             for path in files)
    trained = {" ".join(e.text.lower().split()) for path in files for e in load_examples(path)}
    held = [json.loads(line)["text"] for line in
            (root / "test_sets" / "independent.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(held) >= 600
    # (one- and two-word comments such as "Shared x" or "👍" are written by everyone)
    assert not [t for t in held if len(t.split()) > 2 and " ".join(t.lower().split()) in trained]
    assert not [e.text for e in load_examples(dev_file(root))
                if " ".join(e.text.lower().split()) in trained]


def counts_line(root: Path) -> str:
    """The counts prompts/README.md states, computed from the example files."""
    train = [e for path in training_files(root) for e in load_examples(path)]
    welsh = [e for e in train if e.language in ("cy", "mixed")]
    urgent = [e for e in train if e.urgent]
    each = {c: sum(e.category == c for e in train) for c in ("report", "concern", "chat")}
    return (f"{len(train):,} training examples ({each['report']:,} report, "
            f"{each['concern']:,} concern, {each['chat']:,} chat), "
            f"{round(100 * len(welsh) / len(train))}% Welsh or mixed, {len(urgent):,} urgent "
            f"({sum(e.language in ('cy', 'mixed') for e in urgent)} of them Welsh or mixed); "
            f"{len(load_examples(dev_file(root)))} development examples.")


def test_prompts_readme_states_the_counts_of_the_files() -> None:
    root = paths.prompts_dir()
    readme = " ".join((root / "README.md").read_text(encoding="utf-8").split())
    assert counts_line(root) in readme, counts_line(root)
