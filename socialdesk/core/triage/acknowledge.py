"""The out-of-hours acknowledgement: its text, in the writer's language first, and the closed
period it belongs to (a person gets one per period).

UK police pages answer a message that arrives when nobody is on the desk with: the page is not
monitored now; in an emergency call 999; otherwise 101 or online; the team is back at … The
words live in ``prompts/out_of_hours.toml``; this module only chooses and fills them.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from socialdesk import paths
from socialdesk.errors import UserError
from socialdesk.prompts import read_prompt_toml

TEMPLATE_FILE = "out_of_hours.toml"
PARTS = ("label", "urgent_first", "body")

DAYS = {"en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        # "ddydd": the soft mutation of "dydd" when it says when something happens
        "cy": ("ddydd Llun", "ddydd Mawrth", "ddydd Mercher", "ddydd Iau", "ddydd Gwener",
               "ddydd Sadwrn", "ddydd Sul")}
MONTHS = {"en": ("January", "February", "March", "April", "May", "June", "July", "August",
                 "September", "October", "November", "December"),
          "cy": ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf",
                 "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr")}
AT = {"en": "at", "cy": "am"}
#: When no shift lies ahead (none configured, or none within the horizon).
NO_OPENING = {"en": "the next working day", "cy": "y diwrnod gwaith nesaf"}


@lru_cache(maxsize=4)
def load_texts(folder: Path | None = None) -> dict[str, dict[str, str]]:
    """The acknowledgement's parts (label, urgent_first, body) for ``en`` and ``cy``."""
    path = (folder or paths.prompts_dir()) / TEMPLATE_FILE
    data = read_prompt_toml(path, "the out-of-hours acknowledgement")
    for language in ("en", "cy"):
        parts = data.get(language)
        if not isinstance(parts, dict) or not all(isinstance(parts.get(p), str)
                                                  for p in PARTS):
            raise UserError(f"{path}: [{language}] needs label, urgent_first and body texts.")
    return {language: {part: data[language][part] for part in PARTS}
            for language in ("en", "cy")}


def when_back(opening: datetime | None, zone: ZoneInfo, language: str) -> str:
    """When the team is back, as people say it: "Monday 8 December at 08:00" or
    "ddydd Llun 8 Rhagfyr am 08:00"."""
    if opening is None:
        return NO_OPENING[language]
    local = opening.astimezone(zone)
    return (f"{DAYS[language][local.weekday()]} {local.day} {MONTHS[language][local.month - 1]}"
            f" {AT[language]} {local:%H:%M}")


def languages_for(language: str | None) -> list[str]:
    """The writer's language first, then the other: Welsh first for a Welsh or mixed message."""
    return ["cy", "en"] if language in ("cy", "mixed") else ["en", "cy"]


def acknowledgement(language: str | None, urgent: bool, opening: datetime | None,
                    zone: ZoneInfo, online: dict[str, str]) -> str:
    """The whole bilingual acknowledgement: for each language (the writer's first) its label,
    then for an urgent message the 999 line first, then the body."""
    texts = load_texts()
    blocks = []
    for lang in languages_for(language):
        part = texts[lang]
        lines = [f"[{part['label']}]"]
        if urgent:
            lines.append(part["urgent_first"])
        lines.append(part["body"].format(back=when_back(opening, zone, lang),
                                         online=online[lang]))
        blocks.append(" ".join(lines))
    return "\n\n".join(blocks)


def period_of(opening: datetime | None) -> str:
    """The closed period a moment lies in, named by when it ends (the next opening); one
    acknowledgement per person per period."""
    return opening.isoformat() if opening else "no-opening"
