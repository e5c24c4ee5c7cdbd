"""Referrals to partner agencies from the command line (``socialdesk refer``) and the
dashboard's F key, on real database files."""

from __future__ import annotations

import stat
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, TextArea

from socialdesk.core.desk import Desk
from socialdesk.core.models import utc_now
from socialdesk.ui.dialogs.ask import AskDialog
from socialdesk.ui.dialogs.choice import ChoiceDialog
from socialdesk.ui.dialogs.referral import ReferralDialog
from socialdesk.ui.screens.inbox import InboxScreen
from socialdesk.ui.widgets.detail import DetailPane, describe_item
from socialdesk.ui.widgets.inbox_table import InboxTable
from tests.conftest import assert_one_sentence, in_process_cli
from tests.ui_helpers import make_app, settle


@pytest.fixture
def cli(tmp_path: Path, team_config_file: Path, capsys, monkeypatch):
    """Run `socialdesk ARGS` in this process as the OS account (an officer); (code, out, err)."""
    return in_process_cli(tmp_path, team_config_file, capsys, monkeypatch, [
        ("They're dealing from the house by Holyhead station, every night", "Dave Jones"),
        ("kids throwing stones at the trains at Valley", "Elin Wyn")])


def test_refer_writes_an_eml_for_the_agency_and_tracks_it(cli, tmp_path: Path) -> None:
    out_file = tmp_path / "btp.eml"
    code, out, err = cli("refer", "1", "--to", "btp", "--grading", "2/B/P", "--out",
                         str(out_file))
    assert code == 0, err
    assert out.strip() == (f"wrote referral R1 of item 1 to British Transport Police "
                           f"(intelligence.btp@example.invalid) to {out_file}; nothing was "
                           "sent: send it, then record it with 'socialdesk refer sent R1'")
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    message = BytesParser(policy=policy.default).parse(out_file.open("rb"))
    assert message["To"] == "intelligence.btp@example.invalid"
    body = message.get_content()
    assert "WHAT / BETH\nThey're dealing from the house by Holyhead station" in body
    assert "Dave Jones" not in body   # the author only with --with-author
    code, out, _err = cli("refer", "list", "--open")
    assert code == 0 and out.startswith("drafted      item 1      R1 → British Transport Police")
    assert cli("refer", "sent", "R1")[0] == 0
    code, out, _err = cli("refer", "ack", "r1", "--their-ref", "BTP/7")
    assert code == 0 and "acknowledged, recorded by" in out and "(their ref BTP/7)" in out
    assert cli("refer", "list", "--open")[1].strip() == \
        "no referrals waiting for acknowledgement"
    code, out, _err = cli("report")
    assert code == 0
    assert "Referrals to partner agencies (1; 0 not acknowledged yet)" in out
    assert [line.split() for line in out.splitlines()
            if line.startswith("British Transport Police")] == [
        ["British", "Transport", "Police", "0", "0", "1", "1"]]


def test_refer_with_the_author_and_edited_parts_as_text(cli, tmp_path: Path) -> None:
    code, out, err = cli("refer", "2", "--to", "children-safeguarding", "--with-author",
                         "--where", "Valley level crossing", "--print", "--out",
                         str(tmp_path / "r.txt"))
    assert code == 0, err
    text = (tmp_path / "r.txt").read_text(encoding="utf-8")
    assert text in out
    assert text.index("WHO / PWY\nReported by: Elin Wyn") < text.index("WHAT / BETH") < \
        text.index("WHERE / BLE\nValley level crossing")
    assert "GRADING" not in text


def test_refer_agencies_names_each_partner(cli) -> None:
    code, out, _err = cli("refer", "agencies")
    assert code == 0
    assert "coastguard             HM Coastguard, Holyhead / Gwylwyr y Glannau EF, Caergybi" \
        in out
    assert "graded 3x5x2" in out and "not graded" in out


@pytest.mark.parametrize(("args", "says"), [
    (("refer", "1", "--to", "interpol"), "'interpol' is not a partner agency here"),
    (("refer", "99", "--to", "coastguard"), "There is no item '99'."),
    (("refer", "1"), "Say which agency to refer to with --to"),
    (("refer", "1", "--to", "btp"), "grade intelligence 3x5x2; give the grading"),
    (("refer", "1", "--to", "btp", "--grading", "9/Z/P"), "is not a 3x5x2 grading"),
    (("refer", "1", "--to", "coastguard", "--grading", "2/B/P"),
     "does not grade intelligence"),
    (("refer", "1", "--to", "coastguard", "--out", "r.pdf"), "'r.pdf' is neither"),
    (("refer", "1", "--to", "coastguard", "--what", " "), "the \"what\" is empty"),
    (("refer", "ack", "R5"), "There is no referral R5."),
    (("refer", "sent"), "Say which referral"),
    (("refer", "ack", "five"), "'five' is not a referral number like R12."),
])
def test_refer_mistakes_are_one_sentence(cli, args: tuple[str, ...], says: str) -> None:
    code, out, err = cli(*args)
    assert code == 1 and out == ""
    assert_one_sentence(err)
    assert says in err


# ── the dashboard ─────────────────────────────────────────────────────────────────────────

async def _open_referral(pilot, app, item_id: int, agency_down: int = 0) -> ReferralDialog:
    table = app.screen.query_one(InboxTable)
    table.set_cursor(table.ids.index(item_id))
    await settle(pilot, app)
    await pilot.press("F")
    await settle(pilot, app)
    assert isinstance(app.screen, ChoiceDialog)
    assert app.screen.title_text == f"Refer #{item_id} to which partner agency?"
    await pilot.press(*["down"] * agency_down, "enter")
    await settle(pilot, app)
    assert isinstance(app.screen, ReferralDialog)
    return app.screen


