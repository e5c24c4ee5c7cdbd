"""Read the page access token from an environment variable or a 0600 file. Never store it.

The token is kept only in memory, in :class:`PageToken`, whose ``repr`` hides it, and
:func:`redact` removes it from any text before that text is shown or logged.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from socialdesk.config import PageConfig
from socialdesk.errors import UserError

REDACTED = "[token redacted]"
#: What a page access token can hold (Facebook's are letters and digits; base64-like and
#: URL-safe punctuation is allowed). Anything else is refused when the token is loaded, so
#: that no odd byte of it can reach an HTTP header, an error text or a log escaped.
TOKEN_CHARS = re.compile(r"[A-Za-z0-9+/=._~-]{8,4096}")


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
    """Replace ``secret`` in ``text`` in every form an error or a log may show it: as written,
    escaped or quoted (``repr``, JSON, URL-encoded), and after ``Bearer`` (no-op for empty
    secrets)."""
    if not secret or len(secret) < 4:
        return text
    from urllib.parse import quote, quote_plus

    forms = {secret, repr(secret)[1:-1], secret.encode("unicode_escape").decode("ascii"),
             quote(secret, safe=""), quote_plus(secret)}
    for form in sorted(forms, key=len, reverse=True):
        if form:
            text = text.replace(form, REDACTED)
    return re.sub(r"(?i)\bBearer\s+(?!\[token redacted\])\S+", f"Bearer {REDACTED}", text)


def check_token(value: str, where: str) -> PageToken:
    """A token as loaded from ``where`` (an environment variable or a file), refused in one
    sentence that never shows it when it cannot be one: several lines, spaces, characters a
    token does not hold."""
    if "\n" in value or "\r" in value:
        raise TokenError(f"The page token in {where} holds more than one line; keep only the "
                         "current token there.")
    if not TOKEN_CHARS.fullmatch(value):
        raise TokenError(f"The page token in {where} holds characters a page token cannot "
                         "hold (or is too short); paste it again from Meta's token tool.")
    return PageToken(value)


def load_token(page: PageConfig) -> PageToken:
    """The token from ``$<token_env>``, else from ``token_file`` (0600 or stricter)."""
    value = os.environ.get(page.token_env, "").strip()
    if value:
        return check_token(value, f"the environment variable {page.token_env}")
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
    return check_token(value, f"the file {path}")
