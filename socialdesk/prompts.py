"""Reading the TOML files of ``prompts/`` (urgent cues, category signals, the Welsh glossary,
reply and safety-post templates): one reader, so every such file fails the same way — one
sentence naming the file and what it should hold."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from socialdesk import paths
from socialdesk.errors import UserError


def prompt_file(name: str) -> Path:
    """The path of a file in the prompts/ folder (checkout or wheel)."""
    return paths.prompts_dir() / name


def read_prompt_toml(path: Path, what: str,
                     error: type[UserError] = UserError) -> dict[str, Any]:
    """The TOML tables of ``path``; raise ``error`` with one sentence when the file is missing,
    not UTF-8 or not TOML (``what`` names its content, e.g. "the Welsh glossary")."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise error(f"{path}: cannot read {what} ({exc}).") from None
