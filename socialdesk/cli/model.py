"""The classifier from the command line: ``classify``, ``train`` and ``eval``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from socialdesk.cli.base import Command, open_desk
from socialdesk.cli.output import long_work, note, say, train_progress
from socialdesk.core.classify.classifier import Classifier
from socialdesk.core.classify.data import ExampleFileError
from socialdesk.core.classify.training import current_model_dir
from socialdesk.core.desk import Desk
from socialdesk.core.desk.access import Permission
from socialdesk.errors import UserError

#: What a stopped classification says is left to do.
CLASSIFY_REST = ("'socialdesk classify --pending' classifies the rest (so do the dashboard and "
                 "the worker)")


def classify_waiting(desk: Desk, train_if_missing: bool = False) -> int:
    """Classify the items waiting for the model, with progress on stderr; Ctrl-C keeps every
    committed page and says what is left. Returns how many were classified."""
    with long_work("classifying", "items", again=CLASSIFY_REST) as progress:
        return desk.model.classify_pending(train_if_missing=train_if_missing,
                                           progress=progress)


def classify_if_model(desk: Desk) -> None:
    """Classify new items when a model exists; otherwise say how to get one."""
    done = classify_waiting(desk)
    if done:
        say(f"classified {done} new items")
    waiting = desk.model.pending_count()
    if waiting:
        say(f"{waiting} items wait unclassified: build a model once with 'socialdesk "
            "train --fast' (under a minute) or 'socialdesk train' (the full one, roughly 20 "
            "minutes on 2 cores)")


def ready_classifier(desk: Desk) -> Classifier:
    """The model, trained first on a machine without one; says on stderr when it is the fast
    one."""
    if current_model_dir() is None:
        desk.require(Permission.TRAIN)      # first use trains: members only
        note("no model on this machine yet; training the fast model from prompts/ (first "
             "use, under a minute)")
    model = desk.model.classifier(train_progress())
    assert model is not None  # train_if_missing: a model always comes back
    if model.finetuned is None:
        note("using the fast model; 'socialdesk train' builds the full, more accurate one "
             "(roughly 20 minutes on 2 cores; the dashboard and worker build it in the "
             "background)")
    return model


def _stdin_records() -> list[dict[str, Any]]:
    records = []
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise ValueError
        except ValueError:
            raise ExampleFileError(f"stdin line {number}: expected a JSON object with a "
                                   "'text'.") from None
        records.append(record)
    return records


class Classify(Command):
    """Classify one text, or JSONL on stdin."""

    name = "classify"
    summary = ("classify one TEXT, or JSONL on stdin (no TEXT, or -; JSONL with predictions "
               "out)")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The text (or nothing / - for stdin), its post and kind."""
        parser.add_argument("text", nargs="?", metavar="TEXT")
        parser.add_argument("--post", help="the post a comment sits under (context)")
        parser.add_argument("--kind", choices=("comment", "message"))
        parser.add_argument("--pending", action="store_true",
                            help="classify the items in the database that wait for the model "
                            "(after an import or sync that was stopped), with progress")

    def run(self, options: argparse.Namespace) -> int:
        """One JSON prediction, or each stdin record with its prediction added; with
        --pending, the database's waiting items."""
        if options.pending:
            return self._pending(options)
        model = ready_classifier(open_desk(options))
        if options.text not in (None, "-"):  # "-" reads stdin, as elsewhere on Unix
            (prediction,) = model.classify([options.text], [options.post], [options.kind])
            print(json.dumps(prediction.as_dict(), ensure_ascii=False))
            return 0
        records = _stdin_records()
        predictions = model.classify([r["text"] for r in records],
                                     [r.get("post") for r in records],
                                     [r.get("kind") for r in records])
        for record, prediction in zip(records, predictions, strict=True):
            print(json.dumps({**record, **prediction.as_dict()}, ensure_ascii=False))
        return 0

    def _pending(self, options: argparse.Namespace) -> int:
        if options.text is not None:
            raise UserError("classify --pending takes no TEXT: it classifies the items "
                             "waiting in the database.")
        desk = open_desk(options)
        desk.require(Permission.IMPORT)
        ready_classifier(desk)
        done = classify_waiting(desk)
        say(f"classified {done:,} waiting items" if done else "no items were waiting")
        return 0


class Train(Command):
    """``socialdesk train``: rebuilds the model from prompts/ examples and officers' corrections,
    then classifies again what nobody has touched."""

    name = "train"
    summary = "rebuild the model from prompts/ examples + officer corrections"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Adds --fast: only the fused model (under a minute), without fine-tuning MiniLM."""
        parser.add_argument("--fast", action="store_true",
                            help="only the fused model (under a minute), without fine-tuning "
                            "MiniLM (the full model takes roughly 20 minutes on 2 cores and is "
                            "more accurate)")

    def run(self, options: argparse.Namespace) -> int:
        """Train, then classify what waits and again what nobody has touched."""
        desk = open_desk(options)
        desk.require(Permission.TRAIN)
        model = desk.model.retrain(full=not options.fast, progress=train_progress())
        meta = model.meta
        say(f"model {meta['version']} trained on {meta['examples']} examples "
            f"({meta['corrections']} officer corrections) in {meta['trained_seconds']} s")
        if not desk.context.database_exists():
            return 0
        done = classify_waiting(desk)
        say(f"classified {done} waiting items" if done else "no items were waiting")
        with long_work("classifying again", "items", again="run 'socialdesk train' again to "
                       "classify the rest with a new model") as progress:
            again = desk.model.reclassify_untouched(model, progress)
        if again:
            say(f"classified again {again} items nobody has touched yet")
        return 0


class Eval(Command):
    """Score the model on a labelled file."""

    name = "eval"
    summary = "score the model on a labelled JSONL file"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Takes the labelled JSONL FILE to score on, and --json for one JSON object."""
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--json", action="store_true", help="one JSON object (DESIGN.md §6)")

    def run(self, options: argparse.Namespace) -> int:
        """The scores as a table, or one JSON object."""
        from socialdesk.core.classify.evaluate import evaluate_file, format_report

        model = ready_classifier(open_desk(options))
        result = evaluate_file(model, Path(options.file))
        print(json.dumps(result, ensure_ascii=False) if options.json else format_report(result))
        return 0


COMMANDS: tuple[Command, ...] = (Classify(), Train(), Eval())
