"""The reply library: ready answers by topic, in English and Welsh, that officers pick in the
composer and supervisors keep up to date (seeded from ``prompts/reply_library.toml``).

A template's text may hold only the placeholders of :data:`PLACEHOLDERS` (see the TOML file's
header): ``{name}``, ``{place}``, ``{ref}``, ``{team}``, ``{officer}``, and in Welsh a place after
a preposition that mutates it, the preposition included — ``{yn_place}`` is "ym Mangor", "yng
Nghaergybi", "yn Llangefni"; ``{i_place}`` "i Gaergybi" (:func:`socialdesk.core.welsh.after`).
The checks run when the library is loaded and whenever a template is saved, so a typo is one
sentence, never a broken draft. What is not known when a draft is filled stays visible as a
gap ("[ref]", "[lle]") that the composer will not send.
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from socialdesk import paths
from socialdesk.core import welsh
from socialdesk.core.places import Place, fold, gazetteer, words_of
from socialdesk.errors import UserError
from socialdesk.prompts import read_prompt_toml

LIBRARY_FILE = "reply_library.toml"
LANGUAGES = ("en", "cy")
LANGUAGE_NAME = {"en": "English", "cy": "Welsh"}
#: Placeholders any template may use.
PLACEHOLDERS = ("name", "place", "ref", "team", "officer")
#: Welsh-only placeholders: the place after a preposition, mutated ("{yn_place}").
PLACE_AFTER = {f"{word}_place": word for word in welsh.PREPOSITIONS}
#: What an unknown first name becomes (as the default drafts do).
UNKNOWN_NAME = {"en": "there", "cy": "chi"}
#: Visible gaps for what is not known, in each language: the officer fills them in.
GAPS = {"en": {"place": "[place]", "ref": "[ref]"},
        "cy": {"place": "[lle]", "ref": "[cyfeirnod]"}}
KEY = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
#: A bare {place} right after a Welsh word that mutates it ("yn {place}").
_UNMUTATED = re.compile(r"\b(" + "|".join(("ym", "yng", *welsh.PREPOSITIONS)) +
                        r")\s+\{place\}", re.IGNORECASE)
TITLE_MAX = 120
TEXT_MAX = 2000


@dataclass(frozen=True)
class ReplyTemplate:
    """One template in one language, as the database holds it."""

    id: int
    key: str
    topic: str
    title: str
    language: str
    text: str
    public: bool
    version: int
    updated_by: str
    updated_at: str
    retired: bool

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ReplyTemplate:
        """From a ``reply_templates`` row."""
        return cls(int(row["id"]), str(row["key"]), str(row["topic"]), str(row["title"]),
                   str(row["language"]), str(row["text"]), bool(row["public"]),
                   int(row["version"]), str(row["updated_by"] or ""),
                   str(row["updated_at"] or ""), bool(row["retired"]))

    @property
    def subject(self) -> str:
        """Its subject in the audit chain (where its versions are)."""
        return subject_of(self.key, self.language)


def subject_of(key: str, language: str) -> str:
    """The audit-chain subject of a template ("reply:scam-courier:cy")."""
    return f"reply:{key}:{language}"


@dataclass(frozen=True)
class Library:
    """What the prompts file holds: topic names and the seed templates (rows to insert)."""

    path: Path
    digest: str
    topics: dict[str, dict[str, str]]
    seeds: list[dict[str, Any]]


# ── checking what a template says ────────────────────────────────────────────────────────


def check_text(text: str, language: str, where: str) -> None:
    """Refuse (UserError naming ``where``) a text with an unknown placeholder, a Welsh-only
    one in English, or a Welsh place left unmutated after a preposition ("yn {place}")."""
    if not text.strip():
        raise UserError(f"{where}: the text is empty.")
    if len(text) > TEXT_MAX:
        raise UserError(f"{where}: the text is longer than {TEXT_MAX} characters.")
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        raise UserError(f"{where}: a brace {{ or }} is not closed (placeholders look like "
                        "{name}).") from None
    for _, field, spec, conversion in fields:
        if field is None:
            continue
        if field in PLACE_AFTER and language != "cy":
            raise UserError(f"{where}: {{{field}}} is for Welsh texts (write '... {{place}}' "
                            "in English).")
        if field not in PLACEHOLDERS and field not in PLACE_AFTER:
            known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise UserError(f"{where}: {{{field}}} is not a placeholder socialdesk knows "
                            f"({known}, and in Welsh {{yn_place}}, {{i_place}}…).")
        if spec or conversion:
            raise UserError(f"{where}: write the placeholder as {{{field}}}, without "
                            "':' or '!'.")
    if language == "cy" and (found := _UNMUTATED.search(text)):
        word = found.group(1).lower()
        word = "yn" if word in ("ym", "yng") else word
        raise UserError(f"{where}: write {{{word}_place}} instead of '{found.group(0)}', so "
                        "that the place is mutated (ym Mangor, i Gaergybi).")


def check_template(key: str, topic: str, language: str, title: str, text: str,
                   topics: dict[str, dict[str, str]], where: str) -> None:
    """Refuse (one sentence) a template that cannot be saved."""
    if not KEY.fullmatch(key):
        raise UserError(f"{where}: a key is lower-case words joined by '-' "
                        f"(e.g. scam-courier), got '{key}'.")
    if topic not in topics:
        raise UserError(f"{where}: '{topic}' is not a topic ({', '.join(sorted(topics))}).")
    if language not in LANGUAGES:
        raise UserError(f"{where}: the language is en or cy, got '{language}'.")
    if not title.strip() or len(title) > TITLE_MAX or "\n" in title:
        raise UserError(f"{where}: the title must be one line of 1 to {TITLE_MAX} "
                        "characters.")
    check_text(text, language, where)


# ── the prompts file ─────────────────────────────────────────────────────────────────────


@lru_cache(maxsize=4)
def load_library(folder: Path | None = None) -> Library:
    """The topics and seed templates of ``reply_library.toml`` (every template checked: a bad
    one is one sentence naming the file and the template)."""
    path = (folder or paths.prompts_dir()) / LIBRARY_FILE
    data = read_prompt_toml(path, "the reply library")
    raw_topics = data.get("topics")
    if not isinstance(raw_topics, dict) or not raw_topics:
        raise UserError(f"{path}: [topics] must name each topic in en and cy.")
    topics: dict[str, dict[str, str]] = {}
    for topic, names in raw_topics.items():
        if not isinstance(names, dict) or not all(isinstance(names.get(lang), str)
                                                  for lang in LANGUAGES):
            raise UserError(f"{path}: topic '{topic}' needs an en and a cy name.")
        topics[topic] = {lang: names[lang] for lang in LANGUAGES}
    seeds: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, entry in enumerate(data.get("reply", []), start=1):
        where = f"{path}: [[reply]] {number}"
        if not isinstance(entry, dict):
            raise UserError(f"{where} must be a table.")
        key = str(entry.get("key", ""))
        where = f"{path}: [[reply]] '{key or number}'"
        if key in seen:
            raise UserError(f"{where} appears twice.")
        seen.add(key)
        unknown = set(entry) - {"key", "topic", "public", "title_en", "title_cy", "en", "cy"}
        if unknown:
            raise UserError(f"{where}: unknown field {sorted(unknown)[0]}.")
        for language in LANGUAGES:
            title, text = entry.get(f"title_{language}"), entry.get(language)
            if not isinstance(title, str) or not isinstance(text, str):
                raise UserError(f"{where} needs title_{language} and {language} texts.")
            check_template(key, str(entry.get("topic", "")), language, title, text, topics,
                           f"{where} ({language})")
            seeds.append({"key": key, "topic": entry["topic"], "title": title.strip(),
                          "language": language, "text": text.strip(),
                          "public": int(bool(entry.get("public", False)))})
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Library(path, digest, topics, seeds)


# ── filling a template ───────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Fill:
    """What the placeholders become for one item (None: not known)."""

    name: str | None = None
    place: Place | None = None
    ref: str | None = None
    team: str = ""
    officer: str = ""


def first_name(author: str | None) -> str | None:
    """The first word of an author's name (None when there is none)."""
    first = (author or "").strip().split(" ")[0].strip()
    return first or None


