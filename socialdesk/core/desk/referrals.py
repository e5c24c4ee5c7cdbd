"""Referrals to partner agencies (``desk.referrals``, issue 25): an officer turns an item into
intelligence for another agency — British Transport Police, a neighbouring force, the council's
ASB team, social services, the Coastguard (``[[referral.agencies]]`` in the config).

A referral is a text in the agency's expected order (what, where, when, who, source, grading),
prefilled from the item — its words, the places the gazetteer finds in it, when it was written,
where it came from — and edited by the officer. The author's name is in it only when the
officer puts it there. Intelligence for a graded partner carries its grade (the UK "3x5x2":
source 1-3, intelligence A-E, handling P or C; or the older "5x5x5"), checked before anything
is written.

socialdesk never sends a referral: it writes it as a .txt or an RFC 5322 .eml (To: the agency,
From: the team, opened as a draft by mail programs), readable by the desk only, and records it
— in the same transaction — in the audit chain (who, which item, which agency, the file's
SHA-256: never its text) and on the item: drafted, then sent (an officer sent it), then
acknowledged (the partner has it, with their reference).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, replace
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from socialdesk import paths
from socialdesk.config import Agency
from socialdesk.core.desk import access
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.models import to_iso, utc_now
from socialdesk.core.places import item_places, place_label
from socialdesk.core.store import referrals as rows
from socialdesk.core.store.items import get_item
from socialdesk.errors import UserError

#: Each part of a referral, with its heading in English and Welsh (both are always shown).
HEADINGS = {"what": "WHAT / BETH", "where": "WHERE / BLE", "when": "WHEN / PRYD",
            "who": "WHO / PWY", "source": "SOURCE / FFYNHONNELL",
            "grading": "GRADING / GRADDIO"}
#: The most a part of a referral may hold (a page's worth of words).
PART_MAX = 4000
FORMATS = ("eml", "txt")

#: scheme → (what each of its three marks means, by position: source, intelligence, handling)
SCHEMES: dict[str, tuple[dict[str, str], dict[str, str], dict[str, str]]] = {
    "3x5x2": (
        {"1": "reliable", "2": "untested", "3": "not reliable"},
        {"A": "known directly to the source", "B": "known indirectly to the source, "
         "corroborated", "C": "known indirectly to the source", "D": "not known",
         "E": "suspected to be false or malicious"},
        {"P": "lawful sharing permitted",
         "C": "lawful sharing permitted subject to conditions"}),
    "5x5x5": (
        {"A": "always reliable", "B": "mostly reliable", "C": "sometimes reliable",
         "D": "unreliable", "E": "untested"},
        {"1": "known to be true without reservation", "2": "known personally to the source "
         "but not to the officer", "3": "not known personally to the source, corroborated",
         "4": "cannot be judged", "5": "suspected to be false"},
        {"1": "may go to other law enforcement and prosecuting agencies",
         "2": "may go to UK non-prosecuting parties", "3": "may go to non-EU law enforcement",
         "4": "within the originating agency only",
         "5": "no further dissemination: refer to the originator"}),
}
#: what a person types for each scheme, for the one sentence that refuses a bad grade
GRADING_HINT = {
    "3x5x2": "like 2/B/P (source 1-3, intelligence A-E, handling P or C)",
    "5x5x5": "like B/2/1 (source A-E, intelligence 1-5, handling 1-5)",
}
_REF = re.compile(r"[Rr]?(\d{1,9})")


class ReferralError(UserError):
    """A referral that cannot be written or changed as asked (one sentence)."""


@dataclass(frozen=True)
class Grade:
    """An intelligence grade: its code ("2/B/P") and what it says, in words."""

    code: str
    meaning: str


def parse_grading(agency: Agency, typed: str) -> Grade | None:
    """The grade an officer typed for ``agency`` ("2/B/P", "2bp", "2 B P"); None for an
    agency that does not grade. A missing or impossible grade is one sentence."""
    text = typed.strip()
    if agency.grading not in SCHEMES:
        if text:
            raise ReferralError(f"{agency.name_en} does not grade intelligence; leave the "
                                f"grading out (got '{text[:20]}').")
        return None
    marks = re.sub(r"[\s/.,-]+", "", text).upper()
    hint = GRADING_HINT[agency.grading]
    if not text:
        raise ReferralError(f"{agency.name_en} grade intelligence {agency.grading}; give the "
                            f"grading, {hint}.")
    scales = SCHEMES[agency.grading]
    if len(marks) != 3 or any(mark not in scale for mark, scale in zip(marks, scales,
                                                                         strict=True)):
        raise ReferralError(f"'{text[:20]}' is not a {agency.grading} grading; give one "
                            f"{hint}.")
    source, intelligence, handling = (scale[mark] for mark, scale in zip(marks, scales,
                                                                         strict=True))
    return Grade("/".join(marks), f"source {marks[0]}: {source}; intelligence {marks[1]}: "
                 f"{intelligence}; handling {marks[2]}: {handling}")


@dataclass(frozen=True)
class ReferralDraft:
    """What a referral says, part by part, as the officer leaves it (the grading as typed)."""

    what: str = ""
    where: str = ""
    when: str = ""
    who: str = ""
    source: str = ""
    grading: str = ""

    def part(self, name: str) -> str:
        """One part by its field name."""
        return str(getattr(self, name))


def check_draft(agency: Agency, draft: ReferralDraft) -> Grade | None:
    """Refuse, in one sentence, a draft that could not be written; its grade if graded."""
    if not draft.what.strip():
        raise ReferralError("Say what the referral is about (the \"what\" is empty).")
    for name in agency.fields:
        if len(draft.part(name)) > PART_MAX:
            raise ReferralError(f"The referral's \"{name}\" holds at most {PART_MAX} "
                                f"characters; it has {len(draft.part(name))}.")
    return parse_grading(agency, draft.grading)


def source_line(item: dict[str, Any], team: str, author: str = "") -> str:
    """Where the item came from: a comment or private message to the team's page (by whom
    only when the officer names the author)."""
    kind = "a private message to" if item.get("kind") == "message" else "a public comment on"
    by = f" by {author}" if author else ""
    line = f"Member of the public, {kind} the {team} Facebook page{by}"
    return line + (f" (item #{item['id']})." if item.get("id") else ".")


def prefill(item: dict[str, Any], team: str, zone: ZoneInfo,
            include_author: bool = False) -> ReferralDraft:
    """A referral's parts from an item: its words, the places it names, when it was written,
    where it came from; the author's name only when ``include_author``."""
    text = (item.get("text") or "").strip()
    found = item_places(text, item.get("post_text"))
    names = list(dict.fromkeys(place_label(p) for p, source in found if source == "text"))
    if not names:   # the post it answers may say where (marked: the officer judges)
        names = [f"{name} (named in the post it answers)" for name in dict.fromkeys(
            place_label(p) for p, source in found if source == "post")]
    written = item.get("created_at")
    when = ""
    if written:
        moment = datetime.fromisoformat(str(written)).astimezone(zone)
        when = (f"Written {moment:%a} {moment.day} {moment:%b %Y %H:%M} ({zone.key} time); "
                "what it describes may be earlier.")
    author = str(item.get("author_name") or "").strip() if include_author else ""
    return ReferralDraft(what=text, where="; ".join(names), when=when,
                         who=f"Reported by: {author}" if author else "",
                         source=source_line(item, team, author))


