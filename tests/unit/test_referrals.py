"""Referrals to partner agencies (issue 25): the agencies in the config, the grading, the text in
each agency's order, the .eml and .txt files, the tracking and the audit rows — on real
database files."""

from __future__ import annotations

import hashlib
import json
import stat
from dataclasses import replace
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from socialdesk.config import REFERRAL_FIELDS, Agency, load_config, parse_config
from socialdesk.core.desk import Desk
from socialdesk.core.desk.access import AccessDenied
from socialdesk.core.desk.referrals import (
    HEADINGS,
    ReferralDraft,
    ReferralError,
    parse_grading,
    parse_reference,
)
from socialdesk.errors import ConfigError, UserError
from tests.conftest import BUNDLED_CONFIG
from tests.ui_helpers import members_config, seed_items

DRUGS = 1   # the Welsh message about dealing outside the Spar in Menai Bridge (seed order)


@pytest.fixture
def ref_desk(tmp_path: Path, config, monkeypatch) -> Desk:
    """Officer ann's desk with the seeded items; exports go to the temp data dir."""
    monkeypatch.setenv("SOCIALDESK_DATA_DIR", str(tmp_path / "data"))
    desk = Desk(members_config(config), tmp_path / "desk.db", actor="ann")
    desk.seeded = seed_items(desk, tmp_path / "seed.jsonl")  # type: ignore[attr-defined]
    yield desk
    desk.close()


def _item(desk: Desk, n: int) -> int:
    return desk.seeded[n]  # type: ignore[attr-defined]


# ── the agencies in the config ────────────────────────────────────────────────────────────

def test_the_bundled_config_lists_the_partners_with_placeholder_addresses() -> None:
    referral = load_config(BUNDLED_CONFIG).referral
    keys = [a.key for a in referral.agencies]
    assert keys == ["btp", "dyfed-powys", "cheshire", "anglesey-asb", "adults-safeguarding",
                    "children-safeguarding", "coastguard"]
    # nothing real can be e-mailed by mistake: .invalid is reserved (RFC 2606)
    assert referral.sender.endswith(".invalid")
    assert all(a.email.endswith("@example.invalid") for a in referral.agencies)
    assert all(a.name_en and a.name_cy and a.name_en != a.name_cy for a in referral.agencies)
    assert referral.find("BTP").key == "btp"
    assert referral.find("Heddlu Dyfed-Powys").key == "dyfed-powys"
    assert referral.find("nobody") is None
    btp = referral.find("btp")
    assert btp.grading == "3x5x2" and btp.fields == REFERRAL_FIELDS
    assert referral.find("coastguard").fields[0] == "where"


AGENCY = {"key": "btp", "name_en": "BTP", "name_cy": "HTP", "email": "a@example.invalid"}


@pytest.mark.parametrize(("entry", "says"), [
    ({**AGENCY, "email": "not an address"}, "email must be one address"),
    ({k: v for k, v in AGENCY.items() if k != "email"}, "needs email"),
    ({**AGENCY, "name_cy": ""}, "needs name_cy"),
    ({**AGENCY, "key": "B T P"}, "key must be lower-case"),
    ({**AGENCY, "fax": "0"}, "unknown key 'fax'"),
    ({**AGENCY, "fields": ["what", "why"]}, "fields must list"),
    ({**AGENCY, "fields": ["where", "who"]}, "fields must list"),
    ({**AGENCY, "fields": ["what", "what"]}, "fields must list"),
    ({**AGENCY, "grading": "4x4"}, "grading must be one of"),
])
def test_a_bad_agency_is_one_sentence_naming_it(entry: dict, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"referral": {"agencies": [entry]}}, Path("x.toml"))
    message = str(caught.value)
    assert says in message and message.startswith("x.toml: [[referral.agencies]]")
    assert message.endswith(".") and "\n" not in message


def test_an_agency_named_twice_and_a_bad_sender_are_refused() -> None:
    with pytest.raises(ConfigError, match="names the agency 'btp' twice"):
        parse_config({"referral": {"agencies": [AGENCY, AGENCY]}}, Path("x.toml"))
    with pytest.raises(ConfigError, match=r"\[referral\] sender must be one e-mail address"):
        parse_config({"referral": {"sender": "the team"}}, Path("x.toml"))


def test_a_graded_agency_always_carries_its_grade() -> None:
    config = parse_config({"referral": {"agencies": [
        {**AGENCY, "fields": ["where", "what"], "grading": "3x5x2"}]}}, Path("x.toml"))
    assert config.referral.agencies[0].fields == ("where", "what", "grading")


# ── grading ───────────────────────────────────────────────────────────────────────────────

BTP = Agency("btp", "British Transport Police", "Heddlu Trafnidiaeth Prydeinig",
             "a@example.invalid", grading="3x5x2")


