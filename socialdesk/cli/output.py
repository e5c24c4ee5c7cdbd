"""What the commands print: people's text made safe for a terminal, one-sentence errors,
progress bars."""

from __future__ import annotations

import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


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


class Stopped(Exception):
    """Long work stopped by the person (Ctrl-C) after keeping what was done; the message says
    what is done and what is left. The command exits 130."""


class WorkProgress:
    """Progress of one long piece of work on stderr, and what to say if it is stopped.

    Called with (done, total) by the core after each committed batch. On a terminal: a bar.
    Otherwise (a log, CI): one line at most every ``every`` seconds, so the work is never
    silent. Use it through :func:`long_work`.
    """

    def __init__(self, label: str, unit: str, every: float = 5.0) -> None:
        self.label, self.unit, self.every = label, unit, every
        self.done = self.total = 0
        self._bar: Any = None
        self._last_line = time.monotonic()
        if sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=0, unit=f" {unit}", desc=label, file=sys.stderr,
                             dynamic_ncols=True)

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        if self._bar is not None:
            self._bar.total = total
            self._bar.n = done
            self._bar.refresh()
        elif time.monotonic() - self._last_line >= self.every:
            self._last_line = time.monotonic()
            note(f"{self.label}: {self.counted()}")

    def counted(self) -> str:
        """How far the work is, as "40,000 of 100,000 lines (40%)" (no share when the total is
        unknown)."""
        share = f" ({self.done / self.total:.0%})" if self.total else ""
        return f"{self.done:,} of {self.total:,} {self.unit}{share}"

    def close(self) -> None:
        """Take the bar off the terminal."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


@contextmanager
def long_work(label: str, unit: str,
              again: str = "run the same command again to do the rest",
              stopped: Callable[[WorkProgress], str] | None = None) -> Iterator[WorkProgress]:
    """Run long work with progress on stderr; Ctrl-C becomes :class:`Stopped` saying what was
    kept and what is left (the work commits as it goes, so nothing done is lost), or what
    ``stopped`` says of the progress (read-only work: how far it read)."""
    progress = WorkProgress(label, unit)
    try:
        yield progress
    except KeyboardInterrupt:
        progress.close()
        if stopped is not None:
            raise Stopped(stopped(progress)) from None
        left = max(progress.total - progress.done, 0)
        raise Stopped(f"stopped: {label} kept {progress.done:,} of {progress.total:,} "
                      f"{unit} done, {left:,} left; {again}.") from None
    finally:
        progress.close()


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
