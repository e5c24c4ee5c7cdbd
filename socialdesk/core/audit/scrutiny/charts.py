"""The pack's charts as inline SVG drawn here (no scripts, fonts or images to load): bars, and
bars in groups (Welsh beside English).
"""

from __future__ import annotations

from collections.abc import Sequence

from socialdesk.core.audit.scrutiny.bilingual import _e
from socialdesk.core.audit.scrutiny.style import MAIN_COLOUR


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
