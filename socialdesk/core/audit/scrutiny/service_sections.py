"""The pack's opening and its service sections: the summary, volumes, Welsh parity and how fast
the public was answered, each in English and Welsh.
"""

from __future__ import annotations

from collections.abc import Sequence

from socialdesk.core.audit.report_figures import GroupStats, minutes_text
from socialdesk.core.audit.scrutiny.bilingual import (
    CATEGORY,
    CLOCK,
    KIND,
    LANGUAGE,
    _both,
    _day_cy,
    _day_en,
    _e,
    _month,
    _n,
    _named,
    _pair,
    _pct,
    _plain,
    _prose,
    _share,
    _table,
    _td,
)
from socialdesk.core.audit.scrutiny.charts import bar_chart, grouped_chart
from socialdesk.core.audit.scrutiny.figures import ScrutinyPack
from socialdesk.core.audit.scrutiny.quarters import last_day
from socialdesk.core.audit.scrutiny.style import ENGLISH_COLOUR, WELSH_COLOUR


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
