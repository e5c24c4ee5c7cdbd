"""The alerts desk (``desk.alerts``): what the background jobs do for people who are not
looking — the out-of-hours acknowledgement, SLA alerts, the escalation of urgent items nobody
has claimed. One :meth:`AlertsDesk.run` per turn of the job (``socialdesk worker`` or the
dashboard that holds the jobs' lease).

The acknowledgement (DESIGN §4 departure noted in the README): a message that arrives while
the desk is not staffed gets one automatic bilingual reply per person per closed period, in
the writer's language first, with the 999 line first when the model flagged it urgent. It is
marked automatic in the outbox and in the history, and it is never a first response: the
item stays To do, and its first-response time starts from the officer's answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from socialdesk.core.audit.alerts import Alert, escalations, sla_alerts, warn_window
from socialdesk.core.desk import access
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.desk.notices import NoticesDesk
from socialdesk.core.models import to_iso, utc_now
from socialdesk.core.outbox import relay
from socialdesk.core.outbox import sender as outbox
from socialdesk.core.store import alerts as queries
from socialdesk.core.triage.acknowledge import acknowledgement, period_of

#: Who writes the automatic acknowledgement (in the outbox and the audit chain).
AUTOMATIC = "socialdesk (automatic)"
#: Only messages this fresh are acknowledged (Messenger's window for a page's answer is 24 h).
ACK_WINDOW = timedelta(hours=24)
#: An item the model has not classified yet waits this long for it (so an urgent one gets
#: the 999 line first) before it is acknowledged anyway.
WAIT_FOR_MODEL = timedelta(minutes=2)


@dataclass
class AlertReport:
    """What one turn of the alerts job did."""

    acknowledged: list[int] = field(default_factory=list)
    alerted: int = 0
    escalated: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        """Whether there is something to tell."""
        return bool(self.acknowledged or self.alerted or self.escalated or self.problems)


class AlertsDesk:
    """Acknowledgements, SLA alerts and escalations for one desk."""

    def __init__(self, context: DeskContext, notices: NoticesDesk) -> None:
        self.context = context
        self.notices = notices

    def run(self, now: datetime | None = None) -> AlertReport:
        """One turn: acknowledge, alert, escalate (members only: it is a background job)."""
        self.context.require(access.Permission.RUN_JOBS)
        moment = now or utc_now()
        report = AlertReport()
        report.acknowledged = self.acknowledge_out_of_hours(moment)
        report.alerted = self.sla_alerts(moment)
        report.escalated, report.problems = self.escalate(moment)
        return report

    # ── the out-of-hours acknowledgement ─────────────────────────────────────────────────

    def acknowledge_out_of_hours(self, now: datetime) -> list[int]:
        """Queue the acknowledgements owed now; returns the items acknowledged."""
        policy = self.context.policy
        clock = self.context.sla.clock
        if not policy.acknowledge_out_of_hours or clock.never_staffed or clock.is_staffed(now):
            return []
        kinds = ("message", "comment") if policy.acknowledge_comments else ("message",)
        done = []
        for row in queries.acknowledgement_candidates(self.context.store,
                                                      to_iso(now - ACK_WINDOW), kinds):
            created = datetime.fromisoformat(row["created_at"])
            if clock.is_staffed(created):
                continue  # it came while the team was on: the team answers it
            if row["category"] is None and now - created < WAIT_FOR_MODEL:
                continue  # let the model say whether it is urgent first
            opening = clock.next_opening(created)
            if opening is not None and opening <= now:
                continue  # its closed period is over
            if self._acknowledge(row, opening):
                done.append(row["id"])
        return done

    def _acknowledge(self, row: dict[str, Any], opening: datetime | None) -> bool:
        config = self.context.config
        person = row["author_id"] or row["thread_id"] or row["platform_id"]
        period = period_of(opening)
        text = acknowledgement(row["language"], bool(row["urgent"]), opening, config.team.zone,
                               {"en": config.out_of_hours.online_url_en,
                                "cy": config.out_of_hours.online_url_cy})
        action = outbox.Action.MESSAGE if row["kind"] == "message" else outbox.Action.REPLY
        store, at = self.context.store, to_iso(utc_now())
        with store.write():
            if not queries.claim_acknowledgement(store, person, period, row["id"], at):
                return False  # this person was acknowledged in this period already
            try:
                entry, _new = outbox.queue(
                    store, row["id"], action, text, AUTOMATIC, row["language"],
                    automatic=True, send_before=to_iso(opening) if opening else None)
            except outbox.OutboxError as exc:   # e.g. no author to message: never retried
                queries.release_acknowledgement(store, person, period)  # others may still
                self.context.record("acknowledgement_skipped", str(row["id"]),
                                    {"reason": str(exc)}, actor=AUTOMATIC)
                return False
            queries.set_acknowledgement_entry(store, person, period, entry)
            self.context.record("acknowledged", str(row["id"]),
                                {"outbox": entry, "period": period,
                                 "urgent": bool(row["urgent"]), "action": action.value},
                                actor=AUTOMATIC)
        return True

    # ── SLA alerts and escalation ────────────────────────────────────────────────────────

    def sla_alerts(self, now: datetime) -> int:
        """Write the SLA notices due now (each once); returns how many were new."""
        config = self.context.config
        reach = timedelta(minutes=config.alerts.warn_before_minutes)
        rows = queries.due_between(self.context.store, to_iso(now - timedelta(hours=12)),
                                   to_iso(now + reach), to_iso(now))
        windows = {row["id"]: warn_window(
            self.context.sla.target_minutes(row["category"], bool(row["urgent"])),
            config.alerts.warn_before_minutes) for row in rows}
        return sum(self._notify(alert)
                   for alert in sla_alerts(rows, now, windows, config.team.zone))

    def escalate(self, now: datetime) -> tuple[list[int], list[str]]:
        """Escalate urgent items nobody has claimed in time to the supervisors (and the
        webhook / e-mail folder if configured); returns (items, relay problems)."""
        settings = self.context.config.alerts
        rows = queries.unclaimed_urgent(
            self.context.store, to_iso(now - timedelta(hours=12)),
            to_iso(now - timedelta(minutes=settings.escalate_urgent_after_minutes)))
        escalated, problems = [], []
        for alert in escalations(rows, now):
            if not self._notify(alert):
                continue
            escalated.append(alert.item_id)
            problems += self._relay(alert, now)
        return escalated, problems

    def _notify(self, alert: Alert) -> bool:
        return self.notices.notify(alert.key, alert.recipient, alert.kind, alert.text,
                                   alert.item_id)

    def _relay(self, alert: Alert, now: datetime) -> list[str]:
        """Hand an escalation on; a failure is one sentence (the notice stands anyway)."""
        settings, team = self.context.config.alerts, self.context.config.team.name
        problems = []
        if settings.webhook_url:
            try:
                relay.post_webhook(settings.webhook_url, {
                    "team": team, "kind": alert.kind, "item": alert.item_id,
                    "text": alert.text, "at": to_iso(now)})
            except relay.RelayError as exc:
                problems.append(str(exc))
        if settings.mail_dir:
            try:
                relay.write_mail(settings.mail_dir, settings.mail_to, team,
                                 f"Urgent item #{alert.item_id} not claimed", alert.text, now,
                                 f"escalation-{alert.item_id}-{now:%Y%m%dT%H%M%S}")
            except relay.RelayError as exc:
                problems.append(str(exc))
        self.context.record("escalated", str(alert.item_id),
                            {"webhook": bool(settings.webhook_url),
                             "mail": bool(settings.mail_dir), "problems": problems},
                            actor="system")
        return problems
