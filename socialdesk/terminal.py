"""Showing people's text on a terminal safely."""

from __future__ import annotations

import unicodedata


def printable(text: str, width: int | None = None) -> str:
    """User text made safe for a terminal: control characters (escape sequences!) shown as ⍰."""
    clean = "".join("⍰" if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\u200d"
                    else ch for ch in text.replace("\n", " ").replace("\t", " "))
    if width is not None and len(clean) > width:
        clean = clean[: width - 1] + "…"
    return clean


def printable_block(text: str) -> str:
    """Like :func:`printable`, but keeping line breaks (a post's whole text)."""
    return "\n".join(printable(line) for line in text.splitlines())