@pytest.mark.parametrize(("typed", "code"), [("2/B/P", "2/B/P"), ("2bp", "2/B/P"),
                                             (" 1 a c ", "1/A/C"), ("3-E-P", "3/E/P")])
def test_3x5x2_grades_are_read_however_they_are_typed(typed: str, code: str) -> None:
    grade = parse_grading(BTP, typed)
    assert grade is not None and grade.code == code


def test_a_grade_says_what_it_means() -> None:
    grade = parse_grading(BTP, "2/B/C")
    assert grade.meaning == ("source 2: untested; intelligence B: known indirectly to the "
                             "source, corroborated; handling C: lawful sharing permitted "
                             "subject to conditions")


@pytest.mark.parametrize("typed", ["4/B/P", "2/F/P", "2/B/X", "2B", "B/2/P", "2/B/P/P"])
def test_impossible_3x5x2_grades_are_refused_saying_the_scheme(typed: str) -> None:
    with pytest.raises(ReferralError, match="is not a 3x5x2 grading; give one like 2/B/P"):
        parse_grading(BTP, typed)


def test_graded_intelligence_needs_its_grade_and_others_take_none() -> None:
    with pytest.raises(ReferralError, match="grade intelligence 3x5x2; give the grading"):
        parse_grading(BTP, "  ")
    old = replace(BTP, grading="5x5x5")
    assert parse_grading(old, "b21").code == "B/2/1"
    with pytest.raises(ReferralError, match="not a 5x5x5 grading"):
        parse_grading(old, "2/B/P")
    council = replace(BTP, grading="none")
    assert parse_grading(council, "") is None
    with pytest.raises(ReferralError, match="does not grade intelligence"):
        parse_grading(council, "2/B/P")


def test_referral_numbers_are_read_with_or_without_the_r() -> None:
    assert parse_reference("R12") == parse_reference("r12") == parse_reference(" 12 ") == 12
    with pytest.raises(ReferralError, match="is not a referral number like R12"):
        parse_reference("twelve")


# ── writing a referral ────────────────────────────────────────────────────────────────────

def test_the_draft_comes_from_the_item_without_its_author(ref_desk: Desk) -> None:
    draft = ref_desk.referrals.draft(_item(ref_desk, DRUGS))
    assert draft.what.startswith("Mae 'na rywun yn gwerthu cyffuriau")
    assert draft.where == "Porthaethwy / Menai Bridge"   # the gazetteer's names, both
    assert draft.when.startswith("Written Mon 23 Nov 2026 13:35 (Europe/London time)")
    assert draft.who == "" and "Elin Wyn" not in json.dumps(draft.__dict__)
    assert draft.source.startswith("Member of the public, a private message to the")
    named = ref_desk.referrals.draft(_item(ref_desk, DRUGS), include_author=True)
    assert named.who == "Reported by: Elin Wyn" and "by Elin Wyn" in named.source


def _headings(text: str) -> list[str]:
    by_heading = {heading: name for name, heading in HEADINGS.items()}
    return [by_heading[line] for line in text.splitlines() if line in by_heading]


def test_each_agency_gets_its_parts_in_its_own_order(ref_desk: Desk, tmp_path: Path) -> None:
    item = _item(ref_desk, DRUGS)
    draft = replace(ref_desk.referrals.draft(item), grading="2/B/P")
    for key in ("btp", "adults-safeguarding", "coastguard"):
        agency = ref_desk.referrals.agency(key)
        made = ref_desk.referrals.create(item, key, draft if agency.grading != "none"
                                         else replace(draft, grading=""),
                                         tmp_path / f"{key}.txt")
        assert _headings(made.text) == list(agency.fields)
        assert made.path.read_text(encoding="utf-8") == made.text
    btp = (tmp_path / "btp.txt").read_text(encoding="utf-8")
    assert ("GRADING / GRADDIO\n2/B/P (3x5x2): source 2: untested; intelligence B: known "
            "indirectly to the source, corroborated; handling P: lawful sharing permitted") in btp
    assert "WHO / PWY\n(not given / heb ei roi)" in btp
    assert "To / At: British Transport Police / Heddlu Trafnidiaeth Prydeinig" in btp
    assert "Elin Wyn" not in btp


