"""Escalations that leave the desk: a JSON POST to a webhook (a Teams or Slack channel, the
force's own system) and an e-mail file (.eml) written into a folder a mail system collects.
Both carry the item's number and what the model said, never its words or its author."""

from __future__ import annotations

import os
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from socialdesk.errors import UserError
from socialdesk.lazy import lazy_module

if TYPE_CHECKING:
    import httpx
else:   # imported on first use: the dashboard paints without it
    httpx = lazy_module("httpx")

TIMEOUT_SECONDS = 10.0


class RelayError(UserError):
    """An escalation could not be handed on (one sentence says where and why)."""


def where(url: str) -> str:
    """A webhook named without its secret: Teams and Slack hooks carry it in the path, so only
    the scheme and host are ever said (in notices, logs and the audit chain)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}" + (f":{parts.port}" if parts.port else "")


def post_webhook(url: str, payload: dict[str, object]) -> None:
    """POST the escalation as JSON; any status but 2xx is an error."""
    try:
        response = httpx.post(url, json=payload, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        raise RelayError(f"The escalation webhook at {where(url)} could not be reached "
                         f"({type(exc).__name__}).") from None
    if not 200 <= response.status_code < 300:
        raise RelayError(f"The escalation webhook at {where(url)} answered HTTP "
                         f"{response.status_code}.")


def write_mail(folder: str, to: str, team: str, subject: str, body: str,
               at: datetime, name: str) -> Path:
    """Write the escalation as an e-mail file ``<name>.eml`` (readable by its owner only)."""
    message = EmailMessage()
    message["From"] = "socialdesk <socialdesk@localhost>"
    message["To"] = to or "supervisors@localhost"
    message["Subject"] = f"[{team}] {subject}"
    message["Date"] = format_datetime(at)
    message.set_content(body)
    target = Path(folder).expanduser() / f"{name}.eml"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(message.as_bytes())
    except OSError as exc:
        raise RelayError(f"The escalation e-mail could not be written to {target} "
                         f"({exc.strerror}).") from None
    return target
