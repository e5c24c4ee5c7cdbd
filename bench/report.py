"""Write a benchmark's results into its own section of BENCHMARKS.md, with the machine noted."""

from __future__ import annotations

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
HEADER = "# Benchmarks\n\nEach section is rewritten by `make bench` (or `python -m bench NAME`).\n"


def machine() -> str:
    """One line describing where the numbers were measured."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}")


def write_section(name: str, body: str) -> None:
    """Replace (or add) the section `## name` of BENCHMARKS.md."""
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else HEADER
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = f"## {name}\n\nMeasured {stamp} on {machine()}.\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(name)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    BENCHMARKS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    print(section)


def team_config(folder: Path) -> Path:
    """The bundled config with the OS user running the benchmark as a supervisor (socialdesk
    refuses writes from users who are not members)."""
    import getpass

    bundled = Path(__file__).resolve().parent.parent / "config" / "socialdesk.toml"
    path = folder / "team.toml"
    path.write_text(bundled.read_text(encoding="utf-8").replace(
        "[members]\n", f'[members]\n"{getpass.getuser()}" = "supervisor"\nbench = "supervisor"\n'),
        encoding="utf-8")
    return path
