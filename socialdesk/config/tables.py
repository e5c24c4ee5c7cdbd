"""Reading one TOML table of the config file: each value checked against what is allowed,
every problem a :class:`~socialdesk.errors.ConfigError` whose one sentence names the file, the
key and what is allowed; unknown keys are errors too.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from socialdesk.errors import ConfigError

T = TypeVar("T")


class _Section:
    """Reads one TOML table, remembering which keys were used, and phrases errors."""

    def __init__(self, source: Path, name: str, table: Any) -> None:
        self.source = source
        self.name = name
        if not isinstance(table, dict):
            self.fail(f"[{name}] must be a table (a [{name}] section), got {_show(table)}")
        self.table: dict[str, Any] = table

    def fail(self, message: str) -> None:
        raise ConfigError(f"{self.source}: {message}.")

    def _get(self, key: str, default: T, check: Callable[[Any], bool], allowed: str) -> T:
        if key not in self.table:
            return default
        value = self.table[key]
        if not check(value):
            self.fail(f"[{self.name}] {key} must be {allowed}, got {_show(value)}")
        return value

    def text(self, key: str, default: str, pattern: str | None = None, allowed: str = "") -> str:
        """A string value, optionally matching a regular expression."""

        def ok(v: Any) -> bool:
            return isinstance(v, str) and (pattern is None or re.fullmatch(pattern, v) is not None)

        return self._get(key, default, ok, allowed or "a string")

    def choice(self, key: str, default: str, options: Iterable[str]) -> str:
        """A string from a fixed set."""
        opts = tuple(options)
        listed = ", ".join(f'"{o}"' for o in opts)
        return self._get(key, default, lambda v: v in opts, f"one of {listed}")

    def integer(self, key: str, default: int, low: int, high: int, unit: str = "") -> int:
        """A whole number in [low, high]."""

        def ok(v: Any) -> bool:
            return isinstance(v, int) and not isinstance(v, bool) and low <= v <= high

        what = f"a whole number{' of ' + unit if unit else ''} from {low} to {high}"
        return self._get(key, default, ok, what)

    def number(self, key: str, default: float, low: float, high: float, unit: str = "") -> float:
        """A number (int or float) in [low, high]."""

        def ok(v: Any) -> bool:
            return isinstance(v, int | float) and not isinstance(v, bool) and low <= v <= high

        what = f"a number{' of ' + unit if unit else ''} from {low:g} to {high:g}"
        return float(self._get(key, default, ok, what))

    def boolean(self, key: str, default: bool) -> bool:
        """A true or false value (the default when the key is absent; anything else is refused in
        one sentence)."""
        return self._get(key, default, lambda v: isinstance(v, bool), "true or false")

    def only(self, allowed: Iterable[str]) -> None:
        """Reject keys this section does not know (catches typos)."""
        known = set(allowed)
        for key in self.table:
            if key not in known:
                listed = ", ".join(sorted(known))
                self.fail(f"[{self.name}] has an unknown key '{key}' (allowed: {listed})")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _read_toml(source: Path) -> dict[str, Any]:
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{source}: config file not found.") from None
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read the config file ({exc.strerror}).") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{source}: the config file is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML ({exc}).") from None
