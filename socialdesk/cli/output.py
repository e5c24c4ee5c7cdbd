"""What the commands print: people's text made safe for a terminal, one-sentence errors,
progress bars."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path


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


def say(text: str) -> None:
    """One line on stdout, flushed (scripts read it as it comes)."""
    print(text, flush=True)


def fail(message: str) -> int:
    """One sentence on stderr; returns exit code 1."""
    print(f"socialdesk: {message.rstrip('.')}.", file=sys.stderr)
    return 1


def note(message: str) -> None:
    """A remark for the person (not the data) on stderr."""
    print(f"socialdesk: {message}", file=sys.stderr, flush=True)


def line_progress(path: Path) -> Callable[[int, int], None] | None:
    """A progress bar for reading a file's lines, on a terminal only."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = tqdm(total=0, unit=" lines", desc=f"importing {path.name}", file=sys.stderr)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def train_progress() -> Callable[[str, float], None]:
    """Training progress on stderr: a bar on a terminal, one line per whole percent otherwise."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=100, desc="training", file=sys.stderr,
                   bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix}")

        def show(message: str, fraction: float) -> None:
            bar.n = int(fraction * 100)
            bar.set_postfix_str(message)
            if fraction >= 1:
                bar.close()

        return show
    last: list[tuple[int, str]] = []

    def log_line(message: str, fraction: float) -> None:
        step = (int(fraction * 100), message)
        if not last or step != last[-1]:
            last[:] = [step]
            print(f"training: {fraction:4.0%} {message}", file=sys.stderr, flush=True)

    return log_line
