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

The rooms: :mod:`.drafts` (what a referral says), :mod:`.documents` (how it is named and
written) and :mod:`.referral_desk` (the desk: write, mark sent, acknowledged). This module is
the public face: import from it, not from the rooms.
"""

from socialdesk.core.desk.referrals.documents import describe_referral, parse_reference, reference
from socialdesk.core.desk.referrals.drafts import (
    GRADING_HINT,
    HEADINGS,
    ReferralDraft,
    ReferralError,
    check_draft,
    parse_grading,
)
from socialdesk.core.desk.referrals.referral_desk import ReferralDesk

__all__ = [
    "GRADING_HINT",
    "HEADINGS",
    "ReferralDesk",
    "ReferralDraft",
    "ReferralError",
    "check_draft",
    "describe_referral",
    "parse_grading",
    "parse_reference",
    "reference",
]
