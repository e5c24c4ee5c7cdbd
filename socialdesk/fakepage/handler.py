"""The HTTP plumbing of the fake page: one request parsed into (method, path parts, query,
body) and handed to the page, and the JSON written back.

Besides the Graph subset it answers ``GET /_fake/stats`` (what it holds, served and received)
and ``GET /_fake/dump`` (every id it holds, and every POST it received) so tests can compare a
database with the page exactly.

The handler sets ``disable_nagle_algorithm``: http.server writes headers and body separately,
and with Nagle on every keep-alive response waits ~40 ms for a delayed ACK (DESIGN.md §5).
"""

from __future__ import annotations

import contextlib
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit


class GraphApp(Protocol):
    """What the handler asks of the page behind it (the FakePage)."""

    def dispatch(self, h: FakePageHandler, method: str, parts: list[str],
                 query: dict[str, str], body: dict[str, str]) -> None:
        """Answer one Graph API request through ``h``."""

    def stats(self) -> dict[str, Any]:
        """What the page holds, what was served and what was received."""

    def dump(self) -> dict[str, Any]:
        """Every id on the page and every POST received."""


class FakePageHandler(BaseHTTPRequestHandler):
    """One request to the fake page."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: FakePageServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the fake page does not log requests (they may carry the token)."""

    # ── plumbing ─────────────────────────────────────────────────────────────────────────

    def do_GET(self) -> None:
        """Serve a Graph GET (or a /_fake/ endpoint)."""
        self._handle("GET")

    def do_POST(self) -> None:
        """Serve a Graph POST."""
        self._handle("POST")

    def do_DELETE(self) -> None:
        """Serve a Graph DELETE (a post or a comment taken off the page)."""
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        body: dict[str, str] = {}
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            body = {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        parts = [p for p in url.path.split("/") if p]
        if parts[:1] == ["_fake"]:
            self._fake_endpoint(parts[1:] if len(parts) > 1 else [""])
            return
        try:
            self.server.app.dispatch(self, method, parts, query, body)
        except Exception as exc:  # the fake must answer, never hang a client
            self.send_json(500, {"error": {"message": f"fake page bug: {exc}", "code": 1}})

    def _fake_endpoint(self, parts: list[str]) -> None:
        app = self.server.app
        if parts[0] == "stats":
            self.send_json(200, app.stats())
        elif parts[0] == "dump":
            self.send_json(200, app.dump())
        else:
            self.send_json(404, {"error": "unknown fake endpoint"})

    def send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None,
                  truncate: bool = False) -> None:
        """Write a JSON response (optionally cut in half, with a matching length)."""
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        if truncate:
            data = data[: max(1, len(data) // 2)]
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def drop_connection(self) -> None:
        """Close the connection without answering (a reset)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(2)



class FakePageServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its app."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: GraphApp) -> None:
        super().__init__(address, FakePageHandler)
        self.app = app
