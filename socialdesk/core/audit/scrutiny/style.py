"""The scrutiny pack's look: all its CSS in one ``<style>`` (each section on a new printed page)
and the charts' colours, dark enough to print in grey.
"""

from __future__ import annotations

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
