"""Layering: core is usable without Textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import socialdesk.core


def test_core_imports_without_textual() -> None:
    modules = [m.name for m in pkgutil.walk_packages(socialdesk.core.__path__, "socialdesk.core.")]
    assert "socialdesk.core.desk.desk" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "import socialdesk.cli\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(len(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"
