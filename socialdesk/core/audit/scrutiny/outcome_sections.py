"""The pack's sections on what came of the work: urgent items and how fast they were handled,
the model's accuracy against officers' corrections, and referrals to partners.
"""

from __future__ import annotations

from datetime import datetime

from socialdesk.core.audit.report_figures import minutes_text
from socialdesk.core.audit.scrutiny.bilingual import (
    CATEGORY,
    KIND,
    LANGUAGE,
    OUTCOME,
    _both,
    _e,
    _month,
    _n,
    _named,
    _pair,
    _pct,
    _prose,
    _share,
    _table,
    _td,
)
from socialdesk.core.audit.scrutiny.charts import bar_chart
from socialdesk.core.audit.scrutiny.figures import (
    LABELS,
    URGENT_BUCKETS,
    Accuracy,
    ScrutinyPack,
    Urgent,
)
from socialdesk.core.audit.scrutiny.style import WELSH_COLOUR


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
