"""Helpers for ingest tests: a fake page on loopback and a client/sync bound to it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx

from socialdesk.config import Config, PageConfig
from socialdesk.core.graph.client import GraphClient
from socialdesk.core.graph.token import PageToken
from socialdesk.core.ingest.sync import PageSync
from socialdesk.core.store.db import Store
from socialdesk.fakepage.server import FakePage
from socialdesk.fakepage.state import Sizes


def start_fake(seed: int = 1, faults: tuple[str, ...] = (), posts: int = 6, comments: int = 60,
               conversations: int = 10, **kw: Any) -> FakePage:
    """A fake page on 127.0.0.1 (stop it when done)."""
    return FakePage(seed=seed, faults=faults, sizes=Sizes(posts, comments, conversations),
                    **kw).start()


def set_faults(fake: FakePage, *specs: str, seed: int = 1) -> None:
    """Aim new faults at a running fake page (replacing the ones it had)."""
    from socialdesk.fakepage.faults import parse_fault

    fake.plan.faults[:] = [parse_fault(spec, seed) for spec in specs]


def page_config(config: Config, fake: FakePage, page_size: int = 100) -> PageConfig:
    """The config's [page] pointed at the fake page."""
    return replace(config.page, id=fake.page_id, graph_url=fake.url, page_size=page_size)


#: One TLS context for the tests' clients: httpx otherwise builds one for each new client,
#: reading the CA bundle again (27 ms of CPU each; the fault matrix alone makes about 670). The
#: fake page is plain http on loopback, so TLS is never used; the transport is httpx's own.
_TLS = httpx.create_ssl_context()


def client_for(fake: FakePage, sleeps: list[float] | None = None, **kw: Any) -> GraphClient:
    """A real client for the fake page; back-off sleeps are recorded instead of slept."""
    record = sleeps if sleeps is not None else []
    kw.setdefault("transport", httpx.HTTPTransport(verify=_TLS))
    return GraphClient(fake.url, "v25.0", fake.page_id, PageToken(fake.token),
                       sleep=record.append, **kw)


def syncer(store: Store, fake: FakePage, config: Config, page_size: int = 100,
           **client_kw: Any) -> PageSync:
    """A PageSync from the store to the fake page."""
    return PageSync(store, client_for(fake, **client_kw), page_config(config, fake, page_size))


def page_ids(fake: FakePage) -> tuple[set[str], set[str], int]:
    """(comment ids with an id, message ids, comments without id) as the page holds them."""
    dump = httpx.get(f"{fake.url}/_fake/dump").json()
    with_id = {c["id"] for c in dump["comments"] if "id" in c}
    without = sum(1 for c in dump["comments"] if "id" not in c)
    return with_id, {m["id"] for m in dump["messages"]}, without


def db_ids(store: Store) -> tuple[set[str], set[str], int]:
    """The same three figures from the database (live items only)."""
    rows = store.conn.execute("select platform_id, kind from items where deleted_at is null")
    comments, messages, noid = set(), set(), 0
    for pid, kind in rows:
        if pid.startswith("noid:"):
            noid += 1
        elif kind == "comment":
            comments.add(pid)
        else:
            messages.add(pid)
    return comments, messages, noid
