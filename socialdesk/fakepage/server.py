"""HTTP server of the fake page: the Graph API subset of DESIGN.md §5 on 127.0.0.1.

Besides the Graph subset it answers ``GET /_fake/stats`` (what it holds, served and received)
and ``GET /_fake/dump`` (every id it holds, and every POST it received) so tests can compare a
database with the page exactly.

The handler sets ``disable_nagle_algorithm``: http.server writes headers and body separately,
and with Nagle on every keep-alive response waits ~40 ms for a delayed ACK (DESIGN.md §5).
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from socialdesk.fakepage.faults import FaultPlan
from socialdesk.fakepage.render import (
    comment_json,
    decode_cursor,
    encode_cursor,
    fb_time,
    message_json,
    no_such_object,
    paginate,
    parse_time,
    person_json,
    post_json,
)
from socialdesk.fakepage.state import Conversation, PageState, Sizes
from socialdesk.fakepage.writes import PageWrites

MAX_LIMIT = 100
DEFAULT_LIMIT = 25
#: How often the serving loop looks whether stop() was called (seconds).
STOP_POLL_SECONDS = 0.05


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

    def __init__(self, address: tuple[str, int], app: FakePage) -> None:
        super().__init__(address, FakePageHandler)
        self.app = app


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
                    return 200, self._posts(path, query, repeat)
                if endpoint == "comments":
                    return self._comments(path, query, repeat)
                if endpoint == "conversations" and target == self.page_id:
                    return 200, self._conversations(path, query, repeat)
                if endpoint == "messages":
                    return self._messages_of(path, query, repeat)
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

    # ── lists ────────────────────────────────────────────────────────────────────────────

    def _limit(self, query: dict[str, str]) -> int:
        try:
            return max(1, min(MAX_LIMIT, int(query.get("limit", DEFAULT_LIMIT))))
        except ValueError:
            return DEFAULT_LIMIT

    def _next(self, path: list[str], query: dict[str, str], cursor: str,
              time_based: bool = False) -> str:
        params = {k: v for k, v in query.items()
                  if k not in ("after", "until", "__paging_token", "access_token")}
        if time_based:
            key = decode_cursor(cursor) or [0]
            params.update({"until": str(int(key[0])), "__paging_token": cursor})
        else:
            params["after"] = cursor
        params["access_token"] = self.token  # as the real API does: clients must strip it
        return f"{self.url}/{self.api_version}/{'/'.join(path)}?{urlencode(params)}"

    def _listing(self, items: list[Any], key: Callable[[Any], list[Any]], path: list[str],
                 query: dict[str, str], descending: bool, repeat: int,
                 render: Callable[[Any], dict[str, Any]], time_based: bool = False
                 ) -> dict[str, Any]:
        after = query.get("after") or query.get("__paging_token")
        page, full = paginate(items, key, self._limit(query), after, descending, repeat)
        if not page:
            return {"data": []}
        paging: dict[str, Any] = {}
        first, last = encode_cursor(key(page[0])), encode_cursor(key(page[-1]))
        if not time_based:
            paging["cursors"] = {"before": first, "after": last}
        if full:
            paging["next"] = self._next(path, query, last, time_based)
        return {"data": [render(item) for item in page], "paging": paging}

    def _window(self, query: dict[str, str]) -> tuple[float, float]:
        since = parse_time(query.get("since", "")) if query.get("since") else None
        until = parse_time(query.get("until", "")) if query.get("until") else None
        return since or 0.0, until or float("inf")

    def _posts(self, path: list[str], query: dict[str, str], repeat: int) -> dict[str, Any]:
        since, until = self._window(query)
        if query.get("__paging_token"):
            until = float("inf")  # the paging token carries the position
        posts = [p for p in self.state.posts if since <= p.created <= until]
        return self._listing(posts, lambda p: [p.created, p.id], path, query, True, repeat,
                             post_json, time_based=True)

    def _comments(self, path: list[str], query: dict[str, str],
                  repeat: int) -> tuple[int, Any]:
        target = path[0]
        post = self.state.post_by_id(target)
        if post is not None:
            comments = post.comments  # filter=stream: replies too, chronological
        elif target in self.state.comments_by_id:
            parent = self.state.comments_by_id[target]
            owner = self.state.post_by_id(parent.post_id)
            comments = [c for c in (owner.comments if owner else []) if c.parent_id == target]
        else:
            return no_such_object("GET", target)
        since, _ = self._window(query)
        chosen = [c for c in comments if c.created >= since]
        fields = query.get("fields", "")
        return 200, self._listing(chosen, lambda c: [c.created, c.seq], path, query, False,
                                  repeat, lambda c: comment_json(c, fields))

    def _conversations(self, path: list[str], query: dict[str, str],
                       repeat: int) -> dict[str, Any]:
        conversations = self.state.conversations
        if query.get("user_id"):
            conversations = [c for c in conversations if c.user[0] == query["user_id"]]
        fields = query.get("fields", "")
        match = re.search(r"messages\.limit\((\d+)\)", fields)
        inner = min(MAX_LIMIT, int(match.group(1))) if match else DEFAULT_LIMIT
        nested = re.search(r"messages\.limit\(\d+\)\{(.*)\}", fields)
        message_fields = nested.group(1) if nested else "id,message,from,created_time"

        def render(conversation: Conversation) -> dict[str, Any]:
            return self._conversation_json(conversation, inner, message_fields,
                                           "link" in fields.split(","))

        return self._listing(conversations, lambda c: [c.updated, c.seq], path, query, True,
                             repeat, render)

    def _messages_of(self, path: list[str], query: dict[str, str],
                     repeat: int) -> tuple[int, Any]:
        conversation = self.state.conversation_by_id(path[0])
        if conversation is None:
            return 400, {"error": {"message": "Invalid conversation", "code": 100}}
        fields = query.get("fields", "")
        return 200, self._listing(conversation.messages, lambda m: [m.created, m.id], path,
                                  query, True, repeat, lambda m: message_json(m, fields))

    def _conversation_json(self, conversation: Conversation, inner: int,
                           message_fields: str = "id,message,from,created_time",
                           with_link: bool = False) -> dict[str, Any]:
        newest_first = sorted(conversation.messages, key=lambda m: (m.created, m.id),
                              reverse=True)
        shown = newest_first[:inner]
        messages: dict[str, Any] = {"data": [message_json(m, message_fields) for m in shown]}
        if shown:
            last = encode_cursor([shown[-1].created, shown[-1].id])
            messages["paging"] = {"cursors": {"before": encode_cursor(
                [shown[0].created, shown[0].id]), "after": last}}
            if len(newest_first) > inner:
                messages["paging"]["next"] = self._next(
                    [conversation.id, "messages"],
                    {"fields": message_fields, "limit": str(inner)}, last)
        out = {"id": conversation.id, "updated_time": fb_time(conversation.updated),
               "participants": {"data": [person_json(conversation.user),
                                         person_json(self.state.page)]},
               "messages": messages}
        if with_link:  # as captured: a path on www.facebook.com, "/<page>/inbox/<number>/"
            out["link"] = f"/{self.page_id}/inbox/{conversation.id.removeprefix('t_')}/"
        return out

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
