"""A full disk (issue 20): one sentence that says nothing saved was lost, in the CLI, from the
background jobs and in the dashboard's status bar — on a real, really full file system (a
small tmpfs; root only, as in CI)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from socialdesk.core.desk import Desk
from socialdesk.core.desk.events import JobFailed, JobRecovered, Synced
from socialdesk.core.desk.jobs import BackgroundJobs
from tests.conftest import assert_one_sentence
from tests.ingest_helpers import page_config, start_fake


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 24 MB file system of its own (unmounted afterwards)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root (CI runs as root)")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Take all but ``leave`` bytes of the disk with one file; return it (delete = free)."""
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    filler = disk / "filler"
    with filler.open("wb") as handle:
        handle.write(b"\0" * max(0, free - leave))
    return filler


def write_import(path: Path, lines: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for n in range(lines):
            handle.write(json.dumps({
                "text": f"Message {n}: someone tried the car doors on Stryd y Bont again " * 4,
                "kind": "comment", "author": f"person {n}", "post": "Appeal",
                "created_at": "2026-12-06T10:00:00+00:00", "id": f"imp_{n}"}) + "\n")
    return path


def cli(disk: Path, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOCIALDESK_CONFIG": str(config), "SOCIALDESK_DB": str(disk / "d.db"),
           "SOCIALDESK_DATA_DIR": str(disk.parent / "data")}
    return subprocess.run([sys.executable, "-m", "socialdesk", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_cli_says_the_disk_is_full_and_loses_nothing(small_disk: Path, tmp_path: Path,
                                                         team_config_file: Path) -> None:
    assert cli(small_disk, team_config_file, "init").returncode == 0
    source = write_import(tmp_path / "big.jsonl", 6000)
    filler = fill(small_disk, leave=5_500_000)
    full = cli(small_disk, team_config_file, "import", str(source))
    assert full.returncode == 1
    assert_one_sentence(full.stderr)
    assert "is full" in full.stderr and "nothing saved before it was lost" in full.stderr
    filler.unlink()
    db = sqlite3.connect(small_disk / "d.db")
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    kept = db.execute("select count(*) from items").fetchone()[0]
    assert 0 < kept < 6000  # the batches before the full disk are there
    again = cli(small_disk, team_config_file, "import", str(source))
    assert again.returncode == 0, again.stderr
    assert db.execute("select count(*), count(distinct platform_id) from items").fetchone() \
        == (6000, 6000)


def test_the_background_jobs_report_a_full_disk_and_carry_on(small_disk: Path,
                                                             config) -> None:
    fake = start_fake(seed=17, posts=4, comments=2500, conversations=20)
    desk = Desk(replace(config, page=page_config(config, fake)), small_disk / "jobs.db",
                actor="tester")
    events: list[object] = []
    jobs = BackgroundJobs(desk, listener=events.append)
    try:
        os.environ["SOCIALDESK_PAGE_TOKEN"] = fake.token
        filler = fill(small_disk, leave=400_000)
        assert jobs.run_sync() is None
        failed = [e for e in events if isinstance(e, JobFailed)]
        assert len(failed) == 1 and failed[0].job == "sync"
        assert "is full" in failed[0].reason and "\n" not in failed[0].reason
        assert jobs.stopped_reason is None  # a full disk does not stop the jobs
        filler.unlink()
        report = jobs.run_sync()
        assert report is not None and report.ok, report and report.error
        assert JobRecovered("sync") in events
        assert any(isinstance(e, Synced) for e in events)
    finally:
        os.environ.pop("SOCIALDESK_PAGE_TOKEN", None)
        jobs.shutdown()
        fake.stop()


async def test_the_status_bar_shows_a_failing_job_until_it_works_again(dashboard) -> None:
    from socialdesk.ui.messages import JobReported
    from socialdesk.ui.widgets.status import StatusBar

    app, pilot = dashboard
    reason = ("The disk holding the database d.db is full: the change being made was not "
              "saved and nothing saved before it was lost; free some space, then try again.")
    app.post_message(JobReported(JobFailed(reason, "sync")))
    await pilot.pause()
    assert "⚠ The disk holding the database d.db is full" in \
        str(app.screen.query_one(StatusBar).render())
    app.post_message(JobReported(JobRecovered("sending")))  # another job: the warning stays
    await pilot.pause()
    assert "⚠" in str(app.screen.query_one(StatusBar).render())
    app.post_message(JobReported(JobRecovered("sync")))
    await pilot.pause()
    assert "⚠" not in str(app.screen.query_one(StatusBar).render())
