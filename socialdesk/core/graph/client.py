"""Facebook Graph API client (the subset of DESIGN.md §5) on httpx.

Safety decisions:
- The token travels only in the ``Authorization`` header. ``access_token`` is stripped from
  every ``next`` URL before it is followed, so no URL this client holds, logs or puts in an
  exception carries the token; all error texts are passed through :meth:`PageToken.redact` too.
- A ``next`` URL pointing at another host than the configured Graph URL is refused (the token
  header must never go anywhere else).
- GET is retried on transient failures (codes 1/2, HTTP 5xx, timeouts, resets, broken JSON)
  with bounded exponential back-off and jitter. Rate limits (4, 17, 32, 613, 80001) wait for
  ``estimated_time_to_regain_access`` from ``X-Business-Use-Case-Usage`` (minutes) when given,
  else back off exponentially; a wait longer than ``max_rate_wait`` is raised to the caller.
- POST is never retried once it may have reached the server (timeout after sending, reset,
  unreadable answer, and a 5xx or code 1/2 answer — Facebook sometimes applies a POST and
  still answers so): :class:`UncertainOutcome` is raised so the caller can look on the page.
- 190 (token expired/invalid) raises :class:`TokenExpiredError` at once, with no retry.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from socialdesk.core.graph.token import PageToken
from socialdesk.errors import UserError
from socialdesk.lazy import lazy_module

if TYPE_CHECKING:
    import httpx
else:   # imported on first use: the dashboard paints without it
    httpx = lazy_module("httpx")

log = logging.getLogger("socialdesk.graph")

RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001})
TRANSIENT_CODES = frozenset({1, 2})
TOKEN_CODES = frozenset({190, 102})
PERMISSION_CODES = frozenset({10, 200, 3})
DUPLICATE_POST_CODE = 506


#: An id or paging link from the Graph API that cannot be made into a request URL.
UNUSABLE_URL = "Unexpected answer from the Graph API: an id or link that no URL can hold."

#: Longest error text passed on from the API.
MAX_MESSAGE = 400



def parse_fb_time(value: Any) -> datetime | None:
    """Graph API time ('2026-11-23T18:04:05+0000') as an aware datetime, or None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) >= 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = text[:-2] + ":" + text[-2:]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else None

class GraphError(Exception):
    """An error answer from the Graph API (or a response that cannot be used)."""

    def __init__(self, message: str, code: int | None = None, subcode: int | None = None,
                 http_status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.subcode = subcode
        self.http_status = http_status


class TokenExpiredError(GraphError, UserError):
    """190: the page token is invalid or expired. Never retried."""


class GraphPermissionError(GraphError, UserError):
    """10/200: the token lacks a permission, or the action is outside Messenger's window."""


class RateLimitedError(GraphError):
    """Rate limited for longer than the client will wait; ``wait_seconds`` says how long."""

    def __init__(self, message: str, wait_seconds: float, code: int | None = None) -> None:
        super().__init__(message, code)
        self.wait_seconds = wait_seconds


class TransientError(GraphError):
    """A failure that may pass (server error, timeout, reset) after retries ran out."""


class DuplicatePostError(GraphError):
    """506: the page already has this exact post."""


class UncertainOutcome(Exception):
    """A POST may or may not have been applied: look on the page before sending again.

    ``answered``: the server answered (an error), so what it did is on the page by now; a
    page check that does not find it allows another attempt. Otherwise (timeout, reset) the
    POST may still be in flight and a person decides."""

    def __init__(self, message: str, answered: bool = False) -> None:
        super().__init__(message)
        self.answered = answered


#: Graph's clock and ours may differ this much: a page check looks back this far before the
#: first attempt (and never further).
CLOCK_SLACK = timedelta(minutes=2)


@dataclass
class RequestStats:
    """What the client has done so far (for sync reports and benchmarks)."""

    gets: int = 0
    posts: int = 0
    retries: int = 0
    rate_limited: int = 0

    @property
    def requests(self) -> int:
        """HTTP requests sent, retries included."""
        return self.gets + self.posts


@dataclass
class Page:
    """One page of a list: its items and the cleaned URL of the next page (if any)."""

    data: list[dict[str, Any]]
    next_url: str | None
    after: str | None = None


def rate_limit_wait(headers: httpx.Headers) -> float | None:
    """Seconds to wait from X-Business-Use-Case-Usage (minutes, keyed by object id), if given."""
    raw = headers.get("x-business-use-case-usage")
    if not raw:
        return None
    try:
        usage = json.loads(raw)
    except ValueError:
        return None
    minutes = [entry.get("estimated_time_to_regain_access", 0)
               for entries in (usage.values() if isinstance(usage, dict) else [])
               if isinstance(entries, list) for entry in entries if isinstance(entry, dict)]
    numbers = [m for m in minutes if isinstance(m, int | float) and not isinstance(m, bool)
               and math.isfinite(m)]   # JSON may say Infinity or NaN
    return max(numbers) * 60.0 if numbers and max(numbers) > 0 else None


def _error_of(body: Any) -> dict[str, Any] | None:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return body["error"]
    return None


def as_object(value: Any) -> dict[str, Any]:
    """A JSON value as an object, or {} when the API sent something else there."""
    return value if isinstance(value, dict) else {}


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):  # e.g. a code of Infinity
        return None


