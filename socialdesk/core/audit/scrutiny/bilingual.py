"""English and Welsh side by side: the pack's labels in both languages, and the HTML fragments
(prose in two columns, "English / Cymraeg" headings, tables, numbers, dates) every section is
made of. Every value is HTML-escaped here.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from socialdesk.core.audit.scrutiny.figures import ScrutinyPack

CATEGORY = {"report": ("Report", "Adroddiad"), "concern": ("Concern", "Pryder"),
            "chat": ("Chat", "Sgwrs"), "unclassified": ("Not classified", "Heb ei ddosbarthu")}
KIND = {"message": ("Private message", "Neges breifat"), "comment": ("Comment", "Sylw")}
LANGUAGE = {"cy": ("Welsh", "Cymraeg"), "en": ("English", "Saesneg"),
            "mixed": ("Both languages", "Y ddwy iaith"), "unknown": ("Not known", "Anhysbys")}
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
MONTHS_CY = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst",
             "Medi", "Hydref", "Tachwedd", "Rhagfyr")
CLOCK = {"staffed": ("staffed time", "oriau staffio"),
         "elapsed": ("elapsed time", "yr amser a aeth heibio")}
OUTCOME = {"new": ("open", "ar agor"), "claimed": ("claimed", "wedi'i hawlio"),
           "answered": ("answered", "wedi'i hateb"), "closed": ("closed", "wedi'i chau")}


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _both(english: str, welsh: str) -> str:
    """A heading or label in English and Welsh, side by side."""
    return f'{_e(english)} / <span class="cy" lang="cy">{_e(welsh)}</span>'


def _pair(names: tuple[str, str]) -> str:
    return _both(*names)


def _named(names: dict[str, tuple[str, str]], key: str) -> tuple[str, str]:
    """A stored value's English and Welsh names (the value itself when unknown)."""
    return names.get(key, (key, key))


def _plain(names: tuple[str, str]) -> str:
    """"Report / Adroddiad" as plain text (a chart's label)."""
    return f"{names[0]} / {names[1]}"


def _prose(english: Sequence[str], welsh: Sequence[str], bullets: bool = False) -> str:
    """Paragraphs (or a list) in two columns: English, then Welsh."""
    def block(lines: Sequence[str], lang: str) -> str:
        cls = ' class="cy"' if lang == "cy" else ""
        if bullets:
            return (f'<div lang="{lang}"{cls}><ul>'
                    + "".join(f"<li>{_e(line)}</li>" for line in lines) + "</ul></div>")
        return f'<div lang="{lang}"{cls}>' + "".join(f"<p>{_e(line)}</p>" for line in lines) \
            + "</div>"
    return f'<div class="both">{block(english, "en")}{block(welsh, "cy")}</div>'


def _n(value: int) -> str:
    return f'<td class="n">{_e(f"{value:,}")}</td>'


def _td(value: str) -> str:
    return f'<td class="n">{_e(value)}</td>'


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "—"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _month(year: int, month: int) -> tuple[str, str]:
    return f"{MONTHS_EN[month - 1]} {year}", f"{MONTHS_CY[month - 1]} {year}"


def _day(moment: str | datetime | None, pack: ScrutinyPack, months: Sequence[str]) -> str:
    """A stored time as a local date with the given month names: "7 December 2026"."""
    if moment is None:
        return ""
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    local = when.astimezone(pack.zone)
    return f"{local.day} {months[local.month - 1]} {local.year}"


def _day_cy(moment: str | datetime | None, pack: ScrutinyPack) -> str:
    """A stored time as a Welsh date: "7 Rhagfyr 2026"."""
    return _day(moment, pack, MONTHS_CY)


def _day_en(moment: str | datetime | None, pack: ScrutinyPack) -> str:
    """A stored time as an English date: "7 December 2026"."""
    return _day(moment, pack, MONTHS_EN)


def _table(head: Sequence[str], rows: Sequence[str], cls: str = "") -> str:
    """A table: ``head`` cells already built (bilingual), ``rows`` ready ``<tr>`` strings."""
    klass = f' class="{cls}"' if cls else ""
    return (f"<table{klass}><thead><tr>" + "".join(f"<th>{h}</th>" for h in head)
            + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
