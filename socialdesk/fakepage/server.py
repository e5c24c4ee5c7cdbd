"""The fake page: the Graph API subset of DESIGN.md §5 served on 127.0.0.1.

``FakePage`` owns the page's state, its fault plan and the server's threads; each Graph request
is checked (the token, the faults that hit it) and routed to the GET side (reads.py) or the
POST/DELETE side (writes.py). The HTTP plumbing and the ``/_fake/`` endpoints are in handler.py.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from socialdesk.fakepage.faults import FaultPlan
from socialdesk.fakepage.handler import FakePageHandler, FakePageServer
from socialdesk.fakepage.reads import PageReads
from socialdesk.fakepage.render import comment_json, message_json, no_such_object
from socialdesk.fakepage.state import PageState, Sizes
from socialdesk.fakepage.writes import PageWrites

#: How often the serving loop looks whether stop() was called (seconds).
STOP_POLL_SECONDS = 0.05


class FakePage:
    """The fake Facebook page: state, faults and the HTTP server around them."""

    def __init__(self, *, seed: int = 1, rate: float = 0.0, faults: Sequence[str] = (),
                 page_id: str = "104729318867301", token: str | None = None,
                 sizes: Sizes | None = None, slow_seconds: float = 3.0,
                 rate_limit_minutes: int = 0, clock: Callable[[], float] = time.time) -> None:
        self.page_id = page_id
        self.token = token or "EAAFake" + secrets.token_urlsafe(24)
        self.state = PageState(page_id, seed, sizes, clock)
        self.plan = FaultPlan(list(faults), seed)
        self.writes = PageWrites(self.state)
        self.reads = PageReads(self.state, self.token,
                               lambda: f"{self.url}/{self.api_version}")
        self.rate = rate
        self.slow_seconds = slow_seconds
        self.rate_limit_minutes = rate_limit_minutes
        self.api_version = "v25.0"
        self.requests: Counter[str] = Counter()
        self.request_count = 0
        self._count_lock = threading.Lock()
        self._server: FakePageServer | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # ── lifecycle ────────────────────────────────────────────────────────────────────────

    def start(self, host: str = "127.0.0.1", port: int = 0) -> FakePage:
        """Serve in background threads (port 0 = any free port)."""
        self._server = FakePageServer((host, port), self)
        # stop() waits for the serving loop to look at its flag: every 50 ms, not the 0.5 s
        # default (half a second for each of the tests' fake pages)
        serve = threading.Thread(target=self._server.serve_forever, args=(STOP_POLL_SECONDS,),
                                 name="fakepage", daemon=True)
        serve.start()
        self._threads.append(serve)
        if self.rate > 0:
            ticker = threading.Thread(target=self._live, name="fakepage-traffic", daemon=True)
            ticker.start()
            self._threads.append(ticker)
        return self

    def _live(self) -> None:
        interval = 60.0 / self.rate
        while not self._stop.wait(interval):
            self.state.tick()

    def stop_traffic(self) -> None:
        """Stop adding live traffic (the page keeps serving)."""
        self._stop.set()
        for thread in self._threads:
            if thread.name == "fakepage-traffic":
                thread.join()

    def stop(self) -> None:
        """Stops the live traffic and the server, and closes its socket."""
        self._stop.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:41234."""
        assert self._server is not None, "start() the fake page first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def announce(self) -> str:
        """The JSON line `socialdesk fake-page` prints on start."""
        return json.dumps({"url": self.url, "page_id": self.page_id, "token": self.token})

    # ── requests ─────────────────────────────────────────────────────────────────────────

    def dispatch(self, h: FakePageHandler, method: str, parts: list[str],
                 query: dict[str, str], body: dict[str, str]) -> None:
        """Route one Graph API request, with auth and faults."""
        if len(parts) < 2 or not re.fullmatch(r"v\d+\.\d+", parts[0]):
            h.send_json(400, {"error": {"message": "Unknown path components", "code": 2500,
                                        "type": "OAuthException"}})
            return
        self.api_version = parts[0]
        endpoint = self._endpoint(method, parts[1:], body)
        with self._count_lock:
            self.request_count += 1
            number = self.request_count
            self.requests[endpoint] += 1
            hits = self.plan.pick(endpoint, number)
        if not self._authorised(h, query, body) or "token_expired" in hits:
            h.send_json(400, {"error": {
                "message": "Error validating access token: Session has expired on Monday, "
                           "23-Nov-26 09:00:00 PST.",
                "type": "OAuthException", "code": 190, "error_subcode": 463,
                "fbtrace_id": "AfakeTrace190"}})
            return
        if "rate_limit" in hits:
            self._rate_limited(h)
            return
        if "server_error" in hits:
            self._server_error(h)
            return
        if method == "GET" and "reset" in hits:
            h.drop_connection()
            return
        if "late_items" in hits and endpoint in ("comments", "conversations"):
            self.state.tick(late=True)
        status, payload = self._route(method, endpoint, parts[1:], query, body, hits)
        if method == "POST" and "reset" in hits:
            h.drop_connection()  # the POST was applied; the client never hears
            return
        if method == "POST" and "applied_error" in hits and status == 200:
            self._server_error(h)  # applied, yet answered as an error (Facebook does this)
            return
        if "vanishing" in hits and endpoint == "comments" and status == 200:
            self.state.remove_a_later_comment(parts[1], payload)
        if "slow" in hits:
            time.sleep(self.slow_seconds)
        h.send_json(status, payload, truncate="truncated_json" in hits)

    def _authorised(self, h: FakePageHandler, query: dict[str, str],
                    body: dict[str, str]) -> bool:
        header = h.headers.get("Authorization", "")
        given = header.split(" ", 1)[1] if " " in header else ""
        given = given or query.get("access_token") or body.get("access_token", "")
        return secrets.compare_digest(given.encode(), self.token.encode())

    def _endpoint(self, method: str, path: list[str], body: dict[str, str]) -> str:
        edge = path[1] if len(path) > 1 else ""
        if method == "POST":
            return {"comments": "reply", "messages": "private_message",
                    "feed": "publish"}.get(edge, "hide")
        if method == "DELETE":
            return "delete"
        return edge or "object"

    def _rate_limited(self, h: FakePageHandler) -> None:
        roll = self.state.rng.random()
        code, status = (80001, 400) if roll < 0.5 else (613, 400) if roll < 0.8 else (4, 403)
        usage = {self.page_id: [{"type": "pages", "call_count": 107, "total_cputime": 30,
                                 "total_time": 125,
                                 "estimated_time_to_regain_access": self.rate_limit_minutes}]}
        h.send_json(status, {"error": {
            "message": f"(#{code}) There have been too many calls to this Page account. "
                       "Wait a bit and try again.",
            "type": "OAuthException", "code": code, "fbtrace_id": "AfakeTraceRate"}},
            headers={"X-Business-Use-Case-Usage": json.dumps(usage)})

    def _server_error(self, h: FakePageHandler) -> None:
        if self.state.rng.random() < 0.5:
            h.send_json(500, {"error": {"code": 1, "message": "An unknown error occurred",
                                        "error_subcode": 99}})
        else:
            h.send_json(500, {"error": {"message": "(#2) Service temporarily unavailable",
                                        "type": "OAuthException", "is_transient": True,
                                        "code": 2, "fbtrace_id": "AfakeTrace2"}})

    def _route(self, method: str, endpoint: str, path: list[str], query: dict[str, str],
               body: dict[str, str], hits: set[str]) -> tuple[int, Any]:
        repeat = 2 if "duplicates" in hits else 0
        target = path[0]
        with self.state.lock:
            if method == "GET":
                if endpoint in ("posts", "feed") and target == self.page_id:
                    return 200, self.reads.posts(path, query, repeat)
                if endpoint == "comments":
                    return self.reads.comments(path, query, repeat)
                if endpoint == "conversations" and target == self.page_id:
                    return 200, self.reads.conversations(path, query, repeat)
                if endpoint == "messages":
                    return self.reads.messages_of(path, query, repeat)
            else:
                if endpoint == "reply":
                    return self.writes.reply(target, body)
                if endpoint == "private_message" and target == self.page_id:
                    return self.writes.private_message(body)
                if endpoint == "publish" and target == self.page_id:
                    return self.writes.publish(body)
                if endpoint == "hide":
                    return self.writes.hide(target, body)
                if endpoint == "delete":
                    return self.writes.delete(target)
        return no_such_object(method, target)

    # ── introspection ────────────────────────────────────────────────────────────────────

    def stats(self) -> dict[str, Any]:
        """What the page holds, what was served and what was received."""
        received = Counter(str(r["kind"]) for r in self.state.received)
        return {**self.state.counts(),
                "replies_received": received["reply"],
                "private_messages_received": received["private_message"],
                "hides_received": received["hide"],
                "posts_published": received["publish"],
                "requests": self.request_count,
                "requests_by_endpoint": dict(self.requests),
                "faults": self.plan.counts()}

    def dump(self) -> dict[str, Any]:
        """Every id on the page and every POST received (for exact comparisons)."""
        with self.state.lock:
            comments = [c for p in self.state.posts for c in p.comments]
            return {
                "page_id": self.page_id,
                "posts": [p.id for p in self.state.posts],
                "comments": [comment_json(c) | {"post_id": c.post_id} for c in comments],
                "messages": [message_json(m) | {"thread": c.id}
                             for c in self.state.conversations for m in c.messages],
                "received": list(self.state.received),
            }
