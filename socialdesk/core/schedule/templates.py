"""Safety-post templates from ``prompts/safety_posts.toml``, filled in both languages.

A placeholder takes its Welsh value from ``NAME_cy`` when given (``place_cy = "Caergybi"``),
else the same value as English. A ``{date}`` given as ``YYYY-MM-DD`` is written out in each
language ("Saturday 5 December" / "dydd Sadwrn 5 Rhagfyr").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from socialdesk import paths
from socialdesk.errors import UserError
from socialdesk.prompts import read_prompt_toml

TEMPLATE_FILE = "safety_posts.toml"
LANGUAGES = ("cy", "en")
AUTOMATIC = frozenset({"team"})
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
WELSH_DAYS = ("dydd Llun", "dydd Mawrth", "dydd Mercher", "dydd Iau", "dydd Gwener",
              "dydd Sadwrn", "dydd Sul")
WELSH_MONTHS = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf",
                "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr")


class TemplateError(UserError):
    """A template that is missing, malformed, or filled incompletely."""


@dataclass(frozen=True)
class PostTemplate:
    """One topic: its name, title and the two texts with their placeholders."""

    name: str
    title: str
    en: str
    cy: str

    @property
    def placeholders(self) -> list[str]:
        """Placeholders a person must fill (in order of first use, ``{team}`` excluded)."""
        seen = dict.fromkeys(_PLACEHOLDER.findall(self.cy + self.en))
        return [name for name in seen if name not in AUTOMATIC]


@lru_cache(maxsize=8)
def load_templates(folder: Path | None = None,
                   file: str = TEMPLATE_FILE) -> dict[str, PostTemplate]:
    """All templates of a prompts file (the safety posts', or another in the same format,
    such as the drop-in announcements of ``dropin.toml``) by name; malformed ones are a
    clear error naming the topic."""
    path = (folder or paths.prompts_dir()) / file
    what = "the safety-post templates" if file == TEMPLATE_FILE else "the post templates"
    data = read_prompt_toml(path, what, TemplateError)
    templates = {}
    for name, table in data.items():
        if not isinstance(table, dict) or not all(
                isinstance(table.get(key), str) and table[key].strip()
                for key in ("title", "en", "cy")):
            raise TemplateError(f"{path}: [{name}] needs a title, an en text and a cy text.")
        template = PostTemplate(name, table["title"], table["en"], table["cy"])
        if set(_PLACEHOLDER.findall(template.en)) != set(_PLACEHOLDER.findall(template.cy)):
            raise TemplateError(f"{path}: [{name}] uses different placeholders in en and cy.")
        templates[name] = template
    return templates


def get_template(name: str) -> PostTemplate:
    """One template by name, or a sentence listing the known ones."""
    templates = load_templates()
    if name not in templates:
        raise TemplateError(f"There is no safety-post template '{name}' (known: "
                            f"{', '.join(sorted(templates))}).")
    return templates[name]


def written_date(value: str, language: str) -> str:
    """An ISO date written out in the language; anything else unchanged."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return value
    if language == "cy":
        return f"{WELSH_DAYS[day.weekday()]} {day.day} {WELSH_MONTHS[day.month - 1]}"
    return f"{day:%A} {day.day} {day:%B}"


def fill(template: PostTemplate, values: dict[str, str], team: str) -> dict[str, str]:
    """Both texts with the placeholders filled; missing values are one sentence."""
    missing = [name for name in template.placeholders if not values.get(name, "").strip()]
    if missing:
        raise TemplateError(f"Template '{template.name}' needs a value for "
                            f"{', '.join('{' + m + '}' for m in missing)} "
                            f"(e.g. --set {missing[0]}=...).")
    out = {}
    for language in LANGUAGES:
        def value(match: re.Match[str], language: str = language) -> str:
            name = match.group(1)
            if name == "team":
                return team
            given = values.get(f"{name}_{language}") or values[name]
            return written_date(given, language) if name == "date" else given

        out[language] = _PLACEHOLDER.sub(value, getattr(template, language))
    return out


def bilingual_text(cy: str, en: str) -> str:
    """The single bilingual post: Welsh first, then English."""
    return f"{cy.strip()}\n\n{en.strip()}"
