"""Tags, bulk actions and merging duplicates in the core (issue 28, parts 4 and 5): real SQLite
files, the Desk façade, the audit chain."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from socialdesk.config import Tag, TagsConfig, load_config, parse_config
from socialdesk.core.desk import Desk
from socialdesk.core.desk.access import AccessDenied
from socialdesk.core.models import InboxFilter, split_tag_terms
from socialdesk.core.triage.actions import ActionRefused
from socialdesk.core.triage.tag_hints import suggest_tags
from socialdesk.core.triage.tags import UnknownTag
from socialdesk.errors import ConfigError
from tests.conftest import BUNDLED_CONFIG
from tests.ui_helpers import SEED, seed_items


@pytest.fixture
def seeded(desk: Desk, tmp_path: Path) -> tuple[Desk, list[int]]:
    return desk, seed_items(desk, tmp_path / "seed.jsonl")


def audit(desk: Desk, action: str) -> list[tuple[str, dict]]:
    return [(subject, json.loads(payload)) for subject, payload in desk.store.conn.execute(
        "select subject, payload from audit_log where action = ? order by id", (action,))]


def tags(desk: Desk, item_id: int) -> list[str]:
    item = desk.item_detail(item_id)
    assert item is not None
    return list(item["tags"])  # type: ignore[call-overload]


def status(desk: Desk, item_id: int) -> tuple:
    return desk.store.conn.execute(
        "select status, close_reason, duplicate_of, assignee from items where id = ?",
        (item_id,)).fetchone()


# ── config ──────────────────────────────────────────────────────────────────────────────

def test_the_bundled_tags_are_bilingual_and_found_by_either_label() -> None:
    known = load_config(BUNDLED_CONFIG).tags
    assert {"asb", "scam", "road-safety", "holyhead", "menai-bridge", "cemaes"} <= \
        set(known.names)
    assert known.find("Caergybi") == known.find("#holyhead") == known.find("HOLYHEAD")
    assert known.find("road safety") is not None and known.find("Porthaethwy") is not None
    assert known.find("nonsense") is None


@pytest.mark.parametrize("tags, words", [
    ([{"name": "scam", "en": "Scam"}], "name, en and cy"),
    ([{"name": "Scam!", "en": "Scam", "cy": "Sgam"}], "lower-case letters"),
    ([{"name": "scam", "en": "Scam", "cy": "Sgam"}] * 2, "twice"),
    ("scam", "a list of tags"),
])
def test_a_bad_tag_list_is_one_sentence_naming_the_key(tags: object, words: str) -> None:
    with pytest.raises(ConfigError, match=words) as caught:
        parse_config({"tags": {"list": tags}}, Path("x.toml"))
    assert "[tags]" in str(caught.value)


def test_an_unknown_key_in_tags_is_an_error() -> None:
    with pytest.raises(ConfigError, match="unknown key 'lists'"):
        parse_config({"tags": {"lists": []}}, Path("x.toml"))


# ── tag and untag ───────────────────────────────────────────────────────────────────────

def test_tag_untag_are_audited_and_undone_together(seeded) -> None:
    desk, ids = seeded
    record = desk.tag([ids[6]], ["scam", "Caergybi"])
    assert tags(desk, ids[6]) == ["holyhead", "scam"]
    assert audit(desk, "tag") == [(str(ids[6]), {"tags": ["scam", "holyhead"]})]
    history = [h["action"] for h in desk.item_detail(ids[6])["history"]]  # type: ignore[index]
    assert "tag" in history
    desk.undo(record)
    assert tags(desk, ids[6]) == []
    desk.tag([ids[6]], ["scam"])
    removal = desk.untag([ids[6]], ["scam"])
    assert tags(desk, ids[6]) == []
    desk.undo(removal)
    assert tags(desk, ids[6]) == ["scam"]
    assert desk.verify_audit().ok


def test_an_unknown_tag_is_one_sentence(seeded) -> None:
    desk, ids = seeded
    with pytest.raises(UnknownTag, match="'scmа' is not a tag") as caught:
        desk.tag([ids[0]], ["scmа"])
    assert "\n" not in str(caught.value) and str(caught.value).endswith(".")
    with pytest.raises(ActionRefused, match="no tag #scam"):
        desk.untag([ids[0]], ["scam"])


def test_read_only_accounts_cannot_tag(seeded, config) -> None:
    desk, ids = seeded
    stranger = Desk(config, desk.db_path, actor="nobody-here")
    with pytest.raises(AccessDenied, match="cannot tag"):
        stranger.tag([ids[0]], ["scam"])
    stranger.close()


# ── suggestions ─────────────────────────────────────────────────────────────────────────

def test_suggestions_read_places_and_topics_in_both_languages_with_mutations() -> None:
    known = load_config(BUNDLED_CONFIG).tags
    assert suggest_tags(SEED[1][0], known) == ["drugs", "menai-bridge"]   # ym Mhorthaethwy
    assert suggest_tags(SEED[6][0], known) == ["scam"]
    assert suggest_tags("Mae rhywun wedi ceisio fy nhwyllo yng Nghaergybi", known) == \
        ["fraud", "holyhead"]
    assert suggest_tags("Diolch yn fawr!", known) == []
    assert suggest_tags(SEED[6][0], known, {"scam"}) == []


def test_suggestions_are_never_stored_until_an_officer_accepts(seeded) -> None:
    desk, ids = seeded
    rows_before = desk.store.conn.execute("select count(*) from audit_log").fetchone()[0]
    item = desk.item_detail(ids[1])
    assert item is not None and item["suggested_tags"] == ["drugs", "menai-bridge"]
    assert desk.suggested_tags(ids[1]) == ["drugs", "menai-bridge"]
    assert desk.store.conn.execute("select count(*) from item_tags").fetchone()[0] == 0
    assert desk.store.conn.execute("select count(*) from audit_log").fetchone()[0] == \
        rows_before
    desk.tag([ids[1]], item["suggested_tags"])   # type: ignore[arg-type]
    assert tags(desk, ids[1]) == ["drugs", "menai-bridge"]
    assert desk.item_detail(ids[1])["suggested_tags"] == []  # type: ignore[index]


# ── filter and search ───────────────────────────────────────────────────────────────────

def test_tags_filter_and_search_the_inbox(seeded) -> None:
    desk, ids = seeded
    desk.tag([ids[1], ids[2]], ["llangefni"])
    desk.tag([ids[2]], ["welfare"])
    assert split_tag_terms("#Scam caergybi tag:road-safety") == ("caergybi",
                                                                   ["scam", "road-safety"])
    assert set(desk.inbox_ids(InboxFilter(tag="llangefni"))) == {ids[1], ids[2]}
    assert desk.inbox_ids(InboxFilter(search="#welfare")) == [ids[2]]
    assert desk.inbox_ids(InboxFilter(search="tag:llangefni neighbour")) == [ids[2]]
    assert desk.inbox_ids(InboxFilter(search="#llangefni #welfare")) == [ids[2]]
    counts = desk.facet_counts(InboxFilter())
    assert counts.tag == {"llangefni": 2, "welfare": 1}
    # like every facet, the tag counts are what picking that tag instead would show
    narrowed = desk.facet_counts(InboxFilter(tag="welfare"))
    assert narrowed.total == 1 and narrowed.category == {"concern": 1}
    assert narrowed.tag == {"llangefni": 2, "welfare": 1}
    assert desk.facet_counts(InboxFilter(category="report")).tag == {"llangefni": 1}
    rows = desk.inbox_rows([ids[2]])
    assert rows[ids[2]]["tags"] == "llangefni welfare"
    assert desk.tags_in_use()["llangefni"] == 2 and desk.tags_in_use()["scam"] == 0


# ── bulk actions ────────────────────────────────────────────────────────────────────────

def test_bulk_close_is_one_transaction_one_undo_and_one_audit_row_per_item(seeded) -> None:
    desk, ids = seeded
    desk.close_item(ids[3], "no reply needed")
    record = desk.close_items([ids[2], ids[3], ids[4]], "no reply needed")
    assert record.item_ids == (ids[2], ids[3], ids[4])
    assert [c.item_id for c in record.changes] == [ids[2], ids[4]]
    assert record.skipped == f"Skipped #{ids[3]} (already closed)."
    rows = audit(desk, "close")[1:]
    assert [subject for subject, _ in rows] == [str(ids[2]), str(ids[4])]
    assert all(payload["batch"] == [ids[2], ids[3], ids[4]] for _, payload in rows)
    assert status(desk, ids[2])[0] == status(desk, ids[4])[0] == "closed"
    assert desk.undo(record) == f"Undone: close of #{ids[2]}, #{ids[3]} and #{ids[4]}."
    assert status(desk, ids[2])[0] == "new" and status(desk, ids[4])[0] == "new"
    assert status(desk, ids[3])[0] == "closed"   # closed before the batch: stays closed
    assert [s for s, _ in audit(desk, "undo")] == [str(ids[2]), str(ids[4])]
    assert desk.verify_audit().ok


def test_a_batch_is_undone_whole_or_not_at_all(seeded, config) -> None:
    desk, ids = seeded
    record = desk.close_items(ids[1:4], "passed to 101 / 999")
    desk.reopen(ids[2])      # someone touched one item of the batch since
    with pytest.raises(ActionRefused, match=f"Cannot undo the close of .*: #{ids[2]} changed"):
        desk.undo(record)
    assert status(desk, ids[1])[0] == "closed" and status(desk, ids[3])[0] == "closed"


def test_a_batch_where_every_item_is_skipped_writes_nothing(seeded) -> None:
    desk, ids = seeded
    desk.close_item(ids[0], "no reply needed")
    rows = desk.store.conn.execute("select count(*) from audit_log").fetchone()[0]
    with pytest.raises(ActionRefused, match=f"Nothing was done: skipped #{ids[0]} "
                                            r"\(already closed\); #999 \(no such item\)\."):
        desk.close_items([ids[0], 999], "duplicate")
    assert desk.store.conn.execute("select count(*) from audit_log").fetchone()[0] == rows


def test_bulk_assign_is_for_supervisors(seeded, config) -> None:
    desk, ids = seeded
    with pytest.raises(AccessDenied, match="Only a supervisor can assign"):
        desk.assign_items(ids[:2], "gethin")
    boss = Desk(config, desk.db_path, actor="sioned")
    record = boss.assign_items(ids[:2], "gethin")
    assert status(boss, ids[0])[3] == status(boss, ids[1])[3] == "gethin"
    boss.undo(record)
    assert status(boss, ids[0])[3] is None
    boss.close()


def test_bulk_tag_undo_leaves_tags_that_were_there_before(seeded) -> None:
    desk, ids = seeded
    desk.tag([ids[0]], ["asb"])
    record = desk.tag(ids[:3], ["asb"])
    assert record.tags_added == ((ids[1], "asb"), (ids[2], "asb"))
    desk.undo(record)
    assert tags(desk, ids[0]) == ["asb"] and tags(desk, ids[1]) == []


# ── merging duplicates ──────────────────────────────────────────────────────────────────

def test_merge_closes_duplicates_and_both_histories_say_so(seeded) -> None:
    desk, ids = seeded
    primary, dups = ids[2], [ids[5], ids[6]]
    record = desk.merge(primary, dups)
    for dup in dups:
        assert status(desk, dup)[:3] == ("closed", "duplicate", primary)
        texts = [h["action"] for h in desk.item_detail(dup)["history"]]  # type: ignore[index]
        assert texts == ["duplicate"]
    assert desk.item_detail(primary)["duplicates"] == dups  # type: ignore[index]
    assert audit(desk, "merge") == [(str(primary), {"merged": dups})]
    from socialdesk.core.triage.actions import describe_history
    row = desk.item_detail(primary)["history"][0]  # type: ignore[index]
    assert describe_history(row["action"], row["payload"]) == f"merged #{ids[5]}, #{ids[6]}"
    row = desk.item_detail(ids[5])["history"][0]  # type: ignore[index]
    assert describe_history(row["action"], row["payload"]) == f"duplicate of #{primary} (closed)"
    desk.undo(record)
    assert status(desk, ids[5])[:3] == ("new", None, None)
    assert desk.item_detail(primary)["duplicates"] == []  # type: ignore[index]
    assert desk.verify_audit().ok


def test_merge_refusals(seeded) -> None:
    desk, ids = seeded
    with pytest.raises(ActionRefused, match=f"Nothing was done: skipped #{ids[2]} "
                                            r"\(an item cannot be a duplicate of itself\)"):
        desk.merge(ids[2], [ids[2]])
    # an urgent item is not hidden under a non-urgent one; the others go ahead
    record = desk.merge(ids[2], [ids[0], ids[3]])
    assert record.skipped == f"Skipped #{ids[0]} (urgent, and #{ids[2]} is not)."
    assert status(desk, ids[3])[2] == ids[2] and status(desk, ids[0])[0] == "new"
    # nothing goes into a closed duplicate, and a primary with duplicates is no duplicate
    with pytest.raises(ActionRefused, match=f"Item {ids[3]} is itself a duplicate of "
                                            f"#{ids[2]}: merge into #{ids[2]} instead"):
        desk.merge(ids[3], [ids[4]])
    record = desk.merge(ids[4], [ids[2], ids[5]])
    assert record.skipped == f"Skipped #{ids[2]} (it has duplicates of its own)."
    with pytest.raises(ActionRefused, match="There is no item 999"):
        desk.merge(999, [ids[1]])


def test_another_tag_list_is_honoured(seeded, config) -> None:
    desk, ids = seeded
    own = Desk(replace(config, tags=TagsConfig((Tag("bikes", "Bikes", "Beiciau"),))),
               desk.db_path, actor="tester")
    own.tag([ids[0]], ["beiciau"])
    with pytest.raises(UnknownTag):
        own.tag([ids[0]], ["scam"])
    assert tags(own, ids[0]) == ["bikes"]
    own.close()


# ── the report by tag ───────────────────────────────────────────────────────────────────

def test_report_by_tag_figures_checked_by_hand(seeded) -> None:
    """Seven seeded items (created 6, 25, 50, 70, 90, 120, 160 minutes before NOW); four
    answered 10, 20, 30 and 40 minutes after they came in. Tags: #0 scam, #1 scam + holyhead,
    #2 holyhead, #3 scam. By hand: scam = #0, #1, #3 → FRT 10, 20, 30: median 20;
    holyhead = #1, #2 → 20, 40: median 30; no tag = #4, #5, #6, unanswered."""
    from datetime import timedelta

    from socialdesk.core.models import to_iso
    from tests.ui_helpers import NOW

    desk, ids = seeded
    ago = [row[6] for row in SEED]
    with desk.store.write():
        for n, after in zip(range(4), (10, 20, 40, 30), strict=True):
            desk.store.conn.execute(
                "update items set first_response_at = ?, first_response_by = 'tester' "
                "where id = ?", (to_iso(NOW - timedelta(minutes=ago[n] - after)), ids[n]))
    desk.tag([ids[0], ids[1], ids[3]], ["scam"])
    desk.tag([ids[1], ids[2]], ["holyhead"])
    report = desk.report(by=["tag", "category"], now=NOW)
    groups = {g.key: g for g in report.groups["tag"]}
    assert list(groups) == ["holyhead", "scam", "(no tag)"]
    assert [groups[k].count for k in groups] == [2, 3, 3]
    assert sorted(groups["scam"].item_ids) == [ids[0], ids[1], ids[3]]
    assert groups["scam"].frt_elapsed_median == pytest.approx(20)
    assert groups["holyhead"].frt_elapsed_median == pytest.approx(30)
    assert groups["(no tag)"].answered == 0 and sorted(groups["(no tag)"].item_ids) == ids[4:]
    # the other groupings are unchanged by tags: each item counts once
    assert sum(g.count for g in report.groups["category"]) == report.overall.count == 7


