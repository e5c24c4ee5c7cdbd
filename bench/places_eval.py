"""Score the gazetteer's place extraction on a labelled JSONL set (issue 23): precision and
recall overall, Welsh (cy + mixed) and English apart, with every miss and false hit listed.

    python -m bench.places_eval prompts/test_sets/places.jsonl [--json] [--text-only]
    make bench places-eval       (the same file; the numbers go into BENCHMARKS.md)

Each line: {"id", "text", "post" (or null), "language": "en"|"cy"|"mixed",
"places": [{"mention": "ym Mhorthaethwy", "place": "Menai Bridge / Porthaethwy"}, …]}.

A gold place matches a predicted gazetteer entry when its "place" (either side of " / ", a
part before a comma or in brackets too) or its mention, normalised — folded (case, accents),
a leading preposition or article dropped ("ym", "i'r", "the"), the first word taken back to
its radical (Welsh mutations: "Mhorthaethwy" → "porthaethwy") — equals a name, alias or
misspelling of the entry (a street also with its town: "High Street, Llangefni"). A gold
place named twice counts once. Predictions are the places of the text and of its post (as
the desk tags an item); --text-only scores the text alone.

Nothing is tuned on this file: the set is written by people who never saw the gazetteer.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialdesk.core.places import load_gazetteer, places_in, words_of
from socialdesk.core.welsh import radicals

DEFAULT_SET = Path(__file__).resolve().parent.parent / "prompts" / "test_sets" / "places.jsonl"
HELD_OUT_SET = DEFAULT_SET.with_name("places3.jsonl")
SECOND_SET = DEFAULT_SET.with_name("places2.jsonl")
#: Words that may stand before a place in a mention without being part of its name.
LEADING = frozenset({"ym", "yng", "yn", "i", "o", "r", "y", "yr", "the", "in", "at", "to",
                     "from", "near", "ger", "a", "ac", "am", "ar", "dros", "drwy",
                     "trwy", "tua", "gyda", "wrth"})
Key = tuple[str, ...]


def name_keys(text: str) -> set[Key]:
    """A written name as comparable word tuples: folded, leading prepositions/articles off,
    and its first word in every radical form it may be a mutation of."""
    words = words_of(text)
    keys: set[Key] = set()
    for start in range(len(words)):
        rest = words[start:]
        if rest:
            keys.add(rest)
            keys.update((radical, *rest[1:]) for radical in radicals(rest[0]))
        if start < len(words) and words[start] not in LEADING:
            break
    return keys


def gold_keys(place: dict[str, Any]) -> set[Key]:
    """Every key a gold place may be matched by: its place's names and its mention."""
    keys: set[Key] = set()
    written = str(place.get("place") or "")
    parts = [p for side in written.split(" / ")
             for p in (side, *re.split(r"[,(]", side)[:1], *re.findall(r"\(([^)]*)\)", side))]
    for part in [*parts, str(place.get("mention") or "")]:
        if part.strip():
            keys |= name_keys(part)
    return keys


def entry_keys() -> dict[str, set[Key]]:
    """Every gazetteer entry's names as keys (a street's also with its town's names)."""
    gaz = load_gazetteer()
    found: dict[str, set[Key]] = {}
    for place in gaz.places.values():
        keys = {words_of(name) for name in place.names}
        keys |= {key[1:] for key in keys if len(key) > 1 and key[0] in ("y", "yr", "the")}
        town = gaz.entry(place.town) if place.town else None
        if place.kind == "street" and town is not None:
            keys |= {words_of(f"{name} {where}") for name in place.names for where in town.names}
        found[place.id] = keys
    return found


@dataclass
class Tally:
    """Matches, misses and false hits of one slice."""

    items: int = 0
    true: int = 0
    missed: int = 0
    false: int = 0

    @property
    def precision(self) -> float:
        """Share of predicted places that were right (1.0 with no prediction)."""
        return self.true / (self.true + self.false) if self.true + self.false else 1.0

    @property
    def recall(self) -> float:
        """Share of gold places found (1.0 with none to find)."""
        return self.true / (self.true + self.missed) if self.true + self.missed else 1.0

    def as_dict(self) -> dict[str, Any]:
        """For --json."""
        return {"items": self.items, "true": self.true, "missed": self.missed,
                "false": self.false, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4)}


@dataclass
class Score:
    """The whole set's tallies and the misses and false hits, item by item."""

    overall: Tally = field(default_factory=Tally)
    welsh: Tally = field(default_factory=Tally)
    english: Tally = field(default_factory=Tally)
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_hits: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """For --json."""
        return {"overall": self.overall.as_dict(), "cy": self.welsh.as_dict(),
                "en": self.english.as_dict(), "misses": self.misses,
                "false_hits": self.false_hits, "seconds": round(self.seconds, 3)}


def predicted(line: dict[str, Any], text_only: bool) -> list[str]:
    """The gazetteer entries the desk would tag the item with."""
    text, post = str(line.get("text") or ""), str(line.get("post") or "")
    found = places_in(text, post)
    if post and not text_only:
        found += [p for p in places_in(post, text) if p not in found]
    return found


