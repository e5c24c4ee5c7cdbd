"""The scrutiny pack from the command line, the desk and the supervisor screen's S key, on real
database files (the figures of one known quarter: tests/scrutiny_helpers.py)."""

from __future__ import annotations

import hashlib
import json
import re
import stat
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from socialdesk.cli import main
from socialdesk.config import AccessConfig, load_config
from socialdesk.core.audit.scrutiny.quarters import parse_quarter
from socialdesk.core.desk import Desk
from socialdesk.core.store.audit_log import chain_head
from socialdesk.ui.dialogs.choice import ChoiceDialog
from socialdesk.ui.screens.supervisor import SupervisorScreen
from tests.conftest import assert_one_sentence, os_account
from tests.scrutiny_helpers import (
    NOW,
    OFFICER,
    URGENT_AUTHOR,
    insert_quarter,
    supervisor_config_file,
)
from tests.ui_helpers import make_app, settle


@pytest.fixture
def quarter_db(tmp_path: Path, monkeypatch) -> tuple[Path, Path, dict[str, int]]:
    """(config file, database, item ids): the account running the tests is the supervisor of
    a desk holding the known quarter; the clock stands at :data:`NOW`."""
    monkeypatch.setenv("SOCIALDESK_DATA_DIR", str(tmp_path / "data"))
    config_file = supervisor_config_file(tmp_path)
    db = tmp_path / "q.db"
    with time_machine.travel(NOW, tick=False):
        desk = Desk(load_config(config_file), db, actor=os_account())
        ids = insert_quarter(desk)
        desk.close()
    return config_file, db, ids