async def test_the_f_key_writes_a_referral_after_the_officer_grades_it(
        team_desk: Desk, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOCIALDESK_DATA_DIR", str(tmp_path / "data"))
    drugs = team_desk.seeded[1]
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        dialog = await _open_referral(pilot, app, drugs)
        assert dialog.query_one("#part-what", TextArea).text.startswith("Mae 'na rywun")
        assert dialog.query_one("#part-where", Input).value == "Porthaethwy / Menai Bridge"
        assert dialog.query_one("#part-who", Input).value == ""
        await pilot.press("ctrl+s")   # no grade yet: refused, the dialog stays
        await settle(pilot, app)
        assert app.screen is dialog
        assert any("grade intelligence 3x5x2" in n.message for n in app._notifications)
        await pilot.press(*"2bp")     # the grade is where the dialog starts
        await settle(pilot, app)
        assert "2/B/P: source 2: untested" in str(dialog.query_one("#grade-meaning").render())
        dialog.query_one("#with-author", Checkbox).value = True
        await settle(pilot, app)
        assert dialog.query_one("#part-who", Input).value == "Reported by: Elin Wyn"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)
        (written,) = (tmp_path / "data" / "exports").glob("referral-*.eml")
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
        said = [n.message for n in app._notifications]
        assert (f"Referral R1 of #{drugs} to British Transport Police written to {written} — "
                "nothing was sent: send it to intelligence.btp@example.invalid, then F → "
                "sent.") in said
        message = BytesParser(policy=policy.default).parse(written.open("rb"))
        assert "WHO / PWY\nReported by: Elin Wyn" in message.get_content()
        detail = app.screen.query_one(DetailPane)
        assert detail.item["id"] == drugs
        shown = describe_item(detail.item, team_desk.config.team.zone).plain
        assert "Referrals to partners\nR1 → British Transport Police: drafted by ann" in shown
        assert "not sent yet" in shown
        assert "referred to a partner: R1 to btp (.eml, graded 2/B/P)" in shown


async def test_f_on_a_referred_item_records_sent_then_acknowledged(
        team_desk: Desk, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOCIALDESK_DATA_DIR", str(tmp_path / "data"))
    neighbour = team_desk.seeded[2]
    team_desk.referrals.create(neighbour, "adults-safeguarding",
                               team_desk.referrals.draft(neighbour), tmp_path / "r.txt")
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one(InboxTable)
        table.set_cursor(table.ids.index(neighbour))
        await settle(pilot, app)
        await pilot.press("F")
        await settle(pilot, app)
        assert isinstance(app.screen, ChoiceDialog)
        labels = [str(label) for _value, label in app.screen.choices]
        assert labels == ["New referral to a partner agency",
                          "R1 to Anglesey Adult Services, safeguarding: I have sent it",
                          "R1 to Anglesey Adult Services, safeguarding: they acknowledged it"]
        await pilot.press("down", "enter")
        await settle(pilot, app)
        assert "Referral R1 to Anglesey Adult Services, safeguarding recorded as sent." in [
            n.message for n in app._notifications]
        await pilot.press("F")
        await settle(pilot, app)
        assert len(app.screen.choices) == 2   # sent: only "acknowledged" is left
        await pilot.press("down", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, AskDialog)
        await pilot.press(*"ASB-77", "enter")
        await settle(pilot, app)
        shown = describe_item(app.screen.query_one(DetailPane).item,
                              team_desk.config.team.zone).plain
        assert "acknowledged, recorded by ann" in shown and "(their ref ASB-77)" in shown
        await pilot.press("F")   # nothing awaiting: straight to the agencies
        await settle(pilot, app)
        assert app.screen.title_text == f"Refer #{neighbour} to which partner agency?"


async def test_escape_writes_nothing_and_read_only_accounts_are_told(
        team_desk: Desk, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOCIALDESK_DATA_DIR", str(tmp_path / "data"))
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await _open_referral(pilot, app, team_desk.seeded[3], agency_down=6)   # Coastguard
        assert app.screen.query_one("#referral-title").render().plain == (
            f"Refer #{team_desk.seeded[3]} to HM Coastguard, Holyhead / Gwylwyr y Glannau "
            "EF, Caergybi")
        assert not app.screen.query("#part-grading")   # the Coastguard does not grade
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)
    assert team_desk.referrals.listed() == []
    assert not (tmp_path / "data" / "exports").exists()
    visitor = Desk(team_desk.config, team_desk.db_path, actor="visitor")
    app = make_app(visitor, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("F")
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)
        assert any("visitor has read-only access (not a member of this desk), so they cannot "
                   "refer an item to a partner agency." in n.message
                   for n in app._notifications)
    visitor.close()


async def test_the_supervisor_screen_counts_the_periods_referrals(
        team_desk: Desk, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOCIALDESK_DATA_DIR", str(tmp_path / "data"))
    item = team_desk.seeded[1]
    draft = team_desk.referrals.draft(item)
    for n, key in enumerate(("coastguard", "anglesey-asb", "coastguard")):
        team_desk.referrals.create(item, key, draft, tmp_path / f"{n}.txt")
    team_desk.referrals.acknowledge(1)
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("s")
        await settle(pilot, app)
        headline = str(app.screen.query_one("#headline").render())
        assert ("Referrals: HM Coastguard, Holyhead 2 (1 awaiting ack)  ·  Isle of Anglesey "
                "County Council, ASB team 1 (1 awaiting ack)") in headline
