"""The real model (MiniLM from the installed package), trained once for the session.

Thresholds sit below the measured development-split figures (BENCHMARKS.md) so they catch a
real regression, not noise.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from socialdesk import paths
from socialdesk.core.classify import service
from socialdesk.core.classify.data import dev_file
from socialdesk.core.classify.evaluate import evaluate_file
from socialdesk.core.services import Desk
from tests.ingest_helpers import page_config, start_fake

pytestmark = pytest.mark.slow
EVAL_KEYS = {"n", "accuracy", "macro_f1", "per_class", "urgent", "by_language", "confusion",
             "msgs_per_s", "model"}


def test_development_split_quality(model_dir: Path) -> None:
    result = evaluate_file(service.Classifier(model_dir), dev_file(paths.prompts_dir()))
    assert set(result) == EVAL_KEYS
    assert result["n"] >= 400
    assert result["macro_f1"] >= 0.82
    assert result["by_language"]["cy"]["macro_f1"] >= 0.75
    assert result["urgent"]["recall"] >= 0.96  # the safety net: missing urgent is the worst
    assert result["urgent"]["precision"] >= 0.4


def test_predictions_carry_reasons_language_and_version(model_dir: Path) -> None:
    model = service.Classifier(model_dir)
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


def test_training_data_version_is_reproducible() -> None:
    examples = service.training_examples()
    assert service.data_version(examples) == service.data_version(list(examples))


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
        desk = Desk(replace(config, page=page_config(config, fake)), tmp_path / "c.db")
        desk.auto_classify = True
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
        (correction,) = desk.corrections()
        assert correction.category == "report" and correction.urgent is True
    finally:
        os.environ.pop(config.page.token_env, None)
        fake.stop()


def test_fine_tuned_model_exports_and_joins_the_ensemble(model_dir: Path, tmp_path: Path):
    """A tiny fine-tune (64 examples, 1 epoch) through the real export and serving path."""
    import shutil

    from socialdesk.core.classify.finetune import FineTunedModel, fine_tune

    examples = service.training_examples()[::24][:64]
    graph = fine_tune(examples, tmp_path / "finetuned.onnx", epochs=1)
    probs, urgent = FineTunedModel(graph).predict(["Diolch!", "There's a man with a knife"])
    assert probs.shape == (2, 3) and abs(probs.sum(axis=1) - 1).max() < 1e-5
    assert ((urgent >= 0) & (urgent <= 1)).all()
    ensemble_dir = tmp_path / "model"
    shutil.copytree(model_dir, ensemble_dir)
    shutil.copy(graph, ensemble_dir / "finetuned.onnx")
    plain, ensemble = service.Classifier(model_dir), service.Classifier(ensemble_dir)
    assert ensemble.finetuned is not None
    text = ["Mae dyn yn ymosod ar ddynes tu allan i'r Bull rŵan"]
    alone, joined = plain.classify(text)[0], ensemble.classify(text)[0]
    assert joined.urgent  # the ensemble never drops an urgent flag the fused model raises
    assert joined.probabilities != alone.probabilities  # the fine-tuned model takes part
