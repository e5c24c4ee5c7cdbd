"""The scrutiny pack as one self-contained, bilingual, printable HTML document.

English and Welsh have equal standing: every heading, label and paragraph is given in both,
side by side (each section's prose in two columns, English then Welsh; table headings
"English / Cymraeg"). Charts are inline SVG drawn here: no scripts, no fonts, no images or
links to load, all CSS in one ``<style>``, so the file opens offline and prints to PDF from any
browser, each section on a new page. Every value is HTML-escaped.
"""

from __future__ import annotations

from socialdesk.core.audit.scrutiny.bilingual import _both, _e
from socialdesk.core.audit.scrutiny.figures import ScrutinyPack
from socialdesk.core.audit.scrutiny.governance_sections import _audit, _retention, _statement
from socialdesk.core.audit.scrutiny.outcome_sections import _accuracy, _referrals, _urgent
from socialdesk.core.audit.scrutiny.service_sections import _head, _responses, _summary, _volumes
from socialdesk.core.audit.scrutiny.style import CSS, page_css


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
