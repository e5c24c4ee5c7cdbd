"""The real model (MiniLM from the installed package), trained once for the session.

Thresholds sit below the measured development-split figures (BENCHMARKS.md) so they catch a
real regression, not noise.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from socialdesk import paths
from socialdesk.core.classify import classifier, training
from socialdesk.core.classify.data import dev_file
from socialdesk.core.classify.evaluate import evaluate_file
from socialdesk.core.classify.gloss import gloss
from socialdesk.core.desk import Desk
from tests.conftest import Result, small_examples, with_small_model
from tests.ingest_helpers import page_config, start_fake

pytestmark = pytest.mark.slow
EVAL_KEYS = {"n", "accuracy", "macro_f1", "per_class", "urgent", "by_language", "confusion",
             "msgs_per_s", "model"}


def test_development_split_quality(model_dir: Path) -> None:
    result = evaluate_file(classifier.Classifier(model_dir), dev_file(paths.prompts_dir()))
    assert set(result) == EVAL_KEYS
    assert result["n"] >= 400
    assert result["macro_f1"] >= 0.86
    assert result["by_language"]["cy"]["macro_f1"] >= 0.80
    assert result["urgent"]["recall"] >= 0.96  # the safety net: missing urgent is the worst
    assert result["urgent"]["precision"] >= 0.55


def test_predictions_carry_reasons_language_and_version(model_dir: Path) -> None:
    model = classifier.Classifier(model_dir)
    urgent, joke, welsh_chat = model.classify(
        ["Mae dyn yn ymosod ar ddynes tu allan i'r Bull rŵan, mae hi ar lawr",
         "I'll kill my brother if he eats my chocolate again 😂",
         "Diolch o galon i chi gyd am y sgwrs yn yr ysgol"],
        kinds=["message", "comment", "comment"])
    assert urgent.urgent and urgent.category == "report" and urgent.urgent_cues
    assert urgent.language == "cy" and urgent.model_version == model.version
    assert not joke.urgent and joke.category == "chat"
    assert welsh_chat.category == "chat" and not welsh_chat.urgent
    assert abs(sum(urgent.probabilities.values()) - 1) < 1e-3


def test_served_int8_encoder_stays_close_to_fp32(model_dir: Path) -> None:
    """The quantised encoder must keep the meaning: cosine to torch fp32 embeddings of
    training texts, English and glossed Welsh (one scale per tensor gave 0.95, worst 0.77)."""
    import numpy as np

    from socialdesk.core.classify.encoder import OnnxEncoder, TorchEncoder
    from socialdesk.core.classify.gloss import encoder_texts

    model = classifier.Classifier(model_dir)
    texts = encoder_texts([e.text for e in training.training_examples()[::40]], model.gloss)
    got = OnnxEncoder(model_dir / "encoder.onnx").encode(texts)
    reference = TorchEncoder().encode(texts)
    cosine = (got * reference).sum(1) / (np.linalg.norm(got, axis=1)
                                         * np.linalg.norm(reference, axis=1))
    assert len(texts) >= 40 and cosine.mean() >= 0.98 and cosine.min() >= 0.93


def test_training_data_version_is_reproducible() -> None:
    examples = training.training_examples()
    assert training.data_version(examples) == training.data_version(list(examples))


def test_cli_classify_text_jsonl_and_eval(data_dir: Path, run_cli) -> None:
    env = {paths.DATA_DIR_ENV: str(data_dir)}
    one = run_cli("classify", "Someone is breaking into the house opposite right now", env=env)
    assert one.code == 0, one.err
    prediction = json.loads(one.out)
    assert prediction["category"] == "report" and prediction["urgent"] is True
    lines = "\n".join(json.dumps({"text": t, "id": n}) for n, t in enumerate(
        ["Diolch yn fawr!", "Is this text about a parcel a scam?"]))
    many = run_cli("classify", env=env, stdin=lines + "\n")
    rows = [json.loads(line) for line in many.out.splitlines()]
    assert [r["id"] for r in rows] == [0, 1] and rows[0]["category"] == "chat"
    assert rows[1]["category"] == "concern"
    dash = run_cli("classify", "-", env=env, stdin=lines + "\n")  # "-" is stdin too
    assert [json.loads(line)["id"] for line in dash.out.splitlines()] == [0, 1]
    labelled = data_dir / "eval.jsonl"
    labelled.write_text("\n".join(json.dumps(r) for r in [
        {"text": "My bike was stolen from the station last night", "category": "report",
         "urgent": False, "language": "en", "extra": "ignored"},
        {"text": "Diolch am y rhybudd", "category": "chat", "urgent": False, "language": "cy"},
    ]) + "\n")
    scored = run_cli("eval", str(labelled), "--json", env=env)
    assert scored.code == 0, scored.err
    result = json.loads(scored.out)
    assert set(result) == EVAL_KEYS and result["n"] == 2
    assert set(result["per_class"]) == {"report", "concern", "chat"}
    assert set(result["by_language"]) == {"en", "cy", "mixed"}
    human = run_cli("eval", str(labelled), env=env)
    assert "macro-F1" in human.out and "confusion" in human.out
    broken = data_dir / "broken.jsonl"
    broken.write_text('{"text": "ok", "category": "emergency"}\n')
    bad = run_cli("eval", str(broken), env=env)
    assert bad.code == 1 and "category must be" in bad.err and "Traceback" not in bad.err


def test_desk_classifies_synced_items_and_keeps_officer_choices(data_dir, config, tmp_path):
    fake = start_fake(seed=101, posts=3, comments=40, conversations=8)
    try:
        os.environ[config.page.token_env] = fake.token
        desk = Desk(replace(config, page=page_config(config, fake)), tmp_path / "c.db",
                    actor="tester")
        desk.model.auto_classify = True
        report = desk.sync_once()
        assert report.ok and report.new
        left = desk.store.conn.execute("select count(*) from items where from_page = 0 and "
                                       "model_version is null").fetchone()[0]
        assert left == 0
        row = desk.store.conn.execute(
            "select id, category, language, probabilities from items where from_page = 0 "
            "and text != '' limit 1").fetchone()
        assert row[1] in ("report", "concern", "chat") and row[2] in ("en", "cy", "mixed")
        assert set(json.loads(row[3])) == {"report", "concern", "chat"}
        desk.store.conn.execute("insert into corrections (item_id, old_category, new_category,"
                                " old_urgent, new_urgent, actor, at) values (?, ?, 'report', "
                                "0, 1, 'nia', '2026-11-23T10:00:00+00:00')", (row[0], row[1]))
        (correction,) = desk.model.corrections()
        assert correction.category == "report" and correction.urgent is True
    finally:
        os.environ.pop(config.page.token_env, None)
        fake.stop()


def test_fine_tuned_model_exports_and_joins_the_ensemble(model_dir: Path, tmp_path: Path,
                                                         ):
    """A tiny fine-tune (64 examples, 1 epoch) through the real export and serving path."""
    import shutil

    from socialdesk.core.classify.finetune import FineTunedModel, fine_tune

    examples = training.training_examples()[::24][:64]
    graph = fine_tune(examples, tmp_path / "finetuned.onnx", epochs=1)
    probs, urgent = FineTunedModel(graph).predict(["Diolch!", "There's a man with a knife"])
    assert probs.shape == (2, 3) and abs(probs.sum(axis=1) - 1).max() < 1e-5
    assert ((urgent >= 0) & (urgent <= 1)).all()
    ensemble_dir = tmp_path / "model"
    shutil.copytree(model_dir, ensemble_dir)
    shutil.copy(graph, ensemble_dir / "finetuned.onnx")
    plain, ensemble = classifier.Classifier(model_dir), classifier.Classifier(ensemble_dir)
    assert ensemble.finetuned is not None
    texts = ["There's a man shouting at people outside the Bull, he's been drinking",
             "Mae dyn yn ymosod ar ddynes tu allan i'r Bull rŵan"]
    ensemble.weights = {"en": 0.25, "cy": 0.0, "mixed": 0.0}
    ensemble.sure_margin = 1.01  # every item gets the second pass
    (english, welsh), (english_joined, welsh_joined) = plain.classify(texts), \
        ensemble.classify(texts)
    assert english_joined.probabilities != english.probabilities  # fine-tuned model blended in
    assert welsh_joined.probabilities == welsh.probabilities  # weight 0: left alone
    assert welsh_joined.urgent and welsh_joined.urgent_cues == welsh.urgent_cues
    # where the fused model is sure (margin at or above SURE_MARGIN) the network is not asked
    (english_alone,) = plain.classify(texts[:1])  # the same batch as below (padding differs)
    margin = float(classifier.top_margin(np.array([list(english_alone.probabilities.values())]))[0])
    ensemble.sure_margin = margin - 1e-3  # shown probabilities are rounded
    (english_sure,) = ensemble.classify(texts[:1])
    assert english_sure.probabilities == english_alone.probabilities
    ensemble.sure_margin = margin + 1e-3
    (english_unsure,) = ensemble.classify(texts[:1])
    assert english_unsure.probabilities != english_alone.probabilities
    ensemble.sure_margin = 1.01
    # with all the weight on it, a Welsh item is exactly the network's reading of the gloss
    ensemble.weights = {"en": 0.0, "cy": 1.0, "mixed": 1.0}
    read = gloss(texts[1], ensemble.gloss)
    assert read != texts[1] and "attack" in read
    tuned, _ = ensemble.finetuned.predict([read])
    (welsh_alone,) = ensemble.classify(texts[1:])
    assert list(welsh_alone.probabilities.values()) == pytest.approx(list(tuned[0]), abs=1e-4)
    # a comment is read with the post it sits under (glossed too); a message never is
    post = "Diolch i bawb ddaeth i'r noson marcio beics yn Llangefni"
    text = "Da iawn chi, diolch!"
    tuned, _ = ensemble.finetuned.predict([f"{gloss(text, ensemble.gloss)} [post] "
                                           f"{gloss(post, ensemble.gloss)}",
                                           gloss(text, ensemble.gloss)])
    comment, message = ensemble.classify([text, text], [post, post], ["comment", "message"])
    assert list(comment.probabilities.values()) == pytest.approx(list(tuned[0]), abs=1e-4)
    assert list(message.probabilities.values()) == pytest.approx(list(tuned[1]), abs=1e-4)
    assert comment.probabilities != message.probabilities


@pytest.fixture
def small_training(tmp_path: Path, monkeypatch) -> training.Recipe:
    """A private data dir and a small recipe (120 examples, 1 epoch of fine-tuning), so that a
    fast and a full model can be built in seconds through the real code."""
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "data"))
    return training.Recipe(examples=small_examples(), epochs=1)


@pytest.fixture
def small_trained(small_training: training.Recipe, small_model: Path,
                  tmp_path: Path) -> training.Recipe:
    """As small_training, with the recipe's fast model already in the data dir (a copy of the
    session's: the first test above builds its own from nothing, through the desk)."""
    with_small_model(small_model, tmp_path / "data")
    return small_training