def reference(referral_id: int) -> str:
    """How a referral is named: "R12"."""
    return f"R{referral_id}"


def parse_reference(typed: str) -> int:
    """A referral's id from "R12", "r12" or "12"; one sentence otherwise."""
    match = _REF.fullmatch(typed.strip())
    if not match:
        raise ReferralError(f"'{typed[:20]}' is not a referral number like R12.")
    return int(match.group(1))


def format_referral(referral_id: int, agency: Agency, draft: ReferralDraft,
                    grade: Grade | None, team: str, officer: str, item_id: int,
                    at: datetime, zone: ZoneInfo) -> str:
    """The referral as plain text: a header, then each part under its English and Welsh
    heading, in the agency's order ("not given" for an empty part)."""
    local = at.astimezone(zone)
    contact = agency.email + (f", {agency.phone}" if agency.phone else "")
    lines = [f"INTELLIGENCE REFERRAL {reference(referral_id)} / ATGYFEIRIAD "
             f"{reference(referral_id)}",
             f"To / At: {agency.name_en} / {agency.name_cy} ({contact})",
             f"From / Oddi wrth: {team}, North Wales Police / Heddlu Gogledd Cymru — {officer}",
             f"Date / Dyddiad: {local:%a} {local.day} {local:%b %Y %H:%M} ({zone.key})",
             f"Our reference / Ein cyfeirnod: {reference(referral_id)}, item #{item_id}", ""]
    for name in agency.fields:
        lines.append(HEADINGS[name])
        if name == "grading" and grade is not None:
            body = f"{grade.code} ({agency.grading}): {grade.meaning}"
        else:
            body = draft.part(name).strip().replace("\r\n", "\n")
        lines.extend((body or "(not given / heb ei roi)").split("\n"))
        lines.append("")
    lines.append("Sent from the neighbourhood team's contact desk. Please acknowledge with our "
                 f"reference {reference(referral_id)}. / Anfonwyd o ddesg gyswllt y tîm "
                 f"cymdogaeth. Cydnabyddwch gyda'n cyfeirnod {reference(referral_id)}.")
    return "\n".join(lines) + "\n"


