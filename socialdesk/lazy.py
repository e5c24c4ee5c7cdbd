"""Imports that wait until they are used, so that starting the dashboard (or a quick command)
does not pay for libraries only some paths need: httpx for the page, numpy for the model.

- :func:`lazy_module`: a stand-in whose first attribute use imports the module (thread-safe:
  it goes through the import system's own locks). Use it as
  ``if TYPE_CHECKING: import numpy as np`` /
  ``else: np = lazy_module("numpy", globals(), "np")``.
- :func:`without_modules`: import something while some optional dependency it would pick up
  if installed (sqlite-utils and numpy/pandas) looks absent.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any


class _LazyModule:
    """Forwards attribute reads to a module imported on the first one (and, given the
    importing module's globals, puts the real module there in its place: later uses cost
    nothing)."""

    def __init__(self, name: str, namespace: dict[str, Any] | None, alias: str) -> None:
        self._name, self._namespace, self._alias = name, namespace, alias

    def __getattr__(self, attr: str) -> Any:
        module: ModuleType = importlib.import_module(self._name)
        if self._namespace is not None and self._namespace.get(self._alias) is self:
            self._namespace[self._alias] = module
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def lazy_module(name: str, namespace: dict[str, Any] | None = None, alias: str = "") -> Any:
    """A stand-in for ``import name [as alias]`` that imports it on first use; with the
    caller's ``globals()`` it then replaces itself there under ``alias`` (default: name)."""
    return _LazyModule(name, namespace, alias or name)


@contextmanager
def without_modules(*names: str) -> Iterator[None]:
    """Within the block, ``import name`` fails with ImportError for the given modules not
    already imported (an entry of None in sys.modules does that); afterwards they import as
    usual."""
    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]