def _items_desk(config, tmp_path: Path, recipe: training.Recipe) -> Desk:
    from socialdesk.config import ModelConfig

    desk = Desk(replace(config, model=ModelConfig(fine_tune_in_background=True)),
                tmp_path / "desk.db", actor="tester")
    desk.model.recipe = recipe
    lines = [{"id": f"m{n}", "kind": "message", "text": text} for n, text in enumerate([
        "Someone smashed my car window on Stryd Fawr last night",
        "Diolch yn fawr am eich help heddiw",
        "Is this text about a parcel a scam?",
        "Mae plant yn reidio beics ar y palmant bob nos",
        "There's a man trying car doors on our street right now"])]
    source = tmp_path / "items.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    assert desk.import_file(source).imported == 5
    return desk


def test_full_model_built_later_takes_over_untouched_items(small_training, config, tmp_path):
    desk = _items_desk(config, tmp_path, small_training)
    fast = desk.model.classifier()
    assert fast is not None and fast.finetuned is None and desk.model.needs_full_model()
    assert desk.model.classify_pending() == 5
    ids = [r[0] for r in desk.store.conn.execute("select id from items order by id")]
    desk.claim(ids[0])
    desk.reclassify(ids[1], "concern", False)
    full = desk.model.improve_model()
    assert full is not None and full.finetuned is not None and "+finetuned" in full.version
    assert training.current_model_dir() == full.folder  # later starts load the full model
    versions = dict(desk.store.conn.execute("select id, model_version from items"))
    assert versions[ids[0]] == fast.version and versions[ids[1]] == fast.version  # touched
    assert all(versions[i] == full.version for i in ids[2:])          # untouched: classified again
    category = desk.store.conn.execute("select category from items where id = ?",
                                       (ids[1],)).fetchone()[0]
    assert category == "concern"                                       # the officer's choice
    assert not desk.model.needs_full_model() and desk.model.improve_model() is None
    desk.close()