def find_place(text: str) -> Place | None:
    """The first place of the gazetteer that ``text`` names, in any of its names and, for a
    Welsh name, in any mutated form ("ym Mhorthaethwy" → Porthaethwy); None when none."""
    words = words_of(text)
    for start in range(len(words)):
        heads = welsh.radicals(words[start])
        for place in gazetteer():
            for name in place.names:
                if name[0] in heads and words[start + 1:start + len(name)] == name[1:]:
                    return place
    return None


def render(text: str, language: str, fill: Fill) -> str:
    """The template's text with its placeholders filled for ``language``; an unknown name is
    "there"/"chi", an unknown place or reference a visible gap."""
    gaps = GAPS.get(language, GAPS["en"])
    place = fill.place.name_in(language) if fill.place else None
    values: dict[str, str] = {
        "name": fill.name or UNKNOWN_NAME.get(language, UNKNOWN_NAME["en"]),
        "place": place or gaps["place"],
        "ref": (fill.ref or "").strip() or gaps["ref"],
        "team": fill.team,
        "officer": fill.officer,
    }
    for field, word in PLACE_AFTER.items():
        values[field] = welsh.after(word, place) if place else f"{word} {gaps['place']}"
    return text.format_map(values)


def gaps_left(text: str) -> list[str]:
    """The gaps a draft still has ("[ref]", "[lle]"…), for the composer to refuse sending."""
    markers = {marker for by_language in GAPS.values() for marker in by_language.values()}
    return sorted(marker for marker in markers if marker in text)