def build_eml(text: str, agency: Agency, sender: str, subject: str,
              at: datetime, referral_id: int) -> EmailMessage:
    """The referral as an RFC 5322 message for the officer's mail program to send (never sent
    here): To the agency, From the team, marked unsent so it opens as a draft."""
    message = EmailMessage()
    message["To"] = agency.email
    message["From"] = sender
    message["Subject"] = subject
    message["Date"] = format_datetime(at)
    domain = sender.rpartition("@")[2] or "socialdesk.invalid"
    message["Message-ID"] = make_msgid(f"referral-{referral_id}", domain=domain)
    message["X-Unsent"] = "1"   # Outlook and others open it as a draft to send
    message["X-Socialdesk-Referral"] = reference(referral_id)
    message.set_content(text, charset="utf-8")
    return message


@dataclass(frozen=True)
class Made:
    """A referral written: its id, the file, its text."""

    referral_id: int
    path: Path
    text: str
    agency: Agency

    @property
    def reference(self) -> str:
        """"R12"."""
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


def describe_referral(row: dict[str, Any], zone: ZoneInfo) -> str:
    """One referral on one line: "R3 → British Transport Police: sent by ann Mon 7 Dec
    19:04; acknowledged by gethin Tue 8 Dec 10:00 (their ref BTP/123)"."""
    def when(value: str) -> str:
        moment = datetime.fromisoformat(value).astimezone(zone)
        return f"{moment:%a} {moment.day} {moment:%b %H:%M}"

    line = (f"{reference(row['id'])} → {row['agency_name'] or row['agency']}: drafted by "
            f"{row['created_by']} {when(row['created_at'])}")
    if row.get("grading"):
        line += f" (graded {row['grading']})"
    if row.get("sent_at"):
        line += f"; sent by {row['sent_by']} {when(row['sent_at'])}"
    if row.get("acknowledged_at"):
        line += f"; acknowledged, recorded by {row['acknowledged_by']} " \
                f"{when(row['acknowledged_at'])}"
        if row.get("partner_ref"):
            line += f" (their ref {row['partner_ref']})"
    else:
        line += "; awaiting acknowledgement" if row.get("sent_at") else "; not sent yet"
    return line
