"""The scrutiny pack as one self-contained, bilingual, printable HTML document.

English and Welsh have equal standing: every heading, label and paragraph is given in both,
side by side (each section's prose in two columns, English then Welsh; table headings
"English / Cymraeg"). Charts are inline SVG drawn here: no scripts, no fonts, no images or
links to load, all CSS in one ``<style>``, so the file opens offline and prints to PDF from any
browser, each section on a new page. Every value is HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from socialdesk.core.audit.metrics import GroupStats, minutes_text
from socialdesk.core.audit.scrutiny import (
    LABELS,
    URGENT_BUCKETS,
    Accuracy,
    ScrutinyPack,
    Urgent,
    last_day,
)

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
#: Colours of the charts' series (dark enough to print in grey).
WELSH_COLOUR, ENGLISH_COLOUR, MAIN_COLOUR = "#b3122e", "#1f4e79", "#2f5f3a"

CSS = """
body { font-family: Georgia, "Times New Roman", serif; margin: 2em auto; max-width: 60em;
       color: #111; line-height: 1.4; padding: 0 1em; }
h1 { font-size: 1.7em; margin: .2em 0; }
h2 { font-size: 1.35em; border-bottom: 2px solid #333; padding-bottom: .2em; }
h3 { font-size: 1.05em; margin: 1.2em 0 .4em; }
.cy { font-style: italic; }
h1 .cy, h2 .cy, h3 .cy, th .cy { font-weight: normal; }
.marking { text-align: center; font-weight: bold; letter-spacing: .1em; margin: .3em 0; }
.both { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5em; }
.both > div > p:first-child, .both > div > ul:first-child { margin-top: 0; }
table { border-collapse: collapse; margin: .6em 0 1em; font-size: .92em; }
th, td { border: 1px solid #999; padding: .25em .5em; vertical-align: top; }
th { background: #eee; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
table.facts th { width: 45%; }
table.facts td.n { text-align: left; }
.verdict { font-weight: bold; border: 2px solid #000; padding: .5em .7em; margin: .8em 0; }
.verdict.bad { border-color: #b3122e; color: #7a0c1f; }
.matrix td.n { min-width: 4em; text-align: center; }
.matrix .diag { font-weight: bold; }
.l0 { background: #fff; } .l1 { background: #e3ecf5; } .l2 { background: #c2d5ea; }
.l3 { background: #93b4d8; } .l4 { background: #5e8fc2; color: #fff; }
figure { margin: 1em 0; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-size: .9em; margin-bottom: .3em; }
svg { max-width: 100%; height: auto; font-family: Georgia, "Times New Roman", serif; }
svg text { font-size: 12px; fill: #111; }
.legend { font-size: .9em; }
.swatch { display: inline-block; width: .9em; height: .9em; vertical-align: middle;
          margin: 0 .3em 0 .8em; }
code { font-family: "Courier New", monospace; word-break: break-all; }
.note { font-size: .9em; color: #333; }
footer { border-top: 1px solid #000; margin-top: 2em; padding-top: .5em; font-size: .9em; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; padding: 0; }
  section.part + section.part { break-before: page; page-break-before: always; }
  h2, h3, figcaption { break-after: avoid; page-break-after: avoid; }
  tr, figure { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  body > .marking { display: none; }   /* the page margins carry it on every page */
}
"""


def page_css(marking: str, quarter: str) -> str:
    """The printed page's margins: the protective marking at the top of every page, the
    quarter and the page number at the bottom (both values are fixed words: no escaping
    needed inside the CSS strings)."""
    return ("@page { size: A4; margin: 18mm 14mm; "
            f'@top-center {{ content: "{marking}"; font: bold 9pt Georgia, serif; }} '
            f'@bottom-center {{ content: "{quarter} · " counter(page) " / " counter(pages); '
            "font: 9pt Georgia, serif; } }")


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


# ── charts (inline SVG) ──────────────────────────────────────────────────────────────────

def bar_chart(chart_id: str, caption: str, bars: Sequence[tuple[str, float, str]],
              colour: str = MAIN_COLOUR, maximum: float | None = None) -> str:
    """Horizontal bars: (label, value, value as shown). Each bar carries its label and value
    (``data-label``, ``data-value``) and the value is written beside it."""
    top = maximum if maximum is not None else max([v for _, v, _ in bars] + [0]) or 1
    row, left, width = 26, 230, 340
    height = row * len(bars) + 10
    parts = [f'<figure id="{_e(chart_id)}"><figcaption>{caption}</figcaption>',
             f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 {height}" '
             f'width="640" height="{height}" role="img" aria-label="{_e(chart_id)}">']
    for n, (label, value, shown) in enumerate(bars):
        y = 5 + n * row
        length = 0 if top <= 0 else max(0.0, value) / top * width
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end">{_e(label)}</text>')
        parts.append(f'<rect class="bar" data-label="{_e(label)}" data-value="{_e(value)}" '
                     f'x="{left}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" '
                     f'fill="{colour}"/>')
        parts.append(f'<text class="value" x="{left + length + 6:.1f}" y="{y + 16}">'
                     f"{_e(shown)}</text>")
    parts.append("</svg></figure>")
    return "".join(parts)


def grouped_chart(chart_id: str, caption: str,
                  groups: Sequence[tuple[str, Sequence[tuple[str, float | None, str]]]],
                  series: Sequence[tuple[str, str]], maximum: float | None = None) -> str:
    """Horizontal bars in groups (a month: Welsh, English). ``groups``: (label, [(series name,
    value or None, shown)]); ``series``: (name, colour) for the legend, in the same order."""
    values = [v for _, bars in groups for _, v, _ in bars if v is not None]
    top = maximum if maximum is not None else max([*values, 0]) or 1
    bar, gap, left, width = 16, 10, 230, 340
    colours = dict(series)
    height = sum(len(bars) * bar + gap for _, bars in groups) + 10
    legend = "".join(f'<span class="swatch" style="background:{c}"></span>{_e(name)}'
                     for name, c in series)
    parts = [f'<figure id="{_e(chart_id)}"><figcaption>{caption}</figcaption>',
             f'<div class="legend">{legend}</div>',
             f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 {height}" '
             f'width="640" height="{height}" role="img" aria-label="{_e(chart_id)}">']
    y = 5
    for label, bars in groups:
        parts.append(f'<text x="{left - 8}" y="{y + bar * len(bars) / 2 + 4:.0f}" '
                     f'text-anchor="end">{_e(label)}</text>')
        for name, value, shown in bars:
            length = 0 if value is None or top <= 0 else max(0.0, value) / top * width
            parts.append(f'<rect class="bar" data-group="{_e(label)}" data-series="{_e(name)}" '
                         f'data-value="{_e("" if value is None else value)}" x="{left}" '
                         f'y="{y + 1}" width="{length:.1f}" height="{bar - 3}" '
                         f'fill="{colours.get(name, MAIN_COLOUR)}"/>')
            parts.append(f'<text class="value" x="{left + length + 6:.1f}" y="{y + bar - 4}">'
                         f"{_e(shown)}</text>")
            y += bar
        y += gap
    parts.append("</svg></figure>")
    return "".join(parts)


# ── the sections ─────────────────────────────────────────────────────────────────────────

def _head(pack: ScrutinyPack) -> str:
    q = pack.quarter
    end = min(last_day(q), pack.made_at.astimezone(pack.zone)) if pack.to_date else last_day(q)
    period_en = f"{_day_en(q.start, pack)} – {_day_en(end, pack)}"
    period_cy = f"{_day_cy(q.start, pack)} – {_day_cy(end, pack)}"
    if pack.to_date:
        period_en += " (to date: the quarter has not ended)"
        period_cy += " (hyd yma: nid yw'r chwarter wedi dod i ben)"
    personal = (("included at a supervisor's request: names and words of the public, "
                 "officers' names", "wedi'u cynnwys ar gais goruchwyliwr: enwau a geiriau'r "
                 "cyhoedd, enwau swyddogion") if pack.names else
                ("none: counts, times, categories and item numbers only",
                 "dim: cyfrifon, amseroedd, categorïau a rhifau eitemau yn unig"))
    rows = [
        (_both("Team", "Tîm"), _e(pack.team)),
        (_both("Quarter", "Chwarter"), _e(q.label)),
        (_both("Period", "Cyfnod"),
         f'{_e(period_en)}<br><span class="cy" lang="cy">{_e(period_cy)}</span>'),
        (_both("Made", "Crëwyd"),
         f'{_e(_day_en(pack.made_at, pack))} {_e(f"{pack.made_at.astimezone(pack.zone):%H:%M}")}'
         f' ({_e(pack.zone.key)})'),
        (_both("Personal data", "Data personol"),
         f'{_e(personal[0])}<br><span class="cy" lang="cy">{_e(personal[1])}</span>'),
    ]
    if pack.names and pack.exported_by:
        rows.append((_both("Exported by", "Allforiwyd gan"), _e(pack.exported_by)))
    return ('<table class="facts">' + "".join(f"<tr><th>{h}</th><td>{v}</td></tr>"
                                              for h, v in rows) + "</table>")


def _summary(pack: ScrutinyPack) -> str:
    overall = pack.report.overall
    accuracy, urgent = pack.accuracy, pack.urgent
    within = urgent.buckets[0][1] if urgent.buckets else 0
    slower = pack.report.parity.welsh_slower
    chain = pack.chain
    chain_text = (("—", "—") if chain is None else
                  ("intact", "cyfan") if chain.ok else ("BROKEN", "WEDI'I THORRI"))
    rows = [
        (_both("Contacts from the public", "Cysylltiadau gan y cyhoedd"), f"{overall.count:,}"),
        (_both("Answered within the SLA", "Atebwyd o fewn yr SLA"),
         f"{_pct(overall.sla_share)} ({overall.sla_met:,} / "
         f"{overall.sla_met + overall.sla_missed:,})"),
        (_both("Median first response, staffed time",
               "Canolrif yr ymateb cyntaf, oriau staffio"),
         minutes_text(overall.frt_staffed_median)),
        (_both("Welsh parity", "Cydraddoldeb i'r Gymraeg"),
         "Welsh is slower / Mae'r Gymraeg yn arafach" if slower else
         "not enough answered to compare / dim digon wedi'u hateb i'w cymharu"
         if not _comparable(pack) else
         "Welsh answered as fast as English / y Gymraeg wedi'i hateb cyn gynted â'r Saesneg"),
        (_both("Urgent items", "Eitemau brys"),
         f"{urgent.count:,} ({within:,} answered on the page within 15 min / "
         f"atebwyd {within:,} ar y dudalen o fewn 15 munud)"),
        (_both("The model's agreement with officers", "Cytundeb y model â'r swyddogion"),
         f"{_pct(accuracy.share)} ({accuracy.agreed:,} / {accuracy.reviewed:,})"),
        (_both("Audit chain", "Y gadwyn archwilio"), f"{chain_text[0]} / {chain_text[1]}"),
    ]
    return ('<section class="part" id="summary">'
            f"<h2>{_both('Summary', 'Crynodeb')}</h2>"
            '<table class="facts" id="summary-table">'
            + "".join(f'<tr><th>{h}</th><td class="n">{_e(v)}</td></tr>' for h, v in rows)
            + "</table></section>")


def _ordered(groups: Sequence[GroupStats], names: dict[str, tuple[str, str]]
             ) -> list[GroupStats]:
    """Groups in the order of ``names`` (report, concern, chat…; Welsh first), others last."""
    order = list(names)
    return sorted(groups, key=lambda g: (order.index(g.key) if g.key in order else len(order),
                                         g.key))


def _group_rows(groups: Sequence[GroupStats], names: dict[str, tuple[str, str]],
                total: int) -> list[str]:
    return [f'<tr data-key="{_e(g.key)}"><td>{_pair(_named(names, g.key))}</td>'
            f"{_n(g.count)}{_td(_share(g.count, total))}</tr>" for g in groups]


def _volumes(pack: ScrutinyPack) -> str:
    report, total = pack.report, pack.report.overall.count
    head = ["", _both("Items", "Eitemau"), _both("Share", "Cyfran")]
    parts = ['<section class="part" id="volumes">',
             f"<h2>{_both('Volumes', 'Nifer y cysylltiadau')}</h2>",
             _prose([f"Every comment and private message the public sent to the page in "
                     f"{pack.quarter.label}: {total:,} in all, by what it was about (as it "
                     "stands after officers' corrections), how it came and its language."],
                    [f"Pob sylw a neges breifat a anfonodd y cyhoedd at y dudalen yn ystod "
                     f"{pack.quarter.label}: {total:,} i gyd, yn ôl eu cynnwys (fel y mae ar "
                     "ôl cywiriadau'r swyddogion), y ffordd y daethant a'u hiaith."])]
    for dimension, title, names in (("category", ("By category", "Yn ôl categori"), CATEGORY),
                                    ("kind", ("By kind", "Yn ôl math"), KIND),
                                    ("language", ("By language", "Yn ôl iaith"), LANGUAGE)):
        groups = _ordered(report.groups.get(dimension, []), names)
        head[0] = _pair(title)
        parts.append(f"<h3>{_pair(title)}</h3>")
        parts.append(_table(head, _group_rows(groups, names, total), f"volumes-{dimension}"))
        if dimension != "kind":
            parts.append(bar_chart(
                f"chart-{dimension}", _both(f"Items {title[0].lower()}",
                                            f"Eitemau {title[1].lower()}"),
                [(_plain(_named(names, g.key)), g.count, f"{g.count:,}") for g in groups]))
    rows = []
    for month in pack.months:
        en, cy = _month(month.year, month.month)
        by_language = {key: (month.group("language", key).count  # type: ignore[union-attr]
                             if month.group("language", key) else 0)
                       for key in ("cy", "en", "mixed")}
        rows.append(f'<tr><td>{_both(en, cy)}</td>{_n(month.report.overall.count)}'
                    + "".join(_n(by_language[k]) for k in ("cy", "en", "mixed")) + "</tr>")
    parts.append(f"<h3>{_both('By month', 'Yn ôl mis')}</h3>")
    parts.append(_table([_both("Month", "Mis"), _both("Items", "Eitemau"),
                         _pair(LANGUAGE["cy"]), _pair(LANGUAGE["en"]),
                         _pair(LANGUAGE["mixed"])], rows, "volumes-month"))
    parts.append("</section>")
    return "".join(parts)


def _comparable(pack: ScrutinyPack) -> bool:
    """Whether Welsh and English both have answered contacts (parity can be judged)."""
    by = {g.key: g for g in pack.report.groups.get("language", [])}
    return all(by.get(key) is not None and by[key].answered for key in ("cy", "en"))


def _parity(pack: ScrutinyPack) -> str:
    by = {g.key: g for g in pack.report.groups.get("language", [])}
    welsh, english = by.get("cy"), by.get("en")
    clock = pack.rules.sla_clock
    staffed = clock == "staffed"
    clock_en, clock_cy = CLOCK.get(clock, (clock, clock))
    if not welsh or not english or not _comparable(pack):
        verdict = ("Not enough answered Welsh and English contacts to compare.",
                   "Dim digon o gysylltiadau Cymraeg a Saesneg wedi'u hateb i'w cymharu.")
        detail_en = detail_cy = ""
    else:
        def med(g: GroupStats) -> str:
            return minutes_text(g.frt_staffed_median if staffed else g.frt_elapsed_median)

        detail_en = (f"Median first response {med(welsh)} for Welsh against {med(english)} "
                     f"for English ({clock_en}); within the SLA {_pct(welsh.sla_share)} Welsh "
                     f"against {_pct(english.sla_share)} English.")
        detail_cy = (f"Canolrif yr ymateb cyntaf: {med(welsh)} i'r Gymraeg a {med(english)} i'r "
                     f"Saesneg ({clock_cy}); o fewn yr SLA: {_pct(welsh.sla_share)} Cymraeg, "
                     f"{_pct(english.sla_share)} Saesneg.")
        verdict = (("Welsh is slower than English this quarter.",
                    "Mae'r Gymraeg yn arafach na'r Saesneg y chwarter hwn.")
                   if pack.report.parity.welsh_slower else
                   ("Welsh and English are answered alike this quarter.",
                    "Caiff y Gymraeg a'r Saesneg eu hateb yn gyfartal y chwarter hwn."))
    bad = " bad" if pack.report.parity.welsh_slower else ""
    rule = ("Welsh counts as slower when its median is more than 10% and a minute above "
            "English, or its share within the SLA more than 5 points lower.",
            "Ystyrir y Gymraeg yn arafach pan fo'i chanolrif fwy na 10% a munud yn uwch na'r "
            "Saesneg, neu pan fo'i chyfran o fewn yr SLA fwy na 5 pwynt yn is.")
    return (f'<div class="verdict{bad}" id="parity"><div class="both"><div lang="en">'
            f"{_e(verdict[0])} {_e(detail_en)}</div>"
            f'<div lang="cy" class="cy">{_e(verdict[1])} {_e(detail_cy)}</div></div></div>'
            + _prose([rule[0]], [rule[1]]))


def _response_row(label: str, g: GroupStats) -> str:
    times = [minutes_text(v) for v in (g.frt_staffed_median, g.frt_staffed_p90,
                                        g.frt_elapsed_median, g.frt_elapsed_p90)]
    return (f'<tr data-key="{_e(g.key)}"><td>{label}</td>{_n(g.count)}{_n(g.answered)}'
            + "".join(_td(t) for t in times)
            + f"{_td(_pct(g.sla_share))}{_n(g.no_reply_needed)}{_n(g.answered_elsewhere)}</tr>")


def _responses(pack: ScrutinyPack) -> str:
    report, rules = pack.report, pack.rules
    sla = rules.sla_minutes
    clock_en, clock_cy = CLOCK.get(rules.sla_clock, (rules.sla_clock, rules.sla_clock))
    targets_en = (f"urgent {minutes_text(sla.get('urgent'))} (elapsed), report "
                  f"{minutes_text(sla.get('report'))}, concern {minutes_text(sla.get('concern'))}"
                  f", chat {minutes_text(sla.get('chat'))}, in {clock_en}")
    targets_cy = (f"brys {minutes_text(sla.get('urgent'))} (amser a aeth heibio), adroddiad "
                  f"{minutes_text(sla.get('report'))}, pryder {minutes_text(sla.get('concern'))}"
                  f", sgwrs {minutes_text(sla.get('chat'))}, yn ôl {clock_cy}")
    head = ["", _both("Items", "Eitemau"), _both("Answered", "Atebwyd"),
            _both("Median, staffed", "Canolrif, oriau staffio"), "p90",
            _both("Median, elapsed", "Canolrif, amser a aeth heibio"), "p90",
            _both("Within SLA", "O fewn yr SLA"),
            _both("No reply needed", "Dim angen ateb"),
            _both("Answered elsewhere", "Atebwyd mewn ffordd arall")]
    by_language = {g.key: g for g in report.groups.get("language", [])}
    rows = [_response_row(_pair(LANGUAGE[key]), by_language[key])
            for key in ("cy", "en", "mixed", "unknown") if key in by_language]
    rows.append(_response_row(_both("All", "Cyfanswm"), report.overall))
    by_category = [_response_row(_pair(_named(CATEGORY, g.key)), g)
                   for g in _ordered(report.groups.get("category", []), CATEGORY)]
    sla_groups, frt_groups = [], []
    for month in pack.months:
        en, cy = _month(month.year, month.month)
        bars_sla, bars_frt = [], []
        for key, name in (("cy", "Cymraeg / Welsh"), ("en", "English / Saesneg")):
            g = month.group("language", key)
            share = g.sla_share if g else None
            bars_sla.append((name, None if share is None else round(100 * share, 1),
                             _pct(share)))
            median = g.frt_staffed_median if g else None
            bars_frt.append((name, None if median is None else round(median, 1),
                             minutes_text(median)))
        sla_groups.append((f"{en} / {cy}", bars_sla))
        frt_groups.append((f"{en} / {cy}", bars_frt))
    series = [("Cymraeg / Welsh", WELSH_COLOUR), ("English / Saesneg", ENGLISH_COLOUR)]
    return "".join([
        '<section class="part" id="responses">',
        f"<h2>{_both('First response and SLA', 'Ymateb cyntaf a’r SLA')}</h2>",
        _prose([
            "First response: from the moment a message arrived to the team's first answer on "
            "the page. It is counted in staffed time (only the minutes inside the team's "
            "shifts) and in elapsed time (every minute, day and night).",
            f"The SLA share is the share of items answered by their target ({targets_en}). "
            "Items closed as needing no reply, or answered by phone or in person, are counted "
            "apart and take no part in it; items not due yet are left out."],
            ["Ymateb cyntaf: o'r eiliad y cyrhaeddodd neges hyd at ateb cyntaf y tîm ar y "
             "dudalen. Fe'i cyfrifir yn ôl oriau staffio (dim ond y munudau o fewn shifftiau'r "
             "tîm) ac yn ôl yr amser a aeth heibio (pob munud, ddydd a nos).",
             f"Cyfran yr SLA yw cyfran yr eitemau a atebwyd erbyn eu targed ({targets_cy}). "
             "Caiff eitemau a gaewyd heb fod angen ateb, neu a atebwyd dros y ffôn neu wyneb yn "
             "wyneb, eu cyfrif ar wahân ac nid ydynt yn rhan ohoni; ni chyfrifir eitemau nad "
             "yw eu targed wedi dod eto."]),
        f"<h3>{_both('Welsh parity', 'Cydraddoldeb i’r Gymraeg')}</h3>",
        _parity(pack),
        f"<h3>{_both('By language', 'Yn ôl iaith')}</h3>",
        _table(head, rows, "responses-language"),
        grouped_chart("chart-sla-month", _both("Share answered within the SLA, by month",
                                               "Cyfran a atebwyd o fewn yr SLA, fesul mis"),
                      sla_groups, series, maximum=100),
        grouped_chart("chart-frt-month",
                      _both("Median first response in staffed time, by month",
                            "Canolrif yr ymateb cyntaf yn ôl oriau staffio, fesul mis"),
                      frt_groups, series),
        f"<h3>{_both('By category', 'Yn ôl categori')}</h3>",
        _table(head, by_category, "responses-category"),
        '<p class="note">m = minutes / munudau, h = hours / oriau.</p>',
        "</section>"])


def _urgent(pack: ScrutinyPack) -> str:
    u: Urgent = pack.urgent
    rules = pack.rules
    stats = u.stats
    facts = [
        (_both("Urgent items", "Eitemau brys"), f"{u.count:,}"),
        (_both("Answered on the page", "Atebwyd ar y dudalen"),
         f"{stats.answered:,}" if stats else "0"),
        (_both("Median first response (elapsed)",
               "Canolrif yr ymateb cyntaf (amser a aeth heibio)"),
         minutes_text(stats.frt_elapsed_median) if stats else "—"),
        ("p90", minutes_text(stats.frt_elapsed_p90) if stats else "—"),
        (_both("Within the SLA", "O fewn yr SLA"), _pct(stats.sla_share) if stats else "—"),
        (_both("Median first action by an officer (claim, answer or close)",
               "Canolrif y cam cyntaf gan swyddog (hawlio, ateb neu gau)"),
         minutes_text(u.first_action_median)),
        (_both("Closed without an answer on the page", "Caewyd heb ateb ar y dudalen"),
         f"{u.not_answered_closed:,}"),
        (_both("Open, not answered yet", "Ar agor, heb eu hateb eto"),
         f"{u.open_unanswered:,}"),
    ]
    welsh = {english: cy for _, english, cy in URGENT_BUCKETS}
    bars = [(f"{name} / {welsh[name]}", count, f"{count:,}") for name, count in u.buckets]
    bars.append(("closed, no answer / caewyd heb ateb", u.not_answered_closed,
                 f"{u.not_answered_closed:,}"))
    bars.append(("open / ar agor", u.open_unanswered, f"{u.open_unanswered:,}"))
    head = ["#", _both("Received", "Derbyniwyd"), _both("Language", "Iaith"),
            _both("Kind", "Math"), _both("Category", "Categori"),
            _both("First action", "Cam cyntaf"), _both("First response", "Ymateb cyntaf"),
            _both("Outcome", "Canlyniad")]
    if pack.names:
        head += [_both("Writer", "Awdur"), _both("Words", "Geiriau"),
                 _both("Officer", "Swyddog")]
    rows = []
    for item in u.slowest:
        local = datetime.fromisoformat(item.received).astimezone(pack.zone)
        outcome = OUTCOME.get(item.status, (item.status, item.status))
        reason = f" ({item.close_reason})" if item.close_reason else ""
        cells = [f"<td>{item.item_id}</td>", f"<td>{_e(f'{local:%Y-%m-%d %H:%M}')}</td>",
                 f"<td>{_pair(_named(LANGUAGE, item.language))}</td>",
                 f"<td>{_pair(_named(KIND, item.kind))}</td>",
                 f"<td>{_pair(_named(CATEGORY, item.category))}</td>",
                 _td(minutes_text(item.first_action_min)),
                 _td(minutes_text(item.first_response_min)),
                 f"<td>{_e(outcome[0] + reason)} / "
                 f'<span class="cy" lang="cy">{_e(outcome[1])}</span></td>']
        if pack.names:
            cells += [f"<td>{_e(item.author or '—')}</td>", f"<td>{_e(item.words)}</td>",
                      f"<td>{_e(item.officer or '—')}</td>"]
        rows.append(f'<tr data-item="{item.item_id}">' + "".join(cells) + "</tr>")
    listed = (_table(head, rows, "urgent-items") if rows else
              f"<p>{_both('No urgent items this quarter.', 'Dim eitemau brys y chwarter hwn.')}"
              "</p>")
    return "".join([
        '<section class="part" id="urgent">',
        f"<h2>{_both('Urgent items', 'Eitemau brys')}</h2>",
        _prose([
            "Items flagged urgent: someone may be in danger now. The model or a word cue flags "
            "them, and officers can add or take off the flag. They are timed on the elapsed "
            f"clock (target {rules.sla_minutes.get('urgent', 15)} minutes), day and night, "
            "and supervisors are told when nobody has claimed one after "
            f"{rules.escalate_after} minutes."],
            ["Eitemau a nodwyd yn rhai brys: gall rhywun fod mewn perygl nawr. Y model neu "
             "air allweddol sy'n eu nodi, a gall swyddogion ychwanegu neu dynnu'r nod. Fe'u "
             "hamserir yn ôl yr amser a aeth heibio (targed "
             f"{rules.sla_minutes.get('urgent', 15)} munud), ddydd a nos, a rhoddir gwybod i'r "
             "goruchwylwyr pan nad oes neb wedi hawlio un ar ôl "
             f"{rules.escalate_after} munud."]),
        '<table class="facts" id="urgent-facts">'
        + "".join(f'<tr><th>{h}</th><td class="n">{_e(v)}</td></tr>' for h, v in facts)
        + "</table>",
        bar_chart("chart-urgent", _both("How long urgent items waited for a first answer on "
                                        "the page (elapsed)",
                                        "Pa mor hir y bu eitemau brys yn aros am ateb cyntaf "
                                        "ar y dudalen (amser a aeth heibio)"),
                  bars, colour=WELSH_COLOUR),
        f"<h3>{_both('The slowest urgent items', 'Yr eitemau brys arafaf')}"
        f"{' (' + str(len(u.slowest)) + ' / ' + str(u.count) + ')' if u.count else ''}</h3>",
        listed,
        "</section>"])


def _accuracy(pack: ScrutinyPack) -> str:
    a: Accuracy = pack.accuracy
    facts = [
        (_both("Classified by the model", "Wedi'u dosbarthu gan y model"), f"{a.classified:,}"),
        (_both("Handled by officers (counted)", "Wedi'u trin gan swyddogion (a gyfrifwyd)"),
         f"{a.reviewed:,}"),
        (_both("Officers kept the model's category", "Cadwodd swyddogion gategori'r model"),
         f"{a.agreed:,} ({_pct(a.share)})"),
        (_both("Officers changed the category", "Newidiodd swyddogion y categori"),
         f"{a.corrected:,}"),
        (_both("Labelled by an officer before the model (left out)",
               "Wedi'u labelu gan swyddog cyn y model (heb eu cyfrif)"), f"{a.officer_first:,}"),
    ]
    largest = max([v for row in a.confusion.values() for v in row.values()] + [1])
    head = [_both("Model ↓ · officers →", "Model ↓ · swyddogion →"),
            *(_pair(CATEGORY[label]) for label in LABELS),
            _both("Kept (precision)", "Cadwyd (manylder)")]
    rows = []
    for model in LABELS:
        cells = []
        for officer in LABELS:
            value = a.confusion[model][officer]
            level = 0 if not value else min(4, 1 + int(3 * value / largest))
            diag = " diag" if model == officer else ""
            cells.append(f'<td class="n l{level}{diag}" data-model="{model}" '
                         f'data-officer="{officer}">{value:,}</td>')
        called = sum(a.confusion[model].values())
        rows.append(f"<tr><th>{_pair(CATEGORY[model])}</th>" + "".join(cells)
                    + _td(_share(a.confusion[model][model], called)) + "</tr>")
    found = [_share(a.confusion[label][label], sum(a.confusion[m][label] for m in LABELS))
             for label in LABELS]
    rows.append(f"<tr><th>{_both('Found (recall)', 'Canfuwyd (adalw)')}</th>"
                + "".join(_td(f) for f in found) + "<td></td></tr>")
    monthly = [(f"{_month(y, m)[0]} / {_month(y, m)[1]}",
                round(100 * ok / n, 1) if n else 0.0,
                f"{ok / n:.0%} ({ok:,}/{n:,})" if n else "—")
               for y, m, n, ok in a.monthly]
    urgent = [
        (_both("Flagged urgent and kept so by officers",
               "Nodwyd yn frys a'i gadw felly gan swyddogion"), a.urgent_agreed),
        (_both("Flag added by officers (the model missed it)",
               "Ychwanegwyd y nod gan swyddogion (methodd y model)"), a.urgent_raised),
        (_both("Flag taken off by officers (a false alarm)",
               "Tynnwyd y nod gan swyddogion (larwm ffug)"), a.urgent_lowered),
    ]
    versions = ", ".join(f"{v} ({n:,})" for v, n in a.versions) or "—"
    parts = [
        '<section class="part" id="accuracy">',
        f"<h2>{_both('The model’s accuracy', 'Cywirdeb y model')}</h2>",
        _prose([
            "Measured from officers' corrections. The model's label is the category an item "
            "had before an officer first reclassified it (or as it stands, if nobody did); the "
            "officers' label is the one after their latest reclassification.",
            "Only items an officer handled count (claimed, answered, closed or reclassified); "
            "an item handled without a reclassification counts as agreed. This is an upper "
            "bound of the true accuracy: officers do not re-check every label."],
            ["Wedi'i fesur o gywiriadau swyddogion. Label y model yw'r categori oedd gan eitem "
             "cyn i swyddog ei hailddosbarthu gyntaf (neu fel y mae, os na wnaeth neb); label "
             "y swyddogion yw'r un ar ôl eu hailddosbarthiad diwethaf.",
             "Dim ond eitemau a drafodwyd gan swyddog sy'n cyfrif (wedi'u hawlio, eu hateb, eu "
             "cau neu eu hailddosbarthu); mae eitem a drafodwyd heb ei hailddosbarthu yn cyfrif "
             "fel cytundeb. Terfyn uchaf y cywirdeb gwirioneddol yw hwn: nid yw swyddogion yn "
             "ailwirio pob label."]),
        '<table class="facts" id="accuracy-facts">'
        + "".join(f'<tr><th>{h}</th><td class="n">{_e(v)}</td></tr>' for h, v in facts)
        + "</table>",
        f"<h3>{_both('Confusion matrix', 'Matrics dryswch')}</h3>",
        _prose(["Rows: the model's category; columns: the officers'. The diagonal is where "
                "they agree."],
               ["Rhesi: categori'r model; colofnau: categori'r swyddogion. Ar y groeslin maen "
                "nhw'n cytuno."]),
        _table(head, rows, "matrix"),
        bar_chart("chart-accuracy-month",
                  _both("Agreement by month (% of handled items)",
                        "Cytundeb fesul mis (% o'r eitemau a drafodwyd)"),
                  monthly, maximum=100),
        f"<h3>{_both('The urgent flag', 'Y nod brys')}</h3>",
        '<table class="facts" id="accuracy-urgent">'
        + "".join(f"<tr><th>{h}</th>{_n(v)}</tr>" for h, v in urgent) + "</table>",
        f"<p>{_both('Model versions used', 'Fersiynau’r model a ddefnyddiwyd')}: "
        f"<code>{_e(versions)}</code></p>",
    ]
    if pack.names and a.corrections:
        head = ["#", _both("Model", "Model"), _both("Officers", "Swyddogion"),
                _both("Officer", "Swyddog"), _both("When", "Pryd")]
        rows = []
        for c in a.corrections:
            model = _e(c.model + (" (urgent)" if c.model_urgent else ""))
            officer = _e(c.officer + (" (urgent)" if c.officer_urgent else ""))
            local = datetime.fromisoformat(c.at).astimezone(pack.zone) if c.at else None
            rows.append(f'<tr data-item="{c.item_id}"><td>{c.item_id}</td><td>{model}</td>'
                        f"<td>{officer}</td><td>{_e(c.by)}</td>"
                        f"<td>{_e(f'{local:%Y-%m-%d %H:%M}' if local else '')}</td></tr>")
        parts.append(f"<h3>{_both('The corrections', 'Y cywiriadau')}</h3>")
        parts.append(_table(head, rows, "corrections"))
    parts.append("</section>")
    return "".join(parts)


def _referrals(pack: ScrutinyPack) -> str:
    """The quarter's referrals to partner agencies, by agency and where each stands now."""
    counts = pack.report.referrals
    head = [_both("Agency", "Asiantaeth"), _both("Drafted", "Drafft"),
            _both("Sent", "Anfonwyd"), _both("Acknowledged", "Cydnabuwyd"),
            _both("In all", "Cyfanswm")]
    rows = [f"<tr><th>{_pair(pack.agencies.get(c.agency, (c.name, c.name)))}</th>"
            f"{_n(c.drafted)}{_n(c.sent)}{_n(c.acknowledged)}{_n(c.total)}</tr>"
            for c in counts]
    if counts:
        rows.append(f"<tr><th>{_both('All agencies', 'Pob asiantaeth')}</th>"
                    + "".join(_n(sum(getattr(c, state) for c in counts))
                              for state in ("drafted", "sent", "acknowledged", "total"))
                    + "</tr>")
    return "".join([
        '<section class="part" id="referrals">',
        f"<h2>{_both('Referrals to partner agencies', 'Atgyfeiriadau at asiantaethau partner')}"
        "</h2>",
        _prose(["Referrals the team wrote to partner agencies in the quarter, by where "
                "each stands now. socialdesk writes a referral as a file and "
                "records it in the audit chain; officers send it through the force's secure "
                "e-mail and record when it was sent and when the agency acknowledged it."],
               ["Atgyfeiriadau a ysgrifennodd y tîm at asiantaethau partner yn ystod y "
                "chwarter, yn ôl lle mae pob un nawr. Mae socialdesk yn ysgrifennu atgyfeiriad "
                "fel ffeil ac yn ei gofnodi yn y gadwyn archwilio; mae swyddogion yn ei anfon "
                "drwy e-bost diogel yr heddlu ac yn cofnodi pryd yr anfonwyd ef a phryd y "
                "cydnabu'r asiantaeth ef."]),
        _table(head, rows, "referrals") if counts else
        _prose(["No referrals were written in the quarter."],
               ["Ni ysgrifennwyd unrhyw atgyfeiriad yn ystod y chwarter."]),
        "</section>"])


def _statement(pack: ScrutinyPack) -> str:
    rules = pack.rules
    model_en = [
        "It suggests a category for each comment and message (report, concern or chat) and "
        "notes its language. The suggestion sets the order of the officers' list and the time "
        "by which a first answer is due.",
        "It flags items as urgent, from its own score or from words in English and Welsh "
        "(self-harm, an attack now, a missing child…). It is set to miss as few urgent items "
        "as possible, so it raises false alarms on purpose. It can raise the flag but never "
        "lowers it.",
        "It runs on the team's own computer: no message is sent to an outside AI service. It "
        "learns from examples labelled by the team and from officers' corrections.",
    ]
    model_cy = [
        "Mae'n awgrymu categori ar gyfer pob sylw a neges (adroddiad, pryder neu sgwrs) ac "
        "yn nodi ei iaith. Mae'r awgrym yn pennu trefn rhestr y swyddogion a'r amser erbyn "
        "pryd y dylid rhoi ateb cyntaf.",
        "Mae'n nodi eitemau brys, o'i sgôr ei hun neu o eiriau yn Gymraeg ac yn Saesneg "
        "(hunan-niweidio, ymosodiad nawr, plentyn ar goll…). Fe'i gosodwyd i fethu cyn "
        "lleied o eitemau brys â phosibl, felly mae'n codi larymau ffug yn fwriadol. Gall "
        "osod y nod brys, ond nid yw byth yn ei dynnu.",
        "Mae'n rhedeg ar gyfrifiadur y tîm ei hun: nid anfonir unrhyw neges at wasanaeth "
        "deallusrwydd artiffisial allanol. Mae'n dysgu o enghreifftiau a labelwyd gan y tîm "
        "ac o gywiriadau swyddogion.",
    ]
    if rules.acknowledge_out_of_hours:
        model_en.append(
            "When the desk is not staffed, socialdesk sends one automatic reply to a private "
            "message: the page is not monitored now, ring 999 in an emergency, otherwise 101. "
            "This reply is marked as automatic and is never counted as an answer.")
        model_cy.append(
            "Pan nad yw'r ddesg wedi'i staffio, mae socialdesk yn anfon un ateb awtomatig i "
            "neges breifat: nid oes neb yn monitro'r dudalen nawr, ffoniwch 999 mewn argyfwng, "
            "101 fel arall. Caiff yr ateb hwn ei nodi'n awtomatig ac nid yw byth yn cyfrif fel "
            "ateb.")
    people_en = [
        "Officers read every item and decide what to do with it: answer it, pass it on, or "
        "close it and say why. Every answer on the page is written or chosen, and sent, by an "
        "officer.",
        "Officers correct the model's category or urgent flag; their correction stands and "
        "teaches the next model.",
        "An urgent item stays at the top of the list until an officer acts on it; when nobody "
        f"has claimed it after {rules.escalate_after} minutes, the supervisors are told.",
        "Supervisors assign work, " + ("approve safety posts, " if rules.require_approval
                                       else "") +
        "decide what is exported, and purge personal data under the retention policy.",
        "The model never answers, closes, hides or deletes anything, and never contacts "
        "anyone.",
    ]
    people_cy = [
        "Mae swyddogion yn darllen pob eitem ac yn penderfynu beth i'w wneud â hi: ei hateb, "
        "ei throsglwyddo, neu ei chau a dweud pam. Swyddog sy'n ysgrifennu neu'n dewis, ac yn "
        "anfon, pob ateb ar y dudalen.",
        "Mae swyddogion yn cywiro categori neu nod brys y model; mae eu cywiriad yn sefyll ac "
        "yn dysgu'r model nesaf.",
        "Mae eitem frys yn aros ar frig y rhestr nes i swyddog weithredu arni; os nad oes neb "
        f"wedi'i hawlio ar ôl {rules.escalate_after} munud, rhoddir gwybod i'r goruchwylwyr.",
        "Mae goruchwylwyr yn dyrannu gwaith, " + ("yn cymeradwyo negeseuon diogelwch, "
                                                  if rules.require_approval else "") +
        "yn penderfynu beth a allforir, ac yn dileu data personol yn unol â'r polisi cadw.",
        "Nid yw'r model byth yn ateb, yn cau, yn cuddio nac yn dileu dim, ac nid yw byth yn "
        "cysylltu â neb.",
    ]
    return "".join([
        '<section class="part" id="decisions">',
        f"<h2>{_both('What the model decides and what people decide', 'Beth mae’r model yn ei benderfynu a beth mae pobl yn ei benderfynu')}</h2>",  # noqa: E501
        f"<h3>{_both('The model', 'Y model')}</h3>",
        _prose(model_en, model_cy, bullets=True),
        f"<h3>{_both('People', 'Pobl')}</h3>",
        _prose(people_en, people_cy, bullets=True),
        "</section>"])


def _retention(pack: ScrutinyPack) -> str:
    r = pack.retention
    if r.last_purge_at:
        last = (f"{_day_en(r.last_purge_at, pack)} (words written before "
                f"{_day_en(r.last_purge_cutoff, pack) or '—'})",
                f"{_day_cy(r.last_purge_at, pack)} (geiriau a ysgrifennwyd cyn "
                f"{_day_cy(r.last_purge_cutoff, pack) or '—'})")
    else:
        last = ("none yet", "dim eto")
    oldest = ((_day_en(r.oldest_kept, pack), _day_cy(r.oldest_kept, pack)) if r.oldest_kept
              else ("none", "dim"))
    rows = [
        (_both("Retention period", "Cyfnod cadw"), (f"{r.days:,} days", f"{r.days:,} diwrnod")),
        (_both("Last purge", "Y dileu diwethaf"), last),
        (_both("Items whose words were purged in the quarter",
               "Eitemau y dilëwyd eu geiriau yn ystod y chwarter"),
         (f"{r.purged_in_quarter:,}", f"{r.purged_in_quarter:,}")),
        (_both("Items whose words were purged, in all",
               "Eitemau y dilëwyd eu geiriau, i gyd"), (f"{r.purged_all:,}", f"{r.purged_all:,}")),
        (_both("Oldest item still holding its words", "Yr eitem hynaf sy'n dal i gadw ei geiriau"),
         oldest),
    ]
    body = "".join(
        f"<tr><th>{h}</th><td>{_e(en)}"
        + (f' / <span class="cy" lang="cy">{_e(cy)}</span>' if cy != en else "") + "</td></tr>"
        for h, (en, cy) in rows)
    return "".join([
        '<section class="part" id="retention">',
        f"<h2>{_both('Retention of personal data', 'Cadw data personol')}</h2>",
        _prose([f"The words of each message, the writer's name and id, attachments and links "
                f"are purged {r.days:,} days after the message arrived. Times, categories, "
                "languages and officers stay, so the figures in this pack do not change. "
                "Purged words leave the database file."],
               [f"Caiff geiriau pob neges, enw a dynodydd yr awdur, atodiadau a dolenni eu "
                f"dileu {r.days:,} diwrnod ar ôl i'r neges gyrraedd. Mae'r amseroedd, y "
                "categorïau, yr ieithoedd a'r swyddogion yn aros, felly nid yw'r ffigurau yn "
                "y pecyn hwn yn newid. Mae'r geiriau a ddilëwyd yn gadael ffeil y gronfa "
                "ddata."]),
        f'<table class="facts" id="retention-facts">{body}</table>',
        "</section>"])


def _audit(pack: ScrutinyPack) -> str:
    chain = pack.chain
    if chain is None:
        verdict, bad = ("not checked", "heb ei gwirio"), True
        rows_text, head = "—", "—"
    elif chain.ok:
        verdict, bad = ("Intact: every row chains to the one before it and matches its hash, "
                        "and the chain agrees with its anchors.",
                        "Cyfan: mae pob rhes yn cysylltu â'r un o'i blaen ac yn cyfateb i'w "
                        "stwnsh, ac mae'r gadwyn yn cytuno â'i hangorau."), False
        rows_text, head = f"{chain.rows:,}", chain.head
    else:
        verdict = (f"BROKEN at row {chain.broken_id}: it {chain.reason}.",
                   f"WEDI'I THORRI yn rhes {chain.broken_id}: mae'r rhes hon wedi'i newid, "
                   "neu mae rhes wedi'i dileu, ei hychwanegu neu ei symud.")
        bad = True
        rows_text, head = f"{chain.rows:,}", chain.head
    return "".join([
        '<section class="part" id="audit">',
        f"<h2>{_both('The audit chain', 'Y gadwyn archwilio')}</h2>",
        _prose(["Every action of officers and of the system is a row of a hash chain "
                "(SHA-256): a changed, deleted or inserted row breaks it. The chain was checked "
                "when this pack was made, against the anchors kept outside the database."],
               ["Mae pob cam gan swyddogion a chan y system yn rhes mewn cadwyn stwnsh "
                "(SHA-256): mae rhes a newidiwyd, a ddilëwyd neu a fewnosodwyd yn ei thorri. "
                "Gwiriwyd y gadwyn pan grëwyd y pecyn hwn, yn erbyn yr angorau a gedwir y tu "
                "allan i'r gronfa ddata."]),
        f'<div class="verdict{" bad" if bad else ""}" id="chain-verdict"><div class="both">'
        f'<div lang="en">{_e(verdict[0])}</div>'
        f'<div lang="cy" class="cy">{_e(verdict[1])}</div></div></div>',
        '<table class="facts" id="chain-facts">'
        f"<tr><th>{_both('Rows checked', 'Rhesi a wiriwyd')}</th>"
        f'<td class="n">{_e(rows_text)}</td></tr>'
        f"<tr><th>{_both('Head (the last row’s hash)', 'Pen y gadwyn (stwnsh y rhes olaf)')}"
        f'</th><td><code id="chain-head">{_e(head)}</code></td></tr></table>',
        _prose(["Anyone with access can check it again with: socialdesk audit verify. This "
                "export is itself recorded in the chain, after the head above."],
               ["Gall unrhyw un sydd â mynediad ei gwirio eto gyda: socialdesk audit verify. "
                "Cofnodir yr allforio hwn yn y gadwyn hefyd, ar ôl y pen uchod."]),
        "</section>"])


def render_html(pack: ScrutinyPack) -> str:
    """The pack as one self-contained, printable HTML document (no scripts, no links)."""
    marking = "OFFICIAL-SENSITIVE" if pack.names else "OFFICIAL"
    title = f"{pack.team} — scrutiny pack {pack.quarter.label}"
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)} / Pecyn craffu</title>",
        f"<style>{CSS}{page_css(marking, pack.quarter.label)}</style>",
        "</head>",
        "<body>",
        f'<p class="marking">{marking}</p>',
        "<header>",
        f"<h1>{_both('Scrutiny pack', 'Pecyn craffu')} · {_e(pack.quarter.label)}</h1>",
        f"<p>{_both('For the accountability board', 'Ar gyfer y bwrdd atebolrwydd')}</p>",
        _head(pack),
        "</header>",
        _summary(pack),
        _volumes(pack),
        _responses(pack),
        _urgent(pack),
        _referrals(pack),
        _accuracy(pack),
        _statement(pack),
        _retention(pack),
        _audit(pack),
        "<footer>",
        f"<p>{_both('Made by socialdesk from the desk’s own records.', 'Crëwyd gan socialdesk o gofnodion y ddesg ei hun.')}</p>",  # noqa: E501
        f'<p class="marking">{marking}</p>',
        "</footer>",
        "</body>",
        "</html>",
        "",
    ])

