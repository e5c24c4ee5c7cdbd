"""The referral desk: writes a referral's file (.txt or .eml, readable by the desk only) and
records it, then that it was sent and acknowledged, each in the audit chain in the same
transaction.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from socialdesk import paths
from socialdesk.config import Agency
from socialdesk.core.desk import access
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.desk.referrals.documents import build_eml, format_referral, reference
from socialdesk.core.desk.referrals.drafts import ReferralDraft, ReferralError, check_draft, prefill
from socialdesk.core.models import to_iso, utc_now
from socialdesk.core.store import referrals as rows
from socialdesk.core.store.items import get_item

FORMATS = ("eml", "txt")


@dataclass(frozen=True)
class Made:
    """A referral written: its id, the file, its text."""

    referral_id: int
    path: Path
    text: str
    agency: Agency

    @property
    def reference(self) -> str:
        """How the referral is named to officers and partners: "R12"."""
        return reference(self.referral_id)


class ReferralDesk:
    """Referrals to partner agencies for the acting officer."""

    def __init__(self, context: DeskContext) -> None:
        self.context = context

    @property
    def agencies(self) -> tuple[Agency, ...]:
        """The partner agencies of the configuration."""
        return self.context.config.referral.agencies

    def agency(self, typed: str) -> Agency:
        """The agency a person named (its key or either name); one sentence listing the
        agencies otherwise."""
        found = self.context.config.referral.find(typed)
        if found is None:
            known = ", ".join(a.key for a in self.agencies)
            if not known:
                raise ReferralError(f"No partner agencies are configured ([[referral.agencies]]"
                                    f" in {self.context.config.source}).")
            raise ReferralError(f"'{typed[:30]}' is not a partner agency here; refer to one "
                                f"of: {known}.")
        return found

    def _item(self, item_id: int) -> dict[str, Any]:
        item = get_item(self.context.store, item_id)
        if item is None:
            raise ReferralError(f"There is no item {item_id}.")
        if item.get("purged_at"):
            raise ReferralError(f"Item {item_id} is past the retention period (its words "
                                "are gone), so there is nothing to refer.")
        return item

    def draft(self, item_id: int, include_author: bool = False) -> ReferralDraft:
        """A referral's parts prefilled from an item (the author only when asked)."""
        self.context.require(access.Permission.REFER)
        config = self.context.config
        return prefill(self._item(item_id), config.team.name, config.team.zone,
                       include_author)

    @staticmethod
    def export_path(referral_id: int, item_id: int, agency: Agency, file_format: str,
                    at: datetime) -> Path:
        """Where a referral goes by default: the data dir's exports/ folder, named by its
        number (so two referrals never share a file)."""
        folder = paths.private_dir(paths.data_dir() / "exports")
        return folder / (f"referral-{reference(referral_id)}-item{item_id}-{agency.key}-"
                         f"{at:%Y%m%dT%H%M%S}.{file_format}")

    def create(self, item_id: int, agency_key: str, draft: ReferralDraft,
               out: str | Path | None = None, file_format: str | None = None,
               at: datetime | None = None) -> Made:
        """Write a referral of an item to an agency as a .eml (default) or .txt — at ``out``,
        whose suffix says which, or in the exports folder — private to the desk; track it on
        the item (drafted) and record it in the audit chain, all in one transaction: a file
        that cannot be written leaves nothing behind."""
        self.context.require(access.Permission.REFER)
        agency = self.agency(agency_key)
        target = Path(out) if out else None
        chosen = file_format or (target.suffix.lstrip(".").lower() if target else "eml")
        if chosen not in FORMATS:
            raise ReferralError(f"A referral is written as .eml or .txt; "
                                f"'{target.name if target else chosen}' is neither.")
        grade = check_draft(agency, draft)
        draft = replace(draft, grading=grade.code if grade else "")
        config, store, actor = self.context.config, self.context.store, self.context.actor
        if chosen == "eml" and not config.referral.sender:
            raise ReferralError(f"[referral] sender (the team's mailbox, the From of an .eml) "
                                f"is not set in {config.source}; set it or write a .txt.")
        if target is not None and target.exists():
            raise ReferralError(f"{target} already exists; a referral never replaces a file "
                                "(choose another --out).")
        moment = at or utc_now()
        path: Path | None = None
        try:
            with store.write():
                self._item(item_id)
                referral_id = rows.add_referral(store, item_id, agency.key, agency.name_en,
                                                agency.email, draft.grading, chosen, actor,
                                                to_iso(moment))
                text = format_referral(referral_id, agency, draft, grade, config.team.name,
                                       actor, item_id, moment, config.team.zone)
                if chosen == "eml":
                    subject = (f"Intelligence referral {reference(referral_id)} from "
                               f"{config.team.name} (North Wales Police)")
                    document = build_eml(text, agency, config.referral.sender, subject,
                                         moment, referral_id).as_bytes()
                else:
                    document = text.encode("utf-8")
                target = target or self.export_path(referral_id, item_id, agency, chosen,
                                                    moment)
                try:
                    with os.fdopen(paths.write_private(target), "wb") as handle:
                        path = target
                        handle.write(document)
                except OSError as exc:
                    raise ReferralError(f"Cannot write {target}: {exc.strerror}.") from None
                digest = hashlib.sha256(document).hexdigest()
                rows.set_file(store, referral_id, target.name, digest)
                self.context.record("referral", str(item_id), {
                    "referral": referral_id, "agency": agency.key, "format": chosen,
                    "grading": draft.grading, "fields": [f for f in agency.fields
                                                         if draft.part(f).strip()],
                    "file": target.name, "sha256": digest, "bytes": len(document)})
        except BaseException:
            if path is not None:   # not recorded, so not kept: no referral nobody tracks
                path.unlink(missing_ok=True)
            raise
        return Made(referral_id, target, text, agency)

    def _referral(self, referral_id: int) -> dict[str, Any]:
        found = rows.get_referral(self.context.store, referral_id)
        if found is None:
            raise ReferralError(f"There is no referral {reference(referral_id)}.")
        return found

    def mark_sent(self, referral_id: int) -> dict[str, Any]:
        """Record that a drafted referral was sent (by the acting officer, now)."""
        self.context.require(access.Permission.REFER)
        store = self.context.store
        with store.write():
            found = self._referral(referral_id)
            if found["state"] != "drafted":
                raise ReferralError(f"Referral {reference(referral_id)} is already "
                                    f"{found['state']}.")
            rows.mark_sent(store, referral_id, self.context.actor, to_iso(utc_now()))
            self.context.record("referral_sent", str(found["item_id"]),
                                {"referral": referral_id, "agency": found["agency"]})
        return self._referral(referral_id)

    def acknowledge(self, referral_id: int, partner_ref: str = "") -> dict[str, Any]:
        """Record that the partner acknowledged a referral (with their reference, if they
        gave one); a referral not marked sent is taken as sent."""
        self.context.require(access.Permission.ACKNOWLEDGE_REFERRAL)
        partner_ref = " ".join(partner_ref.split())
        if len(partner_ref) > 100:
            raise ReferralError("A partner's reference holds at most 100 characters.")
        store = self.context.store
        with store.write():
            found = self._referral(referral_id)
            if found["state"] == "acknowledged":
                raise ReferralError(f"Referral {reference(referral_id)} was already "
                                    f"acknowledged ({found['acknowledged_at'][:10]}).")
            rows.mark_acknowledged(store, referral_id, self.context.actor, to_iso(utc_now()),
                                   partner_ref)
            self.context.record("referral_acknowledged", str(found["item_id"]),
                                {"referral": referral_id, "agency": found["agency"],
                                 "partner_ref": partner_ref})
        return self._referral(referral_id)

    def of_item(self, item_id: int) -> list[dict[str, Any]]:
        """An item's referrals, oldest first."""
        return rows.referrals_of_item(self.context.store, item_id)

    def listed(self, open_only: bool = False) -> list[dict[str, Any]]:
        """Every referral (``open_only``: not acknowledged yet), newest first."""
        self.context.require(access.Permission.USE)
        return rows.list_referrals(self.context.store, open_only)
