"""The safety-post workflow on the ``scheduled_posts`` table (the truth) and the crisis pause.

Statuses: ``draft`` → ``approved`` (by a supervisor when ``[posts] require_approval``) →
``publishing`` → ``published`` / ``failed`` / ``missed`` / ``uncertain``; ``cancelled`` at
any point before publishing. A recurring post goes back to ``approved`` with its next due
time after each occurrence; what happened to each occurrence is a row in ``post_runs``.
Editing an approved post (texts or timing) sends it back to ``draft``: approval is revoked.
Every step is written to the audit log, in the same transaction as the change.

The crisis pause is one desk-wide switch (a setting in the database), not a status of each post:
while it is on, nothing is published; posts keep their status and due time, and on resume
whatever fell due meanwhile is judged by the grace rule like any down-time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from socialdesk.core.models import to_iso
from socialdesk.core.schedule.timing import (
    Occurrence,
    Rule,
    TimingError,
    next_occurrence,
    parse_local,
    parse_rule,
)
from socialdesk.core.store import audit_log
from socialdesk.core.store import safety_posts as rows
from socialdesk.core.store.db import Store
from socialdesk.core.store.settings import CRISIS_PAUSE, read_setting, write_setting
from socialdesk.errors import UserError

#: A template placeholder left in a text ({place}): refused at approval.
UNFILLED = re.compile(r"\{[a-z_]+\}")
EDITABLE = ("draft", "approved", "failed", "missed", "uncertain")
CANCELLABLE = ("draft", "approved", "failed", "missed", "uncertain")
MAX_TEXT = 60_000  # Facebook's limit is 63,206 characters; both languages share one post


class PostError(UserError):
    """A post action that cannot be done (wrong status, missing Welsh, in the past…)."""


@dataclass(frozen=True)
class Timing:
    """When a post goes out: a rule (recurring) or None (one-off), and the first time."""

    text: str
    rule: Rule | None
    first: Occurrence


@dataclass(frozen=True)
class PauseState:
    """The crisis pause: on or off, why, by whom, since when."""

    paused: bool
    reason: str = ""
    by: str = ""
    at: str = ""


def parse_timing(text: str, zone: ZoneInfo, now: datetime) -> Timing:
    """``2026-12-04 17:00`` (one-off, must be in the future) or a rule (next occurrence)."""
    words = text.strip().lower().split()
    if words and words[0] in ("every", "weekly", "monthly", "daily"):
        rule = parse_rule(text)
        return Timing(rule.canonical, rule, next_occurrence(rule, now, zone))
    first = parse_local(text, zone)
    if first.at <= now:
        raise TimingError(f"{first.describe()} is in the past; give a time still to come.")
    return Timing(f"{first.local:%Y-%m-%d %H:%M}", None, first)


def timing_of(post: dict[str, Any]) -> Rule | None:
    """The post's recurrence rule, or None for a one-off."""
    return parse_rule(post["recurrence"]) if post.get("recurrence") else None


def get_post(store: Store, post_id: int) -> dict[str, Any]:
    """One post as a dict, or a PostError."""
    post = rows.find_post(store, post_id)
    if post is None:
        raise PostError(f"There is no safety post {post_id}.")
    return post


def check_texts(cy: str | None, en: str | None) -> None:
    """Refuse (PostError) a post without any text, or with a text over Facebook's limit."""
    for name, text in (("Welsh", cy), ("English", en)):
        if text is not None and len(text) > MAX_TEXT:
            raise PostError(f"The {name} text is {len(text):,} characters; the limit is "
                            f"{MAX_TEXT:,}.")
    if not (cy or "").strip() and not (en or "").strip():
        raise PostError("A post needs some text (Welsh and English).")


def create(store: Store, actor: str, title: str, cy: str, en: str, timing: Timing,
           now: datetime, template: str | None = None) -> int:
    """A new draft; returns its id."""
    check_texts(cy, en)
    stamp = to_iso(now)
    with store.write():
        post_id = rows.insert_post(store, {
            "template": template, "title": title, "text_en": en.strip(),
            "text_cy": cy.strip(), "due_at": to_iso(timing.first.at),
            "recurrence": timing.rule.canonical if timing.rule else None,
            "timing": timing.text, "status": "draft", "author": actor, "version": 1,
            "created_at": stamp, "updated_at": stamp})
        audit_log.append(store, actor, "post_add", str(post_id), {
            "template": template, "timing": timing.text, "due_at": to_iso(timing.first.at)})
    return post_id


def edit(store: Store, actor: str, post_id: int, now: datetime, *, cy: str | None = None,
         en: str | None = None, title: str | None = None,
         timing: Timing | None = None) -> bool:
    """Change texts, title or timing; returns True if an approval was revoked."""
    with store.write():
        post = get_post(store, post_id)
        if post["status"] not in EDITABLE:
            raise PostError(f"Post {post_id} is {post['status']}; it can no longer be edited.")
        changes: dict[str, Any] = {}
        if cy is not None:
            changes["text_cy"] = cy.strip()
        if en is not None:
            changes["text_en"] = en.strip()
        if title is not None:
            changes["title"] = title
        if timing is not None:
            changes.update(due_at=to_iso(timing.first.at), timing=timing.text,
                           recurrence=timing.rule.canonical if timing.rule else None)
        check_texts(changes.get("text_cy", post["text_cy"]),
                     changes.get("text_en", post["text_en"]))
        revoked = post["status"] == "approved"
        changes.update(status="draft", approver=None, approved_at=None,
                       version=(post["version"] or 1) + 1, updated_at=to_iso(now))
        rows.update_post(store, post_id, changes)
        audit_log.append(store, actor, "post_edit", str(post_id), {
            "fields": sorted(k for k in changes if k in (
                "text_cy", "text_en", "title", "timing")), "approval_revoked": revoked})
    return revoked