def test_reopening_a_duplicate_takes_it_out_of_the_merge(seeded) -> None:
    desk, ids = seeded
    desk.merge(ids[2], [ids[3], ids[4]])
    record = desk.reopen(ids[3])
    assert status(desk, ids[3])[:3] == ("new", None, None)
    assert desk.item_detail(ids[2])["duplicates"] == [ids[4]]  # type: ignore[index]
    desk.undo(record)                     # undoing the reopen puts it back in the merge
    assert status(desk, ids[3])[:3] == ("closed", "duplicate", ids[2])
    desk.reopen(ids[3])
    desk.merge(ids[3], [ids[5]])          # no longer a duplicate: others may merge into it
    assert status(desk, ids[5])[2] == ids[3]


def test_bulk_close_never_takes_an_urgent_item_out_of_to_do(seeded) -> None:
    """A slip of visual mode over the urgent rows must not close them: they are skipped and
    named; the others are closed."""
    desk, ids = seeded
    record = desk.close_items([ids[0], ids[3], ids[4]], "spam or abuse")
    assert record.skipped == f"Skipped #{ids[0]} (urgent: close it on its own)."
    assert status(desk, ids[0])[0] == "new"
    assert status(desk, ids[3])[0] == status(desk, ids[4])[0] == "closed"
    assert ids[0] in desk.desk_counts().open_urgent_ids


def test_nothing_is_merged_into_a_closed_item(seeded) -> None:
    """Merging into a closed primary would close live items with nobody on them."""
    desk, ids = seeded
    desk.close_item(ids[2], "no reply needed")
    with pytest.raises(ActionRefused, match=f"Item {ids[2]} is closed: reopen it first"):
        desk.merge(ids[2], [ids[3]])
    assert status(desk, ids[3])[0] == "new"
