"""The Graph client's reading of real captured API bodies, and its token hygiene.

Error bodies and headers come from ../shared/graph-api-samples (real responses captured by
others); the tests skip when that folder is absent. Each is served over loopback by a tiny
stdlib server so the client's real httpx path is exercised.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from socialdesk.config import PageConfig
from socialdesk.core.graph.client import (
    GraphClient,
    GraphError,
    GraphPermissionError,
    RateLimitedError,
    TokenExpiredError,
    TransientError,
    rate_limit_wait,
)
from socialdesk.core.graph.token import PageToken, TokenError, load_token
from tests.conftest import REPO

SAMPLES = REPO.parent / "shared" / "graph-api-samples"
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples not present")
TOKEN = "EAAB-very-secret-token-1234567890"


class Canned(ThreadingHTTPServer):
    """Serves one canned (status, headers, body) to every request; records request lines."""

    daemon_threads = True

    def __init__(self, status: int, body: bytes, headers: dict[str, str] | None = None):
        outer = self
        self.seen: list[str] = []
        self.body = body

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                outer.seen.append(self.path)
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(outer.body)))
                self.end_headers()
                self.wfile.write(outer.body)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def client(url: str, sleeps: list[float] | None = None) -> GraphClient:
    return GraphClient(url, "v25.0", "104729318867301", PageToken(TOKEN), max_retries=2,
                       sleep=(sleeps if sleeps is not None else []).append)


SAMPLE_ERRORS = [
    ("issue__snarfed-bridgy-59__error-190-463.json", 400, TokenExpiredError),
    ("issue__staciax-valorant-discord-bot-105__error-190-463.json", 400, TokenExpiredError),
    ("issue__keboola-ex-facebook-graph-api-68__error-1-99.json", 500, TransientError),
    ("issue__keboola-ex-facebook-graph-api-55__error-1-reduce-data.json", 500, TransientError),
    ("issue__facebook-nodejs-business-sdk-84__error-2.json", 500, TransientError),
    ("issue__facebook-nodejs-business-sdk-97__error-4.json", 403, RateLimitedError),
    ("metadocs__rate-limiting__sample-error-32.json", 400, RateLimitedError),
    ("metadocs__rate-limiting__sample-error-80001.json", 400, RateLimitedError),
    ("normalized/issue__howdyai-botkit-865__error-613.json", 400, RateLimitedError),
    ("issue__snarfed-bridgy-78__error-200.json", 403, GraphPermissionError),
    ("issue__pellaeon-fb-post-bulk-privacy-edit-20__error-200-2069030.json", 400,
     GraphPermissionError),
    ("issue__microsoft-botframework-sdk-2050__error-10-2018065.json", 400,
     GraphPermissionError),
    ("sns-sdks__base__error_data.json", 400, GraphError),
]


@needs_samples
@pytest.mark.parametrize(("name", "status", "expected"), SAMPLE_ERRORS)
def test_real_error_bodies_are_classified(name: str, status: int, expected: type) -> None:
    server = Canned(status, (SAMPLES / name).read_bytes())
    sleeps: list[float] = []
    try:
        with pytest.raises(expected) as caught:
            graph = client(server.url, sleeps)
            graph.max_rate_wait = 0  # rate limits are raised at once here
            graph.get("/104729318867301/posts")
        if expected is TokenExpiredError:
            assert len(server.seen) == 1 and sleeps == []  # never retried
        if expected is TransientError:
            assert len(server.seen) == 3  # bounded retries: 1 + max_retries
        assert TOKEN not in str(caught.value)
    finally:
        server.shutdown()


@needs_samples
def test_real_paging_shapes(tmp_path: Path) -> None:
    for name, expect_next in [("restfb__v2_2__cursor_only_paging2.json", False),
                              ("sns-sdks__apidata-comments__comments_p1.json", True),
                              ("sns-sdks__apidata-posts__feed_fields_p1.json", True),
                              ("sns-sdks__base__full_connecions_p2.json", False)]:
        server = Canned(200, b"")
        # the captured next links point at graph.facebook.com: serve them from loopback
        server.body = (SAMPLES / name).read_bytes().replace(
            b"https://graph.facebook.com", server.url.encode()).replace(
            b"https:\\/\\/graph.facebook.com", server.url.encode())
        try:
            page = client(server.url).page("/x/comments")
            assert (page.next_url is not None) == expect_next, name
            if page.next_url:
                assert "access_token" not in page.next_url
        finally:
            server.shutdown()


@needs_samples
def test_business_use_case_header_minutes() -> None:
    line = (SAMPLES / "sns-sdks__tests-test_ratelimit__x-business-use-case-usage-pages"
            ".header.txt").read_text().split(":", 1)[1].strip()
    import httpx

    assert rate_limit_wait(httpx.Headers({"x-business-use-case-usage": line})) is None  # 0 min
    usage = json.loads(line)
    usage["112130216863063"][0]["estimated_time_to_regain_access"] = 19
    headers = httpx.Headers({"x-business-use-case-usage": json.dumps(usage)})
    assert rate_limit_wait(headers) == 19 * 60


def test_next_url_is_cleaned_and_foreign_hosts_refused() -> None:
    graph = client("http://127.0.0.1:9")
    cleaned = graph.clean_next_url(
        f"http://127.0.0.1:9/v25.0/1_2/comments?limit=25&access_token={TOKEN}&after=QVFI")
    assert cleaned == "/1_2/comments?limit=25&after=QVFI"
    with pytest.raises(GraphError, match="another host"):
        graph.clean_next_url(f"https://evil.example/v25.0/1/comments?access_token={TOKEN}")


def test_an_id_no_url_can_hold_is_a_graph_error_and_nothing_is_sent() -> None:
    """Found by the hostile-input fuzz: a post id of "\\x08" in a feed answer."""
    graph = client("http://127.0.0.1:9")  # nothing listens: a request sent would be Transient
    for call in (lambda: graph.get("/\x08/comments"), lambda: graph.post("/\x08/comments", {}),
                 lambda: graph.clean_next_url("http://127.0.0.1:9/v25.0/\x08/comments")):
        with pytest.raises(GraphError, match="no URL can hold") as caught:
            call()
        assert type(caught.value) is GraphError
    assert graph.stats.retries == 0


def test_unreachable_host_error_is_redacted_and_logs_hold_no_token(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    graph = client("http://127.0.0.1:9")  # nothing listens on port 9
    with pytest.raises(TransientError) as caught:
        graph.get(f"/1/posts?access_token={TOKEN}")
    assert TOKEN not in str(caught.value)
    assert TOKEN not in caplog.text
    assert repr(PageToken(TOKEN)) == "PageToken(***)" and TOKEN not in repr(graph)


def test_token_file_must_be_private(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SOCIALDESK_PAGE_TOKEN", raising=False)
    path = tmp_path / "token"
    path.write_text(TOKEN + "\n")
    page = PageConfig(token_file=str(path))
    os.chmod(path, 0o644)
    with pytest.raises(TokenError, match="chmod 600"):
        load_token(page)
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    assert load_token(page).value == TOKEN
    with pytest.raises(TokenError, match="SOCIALDESK_PAGE_TOKEN"):
        load_token(PageConfig())
    monkeypatch.setenv("SOCIALDESK_PAGE_TOKEN", "from-env-token")
    assert load_token(page).value == "from-env-token"


@pytest.mark.parametrize("body", [b'{"error": {"code": Infinity}}',
                                  b'{"error": {"code": 190, "error_subcode": NaN}}',
                                  b'{"error": {"code": -Infinity, "message": "x"}}'])
def test_non_finite_numbers_in_an_error_are_a_graph_error_not_a_crash(body: bytes) -> None:
    """Found by the long hypothesis run: a code of Infinity raised OverflowError."""
    server = Canned(400, body)
    try:
        with pytest.raises(GraphError):
            client(server.url, []).get("/104729318867301/posts")
    finally:
        server.shutdown()


def test_an_infinite_rate_limit_wait_is_ignored() -> None:
    headers = httpx.Headers({"x-business-use-case-usage":
                             '{"1": [{"estimated_time_to_regain_access": Infinity}]}'})
    assert rate_limit_wait(headers) is None
