"""Time a full-screen program's first paint in a real terminal: tmux at 160×50.

A detached tmux server (its own socket, no user config) runs a shell; the command is typed
into it prefixed with ``date +%s.%N > stamp; exec``, so the clock starts in the shell, just
before the process starts. ``tmux capture-pane -p`` is then polled as fast as it answers
(a few ms each) until a marker (a known row's text) is on the screen; the time from the stamp
to the capture that showed it is the first paint, process start, imports, DB and the
terminal's own drawing included. Each run is a fresh tmux server and a fresh process.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

WIDTH, HEIGHT = 160, 50


def _tmux(socket: str, *args: str, env: Mapping[str, str] | None = None) -> str:
    return subprocess.run(["tmux", "-L", socket, "-f", "/dev/null", *args], check=True,
                          capture_output=True, text=True, env=env).stdout


def first_paint(argv: Sequence[str], markers: Sequence[str], *, env: Mapping[str, str],
                cwd: Path, timeout: float = 60.0) -> float:
    """Seconds from the shell starting ``argv`` to every marker being on screen."""
    socket = f"paint-{os.getpid()}-{time.monotonic_ns()}"
    with tempfile.TemporaryDirectory() as tmp:
        stamp = Path(tmp) / "stamp"
        _tmux(socket, "new-session", "-d", "-x", str(WIDTH), "-y", str(HEIGHT), "-s", "paint",
              "-c", str(cwd), "sh", env=env)
        try:
            _tmux(socket, "set-option", "-t", "paint", "status", "off")
            command = f"date +%s.%N > {shlex.quote(str(stamp))}; exec {shlex.join(argv)}"
            _tmux(socket, "send-keys", "-t", "paint", "-l", command)
            _tmux(socket, "send-keys", "-t", "paint", "Enter")
            deadline = time.monotonic() + timeout
            while True:
                screen = _tmux(socket, "capture-pane", "-p", "-t", "paint")
                seen = time.time()
                if all(marker in screen for marker in markers) and stamp.exists():
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{argv[:3]}… never showed {markers!r}:\n{screen}")
            text = stamp.read_text().strip()
            return seen - float(text)
        finally:
            subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True,
                           check=False)
