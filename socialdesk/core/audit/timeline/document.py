"""An evidence timeline as one self-contained, printable HTML file: inline CSS only, no scripts,
fonts or links, so it opens and prints offline; everything a person or an officer typed is
HTML-escaped; headings in English and Welsh.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from socialdesk.core.audit.timeline.entries import Step, Timeline

CSS = """
body { font-family: Georgia, "Times New Roman", serif; margin: 2em auto; max-width: 52em;
       color: #111; line-height: 1.4; }
h1 { font-size: 1.5em; margin-bottom: .2em; }
h1 .cy, h2 .cy, th .cy, .label .cy { font-weight: normal; font-style: italic; }
.marking { text-align: center; font-weight: bold; letter-spacing: .1em; }
table.header { border-collapse: collapse; margin: 1em 0; }
table.header th { text-align: left; padding: .2em 1em .2em 0; vertical-align: top; }
table.header td { padding: .2em 0; }
.warning { border: 2px solid #000; padding: .6em; margin: 1em 0; }
.entry { border-top: 1px solid #555; padding: .6em 0; break-inside: avoid;
         page-break-inside: avoid; }
.entry h2 { font-size: 1.05em; margin: 0 0 .3em 0; }
.urgent { font-weight: bold; text-decoration: underline; }
.text { white-space: pre-wrap; border-left: 3px solid #888; padding-left: .6em;
        margin: .4em 0; }
.post { color: #333; font-size: .9em; }
.label { font-weight: bold; font-size: .9em; margin-top: .4em; }
ul { margin: .2em 0 .2em 1.2em; padding: 0; }
code { font-family: "Courier New", monospace; word-break: break-all; }
footer { border-top: 1px solid #000; margin-top: 2em; padding-top: .5em; font-size: .9em; }
@page { margin: 18mm 15mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  .entry h2, .label { break-after: avoid; page-break-after: avoid; }
}
"""

CATEGORY_CY = {"report": "adroddiad", "concern": "pryder",
               "not classified yet": "heb ei ddosbarthu"}
KIND_CY = {"comment": "sylw", "message": "neges"}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _both(english: str, welsh: str) -> str:
    """A heading in English and Welsh, side by side (equal standing)."""
    return f'{_e(english)} / <span class="cy" lang="cy">{_e(welsh)}</span>'


def _steps(steps: Sequence[Step], quoted: bool = False) -> str:
    rows = []
    for step in steps:
        body = f'<div class="text">{_e(step.what)}</div>' if quoted else _e(step.what)
        rows.append(f"<li>{_e(step.at)} — {_e(step.who)}: {body}</li>")
    return "<ul>" + "".join(rows) + "</ul>"


def render_html(timeline: Timeline) -> str:
    """The timeline as one self-contained, printable HTML document (no scripts, no links)."""
    t = timeline
    names = (_both("included", "wedi'u cynnwys") if t.names else
             _both("left out: authors are pseudonyms (Person A, B…); officers are named",
                   "wedi'u hepgor: ffugenwau yw'r awduron (Person A, B…); enwir y swyddogion"))
    period = f"{t.period[0]} – {t.period[1]}" if t.period else "—"
    chat = (f"{t.chat_left_out} chat item{'s' if t.chat_left_out != 1 else ''} left out"
            if t.chat_left_out else "no chat items were chosen")
    header_rows = [
        (_both("Covers", "Yn cwmpasu"), _e(t.title)),
        (_both("Period", "Cyfnod"), _e(f"{period} ({t.zone})")),
        (_both("Items", "Eitemau"),
         _e(f"{len(t.entries)} reports and concerns, oldest first; {chat} (chat is not "
            "evidence of a problem)")),
        (_both("Names", "Enwau"), names),
        (_both("Exported by", "Allforiwyd gan"), _e(f"{t.exported_by}, {t.exported_at}")),
        (_both("Audit chain at export", "Y gadwyn archwilio wrth allforio"),
         f"{t.audit_rows:,} rows, head <code>{_e(t.audit_head)}</code>"),
    ]
    warning = (
        "Names were left out of the authors only. Names, addresses and other details that "
        "people typed inside their messages cannot be removed reliably by a program: read "
        "every entry before this file is shared." if not t.names else
        "This file names the people who wrote to the page. Keep it as personal data: share it "
        "only with those who need it for this case.")
    warning_cy = (
        "Dim ond enwau'r awduron a hepgorwyd. Ni all rhaglen dynnu'n ddibynadwy enwau, "
        "cyfeiriadau a manylion eraill a deipiodd pobl yn eu negeseuon: darllenwch bob cofnod "
        "cyn rhannu'r ffeil hon." if not t.names else
        "Mae'r ffeil hon yn enwi'r bobl a ysgrifennodd at y dudalen. Cadwch hi fel data "
        "personol: rhannwch hi dim ond gyda'r rhai sydd ei hangen ar gyfer yr achos hwn.")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_e(t.title)} — evidence timeline</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        '<p class="marking">OFFICIAL-SENSITIVE</p>',
        f"<h1>{_both('Evidence timeline', 'Llinell amser tystiolaeth')}</h1>",
        '<table class="header">',
        *(f"<tr><th>{head}</th><td>{value}</td></tr>" for head, value in header_rows),
        "</table>",
        f'<p class="warning">{_e(warning)}<br><span lang="cy">{_e(warning_cy)}</span></p>',
    ]
    notes_heading = _both("Officers’ notes (internal, never sent to the page)",
                          "Nodiadau’r swyddogion (mewnol, byth yn mynd i’r dudalen)")
    for entry in t.entries:
        urgent = ' <span class="urgent">URGENT / BRYS</span>' if entry.urgent else ""
        category = f"{entry.category} / {CATEGORY_CY.get(entry.category, entry.category)}"
        kind = f"{entry.kind} / {KIND_CY.get(entry.kind, entry.kind)}"
        parts.append(f'<section class="entry" id="item-{entry.item_id}">')
        parts.append(f"<h2>{_e(entry.at)} · #{entry.item_id} · {_e(category)}{urgent}</h2>")
        parts.append(f"<div>{_e(kind)} · {_e(entry.language)} · {_e(entry.author)} · "
                     f"{_both('status', 'statws')}: {_e(entry.status)}</div>")
        parts.append(f'<div class="text">{_e(entry.text)}</div>')
        if entry.post:
            parts.append(f'<div class="post">{_both("Under the post", "O dan y postiad")}: '
                         f"{_e(entry.post)}</div>")
        if entry.actions:
            parts.append(f'<div class="label">{_both("The team’s actions", "Camau’r tîm")}'
                         f"</div>{_steps(entry.actions)}")
        if entry.answers:
            parts.append(f'<div class="label">{_both("Answers", "Atebion")}</div>'
                         f"{_steps(entry.answers, quoted=True)}")
        if entry.notes:
            parts.append(f'<div class="label">{notes_heading}</div>'
                         f"{_steps(entry.notes, quoted=True)}")
        parts.append("</section>")
    parts += [
        "<footer>",
        "<p>Generated by socialdesk; the audit chain can be verified with "
        "<code>socialdesk audit verify</code>.<br>"
        '<span lang="cy">Crëwyd gan socialdesk; gellir gwirio’r gadwyn archwilio gyda '
        "<code>socialdesk audit verify</code>.</span></p>",
        '<p class="marking">OFFICIAL-SENSITIVE</p>',
        "</footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)