# ── searching ────────────────────────────────────────────────────────────────────────────


def order_languages(language: str | None) -> tuple[str, ...]:
    """The template languages an item sees, its own first (mixed: Welsh first)."""
    return ("en", "cy") if language in (None, "", "en") else ("cy", "en")


def search(templates: list[ReplyTemplate], query: str, language: str | None,
           topics: dict[str, dict[str, str]], public: bool = False,
           include_retired: bool = False) -> list[ReplyTemplate]:
    """The live templates (retired ones too if asked) whose key, topic (either language's
    name), title or text hold every typed word (Welsh words also in their mutated forms), in
    the item's language first; a public reply is offered only the ``public`` ones (no details
    asked for in public)."""
    wanted = [tuple(welsh.search_forms(word)) for word in words_of(query)]
    order = order_languages(language)
    found = []
    for template in templates:
        if (template.retired and not include_retired) or (public and not template.public):
            continue
        names = topics.get(template.topic, {})
        haystack = fold(" ".join((template.key, template.topic, *names.values(),
                                  template.title, template.text)))
        if all(any(form in haystack for form in forms) for forms in wanted):
            found.append(template)
    return sorted(found, key=lambda t: (order.index(t.language) if t.language in order
                                        else len(order), t.topic, t.key))


@dataclass(frozen=True)
class ReplyChoices:
    """What the composer's picker offers for one item: the live templates (one per template
    for a mixed-language item, whose text has both languages) and each one's filled text."""

    language: str | None
    public: bool
    topics: dict[str, dict[str, str]]
    templates: list[ReplyTemplate]
    filled: dict[int, str]

    def search(self, query: str) -> list[ReplyTemplate]:
        """The templates holding every typed word, the item's language first."""
        return search(self.templates, query, self.language, self.topics, self.public)


def fill_twins(templates: list[ReplyTemplate], language: str | None,
               fill: Fill) -> dict[int, str]:
    """Each template filled for an item in ``language``: a mixed-language item gets the Welsh
    and the English twin together, Welsh first (as the default draft does)."""
    by_key: dict[str, dict[str, ReplyTemplate]] = {}
    for template in templates:
        by_key.setdefault(template.key, {})[template.language] = template
    filled = {}
    for template in templates:
        chosen = [template]
        if language == "mixed":
            twins = by_key[template.key]
            chosen = [twins[lang] for lang in ("cy", "en") if lang in twins]
        filled[template.id] = "\n\n".join(render(t.text, t.language, fill) for t in chosen)
    return filled