def approve(store: Store, actor: str, post_id: int, now: datetime, zone: ZoneInfo,
            own_allowed: bool = True) -> None:
    """Approve a draft: both languages present and a due time still to come; someone else's
    draft unless ``own_allowed`` (the policy's self_approval)."""
    with store.write():
        post = get_post(store, post_id)
        if post["status"] != "draft":
            raise PostError(f"Post {post_id} is {post['status']}; only a draft can be approved.")
        if not own_allowed and post["author"] == actor:
            raise PostError(f"{actor} wrote post {post_id}, so another supervisor must approve "
                            "it ([posts] self_approval is off).")
        for name, key in (("Welsh", "text_cy"), ("English", "text_en")):
            if not (post[key] or "").strip():
                raise PostError(f"Post {post_id} has no {name} text; both languages go out "
                                "together, so add it before approval.")
            unfilled = UNFILLED.findall(post[key])
            if unfilled:
                raise PostError(f"The {name} text of post {post_id} still has "
                                f"{', '.join(dict.fromkeys(unfilled))} to fill in.")
        due = post["due_at"]
        rule = timing_of(post)
        if due <= to_iso(now):
            if rule is None:
                raise PostError(f"Post {post_id} was due at {due}, which has passed; give it a "
                                "new time first.")
            due = to_iso(next_occurrence(rule, now, zone).at)
        rows.update_post(store, post_id, {"status": "approved", "approver": actor,
                                 "approved_at": to_iso(now), "due_at": due,
                                 "updated_at": to_iso(now)})
        audit_log.append(store, actor, "post_approve", str(post_id),
                         {"due_at": due, "version": post["version"]})


def cancel(store: Store, actor: str, post_id: int, now: datetime) -> None:
    """Cancel a post that has not gone out (a recurring one stops for good)."""
    with store.write():
        post = get_post(store, post_id)
        if post["status"] not in CANCELLABLE:
            raise PostError(f"Post {post_id} is {post['status']}; it cannot be cancelled.")
        rows.update_post(store, post_id, {"status": "cancelled", "cancelled_by": actor,
                                 "cancelled_at": to_iso(now), "updated_at": to_iso(now)})
        audit_log.append(store, actor, "post_cancel", str(post_id),
                         {"was": post["status"]})


def dismiss(store: Store, actor: str, post_id: int) -> int:
    """A person has seen the post's failed/missed/uncertain occurrences; returns how many."""
    with store.write():
        get_post(store, post_id)
        count = rows.dismiss_runs(store, post_id, actor)
        if count:
            audit_log.append(store, actor, "post_dismiss", str(post_id), {"runs": count})
    return count


# ── the crisis pause ─────────────────────────────────────────────────────────────────────


def pause_state(store: Store) -> PauseState:
    """Whether scheduled publishing is paused, and why."""
    cursor = read_setting(store, CRISIS_PAUSE)
    if not cursor.get("paused"):
        return PauseState(False)
    return PauseState(True, str(cursor.get("reason", "")), str(cursor.get("by", "")),
                      str(cursor.get("at", "")))


def pause(store: Store, actor: str, reason: str, now: datetime) -> None:
    """Stop all scheduled publishing, with a reason everyone sees."""
    if not reason.strip():
        raise PostError("Give a reason for the pause (everyone on the desk will see it).")
    with store.write():
        if pause_state(store).paused:
            raise PostError("Scheduled posts are already paused.")
        write_setting(store, CRISIS_PAUSE, {"paused": True, "reason": reason.strip(),
                                             "by": actor, "at": to_iso(now)})
        audit_log.append(store, actor, "posts_pause", "posts", {"reason": reason.strip()})


def resume(store: Store, actor: str) -> PauseState:
    """End the pause; returns what it was. Overdue posts are then judged by the grace rule."""
    with store.write():
        state = pause_state(store)
        if not state.paused:
            raise PostError("Scheduled posts are not paused.")
        write_setting(store, CRISIS_PAUSE, {"paused": False})
        audit_log.append(store, actor, "posts_resume", "posts",
                         {"paused_at": state.at, "reason": state.reason})
    return state


# ── views ────────────────────────────────────────────────────────────────────────────────


def languages_of(post: dict[str, Any]) -> str:
    """Which texts a post has: "cy+en", "cy", "en" or "none"."""
    have = [name for name, key in (("cy", "text_cy"), ("en", "text_en"))
            if (post.get(key) or "").strip()]
    return "+".join(have) or "none"


def local_label(iso: str | None, zone: ZoneInfo, with_year: bool = True) -> str:
    """A stored UTC time as people read it: ``Fri 04 Dec 2026 17:00 GMT`` ("—" if none)."""
    if not iso:
        return "—"
    moment = datetime.fromisoformat(iso).astimezone(zone)
    return f"{moment:%a %d %b{' %Y' if with_year else ''} %H:%M} {moment.tzname()}"


def agenda(store: Store, now: datetime, limit: int = 200) -> list[dict[str, Any]]:
    """The calendar: drafts and posts still to go out, and what went out (or did not) in the
    last week, by due time."""
    return rows.agenda(store, to_iso(now - timedelta(days=7)), limit)
