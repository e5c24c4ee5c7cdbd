"""Labelled examples: the team's compact example files in prompts/examples, and JSONL.

Compact format (one example a line, easy for officers to read and extend)::

    # a comment line
    ## post: Bike marking event at Llangefni leisure centre this Saturday
    h  en c  Brilliant, will bring the kids' bikes 👍
    r! cy m  Mae dyn yn ymosod ar rywun tu allan i'r Bull rŵan
    ## end

Label: ``r`` report, ``c`` concern, ``h`` chat, ``!`` = urgent. Language ``en``, ``cy`` or
``mx`` (mixed). Kind ``c`` comment or ``m`` message. ``## post:`` gives the post that the
following comments sit under, until ``## end`` or the next ``## post:``. ``\\n`` in a text is
a line break.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from socialdesk.errors import UserError

CATEGORIES = ("report", "concern", "chat")
LABELS = {"r": "report", "c": "concern", "h": "chat"}
LANGUAGES = {"en": "en", "cy": "cy", "mx": "mixed", "mixed": "mixed"}
KINDS = {"c": "comment", "m": "message"}
LINE = re.compile(r"(?P<label>[rch])(?P<urgent>!?)\s+(?P<lang>en|cy|mx)\s+(?P<kind>[cm])\s+"
                  r"(?P<text>\S.*)")


@dataclass(frozen=True)
class Example:
    """A labelled item the model trains or is scored on: its text, the labels it carries (None
    where unlabelled) and where it was written."""

    text: str
    category: str | None = None
    urgent: bool | None = None
    language: str | None = None
    kind: str | None = None
    post: str | None = None
    source: str = ""

    @property
    def context(self) -> str | None:
        """The post a comment sits under (None for a message or a comment without one)."""
        return self.post if self.post and (self.kind or "comment") == "comment" else None


class ExampleFileError(UserError):
    """An example or evaluation file that cannot be read."""


def parse_compact(path: Path) -> list[Example]:
    """Read a compact example file; a malformed line is an error naming the line."""
    examples: list[Example] = []
    post: str | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or (line.startswith("#") and not line.startswith("##")):
            continue
        if line.startswith("## post:"):
            post = line[len("## post:"):].strip() or None
            continue
        if line == "## end":
            post = None
            continue
        match = LINE.fullmatch(line)
        if not match:
            raise ExampleFileError(f"{path}:{number}: not an example line "
                                   "(expected e.g. 'r! cy m  text').")
        examples.append(Example(
            text=match["text"].replace("\\n", "\n"), category=LABELS[match["label"]],
            urgent=bool(match["urgent"]), language=LANGUAGES[match["lang"]],
            kind=KINDS[match["kind"]], post=post if match["kind"] == "c" else None,
            source=f"{path.name}:{number}"))
    return examples


def parse_jsonl(path: Path) -> list[Example]:
    """Read an evaluation JSONL file (DESIGN.md §6 fields; others ignored)."""
    examples: list[Example] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ExampleFileError(f"{path}: cannot be read ({exc}).") from None
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError:
            raise ExampleFileError(f"{path}:{number}: not valid JSON.") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise ExampleFileError(f"{path}:{number}: each line needs a 'text'.")
        category = record.get("category")
        if category is not None and category not in CATEGORIES:
            raise ExampleFileError(f"{path}:{number}: category must be report, concern or "
                                   f"chat, got {category!r}.")
        urgent = record.get("urgent")
        language = record.get("language")
        examples.append(Example(
            text=record["text"], category=category,
            urgent=bool(urgent) if urgent is not None else None,
            language=LANGUAGES.get(language, language) if isinstance(language, str) else None,
            kind=record.get("kind") if record.get("kind") in ("comment", "message") else None,
            post=record.get("post") if isinstance(record.get("post"), str) else None,
            source=f"{path.name}:{number}"))
    return examples


def load_examples(path: Path) -> list[Example]:
    """Examples from a .txt (compact) or .jsonl file."""
    if not path.is_file():
        raise ExampleFileError(f"{path}: no such file.")
    return parse_jsonl(path) if path.suffix.lower() in (".jsonl", ".ndjson") \
        else parse_compact(path)


def training_files(prompts: Path) -> list[Path]:
    """The training example files (everything in prompts/examples except the dev split)."""
    return sorted(p for p in (prompts / "examples").glob("*.txt") if not p.name.startswith("dev"))


def dev_file(prompts: Path) -> Path:
    """The development split: never trained on; every reported number comes from it."""
    return prompts / "examples" / "dev.txt"