def test_the_eml_parses_back_addressed_to_the_agency_and_private(ref_desk: Desk) -> None:
    item = _item(ref_desk, DRUGS)
    draft = replace(ref_desk.referrals.draft(item), grading="2bp", who="a man in a red coat")
    made = ref_desk.referrals.create(item, "btp", draft)
    assert made.path.parent == Path(ref_desk.db_path).parent / "data" / "exports"
    assert made.path.suffix == ".eml"
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    message = BytesParser(policy=policy.default).parse(made.path.open("rb"))
    assert message["To"] == "intelligence.btp@example.invalid"
    assert message["From"] == "ynys-mon.neighbourhood@example.invalid"
    assert message["Subject"] == ("Intelligence referral R1 from Ynys Môn Community Support "
                                  "Officers (North Wales Police)")
    assert message["X-Unsent"] == "1" and message["X-Socialdesk-Referral"] == "R1"
    assert message["Date"] and message["Message-ID"].endswith("@example.invalid>")
    body = message.get_content()
    assert body == made.text
    assert "WHO / PWY\na man in a red coat\n" in body and "2/B/P (3x5x2)" in body


def test_the_referral_is_tracked_and_audited_with_the_files_hash(ref_desk: Desk) -> None:
    item = _item(ref_desk, DRUGS)
    made = ref_desk.referrals.create(item, "anglesey-asb",
                                     ref_desk.referrals.draft(item), file_format="txt")
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    rows = ref_desk.store.conn.execute(
        "select actor, subject, payload from audit_log where action = 'referral'").fetchall()
    assert len(rows) == 1
    actor, subject, payload = rows[0]
    data = json.loads(payload)
    assert (actor, subject) == ("ann", str(item))
    assert data["referral"] == made.referral_id and data["agency"] == "anglesey-asb"
    assert data["sha256"] == hashlib.sha256(made.path.read_bytes()).hexdigest()
    assert "Mae 'na" not in payload   # the text is in the file, never in the chain
    (row,) = ref_desk.referrals.of_item(item)
    assert (row["state"], row["created_by"], row["file_name"]) == ("drafted", "ann",
                                                                   made.path.name)
    detail = ref_desk.item_detail(item)
    assert [r["id"] for r in detail["referrals"]] == [made.referral_id]
    assert ref_desk.verify_audit().ok


def test_a_file_that_cannot_be_written_leaves_nothing_behind(ref_desk: Desk,
                                                             tmp_path: Path) -> None:
    item = _item(ref_desk, DRUGS)
    with pytest.raises(ReferralError, match=r"^Cannot write .*missing/r\.txt: No such file"):
        ref_desk.referrals.create(item, "coastguard", ref_desk.referrals.draft(item),
                                  tmp_path / "missing" / "r.txt")
    assert ref_desk.store.conn.execute("select count(*) from referrals").fetchone()[0] == 0
    assert ref_desk.store.conn.execute(
        "select count(*) from audit_log where action like 'referral%'").fetchone()[0] == 0


def test_what_cannot_be_written_is_refused_before_anything_is(ref_desk: Desk,
                                                              tmp_path: Path) -> None:
    item = _item(ref_desk, DRUGS)
    draft = ref_desk.referrals.draft(item)
    with pytest.raises(ReferralError, match="grade intelligence 3x5x2"):
        ref_desk.referrals.create(item, "btp", draft, tmp_path / "r.eml")
    with pytest.raises(ReferralError, match="the \"what\" is empty"):
        ref_desk.referrals.create(item, "coastguard", replace(draft, what="  "))
    with pytest.raises(ReferralError, match=r"'r\.pdf' is neither"):
        ref_desk.referrals.create(item, "coastguard", draft, tmp_path / "r.pdf")
    with pytest.raises(ReferralError, match="is not a partner agency here; refer to one of: "
                                            "btp, dyfed-powys"):
        ref_desk.referrals.create(item, "interpol", draft)
    with pytest.raises(ReferralError, match="There is no item 999"):
        ref_desk.referrals.create(999, "coastguard", draft)
    assert not (tmp_path / "r.eml").exists() and not (tmp_path / "r.pdf").exists()
    assert ref_desk.store.conn.execute("select count(*) from referrals").fetchone()[0] == 0


def test_sent_then_acknowledged_with_who_and_when(ref_desk: Desk, tmp_path: Path) -> None:
    item = _item(ref_desk, DRUGS)
    draft = ref_desk.referrals.draft(item)
    first = ref_desk.referrals.create(item, "coastguard", draft, tmp_path / "a.txt")
    second = ref_desk.referrals.create(item, "anglesey-asb", draft, tmp_path / "b.txt")
    sent = ref_desk.referrals.mark_sent(first.referral_id)
    assert (sent["state"], sent["sent_by"]) == ("sent", "ann") and sent["sent_at"]
    with pytest.raises(ReferralError, match="Referral R1 is already sent"):
        ref_desk.referrals.mark_sent(first.referral_id)
    bryn = Desk(ref_desk.config, ref_desk.db_path, actor="bryn")
    done = bryn.referrals.acknowledge(first.referral_id, "  HMCG   42 ")
    assert (done["state"], done["acknowledged_by"], done["partner_ref"]) == (
        "acknowledged", "bryn", "HMCG 42")
    with pytest.raises(ReferralError, match="Referral R1 was already acknowledged"):
        bryn.referrals.acknowledge(first.referral_id)
    # acknowledged without being marked sent: it was sent, then
    skipped = bryn.referrals.acknowledge(second.referral_id)
    assert skipped["sent_by"] == "bryn" and skipped["partner_ref"] is None
    assert [r["id"] for r in ref_desk.referrals.listed()] == [2, 1]
    assert ref_desk.referrals.listed(open_only=True) == []
    with pytest.raises(ReferralError, match="There is no referral R9"):
        ref_desk.referrals.acknowledge(9)
    actions = [r[0] for r in ref_desk.store.conn.execute(
        "select action from audit_log where subject = ? and action like 'referral%' "
        "order by id", (str(item),))]
    assert actions == ["referral", "referral", "referral_sent", "referral_acknowledged",
                       "referral_acknowledged"]
    bryn.close()


