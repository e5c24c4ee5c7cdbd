"""How a referral is named ("R12") and written: the plain text in the agency's order, the
RFC 5322 message a mail program opens as a draft (never sent here), and the one line the
dashboard and the CLI show for it.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from zoneinfo import ZoneInfo

from socialdesk.config import Agency
from socialdesk.core.desk.referrals.drafts import HEADINGS, Grade, ReferralDraft, ReferralError

_REF = re.compile(r"[Rr]?(\d{1,9})")


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
