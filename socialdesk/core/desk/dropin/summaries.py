"""A session's figures in words: the summary lines the CLI and the dashboard both show, the
urgent items in one line, and the notice sent when a session ends.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from socialdesk.core.audit.report_figures import minutes_text
from socialdesk.core.desk.dropin.figures import SessionFigures, Urgent

LANGUAGE_NAMES = {"cy": "Welsh", "en": "English", "mixed": "mixed", "unknown": "unknown"}


def _counts(counts: dict[str, int], names: dict[str, str] | None = None,
            quiet: tuple[str, ...] = ("unclassified", "unknown")) -> str:
    """``report 3 · concern 6 · chat 3`` (the quiet keys only when not zero)."""
    return " · ".join(f"{(names or {}).get(key, key)} {value}" for key, value in counts.items()
                      if value or key not in quiet) or "—"


def urgent_text(urgent: Urgent) -> str:
    """How the urgent items of a session were handled, in one line."""
    if not urgent.count:
        return "none"
    later = urgent.answered - urgent.answered_in_session
    buckets = [(n, what) for n, what in (
        (urgent.answered_in_session, "answered in the session"), (later, "answered later"),
        (urgent.closed_without_reply, "closed, no reply"), (urgent.waiting, "STILL WAITING"))
        if n]
    if len(buckets) == 1:   # all in one: "1 — STILL WAITING", "3 — all answered in …"
        parts = [("all " if urgent.count > 1 else "") + buckets[0][1]]
    else:
        parts = [f"{n} {what}" for n, what in buckets]
    speed = (f" — first response median {minutes_text(urgent.median_minutes)}, slowest "
             f"{minutes_text(urgent.slowest_minutes)}" if urgent.answered else "")
    return f"{urgent.count} — {', '.join(parts)}{speed}"


def ended_text(figures: SessionFigures) -> str:
    """The notice when a session has ended: its headline figures in one sentence."""
    session = figures.session
    waiting = (f", {figures.waiting} STILL WAITING for an answer" if figures.waiting else "")
    urgent = (f"; urgent: {urgent_text(figures.urgent)}" if figures.urgent.count else "")
    return (f"Drop-in session {session.id} ({session.label}) has ended: {figures.contacts} "
            f"contact{'s' if figures.contacts != 1 else ''}, {figures.answered_in_session} "
            f"answered in the session (median {minutes_text(figures.median_minutes)})"
            f"{waiting}{urgent}. s, then i, shows its summary.")


def summary_lines(figures: SessionFigures, zone: ZoneInfo) -> list[tuple[str, str]]:
    """A session's summary as (label, text) lines, the same in the CLI and the dashboard."""
    session = figures.session
    state = {"running": f"running (figures so far, until "
                        f"{figures.until.astimezone(zone):%H:%M})",
             "over": "over", "planned": "not started yet",
             "cancelled": f"cancelled by {session.cancelled_by}"
                          + (f": {session.cancel_reason}" if session.cancel_reason else "")
             }[figures.state]
    posts = ", ".join(f"{p['kind']} post {p['post_id']} ({p['status']})"
                      for p in session.posts) or "none"
    kinds = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}"
                      for kind, n in figures.kinds.items())
    people = f"{figures.people} {'person' if figures.people == 1 else 'people'}"
    if figures.unknown_authors:
        unknown = (f"{figures.unknown_authors} "
                   f"{'person' if figures.unknown_authors == 1 else 'people'} not known by name")
        people = f"{people} and {unknown}" if figures.people else unknown
    return [
        ("Session", f"{session.id} — {session.window(zone)} — {session.label}"),
        ("State", f"{state}; planned by {session.planned_by}"),
        ("Posts", posts),
        ("Contacts", f"{figures.contacts} from {people}" + (f" ({kinds})" if kinds else "")),
        ("Categories", _counts(figures.categories)),
        ("Languages", _counts(figures.languages, LANGUAGE_NAMES)),
        ("Answered", f"{figures.answered_in_session} in the session · {figures.answered_later} "
                     f"later · {figures.closed_without_reply} closed, no reply · "
                     f"{figures.waiting} waiting"),
        ("First response", f"median {minutes_text(figures.median_minutes)} · p90 "
                           f"{minutes_text(figures.p90_minutes)}"),
        ("Answered by", _counts(figures.answered_by) if figures.answered_by else "—"),
        ("Urgent", urgent_text(figures.urgent)),
    ]
