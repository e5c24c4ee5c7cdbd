"""Read the page access token from an environment variable or a 0600 file. Never store it.

The token is kept only in memory, in :class:`PageToken`, whose ``repr`` hides it, and
:func:`redact` removes it from any text before that text is shown or logged.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from socialdesk.config import PageConfig
from socialdesk.errors import UserError

REDACTED = "[token redacted]"


class TokenError(UserError):
    """No usable page token (missing, unreadable, or a file others can read)."""


@dataclass(frozen=True)
class PageToken:
    """The page access token; ``repr``/``str`` never show it."""

    value: str

    def __repr__(self) -> str:
        return "PageToken(***)"

    __str__ = __repr__

    def redact(self, text: str) -> str:
        """``text`` with every occurrence of the token replaced."""
        return redact(text, self.value)


def redact(text: str, secret: str | None) -> str:
    """Replace ``secret`` in ``text`` (no-op for empty secrets)."""
    if not secret or len(secret) < 4:
        return text
    return text.replace(secret, REDACTED)


def load_token(page: PageConfig) -> PageToken:
    """The token from ``$<token_env>``, else from ``token_file`` (0600 or stricter)."""
    value = os.environ.get(page.token_env, "").strip()
    if value:
        return PageToken(value)
    if not page.token_file:
        raise TokenError(f"No page access token: set the environment variable {page.token_env} "
                         "or [page] token_file in the config.")
    path = Path(page.token_file).expanduser()
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise TokenError(f"The token file {path} does not exist.") from None
    except OSError as exc:
        raise TokenError(f"The token file {path} cannot be read ({exc.strerror}).") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise TokenError(f"The token file {path} can be read by other users; "
                         f"run 'chmod 600 {path}' first.")
    try:
        value = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        raise TokenError(f"The token file {path} cannot be read as text.") from None
    if not value:
        raise TokenError(f"The token file {path} is empty.")
    return PageToken(value)
