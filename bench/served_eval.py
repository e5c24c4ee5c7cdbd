"""Score the model currently served (in the data dir) on the development split, as
`socialdesk eval prompts/examples/dev.txt --json` does."""

from __future__ import annotations

from bench.report import write_section
from socialdesk import paths
from socialdesk.core.classify import service
from socialdesk.core.classify.data import dev_file
from socialdesk.core.classify.evaluate import evaluate_file


def run() -> None:
    """Evaluate the current model (training one first if there is none)."""
    folder = service.current_model_dir() or service.train()
    model = service.Classifier(folder)
    r = evaluate_file(model, dev_file(paths.prompts_dir()))
    cls = r["per_class"]
    lang = r["by_language"]
    body = f"""\
Model `{r['model']}` ({'fused + fine-tuned ensemble' if model.finetuned else 'fused only'}),
{r['n']} development items, {r['msgs_per_s']:.0f} messages/s.

| metric | value |
|---|---:|
| accuracy | {r['accuracy']:.3f} |
| macro-F1 | {r['macro_f1']:.3f} |
| report / concern / chat F1 | {cls['report']['f1']:.3f} / {cls['concern']['f1']:.3f} / {cls['chat']['f1']:.3f} |
| macro-F1 en / cy / mixed | {lang['en']['macro_f1']:.3f} / {lang['cy']['macro_f1']:.3f} / {lang['mixed']['macro_f1']:.3f} |
| urgent precision / recall (support {r['urgent']['support']}) | {r['urgent']['precision']:.3f} / {r['urgent']['recall']:.3f} |

Goals (issue 5): macro-F1 ≥ 0.92, Welsh+mixed ≥ 0.90, urgent recall ≥ 0.98 with precision ≥ 0.6.
"""
    write_section(f"Served model on the development split: {'ensemble' if model.finetuned else 'fused'}", body)
