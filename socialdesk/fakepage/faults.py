"""Fault injection for the fake page, reproducible by seed.

Besides the transport faults, ``applied_error`` applies a POST and still answers 5xx with
code 1/2 (Facebook does), and ``vanishing`` takes a comment off a post between two pages of
its comments (someone deletes it while a sync is paging through).

A fault is given as ``NAME[@ENDPOINT][=SHARE]``: ``server_error`` (10% of all requests),
``rate_limit@comments=0.3`` (30% of comment-list requests), ``reset@reply=1`` (every reply
POST), ``token_expired=#40`` (from the 40th request on). Each fault draws from its own seeded
RNG once per eligible request, so the same client run meets the same faults.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass

FAULTS = ("rate_limit", "server_error", "slow", "reset", "truncated_json", "token_expired",
          "duplicates", "late_items", "applied_error", "vanishing")
ENDPOINTS = ("posts", "comments", "conversations", "messages", "feed", "reply",
             "private_message", "hide", "publish", "delete")
DEFAULT_SHARE = 0.1


class FaultSpecError(ValueError):
    """A --fault value that cannot be understood."""


@dataclass
class Fault:
    """A fault the fake page injects: which endpoint, on what share of requests, from which
    request on, and how often it has fired."""

    name: str
    endpoint: str | None
    share: float
    from_request: int | None
    rng: random.Random
    fired: int = 0

    def fires(self, endpoint: str, request_number: int) -> bool:
        """Whether this fault hits this request."""
        if self.endpoint and self.endpoint != endpoint:
            return False
        if self.from_request is not None:
            hit = request_number >= self.from_request
        else:
            hit = self.rng.random() < self.share
        self.fired += hit
        return hit


def parse_fault(spec: str, seed: int) -> Fault:
    """Parse ``NAME[@ENDPOINT][=SHARE|#N]``."""
    name, _, amount = spec.partition("=")
    name, _, endpoint = name.partition("@")
    if name not in FAULTS:
        raise FaultSpecError(f"unknown fault '{name}' (known: {', '.join(FAULTS)})")
    if endpoint and endpoint not in ENDPOINTS:
        raise FaultSpecError(f"unknown endpoint '{endpoint}' (known: {', '.join(ENDPOINTS)})")
    share, start = DEFAULT_SHARE, None
    try:
        if amount.startswith("#"):
            start = int(amount[1:])
        elif amount:
            share = float(amount)
    except ValueError:
        raise FaultSpecError(f"'{amount}' is not a share (0-1) or #N") from None
    if not 0 <= share <= 1:
        raise FaultSpecError(f"share {share} must be between 0 and 1")
    if name == "token_expired" and start is None:
        start = 1 + random.Random(seed).randrange(20, 60)
    rng = random.Random(seed * 1_000_003 + zlib.crc32(spec.encode()))
    return Fault(name, endpoint or None, share, start, rng)


class FaultPlan:
    """All faults of one fake page and how often each fired."""

    def __init__(self, specs: list[str], seed: int) -> None:
        self.faults = [parse_fault(spec, seed) for spec in specs]
        self.expired = False

    def pick(self, endpoint: str, request_number: int) -> set[str]:
        """The faults that hit this request."""
        hits = {f.name for f in self.faults if f.fires(endpoint, request_number)}
        if "token_expired" in hits:
            self.expired = True
        if self.expired:
            hits.add("token_expired")
        return hits

    def counts(self) -> dict[str, int]:
        """How often each fault fired."""
        out: dict[str, int] = {}
        for fault in self.faults:
            out[fault.name] = out.get(fault.name, 0) + fault.fired
        return out