def test_only_members_refer_and_acknowledge(ref_desk: Desk, tmp_path: Path) -> None:
    item = _item(ref_desk, DRUGS)
    made = ref_desk.referrals.create(item, "coastguard", ref_desk.referrals.draft(item),
                                     tmp_path / "a.txt")
    visitor = Desk(ref_desk.config, ref_desk.db_path, actor="visitor")   # read-only
    with pytest.raises(AccessDenied, match="cannot refer an item to a partner agency"):
        visitor.referrals.draft(item)
    with pytest.raises(AccessDenied, match="cannot refer an item to a partner agency"):
        visitor.referrals.create(item, "coastguard", ReferralDraft(what="x"))
    with pytest.raises(AccessDenied, match="cannot record a partner's acknowledgement"):
        visitor.referrals.acknowledge(made.referral_id)
    assert len(visitor.referrals.listed()) == 1   # looking is allowed
    visitor.close()


def test_the_report_counts_referrals_by_agency_and_state(ref_desk: Desk,
                                                         tmp_path: Path) -> None:
    before = ref_desk.report()
    item = _item(ref_desk, DRUGS)
    draft = ref_desk.referrals.draft(item)
    graded = replace(draft, grading="2/B/P")
    ref_desk.referrals.create(item, "btp", graded, tmp_path / "1.txt")
    second = ref_desk.referrals.create(item, "btp", graded, tmp_path / "2.txt")
    third = ref_desk.referrals.create(item, "coastguard", draft, tmp_path / "3.txt")
    ref_desk.referrals.mark_sent(second.referral_id)
    ref_desk.referrals.acknowledge(third.referral_id)
    report = ref_desk.report()
    assert [c.as_dict() for c in report.referrals] == [
        {"agency": "btp", "name": "British Transport Police", "drafted": 1, "sent": 1,
         "acknowledged": 0, "total": 2},
        {"agency": "coastguard", "name": "HM Coastguard, Holyhead", "drafted": 0, "sent": 0,
         "acknowledged": 1, "total": 1}]
    assert report.as_dict()["referrals"][0]["total"] == 2
    # the response-time figures are not touched
    assert report.overall.as_dict() == before.overall.as_dict()
    assert before.referrals == []


def test_a_referral_the_audit_chain_cannot_take_leaves_no_file(ref_desk: Desk,
                                                               tmp_path: Path) -> None:
    item = _item(ref_desk, DRUGS)
    with ref_desk.store.write():   # the audit row fails as a full disk would, after the file
        ref_desk.store.conn.execute(
            "create trigger no_room before insert on audit_log when new.action = 'referral' "
            "begin select raise(abort, 'database or disk is full'); end")
    with pytest.raises(UserError, match="full"):
        ref_desk.referrals.create(item, "coastguard", ref_desk.referrals.draft(item))
    assert list((tmp_path / "data" / "exports").iterdir()) == []
    assert ref_desk.store.conn.execute("select count(*) from referrals").fetchone()[0] == 0


def test_a_referral_never_replaces_a_file(ref_desk: Desk, tmp_path: Path) -> None:
    item = _item(ref_desk, DRUGS)
    kept = tmp_path / "kept.txt"
    kept.write_text("an earlier referral", encoding="utf-8")
    with pytest.raises(ReferralError, match=r"kept\.txt already exists; a referral never "
                                            "replaces a file"):
        ref_desk.referrals.create(item, "coastguard", ref_desk.referrals.draft(item), kept)
    assert kept.read_text(encoding="utf-8") == "an earlier referral"
    draft = ref_desk.referrals.draft(item)   # two in the same second: two files
    first = ref_desk.referrals.create(item, "coastguard", draft)
    second = ref_desk.referrals.create(item, "coastguard", draft)
    assert first.path != second.path and first.path.name.startswith("referral-R1-item")
