"""Scheduled safety posts end to end: a real SQLite file, the real Graph client over loopback to
the fake page, and a controlled clock (time-machine)."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from socialdesk.config import Config
from socialdesk.core.desk import Desk
from socialdesk.core.desk.access import AccessDenied
from socialdesk.core.desk.events import Published
from socialdesk.core.schedule.workflow import PostError
from socialdesk.fakepage.server import FakePage
from tests.ingest_helpers import client_for, page_config, set_faults, start_fake

CY = "Rhybudd: clowch eich car heno os gwelwch yn dda."
EN = "Reminder: please lock your car tonight."


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Desks:
    """An officer's and a supervisor's desk on one DB, and the fake page they publish to."""

    def __init__(self, config: Config, db: Path, fake: FakePage) -> None:
        self.fake = fake
        self.officer = Desk(config, db, actor="tester")
        self.supervisor = Desk(config, db, actor="rhian")
        self.sleeps: list[float] = []

    def published(self) -> list[str]:
        """Texts the page received as new posts, in order."""
        return [r["message"] for r in self.fake.state.received if r["kind"] == "publish"]

    def round(self, desk: Desk | None = None, **client_kw):
        chosen = desk or self.supervisor
        return chosen.posts.publish_due(client_for(self.fake, self.sleeps, **client_kw))

    def approved_post(self, when: str, cy: str = CY, en: str = EN) -> int:
        post_id = self.officer.posts.add("lock your car", cy, en, when)
        self.supervisor.posts.approve(post_id)
        return post_id


@pytest.fixture
def make_desks(tmp_path: Path, config: Config):
    made: list[Desks] = []

    def make(*faults: str, bilingual: str = "single", require_approval: bool = True,
             grace: int = 60, **fake_kw) -> Desks:
        fake = start_fake(faults=faults, posts=3, comments=5, conversations=1, **fake_kw)
        members = {**config.access.members, "rhian": "supervisor"}
        cfg = replace(config, page=page_config(config, fake),
                      access=replace(config.access, members=members),
                      posts=replace(config.posts, bilingual=bilingual, grace_minutes=grace,
                                    require_approval=require_approval))
        desks = Desks(cfg, tmp_path / f"posts{len(made)}.db", fake)
        made.append(desks)
        return desks

    yield make
    for desks in made:
        desks.fake.stop()
        desks.officer.close()
        desks.supervisor.close()


def audit_actions(desk: Desk, subject: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in desk.store.conn.execute(
        "select actor, action from audit_log where subject = ? and action like 'post%' "
        "order by id", (subject,))]


# ── the workflow ─────────────────────────────────────────────────────────────────────────────


def test_draft_approve_publish_on_time_as_one_bilingual_post_welsh_first(make_desks):
    with time_machine.travel(at("2026-11-23 10:00"), tick=True) as clock:
        d = make_desks()
        post_id = d.approved_post("2026-11-24 09:00")
        assert d.round().published == [] and d.published() == []       # not yet due
        clock.move_to(at("2026-11-24 09:00:05"))
        report = d.round()
        assert report.published == [post_id] and report.late == []
        assert d.published() == [f"{CY}\n\n{EN}"]
        post = d.supervisor.posts.get(post_id)
        assert post["status"] == "published" and post["platform_id"]
        assert d.round().published == [] and len(d.published()) == 1    # never twice
        assert audit_actions(d.supervisor, str(post_id)) == [
            ("tester", "post_add"), ("rhian", "post_approve"), ("system", "post_published")]
        assert d.supervisor.verify_audit().ok


def test_twins_go_out_together_welsh_first_and_both_ids_are_kept(make_desks):
    with time_machine.travel(at("2026-11-23 10:00"), tick=True) as clock:
        d = make_desks(bilingual="twins")
        post_id = d.approved_post("2026-11-23 12:00")
        clock.move_to(at("2026-11-23 12:00:01"))
        assert d.round().published == [post_id]
        assert d.published() == [CY, EN]
        post = d.supervisor.posts.get(post_id)
        assert post["platform_id_cy"] and post["platform_id"] and \
            post["platform_id_cy"] != post["platform_id"]


def test_approval_rules_both_languages_supervisor_and_edit_revokes(make_desks):
    with time_machine.travel(at("2026-11-23 10:00"), tick=True):
        d = make_desks()
        english_only = d.officer.posts.add("no welsh", "", EN, "2026-11-30 10:00")
        with pytest.raises(PostError, match="no Welsh text"):
            d.supervisor.posts.approve(english_only)
        post_id = d.officer.posts.add("ok", CY, EN, "every friday 17:00")
        with pytest.raises(AccessDenied, match="Only a supervisor can approve"):
            d.officer.posts.approve(post_id)
        with pytest.raises(AccessDenied):
            d.officer.posts.pause("incident")
        d.supervisor.posts.approve(post_id)
        assert d.officer.posts.edit(post_id, en=EN + " Thanks.") is True    # revoked
        post = d.officer.posts.get(post_id)
        assert post["status"] == "draft" and post["approver"] is None and post["version"] == 2
        assert ("tester", "post_edit") in audit_actions(d.officer, str(post_id))
        d.officer.posts.cancel(post_id)
        with pytest.raises(PostError, match="cancelled"):
            d.supervisor.posts.approve(post_id)


def test_without_required_approval_an_officer_schedules_directly(make_desks):
    with time_machine.travel(at("2026-11-23 10:00"), tick=True):
        d = make_desks(require_approval=False)
        post_id = d.officer.posts.add("ok", CY, EN, "2026-11-30 10:00")
        assert d.officer.posts.get(post_id)["status"] == "approved"
        draft = d.officer.posts.add("half", "", EN, "2026-11-30 10:00")
        assert d.officer.posts.get(draft)["status"] == "draft"          # Welsh still missing


# ── timing across the clock changes, with the publisher ──────────────────────────────────────


@pytest.mark.parametrize(("start", "first", "second"), [
    ("2026-03-20 12:00", "2026-03-22 09:00", "2026-03-29 08:00"),   # clocks go forward
    ("2026-10-16 12:00", "2026-10-18 08:00", "2026-10-25 09:00"),   # clocks go back
])
def test_a_weekly_0900_post_goes_out_at_0900_local_on_both_sides_of_a_change(
        make_desks, start, first, second):
    with time_machine.travel(at(start), tick=True) as clock:
        d = make_desks()
        post_id = d.approved_post("every sunday 09:00")
        assert d.supervisor.posts.get(post_id)["due_at"] == at(first).isoformat()
        for due in (first, second):
            clock.move_to(at(due) - timedelta(seconds=30))
            assert d.round().published == []
            clock.move_to(at(due) + timedelta(seconds=5))
            assert d.round().published == [post_id]
        runs = d.supervisor.posts.history(post_id)
        assert [r["due_at"] for r in runs] == [at(second).isoformat(), at(first).isoformat()]
        local = [datetime.fromisoformat(r["due_at"]).astimezone(
            d.supervisor.config.team.zone).strftime("%H:%M") for r in runs]
        assert local == ["09:00", "09:00"]
        assert len(d.published()) == 2


# ── down-time and the grace rule ─────────────────────────────────────────────────────────────


def test_restart_inside_grace_publishes_late_beyond_grace_marks_missed(make_desks):
    with time_machine.travel(at("2026-11-23 10:00"), tick=True) as clock:
        d = make_desks(grace=60)
        late = d.approved_post("2026-11-23 11:00")
        lost = d.approved_post("2026-11-23 08:30".replace("08:30", "10:30"), cy=CY + " 2",
                               en=EN + " 2")
        clock.move_to(at("2026-11-23 11:40"))     # nothing ran from 10:00 to 11:40
        report = d.round()
        assert report.published == [late] and report.late == [late]
        assert report.missed == [lost]
        assert d.supervisor.posts.get(lost)["status"] == "missed"
        problems = d.supervisor.posts.problems()
        assert [(p["post_id"], p["status"]) for p in problems] == [(lost, "missed")]
        assert d.published() == [f"{CY}\n\n{EN}"]
        assert d.supervisor.posts.dismiss(lost) == 1 and d.supervisor.posts.problems() == []


def test_a_recurring_post_after_weeks_down_is_missed_once_and_never_bursts(make_desks):
    with time_machine.travel(at("2026-11-02 10:00"), tick=True) as clock:
        d = make_desks(grace=60)
        post_id = d.approved_post("every friday 17:00")
        clock.move_to(at("2026-11-27 17:20"))      # down since the 2nd: 4 Fridays fell due
        report = d.round()
        # 6, 13 and 20 Nov are missed (one row for all three); 27 Nov is inside grace.
        assert report.missed == [post_id] and report.published == [post_id]
        assert len(d.published()) == 1
        runs = d.supervisor.posts.history(post_id)
        assert [(r["due_at"][:10], r["status"]) for r in runs] == [
            ("2026-11-27", "published"), ("2026-11-06", "missed")]
        assert "3 occurrences missed" in runs[1]["note"]
        assert d.supervisor.posts.get(post_id)["due_at"] == at("2026-12-04 17:00").isoformat()


# ── never twice ──────────────────────────────────────────────────────────────────────────────


def test_a_reset_after_the_page_accepted_the_post_still_leaves_exactly_one(make_desks):
    with time_machine.travel(at("2026-11-23 10:00"), tick=True) as clock:
        d = make_desks("reset@publish=1")
        post_id = d.approved_post("2026-11-23 10:30")
        clock.move_to(at("2026-11-23 10:30:02"))
        report = d.round()
        assert report.published == [post_id] and report.uncertain == []
        assert len(d.published()) == 1                   # found on the feed, not re-posted
        assert d.fake.stats()["requests_by_endpoint"]["publish"] == 1
        assert d.supervisor.posts.get(post_id)["platform_id"] == d.fake.state.posts[-1].id


def test_a_timeout_after_acceptance_is_checked_on_the_feed(make_desks):
    with time_machine.travel(at("2026-11-23 10:00"), tick=True) as clock:
        d = make_desks("slow@publish=1", slow_seconds=1.5)
        post_id = d.approved_post("2026-11-23 10:30")
        clock.move_to(at("2026-11-23 10:30:02"))
        report = d.round(timeout=0.5)
        assert report.published == [post_id]
        assert len(d.published()) == 1 and d.fake.stats()["requests_by_endpoint"]["publish"] == 1


def test_unknown_outcome_and_unreadable_feed_is_uncertain_for_a_person(make_desks):
    with time_machine.travel(at("2026-11-23 10:00"), tick=True) as clock:
        d = make_desks("reset@publish=1", "server_error@feed=1")
        post_id = d.approved_post("2026-11-23 10:30")
        clock.move_to(at("2026-11-23 10:30:02"))
        report = d.round()
        assert report.uncertain == [post_id]
        assert d.supervisor.posts.get(post_id)["status"] == "uncertain"
        clock.move_to(at("2026-11-23 10:45"))
        assert d.round().published == []                 # uncertain is never re-posted alone
        assert d.fake.stats()["requests_by_endpoint"]["publish"] == 1
        assert [p["status"] for p in d.supervisor.posts.problems()] == ["uncertain"]


def test_a_failed_post_is_retried_within_grace_after_a_feed_check(make_desks):
    with time_machine.travel(at("2026-11-23 10:00"), tick=True) as clock:
        d = make_desks("server_error@publish=#1", "server_error@publish=0")
        post_id = d.approved_post("2026-11-23 10:30")
        clock.move_to(at("2026-11-23 10:30:02"))
        assert d.round().failed == [post_id]
        assert d.supervisor.posts.get(post_id)["status"] == "failed"
        d.fake.plan.faults.clear()                        # the page recovers
        clock.move_to(at("2026-11-23 10:31"))
        assert d.round().published == [post_id]
        assert len(d.published()) == 1
        runs = d.supervisor.posts.history(post_id)
        assert runs[0]["status"] == "published" and runs[0]["attempts"] == 2


def test_two_publishers_on_one_database_publish_once(make_desks, config):
    with time_machine.travel(at("2026-11-23 10:00"), tick=True) as clock:
        d = make_desks("slow@publish=1", slow_seconds=0.5)
        post_ids = [d.approved_post(f"2026-11-23 10:3{n}", cy=f"{CY} {n}", en=f"{EN} {n}")
                    for n in range(3)]
        clock.move_to(at("2026-11-23 10:40"))
        other = Desk(d.supervisor.config, d.supervisor.db_path, actor="rhian")
        barrier = threading.Barrier(2)
        reports = {}

        def worker(name: str, desk: Desk) -> None:
            barrier.wait()
            reports[name] = d.round(desk)
            desk.close()

        threads = [threading.Thread(target=worker, args=(n, k)) for n, k in
                   (("a", Desk(d.supervisor.config, d.supervisor.db_path, actor="rhian")),
                    ("b", other))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        published = sorted(reports["a"].published + reports["b"].published)
        assert published == sorted(post_ids)
        assert len(d.published()) == 3 and len(set(d.published())) == 3


def test_a_crash_between_claim_and_answer_is_resolved_from_the_feed(make_desks):
    from socialdesk.core.schedule.publisher import Publisher

    with time_machine.travel(at("2026-11-23 10:00"), tick=True) as clock:
        d = make_desks()
        sent = d.approved_post("2026-11-23 10:30")
        lost = d.approved_post("2026-11-23 10:31", cy=CY + "!", en=EN + "!")
        clock.move_to(at("2026-11-23 10:31:05"))
        cfg = d.supervisor.config
        publisher = Publisher(d.supervisor.store, client_for(d.fake), cfg.posts,
                              cfg.team.zone)
        for post_id in (sent, lost):     # claimed, then the process "died"
            run = publisher._claim(post_id, d.supervisor.posts.get(post_id)["due_at"])
            assert run is not None
            if post_id == sent:          # ... after its POST reached the page
                publisher._post(run.parts["both"])
        clock.move_to(at("2026-11-23 10:35"))
        report = d.round()
        assert report.published == [sent] and report.uncertain == [lost]
        assert len(d.published()) == 1


# ── the crisis pause ─────────────────────────────────────────────────────────────────────────


def test_pause_holds_everything_and_resume_applies_the_grace_rule(make_desks):
    with time_machine.travel(at("2026-11-23 10:00"), tick=True) as clock:
        d = make_desks(grace=60)
        early = d.approved_post("2026-11-23 10:15", cy=CY + " 1", en=EN + " 1")
        later = d.approved_post("2026-11-23 11:30", cy=CY + " 2", en=EN + " 2")
        d.supervisor.posts.pause("Major incident at Llangefni")
        state = d.officer.posts.pause_state()
        assert state.paused and state.by == "rhian" and "Llangefni" in state.reason
        clock.move_to(at("2026-11-23 11:35"))
        report = d.round()
        assert report.paused == "Major incident at Llangefni" and d.published() == []
        with pytest.raises(AccessDenied):
            d.officer.posts.resume()
        d.supervisor.posts.resume()
        report = d.round()
        assert report.missed == [early] and report.published == [later]
        assert len(d.published()) == 1
        actions = [r[0] for r in d.supervisor.store.conn.execute(
            "select action from audit_log where subject = 'posts' order by id")]
        assert actions == ["posts_pause", "posts_resume"]


# ── APScheduler is the timer, rebuilt from the table ─────────────────────────────────────────


def test_the_worker_timer_is_rebuilt_from_the_table_and_fires_on_time(make_desks, monkeypatch):
    from socialdesk.core.desk.jobs import BackgroundJobs

    d = make_desks()
    monkeypatch.setenv(d.supervisor.config.page.token_env, d.fake.token)
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=3)
    local = due.astimezone(d.supervisor.config.team.zone).strftime("%Y-%m-%d %H:%M")
    post_id = d.approved_post("2099-01-01 09:00")
    # Due in 3 s (written straight to the table, as another process would).
    with d.supervisor.store.write():
        d.supervisor.store.conn.execute("update scheduled_posts set due_at = ?, timing = ? "
                                        "where id = ?", (due.isoformat(), local, post_id))
    events: list[object] = []
    jobs = BackgroundJobs(Desk(d.supervisor.config, d.supervisor.db_path, actor="rhian"),
                          listener=events.append, sync_interval=3600)
    jobs.start()
    try:
        job = jobs._scheduler.get_job(f"post-{post_id}")
        assert job is not None and job.next_run_time == due
        deadline = datetime.now(UTC) + timedelta(seconds=15)
        while not d.published() and datetime.now(UTC) < deadline:
            threading.Event().wait(0.2)
    finally:
        jobs.shutdown()
    assert len(d.published()) == 1
    assert any(isinstance(event, Published) for event in events)
    assert d.supervisor.posts.get(post_id)["status"] == "published"


# ── the command line ─────────────────────────────────────────────────────────────────────────


def test_cli_posts_add_list_preview_and_refusals(run_cli):
    assert run_cli("init").code == 0
    r = run_cli("posts", "templates")
    assert r.code == 0 and len(r.out.splitlines()) >= 15
    r = run_cli("posts", "add", "--template", "bike-marking", "--set", "place=Holyhead",
                "--set", "place_cy=Caergybi", "--set", "date=2099-06-06", "--set",
                "time=10:00-14:00", "--at", "2099-06-01 09:00")
    assert r.code == 0 and r.out.startswith("post 1: draft"), r.err
    r = run_cli("posts", "approve", "1")           # the test user is an officer
    assert r.code == 1 and "Only a supervisor can approve" in r.err
    r = run_cli("posts", "list", "--json")
    data = json.loads(r.out)
    assert data["posts"][0]["status"] == "draft" and "Caergybi" in data["posts"][0]["text_cy"]
    r = run_cli("posts", "show", "1")
    assert "── Cymraeg ──" in r.out and "dydd Sadwrn 6 Mehefin" in r.out
    r = run_cli("posts", "preview", "every sunday 01:30", "--count", "60")
    assert r.code == 0 and "does not exist" in r.out and "happens twice" in r.out
    for bad in (("posts", "add", "--en", "x", "--at", "tomorrow"),
                ("posts", "add", "--template", "bike-marking", "--at", "2099-01-01 10:00"),
                ("posts", "approve", "99"), ("posts", "preview", "every blursday 10:00"),
                ("posts", "pause")):
        r = run_cli(*bad)
        assert r.code == 1 and "Traceback" not in r.err and len(r.err.splitlines()) == 1, bad


def test_a_supervisor_may_not_approve_their_own_post_unless_the_policy_allows(make_desks):
    """Another supervisor approves what a supervisor wrote (issue 27); the policy's
    self_approval lets a team with one supervisor do it themselves."""
    from socialdesk.core.schedule.workflow import PostError

    d = make_desks()
    own = d.supervisor.posts.add("lock your car", CY, EN, "2099-01-01 09:00")
    with pytest.raises(PostError, match="another supervisor must approve"):
        d.supervisor.posts.approve(own)
    assert d.supervisor.posts.get(own)["status"] == "draft"
    lenient = replace(d.supervisor.config, posts=replace(d.supervisor.config.posts,
                                                         self_approval=True))
    with pytest.raises(PostError):      # another config file cannot change the policy …
        Desk(lenient, d.supervisor.db_path, actor="rhian").posts.approve(own)
    d.supervisor.team.set_policy("self_approval", "true")    # … a supervisor can
    d.supervisor.posts.approve(own)
    assert d.supervisor.posts.get(own)["status"] == "approved"


# ── exactly once in the corners (issue 20) ────────────────────────────────────────────────────


def test_a_retry_long_after_an_applied_post_finds_it_from_the_first_attempt(make_desks):
    with time_machine.travel(at("2026-11-23 10:00"), tick=True) as clock:
        d = make_desks("applied_error@publish=1", "server_error@feed=1")
        post_id = d.approved_post("2026-11-23 10:30")
        clock.move_to(at("2026-11-23 10:30:02"))
        first = d.round()
        assert first.failed == [post_id] and len(d.published()) == 1  # applied, yet 500
        d.fake.plan.faults.clear()
        clock.move_to(at("2026-11-23 10:45"))  # 15 minutes later, still within grace
        second = d.round()
        assert second.published == [post_id]
        assert d.fake.stats()["requests_by_endpoint"]["publish"] == 1  # never posted twice
        assert d.supervisor.posts.get(post_id)["platform_id"] == d.fake.state.posts[-1].id


def test_a_retry_whose_feed_cannot_be_read_is_not_posted_blind(make_desks):
    with time_machine.travel(at("2026-11-23 10:00"), tick=True) as clock:
        d = make_desks("server_error@publish=1")
        post_id = d.approved_post("2026-11-23 10:30")
        clock.move_to(at("2026-11-23 10:30:02"))
        assert d.round().failed == [post_id]
        set_faults(d.fake, "server_error@feed=1")
        clock.move_to(at("2026-11-23 10:35"))
        held = d.round()
        assert held.published == [] and "feed could not be read" in " ".join(held.details)
        assert d.fake.stats()["requests_by_endpoint"]["publish"] == 1  # no blind POST
        assert d.supervisor.posts.get(post_id)["status"] == "failed"
        set_faults(d.fake)
        clock.move_to(at("2026-11-23 10:40"))
        assert d.round().published == [post_id] and len(d.published()) == 1