def score_item(line: dict[str, Any], keys: dict[str, set[Key]], text_only: bool,
               score: Score, island_only: bool = False) -> None:
    """Add one item to the tallies (``island_only``: places the labellers marked as off the
    island — Bangor, Chester… — are left out: the gazetteer is Anglesey's)."""
    guesses = predicted(line, text_only)
    slices = [score.overall, score.welsh if line.get("language") in ("cy", "mixed")
              else score.english]
    used: set[str] = set()
    missed_places: list[object] = []
    true = missed = 0
    for gold in line.get("places") or []:
        if island_only and gold.get("on_island") is False:
            continue
        wanted = gold_keys(gold)
        matches = [g for g in guesses if keys.get(g, set()) & wanted]
        if matches:
            fresh = [g for g in matches if g not in used]
            if fresh:   # else the same place named again: counted once
                used.add(fresh[0])
                true += 1
            continue
        same = next((pid for pid, names in keys.items() if names & wanted), None) \
            or frozenset(wanted)
        if same not in missed_places:
            missed_places.append(same)
            missed += 1
            score.misses.append({"id": line.get("id"), "mention": gold.get("mention"),
                                 "place": gold.get("place"), "text": line.get("text")})
    false = [g for g in guesses if g not in used]
    for guess in false:
        score.false_hits.append({"id": line.get("id"), "place": guess,
                                 "text": line.get("text")})
    for tally in slices:
        tally.items += 1
        tally.true += true
        tally.missed += missed
        tally.false += len(false)


def score_lines(lines: list[dict[str, Any]], text_only: bool = False,
                island_only: bool = False) -> Score:
    """Score labelled items (already parsed)."""
    keys = entry_keys()
    score = Score()
    start = time.perf_counter()
    for line in lines:
        score_item(line, keys, text_only, score, island_only)
    score.seconds = time.perf_counter() - start
    return score


def read_set(path: Path) -> list[dict[str, Any]]:
    """The labelled items of a JSONL file (blank lines skipped)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def summary(score: Score) -> str:
    """The tallies as a Markdown table."""
    rows = ["| slice | items | right | missed | false hits | precision | recall |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for name, tally in (("all", score.overall), ("Welsh (cy + mixed)", score.welsh),
                        ("English", score.english)):
        rows.append(f"| {name} | {tally.items} | {tally.true} | {tally.missed} | "
                    f"{tally.false} | {tally.precision:.3f} | {tally.recall:.3f} |")
    return "\n".join(rows)


def details(score: Score) -> str:
    """Every miss and false hit, one a line."""
    out = [f"misses ({len(score.misses)}):"]
    out += [f"  {m['id']}: {m['mention']!r} ({m['place']}) in {m['text']!r}"
            for m in score.misses]
    out.append(f"false hits ({len(score.false_hits)}):")
    out += [f"  {f['id']}: {f['place']} in {f['text']!r}" for f in score.false_hits]
    return "\n".join(out)


def run() -> None:
    """`make bench places-eval`: score the labelled set and record it in BENCHMARKS.md."""
    from bench.report import write_section

    parts = []
    for path, what in ((HELD_OUT_SET, "held out: written blind by a third helper; only its "
                        "scores were read, never its items, misses or false hits"),
                       (SECOND_SET, "the second blind set: scored blind once, then its "
                        "misses were read to improve the gazetteer, so it is a development set "
                        "now"),
                       (DEFAULT_SET, "the first blind set: its misses were seen, so it "
                        "is a development set")):
        if not path.exists():
            print(f"places-eval: {path} is not there; not scored.")
            continue
        lines = read_set(path)
        score = score_lines(lines)
        island = score_lines(lines, island_only=True)
        print(f"{path.name}\n{summary(score)}")
        parts.append(f"`prompts/test_sets/{path.name}` ({len(lines)} items; {what}). Every "
                     f"labelled place (off-island ones included, which the gazetteer does not "
                     f"hold):\n\n{summary(score)}\n\nPlaces on the island only:\n\n"
                     f"{summary(island)}")
    if not parts:
        return
    write_section("Places: gazetteer extraction", (
        "Place extraction (`socialdesk.core.places.places_in`, text and post) on sets written "
        "by helpers who never saw the gazetteer. Goal: precision ≥ 0.95, recall ≥ 0.9.\n\n"
        + "\n\n".join(parts) + "\n\n"
        "Misses and false hits: `python -m bench.places_eval FILE`."))


def main(argv: list[str] | None = None) -> int:
    """The scorer's command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.places_eval",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_SET)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--text-only", action="store_true",
                        help="predict from the item's text alone (not its post)")
    options = parser.parse_args(argv)
    try:
        lines = read_set(options.file)
    except (OSError, ValueError) as exc:
        print(f"places_eval: cannot read {options.file}: {exc}", file=sys.stderr)
        return 1
    score = score_lines(lines, options.text_only)
    if options.json:
        print(json.dumps(score.as_dict(), ensure_ascii=False, indent=1))
    else:
        print(summary(score))
        print(details(score))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