@dataclass
class GraphClient:
    """A Graph API client for one page. Not thread-safe: one per thread."""

    base_url: str
    api_version: str
    page_id: str
    token: PageToken
    timeout: float = 20.0
    max_retries: int = 4
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    max_rate_wait: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    transport: httpx.BaseTransport | None = None
    stats: RequestStats = field(default_factory=RequestStats)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self._origin = httpx.URL(self.base_url)
        self._http = httpx.Client(
            base_url=f"{self.base_url}/{self.api_version}",
            headers={"Authorization": f"Bearer {self.token.value}",
                     "User-Agent": "socialdesk"},
            timeout=httpx.Timeout(self.timeout), transport=self.transport,
        )

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._http.close()

    def __enter__(self) -> GraphClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ── GET ──────────────────────────────────────────────────────────────────────────────

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """GET a Graph object or list, retrying what may pass; return the decoded JSON object."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._get_once(path, params)
            except (TransientError, _RateWait) as exc:
                if isinstance(exc, _RateWait):
                    if exc.wait > self.max_rate_wait or attempt > self.max_retries:
                        raise RateLimitedError(exc.message, exc.wait, exc.code) from None
                    wait = exc.wait
                elif attempt > self.max_retries:
                    raise
                else:
                    wait = self._backoff(attempt)
                self.stats.retries += 1
                log.info("GET %s failed (%s); retry %d in %.1f s",
                         self._clean(_path_only(path)), self._clean(str(exc)), attempt, wait)
                self.sleep(wait)

    def _get_once(self, path: str, params: dict[str, Any] | None) -> dict[str, Any]:
        self.stats.gets += 1
        try:
            response = self._send("GET", path, params=params)
        except httpx.TransportError as exc:
            raise TransientError(self._clean(f"{type(exc).__name__}: {exc}")) from None
        return self._decode(response, rate_wait=True)

    def pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[Page]:
        """Follow a list through its ``next`` links, one :class:`Page` at a time."""
        page = self.page(path, params)
        yield page
        while page.next_url:
            page = self.page(page.next_url)
            yield page

    def page(self, path_or_url: str, params: dict[str, Any] | None = None) -> Page:
        """GET one page of a list (a path, or a cleaned ``next`` URL) as a :class:`Page`."""
        body = self.get(path_or_url, params)
        data = body.get("data")
        if not isinstance(data, list):
            raise GraphError(self._clean(f"Unexpected answer from the Graph API for "
                                         f"{_path_only(path_or_url)}: no 'data' list."))
        paging = as_object(body.get("paging"))
        after = as_object(paging.get("cursors")).get("after")
        next_url = paging.get("next")
        cleaned = self.clean_next_url(next_url) if isinstance(next_url, str) and data else None
        return Page([d for d in data if isinstance(d, dict)], cleaned,
                    after if isinstance(after, str) else None)

    def clean_next_url(self, url: str) -> str:
        """A ``next`` URL without its access_token; refuse one that leaves the Graph host."""
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL:
            raise GraphError(UNUSABLE_URL) from None
        if parsed.host and (parsed.host, parsed.port, parsed.scheme) != (
                self._origin.host, self._origin.port, self._origin.scheme):
            raise GraphError("The Graph API sent a paging link to another host; refused.")
        params = parsed.params.remove("access_token")
        path = parsed.path
        prefix = f"/{self.api_version}"
        if path.startswith(prefix + "/"):
            path = path[len(prefix):]
        return str(httpx.URL(path=path, params=params))

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request; a path built from an id in an answer that no URL can hold (control
        characters) is a :class:`GraphError`, raised before anything is sent."""
        try:
            return self._http.request(method, path, **kwargs)
        except httpx.InvalidURL:
            raise GraphError(UNUSABLE_URL) from None

    # ── POST ─────────────────────────────────────────────────────────────────────────────

    def post(self, path: str, data: dict[str, Any]) -> dict[str, Any]:
        """POST once. Raises :class:`UncertainOutcome` if it may have been applied unseen."""
        attempt = 0
        while True:
            attempt += 1
            self.stats.posts += 1
            try:
                response = self._send("POST", path, data=data)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # Never reached the server: safe to try again.
                if attempt > self.max_retries:
                    reason = self._clean(f"cannot reach the Graph API: {exc}")
                    raise TransientError(reason) from None
                self.stats.retries += 1
                self.sleep(self._backoff(attempt))
                continue
            except httpx.TransportError as exc:
                raise UncertainOutcome(self._clean(f"{type(exc).__name__}: {exc}")) from None
            try:
                return self._decode(response, rate_wait=False)
            except _Unreadable as exc:
                raise UncertainOutcome(exc.message) from None
            except TransientError as exc:  # 5xx, code 1/2: it may have been applied
                raise UncertainOutcome(f"{exc.message} (it may have been applied)",
                                       answered=True) from None

    # ── decoding and errors ──────────────────────────────────────────────────────────────

    def _decode(self, response: httpx.Response, rate_wait: bool) -> dict[str, Any]:
        try:
            body = response.json()
        except (ValueError, UnicodeDecodeError):
            raise _Unreadable(f"HTTP {response.status_code} with a body that is not JSON",
                              http_status=response.status_code) from None
        error = _error_of(body)
        if error is None and response.is_success and isinstance(body, dict):
            return body
        if error is None:
            raise _Unreadable(f"HTTP {response.status_code} with an unexpected body",
                              http_status=response.status_code)
        raise self._classify(error, response, rate_wait)

    def _classify(self, error: dict[str, Any], response: httpx.Response,
                  rate_wait: bool) -> GraphError:
        code, subcode = _as_int(error.get("code")), _as_int(error.get("error_subcode"))
        status = response.status_code
        text = self._clean(str(error.get("message") or f"Graph API error {code}"))
        if code in TOKEN_CODES:
            return TokenExpiredError(
                "The page access token was refused by Facebook (expired or invalid); "
                "renew it and set it again, syncing is stopped until then.", code, subcode, status)
        if code in RATE_LIMIT_CODES:
            self.stats.rate_limited += 1
            wait = rate_limit_wait(response.headers) or self._backoff(self.stats.rate_limited)
            if rate_wait:
                return _RateWait(text, wait, code)
            return RateLimitedError(text, wait, code)
        if code in PERMISSION_CODES or (code is not None and 200 <= code <= 299):
            return GraphPermissionError(
                f"Facebook refused this for lack of permission or outside the allowed window "
                f"(code {code}): {text}", code, subcode, status)
        if code == DUPLICATE_POST_CODE:
            return DuplicatePostError(text, code, subcode, status)
        if code in TRANSIENT_CODES or status >= 500 or error.get("is_transient") is True:
            return TransientError(text, code, subcode, status)
        return GraphError(text, code, subcode, status)

    def _backoff(self, attempt: int) -> float:
        """Exponential back-off with full jitter, capped."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def _clean(self, text: str) -> str:
        """Text for people and logs: the token redacted, on one line, of bounded length
        (an error message from the API may hold anything, newlines included)."""
        flat = " ".join(self.token.redact(text).split())
        return flat if len(flat) <= MAX_MESSAGE else flat[: MAX_MESSAGE - 1] + "…"


class _RateWait(GraphError):
    """Internal: rate limited, wait ``wait`` seconds then retry."""

    def __init__(self, message: str, wait: float, code: int | None) -> None:
        super().__init__(message, code)
        self.wait = wait


class _Unreadable(TransientError):
    """Internal: the answer could not be decoded (truncated JSON, HTML error page…)."""

    def __init__(self, message: str, http_status: int | None = None) -> None:
        super().__init__(message, http_status=http_status)


def _path_only(path_or_url: str) -> str:
    return httpx.URL(path_or_url).path