@pytest.fixture
def cli(quarter_db, capsys):
    """Run `socialdesk ARGS` in this process at :data:`NOW`; (code, out, err)."""
    config_file, db, _ = quarter_db

    def run(*args: str) -> tuple[int, str, str]:
        with time_machine.travel(NOW, tick=False):
            code = main(["--config", str(config_file), "--db", str(db), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def exports(db: Path) -> list[dict]:
    desk = Desk(load_config(None), db, actor=os_account(), create=False)
    try:
        return [json.loads(p) for (p,) in desk.store.conn.execute(
            "select payload from audit_log where action = 'scrutiny_export' order by id")]
    finally:
        desk.close()


def test_the_pack_is_written_private_without_personal_data(cli, quarter_db,
                                                            tmp_path: Path) -> None:
    _, db, ids = quarter_db
    out_file = tmp_path / "board" / "pack.html"
    out_file.parent.mkdir()
    code, out, err = cli("scrutiny", "--quarter", "2026Q4", "--out", str(out_file))
    assert code == 0, err
    assert out.strip() == ("wrote the 2026Q4 scrutiny pack (no personal data; audit chain "
                           f"intact) to {out_file}; the export is recorded in the audit log")
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    page = out_file.read_text(encoding="utf-8")
    # no names of the public or of officers, no words
    for personal in (URGENT_AUTHOR, "Gareth", "evil.example", "secret-words", "Writer-",
                     OFFICER, os_account()):
        assert personal not in page, personal
    assert '<p class="marking">OFFICIAL</p>' in page
    assert "Pecyn craffu" in page and "Cywirdeb y model" in page
    # the quarter is local: the item at 00:30 on 1 October (London) is in, 23:30 the day
    # before is not; 9 contacts
    assert re.search(r"Contacts from the public.*?<td class=\"n\">9</td>", page, re.S)
    assert f'data-item="{ids["urgent_open"]}"' in page
    logged = exports(db)
    assert len(logged) == 1
    assert logged[0]["quarter"] == "2026Q4" and logged[0]["names"] is False
    assert logged[0]["sha256"] == hashlib.sha256(out_file.read_bytes()).hexdigest()
    assert logged[0]["chain_ok"] is True and logged[0]["items"] == 9


def test_with_names_shows_the_urgent_items_words_escaped(cli, quarter_db,
                                                         tmp_path: Path) -> None:
    _, db, _ = quarter_db
    code, out, err = cli("scrutiny", "--quarter", "2026q4", "--with-names")
    assert code == 0, err
    written = Path(out.split(" to ", 1)[1].split("; the export")[0])
    assert written.parent == tmp_path / "data" / "exports"
    assert written.name.startswith("scrutiny-2026Q4-") and written.name.endswith("-named.html")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    page = written.read_text(encoding="utf-8")
    assert "OFFICIAL-SENSITIVE" in page and URGENT_AUTHOR in page and OFFICER in page
    assert "Gareth &lt;b&gt;saw&lt;/b&gt; them &amp; ran &lt;img" in page
    assert "<b>saw</b>" not in page and "<img" not in page
    assert exports(db)[-1]["names"] is True


def test_the_quarters_referrals_by_agency_and_state(cli, quarter_db, tmp_path: Path) -> None:
    ids = quarter_db[2]
    for args in (("--to", "btp", "--grading", "2/B/P"), ("--to", "coastguard"),
                 ("--to", "btp", "--grading", "1/A/P")):
        code, _out, err = cli("refer", str(ids["urgent_open"]), *args)
        assert code == 0, err
    assert cli("refer", "sent", "R2")[0] == 0
    assert cli("refer", "ack", "R3")[0] == 0
    out_file = tmp_path / "pack.html"
    assert cli("scrutiny", "--quarter", "2026Q4", "--out", str(out_file))[0] == 0
    page = out_file.read_text(encoding="utf-8")
    section = page.split('<section class="part" id="referrals">', 1)[1].split("</section>")[0]
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
             for row in re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>")[1])]
    assert [[re.sub(r"<[^>]+>", "", cell) for cell in row] for row in cells] == [
        ["British Transport Police / Heddlu Trafnidiaeth Prydeinig", "1", "0", "1", "2"],
        ["HM Coastguard, Holyhead / Gwylwyr y Glannau EF, Caergybi", "0", "1", "0", "1"],
        ["All agencies / Pob asiantaeth", "1", "1", "1", "3"]]
    # the last quarter had none, and says so
    cli("scrutiny", "--quarter", "2026Q3", "--out", str(tmp_path / "q3.html"))
    assert "No referrals were written in the quarter." in \
        (tmp_path / "q3.html").read_text(encoding="utf-8")


def test_the_pack_states_the_chain_it_checked(cli, quarter_db, tmp_path: Path) -> None:
    _, db, _ = quarter_db
    out_file = tmp_path / "pack.html"
    assert cli("scrutiny", "--quarter", "2026Q4", "--out", str(out_file))[0] == 0
    page = out_file.read_text(encoding="utf-8")
    desk = Desk(load_config(None), db, actor=os_account(), create=False)
    # the export's own row follows the head the pack states
    row_id, head = desk.store.conn.execute(
        "select id, prev_hash from audit_log where action = 'scrutiny_export'").fetchone()
    assert chain_head(desk.store)[0] >= row_id
    desk.close()
    assert f'<code id="chain-head">{head}</code>' in page
    assert re.search(rf"Rows checked.*?<td class=\"n\">{row_id - 1:,}</td>", page, re.S)
    assert (db.parent / (db.name + ".anchors")).read_text().strip().endswith(f"head={head}")


def test_a_broken_chain_is_said_in_the_pack(cli, quarter_db, tmp_path: Path) -> None:
    _, db, _ = quarter_db
    desk = Desk(load_config(None), db, actor=os_account(), create=False)
    with desk.store.write():
        desk.store.conn.execute("update audit_log set actor = 'mallory' where id = 1")
    desk.close()
    out_file = tmp_path / "pack.html"
    code, out, err = cli("scrutiny", "--quarter", "2026Q4", "--out", str(out_file))
    assert code == 0, err
    assert "audit chain BROKEN at row 1" in out
    page = out_file.read_text(encoding="utf-8")
    assert 'class="verdict bad" id="chain-verdict"' in page
    assert "BROKEN at row 1: it was changed after it was written." in page
    assert "WEDI&#x27;I THORRI yn rhes 1" in page


@pytest.mark.parametrize(("args", "says"), [
    (("--quarter", "2026Q5"), "--quarter takes a year and a quarter like 2026Q4, got '2026Q5'."),
    (("--quarter", "Q4 2026"), "--quarter takes a year and a quarter like 2026Q4"),
    (("--quarter", ""), "--quarter takes a year and a quarter like 2026Q4, got ''."),
    (("--quarter", "2027Q1"), "2027Q1 has not begun yet; the latest quarter is 2026Q4."),
    (("--quarter", "2026Q4", "--out", "/nonexistent-dir/pack.html"),
     "Cannot write /nonexistent-dir/pack.html"),
])
def test_mistakes_are_one_sentence(cli, quarter_db, args: tuple[str, ...], says: str) -> None:
    code, out, err = cli("scrutiny", *args)
    assert code == 1 and out == ""
    assert_one_sentence(err)
    assert says in err
    assert exports(quarter_db[1]) == []


def test_officers_are_refused(tmp_path: Path, team_config_file: Path, capsys,
                              monkeypatch) -> None:
    monkeypatch.setenv("SOCIALDESK_DATA_DIR", str(tmp_path / "data"))
    db = tmp_path / "officer.db"
    assert main(["--config", str(team_config_file), "--db", str(db), "init"]) == 0
    capsys.readouterr()
    for extra in ((), ("--with-names",)):
        code = main(["--config", str(team_config_file), "--db", str(db), "scrutiny",
                     "--quarter", "2026Q3", *extra])
        out, err = capsys.readouterr()
        assert code == 1 and out == ""
        assert_one_sentence(err)
        what = "export the scrutiny pack" + (" with names" if extra else "")
        assert f"Only a supervisor can {what}; {os_account()} is an officer." in err
    assert not (tmp_path / "data" / "exports").exists()


def test_the_figures_of_the_known_quarter(quarter_db) -> None:
    config_file, db, ids = quarter_db
    desk = Desk(load_config(config_file), db, actor=os_account(), create=False)
    quarter = desk.scrutiny.quarter("2026Q4", now=NOW)
    pack = desk.scrutiny.figures(quarter, now=NOW)
    desk.close()
    report = pack.report
    assert report.overall.count == 9
    count = {dim: {g.key: g.count for g in report.groups[dim]}
             for dim in ("category", "language", "kind")}
    assert count["category"] == {"report": 2, "concern": 4, "chat": 3}
    assert count["language"] == {"en": 5, "cy": 3, "mixed": 1}
    assert count["kind"] == {"comment": 2, "message": 7}
    assert [(m.month, m.report.overall.count) for m in pack.months] == [(10, 5), (11, 2),
                                                                        (12, 2)]
    accuracy = pack.accuracy
    assert (accuracy.classified, accuracy.reviewed, accuracy.agreed, accuracy.corrected,
            accuracy.officer_first) == (9, 6, 4, 2, 1)
    assert accuracy.confusion == {"report": {"report": 2, "concern": 1, "chat": 0},
                                  "concern": {"report": 0, "concern": 0, "chat": 0},
                                  "chat": {"report": 0, "concern": 1, "chat": 2}}
    assert accuracy.monthly == ((2026, 10, 3, 2), (2026, 11, 2, 1), (2026, 12, 1, 1))
    assert (accuracy.urgent_agreed, accuracy.urgent_raised, accuracy.urgent_lowered) == \
        (1, 1, 0)
    assert accuracy.corrections == ()        # listed with names only
    urgent = pack.urgent
    assert urgent.count == 3 and dict(urgent.buckets)["≤ 15 min"] == 1
    assert sum(n for _, n in urgent.buckets) == 1
    assert (urgent.open_unanswered, urgent.not_answered_closed) == (2, 0)
    assert urgent.first_action_median == pytest.approx(12.5)   # 5 and 20 minutes
    assert [i.item_id for i in urgent.slowest] == [ids["urgent_open"],
                                                   ids["report_to_concern"],
                                                   ids["urgent_fast"]]
    assert all(not i.author and not i.words for i in urgent.slowest)
    retention = pack.retention
    assert (retention.days, retention.purged_in_quarter, retention.purged_all) == (365, 1, 1)
    assert retention.last_purge_cutoff == "2025-12-05T03:00:00+00:00"
    assert retention.oldest_kept == "2026-09-30T22:30:00+00:00"
    assert pack.to_date and pack.quarter.label == "2026Q4"


def test_quarters_are_local_calendar_quarters() -> None:
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    q = parse_quarter(" 2026-q4 ", london, NOW)
    assert (q.label, q.start.isoformat(), q.end.isoformat()) == (
        "2026Q4", "2026-10-01T00:00:00+01:00", "2027-01-01T00:00:00+00:00")
    q1 = parse_quarter("2026Q1", london, NOW)
    assert [start.month for start, _ in q1.months()] == [1, 2, 3]


# ── the supervisor screen's S key ────────────────────────────────────────────────────────

@pytest.fixture
def sian(tmp_path: Path, config, monkeypatch) -> Desk:
    monkeypatch.setenv("SOCIALDESK_DATA_DIR", str(tmp_path / "data"))
    team = replace(config, access=AccessConfig(members={"sian": "supervisor", "ann": "officer",
                                                        OFFICER: "officer"}))
    desk = Desk(team, tmp_path / "s.db", actor="sian")
    insert_quarter(desk)
    yield desk
    desk.close()


async def test_the_s_key_writes_the_pack(sian: Desk, tmp_path: Path) -> None:
    app = make_app(sian, clock=lambda: NOW)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("s")
        await settle(pilot, app)
        assert isinstance(app.screen, SupervisorScreen)
        await pilot.press("S")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        assert dialog.title_text == "Scrutiny pack for the accountability board: which quarter?"
        assert [value for value, _ in dialog.choices] == ["2026Q4", "2026Q3", "2026Q2",
                                                          "2026Q1"]
        await pilot.press("enter")                    # 2026Q4 (to date)
        await settle(pilot, app)
        assert isinstance(app.screen, ChoiceDialog)
        assert app.screen.title_text == "Scrutiny pack 2026Q4: with names?"
        await pilot.press("enter")                    # no personal data
        await settle(pilot, app)
        assert isinstance(app.screen, SupervisorScreen)
        said = [n.message for n in app._notifications]
        done = [s for s in said if s.startswith("Scrutiny pack 2026Q4 (no personal data) "
                                                "written to ")]
        assert done, said
        written = Path(done[0].rsplit(" written to ", 1)[1])
        assert written.parent == tmp_path / "data" / "exports"
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
        page = written.read_text(encoding="utf-8")
        assert "2026Q4" in page and URGENT_AUTHOR not in page
    rows = sian.store.conn.execute("select actor, payload from audit_log where action = "
                                   "'scrutiny_export'").fetchall()
    assert [(actor, json.loads(p)["names"]) for actor, p in rows] == [("sian", False)]


async def test_the_s_key_refuses_an_officer(sian: Desk) -> None:
    ann = Desk(sian.config, sian.db_path, actor="ann")
    app = make_app(ann, clock=lambda: datetime(2026, 12, 7, tzinfo=UTC))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("s")
        await settle(pilot, app)
        await pilot.press("S")
        await settle(pilot, app)
        assert isinstance(app.screen, SupervisorScreen)     # no dialog for an officer
        said = [n.message for n in app._notifications]
        assert "Only a supervisor can export the scrutiny pack; ann is an officer." in said
    ann.close()


def test_a_quarter_without_items_still_makes_a_pack(cli, tmp_path: Path) -> None:
    out_file = tmp_path / "q1.html"
    code, _out, err = cli("scrutiny", "--quarter", "2026Q1", "--out", str(out_file))
    assert code == 0, err
    page = out_file.read_text(encoding="utf-8")
    assert "(to date" not in page and "1 January 2026 – 31 March 2026" in page
    assert "No urgent items this quarter." in page
    assert "Not enough answered Welsh and English contacts to compare." in page
    assert re.search(r"Contacts from the public.*?<td class=\"n\">0</td>", page, re.S)


def test_without_a_quarter_it_is_this_quarter_to_date(cli, tmp_path: Path) -> None:
    out_file = tmp_path / "now.html"
    code, out, err = cli("scrutiny", "--out", str(out_file))
    assert code == 0, err
    assert out.startswith("wrote the 2026Q4 scrutiny pack")
    assert "1 October 2026 – 7 December 2026 (to date" in out_file.read_text(encoding="utf-8")