def test_classifying_again_never_overwrites_an_officer_who_corrects_meanwhile(
        small_trained, config, tmp_path):
    desk = _items_desk(config, tmp_path, small_trained)
    fast = desk.model.classifier()
    assert fast is not None and desk.model.classify_pending() == 5
    item = desk.store.conn.execute("select id, category from items order by id").fetchone()
    officer = next(c for c in ("report", "concern", "chat") if c != item[1])

    class OfficerActsMeanwhile:
        """Another model whose batch is being classified when an officer reclassifies."""

        version = "a-later-model"

        def classify(self, texts, posts, kinds):  # type: ignore[no-untyped-def]
            desk.reclassify(item[0], officer, False)
            return fast.classify(texts, posts, kinds)

    assert desk.model.reclassify_untouched(OfficerActsMeanwhile()) == 5  # type: ignore[arg-type]
    assert desk.store.conn.execute("select category from items where id = ?",
                                   (item[0],)).fetchone()[0] == officer
    desk.close()


def test_quitting_cancels_a_background_build_and_leaves_nothing(small_trained, config,
                                                                tmp_path):
    import threading

    from socialdesk.core.desk.events import ModelChanged
    from socialdesk.core.desk.jobs import BackgroundJobs

    desk = _items_desk(config, tmp_path, small_trained)
    fast = desk.model.classifier()
    assert fast is not None
    events: list[str] = []
    fine_tuning = threading.Event()

    def listen(event: object) -> None:
        events.append(str(event))
        if isinstance(event, ModelChanged) and "fine-tuning" in event.state.progress:
            fine_tuning.set()

    jobs = BackgroundJobs(desk, listener=listen)
    worker = threading.Thread(target=jobs.run_improve_model)
    worker.start()
    assert fine_tuning.wait(120), events
    jobs.shutdown()
    worker.join(60)
    assert not worker.is_alive()
    root = training.models_root()
    assert training.current_model_dir() == fast.folder                 # still the fast model
    assert not [p for p in root.iterdir() if p.name.startswith(".")]  # no half-built model
    assert not any("READY" in e for e in events)


def test_cli_train_fast_then_classify_names_the_fast_model(cli_trained: tuple[Result, Path],
                                                           run_cli) -> None:
    """`train --fast` from nothing: progress lines, the model's version, and `classify`
    saying on stderr that the fast model is in use. (The session's shared model is the one this
    command built: see the cli_trained fixture.)"""
    trained, data = cli_trained
    assert trained.code == 0, trained.err
    assert "training:" in trained.err and "embedding" in trained.err
    training_lines = [line for line in trained.err.splitlines() if line.startswith("training:")]
    assert training_lines[-1].endswith("ready")
    assert "trained on" in trained.out and "+finetuned" not in trained.out
    one = run_cli("classify", "Diolch yn fawr am ddod i'r ysgol heddiw",
                  env={paths.DATA_DIR_ENV: str(data)})
    assert one.code == 0, one.err
    assert json.loads(one.out)["category"] == "chat"
    assert "using the fast model" in one.err and "Traceback" not in one.err
