"""The model desk: the classifier in use, classifying what waits, and building a better one.

First use trains the fast model (under a minute); the process running the background jobs then
builds the full one and switches to it. Officers' choices always win: a category an officer
set is never overwritten, an urgent flag is never taken away by a model, and a later model
classifies again only items nobody has touched.
"""

from __future__ import annotations

import json
import threading

from socialdesk.core.classify.classifier import Classifier, Prediction
from socialdesk.core.classify.data import Example
from socialdesk.core.classify.training import (
    Recipe,
    TrainProgress,
    current_model_dir,
    load_or_train,
    train,
)
from socialdesk.core.desk import access
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.models import Progress
from socialdesk.core.store import predictions

#: Items classified and committed together (a backlog's page). Bigger pages share the
#: per-page costs (the write, the due times, the posts' embeddings); measured in BENCHMARKS.md.
CLASSIFY_BATCH = 1024


class ModelDesk:
    """The classifier of one desk (one per process: loading it costs a fraction of a second,
    training it up to minutes)."""

    def __init__(self, context: DeskContext, recipe: Recipe | None = None) -> None:
        self.context = context
        #: what `retrain` and first use build from (tests use a smaller recipe)
        self.recipe = recipe or Recipe()
        #: classify new items as they are synced (a model must exist or be trainable)
        self.auto_classify = False
        self._classifier: Classifier | None = None
        self._lock = threading.Lock()
        self._classifying = threading.Lock()

    def classifier(self, progress: TrainProgress | None = None,
                   train_if_missing: bool = True) -> Classifier | None:
        """The loaded model; on a machine that has none it is trained first (if allowed),
        otherwise None."""
        with self._lock:
            if self._classifier is None:
                if current_model_dir() is None:
                    if not train_if_missing:
                        return None
                    # first use trains from officers' corrections into the data dir: members
                    self.context.require(access.Permission.TRAIN)
                self._classifier = load_or_train(progress, self.corrections(), self.recipe)
            return self._classifier

    def corrections(self) -> list[Example]:
        """Officers' reclassifications (the latest per item) as training examples (none when
        there is no database: classifying a text needs no desk)."""
        if not self.context.database_exists():
            return []
        rows = predictions.latest_corrections(self.context.store)
        return [Example(text=t, category=cat, urgent=bool(u), language=lang, kind=kind,
                        post=post, source="correction") for t, cat, u, lang, kind, post in rows]

    def needs_full_model(self) -> bool:
        """True when the model in use is the fast one and the config asks for the full one."""
        if not self.context.config.model.fine_tune_in_background:
            return False
        with self._lock:
            model = self._classifier
        return model is not None and model.finetuned is None

    def improve_model(self, progress: TrainProgress | None = None) -> Classifier | None:
        """Build the full model (fine-tuned MiniLM beside the fused one), switch to it and
        classify again the items nobody has touched; None when there was nothing to do."""
        if not self.needs_full_model():
            return None
        model = self.retrain(full=True, progress=progress)
        self.reclassify_untouched(model)
        return model

    def retrain(self, full: bool = False, progress: TrainProgress | None = None) -> Classifier:
        """Rebuild the model (with officers' corrections), make it current and use it."""
        model = Classifier(train(self.corrections(), progress, full=full, recipe=self.recipe))
        with self._lock:  # loaded first: classifying never waits for the load
            self._classifier = model
        return model

    def classify_pending(self, train_if_missing: bool = False,
                         progress: Progress | None = None, limit: int | None = None) -> int:
        """Classify items no model has seen yet (at most ``limit``), urgent ones first; return
        how many. Officers' choices stay.

        A page at a time: each page's predictions and due times are committed before the
        next is read, then ``progress(done, total)`` is called — raising from it (Ctrl-C, a
        dashboard quitting) stops the work with every committed page kept; the rest waits for
        the next run. One thread of a process classifies at a time: another call returns 0 at
        once (the running one takes whatever arrives meanwhile)."""
        model = self.classifier(train_if_missing=train_if_missing)
        if model is None or not self._classifying.acquire(blocking=False):
            return 0
        try:
            store = self.context.store
            total = predictions.pending_count(store)
            done = 0
            while limit is None or done < limit:
                page = CLASSIFY_BATCH if limit is None else min(CLASSIFY_BATCH, limit - done)
                rows = predictions.pending_items(store, page)
                if not rows:
                    break
                self._store(model, rows, predictions.FIRST_PREDICTION)
                self.context.fill_due_times()
                done += len(rows)
                if done >= total:  # more arrived meanwhile
                    total = done + predictions.pending_count(store)
                if progress is not None:
                    progress(done, total if limit is None else min(total, limit))
            return done
        finally:
            self._classifying.release()

    def reclassify_untouched(self, model: Classifier, progress: Progress | None = None) -> int:
        """Classify again, with ``model``, items still new, unclaimed and never corrected.

        An urgent flag is never taken away (only officers do that); a changed category gets
        its first-response due time again (the clock still runs from the item's arrival).
        Read a page at a time in id order; ``progress`` as in :meth:`classify_pending`.
        """
        store = self.context.store
        total = predictions.untouched_count(store, model.version)
        done, after = 0, 0
        while rows := predictions.untouched_items(store, model.version, after, CLASSIFY_BATCH):
            self._store(model, rows, predictions.NEW_PREDICTION,  # checked again as it
                        only_untouched=True)                       # writes: officers act
            self.context.fill_due_times()
            done, after = done + len(rows), rows[-1][0]
            if progress is not None:
                progress(done, max(total, done))
        return done

    def pending_count(self) -> int:
        """Items waiting for the classifier."""
        return predictions.pending_count(self.context.store)

    def _store(self, model: Classifier, rows: list[predictions.ItemText], assignments: str,
               only_untouched: bool = False) -> None:
        """Classify ``rows`` and write the predictions in one transaction."""
        said = model.classify([r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows])
        predictions.write_predictions(
            self.context.store,
            [prediction_row(row[0], p) for row, p in zip(rows, said, strict=True)],
            assignments, only_untouched)


def prediction_row(item_id: int, p: Prediction) -> dict[str, object]:
    """The items columns a prediction fills, as named parameters."""
    return {"id": item_id, "category": p.category, "urgent": int(p.urgent),
            "cues": json.dumps(p.urgent_cues, ensure_ascii=False),
            "confidence": p.confidence, "probabilities": json.dumps(p.probabilities),
            "language": p.language, "version": p.model_version}
