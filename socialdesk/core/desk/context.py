"""What every part of the desk shares: one configuration, one database file, the acting user
and their role, a connection per thread, the audit log and the page client.

The Desk, the safety-post desk, the model desk and the background jobs are all built on one
:class:`DeskContext`, so none of them needs to import another to reach these.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from socialdesk import paths
from socialdesk.config import Config
from socialdesk.core.audit import exports
from socialdesk.core.audit.sla import SlaPolicy, fill_due_times
from socialdesk.core.desk import access
from socialdesk.core.graph.client import GraphClient
from socialdesk.core.graph.token import load_token
from socialdesk.core.models import to_iso, utc_now
from socialdesk.core.store import Store, audit_log, open_store, team
from socialdesk.core.store.settings import CONFIG_DIGEST, read_setting, write_setting
from socialdesk.errors import UserError


def _account(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def current_user() -> str:
    """The acting account: the effective OS account — never an environment variable such as
    $USER or $LOGNAME, which anyone can set. In service mode (running as the ``socialdesk``
    account through sudo) it is the account that invoked sudo, by the uid sudo records."""
    name = _account(os.geteuid())
    sudo_uid = os.environ.get("SUDO_UID", "")
    if name == paths.SERVICE_ACCOUNT and sudo_uid.isdigit():
        return _account(int(sudo_uid))
    return name


class DeskContext:
    """One configuration, one database and one acting user, shared by the desk's parts."""

    def __init__(self, config: Config, db_path: str | Path | None = None,
                 actor: str | None = None, create: bool = True) -> None:
        self.config = config
        self.db_path = paths.db_file(db_path, config.database_path or None)
        #: whether a missing database file is created (else: one sentence, nothing made)
        self.create = create
        self.actor = actor or current_user()
        self.sla = SlaPolicy(config)
        self._local = threading.local()
        self._config_recorded = False

    # ── the database ─────────────────────────────────────────────────────────────────────

    @property
    def store(self) -> Store:
        """This thread's connection to the database (opened and migrated on first use)."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.db_path, create=self.create, mode=paths.file_mode())
            if not self._config_recorded:
                try:   # both are idempotent: a failed first try (a full disk) is tried again
                    self._seed_team(store)
                    self._record_config(store)
                except BaseException:
                    store.close()
                    raise
                self._config_recorded = True
            self._local.store = store
        return store

    # ── the team: roles and policy, held by the database ─────────────────────────────────

    def _seed_team(self, store: Store) -> None:
        """A new database takes its members and policy from this configuration, once. With no
        supervisor named there, the account creating the database becomes its first one, so a
        fresh install works without editing TOML."""
        if team.is_seeded(store):
            return
        members = self._seed_members(self.actor)
        at = to_iso(utc_now())
        with store.write():
            if team.seed(store, members, access.Policy.from_config(self.config).as_dict(),
                         self.actor, at):
                audit_log.append(store, self.actor, "team_seeded", str(self.config.source.name),
                                 {"members": members,
                                  "policy": access.Policy.from_config(self.config).as_dict()})

    @property
    def policy(self) -> access.Policy:
        """The team's policy: the database's (the configuration's before there is one)."""
        fallback = access.Policy.from_config(self.config)
        if not self._has_team():
            return fallback
        return access.Policy.from_values(team.policy(self.store), fallback)

    @property
    def role(self) -> access.Role:
        """The acting account's role: a member's, else what the policy gives unknown
        accounts. Before a database exists: what its seeding would give."""
        if not self._has_team():
            found = self._seed_members(self.actor).get(self.actor)
        else:
            found = team.role_of(self.store, self.actor)
        return access.Role(found or self.policy.unknown_users)

    def _seed_members(self, creator: str) -> dict[str, str]:
        """The members this configuration seeds a database with, when ``creator`` creates it:
        its [members], and the creator as supervisor when it names none."""
        members = dict(self.config.access.members)
        if access.Role.SUPERVISOR.value not in members.values():
            members[creator] = access.Role.SUPERVISOR.value
        return members

    def _has_team(self) -> bool:
        """Whether the team is read from the database (it exists, or may be created)."""
        return self.create or self.database_exists()

    def config_overrides(self) -> list[str]:
        """What this configuration file says differently from the one that created the
        database's team (it is ignored: only supervisors change members and policy, through
        the desk — their later changes are no difference)."""
        if not self.database_exists():
            return []
        members, policy, creator = team.seeded_with(self.store)
        differs = []
        if self.config.access.members and self._seed_members(creator) != members:
            differs.append("[members]")
        if access.Policy.from_config(self.config).as_dict() != (policy or
                                                                  self.policy.as_dict()):
            differs.append("the policy ([posts] approval, [retention] days, [access])")
        return differs

    def _record_config(self, store: Store) -> None:
        """Audit a configuration change: the file's SHA-256 differs from the last one seen."""
        try:
            digest = hashlib.sha256(self.config.source.read_bytes()).hexdigest()
        except OSError:
            return
        if read_setting(store, CONFIG_DIGEST).get("sha256") == digest:
            return
        with store.write():
            if read_setting(store, CONFIG_DIGEST).get("sha256") == digest:
                return  # another process recorded it meanwhile
            write_setting(store, CONFIG_DIGEST, {"sha256": digest})
            audit_log.append(store, self.actor, "config", self.config.source.name,
                             {"sha256": digest, "path": str(self.config.source)})

    def database_exists(self) -> bool:
        """Whether the database file is there (nothing is created by asking)."""
        return self.db_path.is_file()

    def close(self) -> None:
        """Close this thread's connection, if open (a worker thread's last step)."""
        store = getattr(self._local, "store", None)
        if store is not None:
            store.close()
            self._local.store = None

    @contextmanager
    def session(self) -> Iterator[None]:
        """A block of work on a thread of its own: the thread's connection is closed when the
        block ends, however it ends (every dashboard worker runs in one)."""
        try:
            yield
        finally:
            self.close()

    def record(self, action: str, subject: str, payload: dict[str, Any],
               actor: str | None = None) -> None:
        """Append an action to the audit log (as the acting user unless ``actor`` says)."""
        audit_log.append(self.store, actor or self.actor, action, subject, payload)

    def audit_chain(self) -> dict[str, Any]:
        """The audit chain's row count and head, as every report, CSV and JSON export carries
        them (``{"rows": …, "head": …}``): wherever the export is kept, it anchors the chain."""
        rows, head = audit_log.chain_head(self.store)
        return {"rows": rows, "head": head}

    def export_rows_csv(self, what: str, rows: list[dict[str, Any]], fields: list[str],
                        path: Path, details: dict[str, Any]) -> int:
        """Write ``rows`` as a new private CSV that ends with the audit chain's head and row
        count, and record the export (``what``, the rows, ``details``, that head) in the audit
        log in the same transaction: the row is kept only with the file written. Members with
        the export permission only; returns the data rows written."""
        self.require(access.Permission.EXPORT)
        with self.store.write():
            chain = self.audit_chain()   # the export's own row follows this head
            written = exports.write_rows_csv(rows, fields, path, chain)
            self.record("export", path.name, {"what": what, "rows": written, **details,
                                              "audit_rows": chain["rows"],
                                              "audit_head": chain["head"]})
        return written

    def fill_due_times(self) -> int:
        """Compute when the first response is due for items that have no due time yet."""
        return fill_due_times(self.store, self.sla)

    # ── who may act ──────────────────────────────────────────────────────────────────────

    def require(self, action: access.Permission | str) -> None:
        """Refuse (AccessDenied, one sentence) unless the acting user may take ``action``; an
        action the permission table does not know is refused too."""
        access.require(self.role, self.actor, action)

    # ── the page ─────────────────────────────────────────────────────────────────────────

    def graph_client(self) -> GraphClient:
        """A Graph client for the configured page (token from env or 0600 file); one
        sentence when the page or its token is missing."""
        page = self.config.page
        if not page.id:
            raise UserError(f"{self.config.source}: [page] id is not set, so there is no page "
                            "to talk to (socialdesk demo runs a fake one).")
        return GraphClient(page.graph_url, page.api_version, page.id, load_token(page),
                           timeout=page.timeout_seconds)

    @contextmanager
    def graph(self, client: GraphClient | None) -> Iterator[GraphClient]:
        """The given client, or a new one for the configured page, closed afterwards."""
        if client is not None:
            yield client
            return
        graph = self.graph_client()
        try:
            yield graph
        finally:
            graph.close()
