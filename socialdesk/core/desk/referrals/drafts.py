"""What a referral says: its parts under their English and Welsh headings (what, where, when,
who, source, grading), prefilled from an item and checked before anything is written, and the
grade a graded partner expects ("3x5x2" or "5x5x5").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from socialdesk.config import Agency
from socialdesk.core.places import item_places, place_label
from socialdesk.errors import UserError

#: Each part of a referral, with its heading in English and Welsh (both are always shown).
HEADINGS = {"what": "WHAT / BETH", "where": "WHERE / BLE", "when": "WHEN / PRYD",
            "who": "WHO / PWY", "source": "SOURCE / FFYNHONNELL",
            "grading": "GRADING / GRADDIO"}
#: The most a part of a referral may hold (a page's worth of words).
PART_MAX = 4000

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
