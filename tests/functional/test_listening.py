"""Community listening through the desk, the CLI and the dashboard (issue 24): topics of the
people's concerns and chat, this period against the one before, rising ones flagged, cached
embeddings, exports for supervisors, one sentence for a bad date.

The encoder is not what these tests test: the desk is given a small deterministic embedding
(tests/listening_helpers.py) through its ``embedder`` seam — for the CLI, run in this process,
by patching the one method that picks the embedder. The real MiniLM encoder is used once, in
``test_the_served_encoder_groups_the_labelled_sample`` (slow: it needs the session's model).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from socialdesk.cli import main
from socialdesk.core.desk import Desk
from socialdesk.core.desk.listening import ListeningDesk
from socialdesk.ui.screens.inbox import InboxScreen
from socialdesk.ui.screens.listening import ListeningScreen
from tests.conftest import BUNDLED_CONFIG, assert_one_sentence
from tests.export_helpers import assert_exports_carry_the_chain
from tests.listening_helpers import NOW, WordsEmbedder, seed_listening
from tests.ui_helpers import make_app, members_config, settle


@pytest.fixture
def heard_desk(tmp_path: Path, config) -> Desk:
    """Officer ann's desk: dogs rising (18 items now, 6 before), scams steady (6, 6), thanks
    new (6, 0), plus the dashboard's seeded items; a deterministic embedder."""
    desk = Desk(members_config(config), tmp_path / "desk.db", actor="ann")
    seed_listening(desk, tmp_path)
    desk.listening.embedder = WordsEmbedder()
    yield desk
    desk.close()


def test_topics_count_this_period_against_the_one_before_and_flag_rising(
        heard_desk: Desk) -> None:
    heard = heard_desk.listening.topics(until=NOW)
    assert (heard.items, heard.previous_items) == (30, 12)
    dogs, scams, thanks = (next(t for t in heard.topics if word in t.en)
                           for word in ("dog", "scam", "thank"))
    assert (dogs.count, dogs.previous, dogs.change_text(), dogs.rising) == (18, 6, "+12 (+200%)",
                                                                           True)
    assert (scams.count, scams.previous, scams.change_text(), scams.rising) == (6, 6, "0", False)
    assert (thanks.count, thanks.previous, thanks.change_text(), thanks.rising) == (6, 0, "new",
                                                                                   True)
    assert heard.topics[0] is dogs and dogs.number == 1        # busiest first
    assert "cŵn" in dogs.cy or "baw" in dogs.cy                 # named in Welsh too
    assert dogs.months["2026-11"] == 18 and sum(dogs.months.values()) == 18
    assert dogs.places[0][:2] == ("llangefni", "Llangefni")    # the seeded post names it
    assert len(dogs.examples) == 3
    assert len({e.text.strip() for e in dogs.examples}) == 3    # copies are one example
    assert all(e.category in ("concern", "chat") for t in heard.topics for e in t.examples)


def test_reports_and_the_pages_own_items_are_not_listened_to(heard_desk: Desk,
                                                             tmp_path: Path) -> None:
    from tests.ui_helpers import seed_items

    seed_items(heard_desk, tmp_path / "seed.jsonl")     # two reports among them
    heard = heard_desk.listening.topics(until=NOW)
    texts = {e.text for t in heard.topics for e in t.examples}
    assert not any("car doors" in text for text in texts)   # a seeded report
    ids = {i for t in heard.topics for i in t.item_ids}
    reports = {row[0] for row in heard_desk.store.conn.execute(
        "select id from items where category = 'report'")}
    assert reports and not ids & reports


def test_a_second_look_embeds_only_new_items(heard_desk: Desk, tmp_path: Path) -> None:
    embedder = heard_desk.listening.embedder
    first = heard_desk.listening.topics(until=NOW)
    assert (first.embedded, first.cached) == (embedder.embedded, 0) == (42, 0)
    again = heard_desk.listening.topics(until=NOW)
    assert (again.embedded, again.cached) == (0, 42) and embedder.embedded == 42
    assert [t.item_ids for t in again.topics] == [t.item_ids for t in first.topics]
    embedder.version = "test-words-2"          # a new encoder: its own vectors, the old go
    heard_desk.listening.topics(until=NOW)
    versions = {row[0] for row in heard_desk.store.conn.execute(
        "select distinct version from item_embeddings")}
    assert versions == {"test-words-2"}


def test_progress_is_told_as_items_are_embedded(heard_desk: Desk) -> None:
    seen: list[tuple[int, int]] = []
    heard_desk.listening.topics(until=NOW, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 42) and seen[-1] == (42, 42)


def test_a_read_only_account_listens_without_writing(heard_desk: Desk) -> None:
    viewer = Desk(heard_desk.config, heard_desk.db_path, actor="visitor")
    viewer.listening.embedder = WordsEmbedder()
    try:
        assert viewer.role == "read-only"
        assert viewer.listening.topics(until=NOW).items == 30
        assert viewer.store.conn.execute("select count(*) from item_embeddings").fetchone()[0] == 0
    finally:
        viewer.close()


def test_purged_items_are_not_heard_and_lose_their_vectors(heard_desk: Desk) -> None:
    heard_desk.listening.topics(until=NOW)
    assert heard_desk.store.conn.execute("select count(*) from item_embeddings").fetchone()[0]
    supervisor = Desk(heard_desk.config, heard_desk.db_path, actor="sian")
    supervisor.listening.embedder = WordsEmbedder()
    try:
        from socialdesk.core.store import retention  # what a purge runs, batch by batch

        before = "2026-10-01T00:00:00+00:00"
        retention.blank_items(supervisor.store, before, NOW.isoformat(), 1000)
        left = supervisor.store.conn.execute(
            "select count(*) from item_embeddings e join items i on i.id = e.item_id "
            "where i.created_at < ?", (before,)).fetchone()[0]
        assert left == 0
        heard = supervisor.listening.topics(until=NOW)
        assert heard.previous_items == 0 and not heard.rising   # no baseline left
    finally:
        supervisor.close()


def test_bad_periods_are_one_sentence(heard_desk: Desk) -> None:
    from socialdesk.errors import UserError

    with pytest.raises(UserError, match="start must come before its end"):
        heard_desk.listening.topics(since=NOW, until=NOW)


# ── the command line ─────────────────────────────────────────────────────────────────────

@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        config):
    """Run `socialdesk ARGS` in this process, as the OS account (a supervisor of this
    database), on the listening seeds, at the seeded time, with the deterministic embedder."""
    from dataclasses import replace

    import time_machine

    from socialdesk.config import AccessConfig
    from tests.conftest import os_account

    members = {os_account(): "supervisor", "ann": "officer"}
    desk = Desk(replace(config, access=AccessConfig(members=members)), tmp_path / "cli.db",
                actor=os_account())
    seed_listening(desk, tmp_path)
    desk.close()
    file = tmp_path / "socialdesk.toml"
    file.write_text(BUNDLED_CONFIG.read_text(encoding="utf-8").replace(
        "[members]\n", f'[members]\n"{os_account()}" = "supervisor"\nann = "officer"\n'),
        encoding="utf-8")
    monkeypatch.setenv("SOCIALDESK_CONFIG", str(file))
    monkeypatch.setenv("SOCIALDESK_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("SOCIALDESK_DATA_DIR", str(tmp_path / "data"))
    # the encoder is not under test here: the same seam the desk tests fill
    monkeypatch.setattr(ListeningDesk, "_embedder",
                        lambda self, train_progress=None: WordsEmbedder())

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    with time_machine.travel(NOW, tick=False):
        yield run


def test_listening_command_json(cli) -> None:
    code, out, _err = cli("listening", "--json")
    assert code == 0
    result = json.loads(out)
    assert (result["items"], result["previous_items"]) == (30, 12)
    assert result["rising_rule"] == "at least 5 items this period and at least +50% on the " \
                                    "period before"
    first = result["topics"][0]
    assert first["topic"] == 1 and first["count"] == 18 and first["previous"] == 6
    assert first["rising"] is True and first["change"] == 12
    assert "dog" in first["words"]["en"] and first["words"]["cy"]
    assert len(first["examples"]) == 3 and first["examples"][0]["text"]
    assert first["places"][0] == {"place": "llangefni", "name": "Llangefni", "count": 18}
    assert first["months"]["2026-11"] == 18
    assert result["by_month"] == {"2026-08": 0, "2026-09": 0, "2026-10": 0, "2026-11": 30}
    assert result["by_place"] == [{"place": "llangefni", "name": "Llangefni", "count": 30}]


def test_listening_command_text(cli) -> None:
    code, out, _err = cli("listening", "--since", "2026-08-26", "--until", "2026-11-23")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Listening 2026-08-26 – 2026-11-24 (90 days) against the 90 "
                               "days before: 30 concerns and chat (12 before)")
    assert lines[1] == ("Rising: at least 5 items this period and at least +50% on the "
                        "period before.")
    assert lines[2] == "By month: 2026-08 0 · 2026-09 0 · 2026-10 0 · 2026-11 30"
    assert lines[3] == "Busiest places: Llangefni 30"
    assert any(line.startswith("1. ") and "dog" in line for line in lines)
    assert "   18 now, 6 before, +12 (+200%)  ▲ RISING" in lines
    assert any(line.startswith("   places: Llangefni 18") for line in lines)


def test_listening_command_csv_is_a_private_audited_export(cli, tmp_path: Path) -> None:
    target = tmp_path / "topics.csv"
    code, _out, err = cli("listening", "--csv", str(target))
    assert code == 0 and "wrote 3 topics" in err
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert rows[0]["count"] == "18" and rows[0]["rising"] == "yes"
    assert "Dog mess" not in target.read_text(encoding="utf-8")   # nobody's text
    code, _out, _err = cli("audit", "verify")
    assert code == 0


@pytest.mark.parametrize(("args", "sentence"), [
    (("--since", "last month"), "socialdesk: 'last month' is not a date like 2026-11-23.\n"),
    (("--until", "2026-13-01"), "socialdesk: '2026-13-01' is not a date like 2026-11-23.\n"),
    (("--since", "2026-11-20", "--until", "2026-11-01"),
     "socialdesk: --since 2026-11-20 is after --until 2026-11-01.\n"),
    (("--since", "2026-12-25"), "socialdesk: --since 2026-12-25 is not in the past.\n"),
])
def test_listening_command_refuses_bad_dates_in_one_sentence(cli, args, sentence) -> None:
    code, out, err = cli("listening", *args)
    assert (code, out, err) == (1, "", sentence)
    assert_one_sentence(err)


def test_an_officer_may_listen_but_not_export(heard_desk: Desk, tmp_path: Path) -> None:
    from socialdesk.core.desk.access import AccessDenied

    heard = heard_desk.listening.topics(until=NOW)
    with pytest.raises(AccessDenied):
        heard_desk.listening.export_csv(heard, tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


# ── the dashboard ────────────────────────────────────────────────────────────────────────

async def test_listening_view_shows_topics_and_typical_items_as_plain_text(
        heard_desk: Desk, tmp_path: Path) -> None:
    from tests.ui_helpers import seed_items

    seed_items(heard_desk, tmp_path / "markup.jsonl", [
        ("[bold red]dog[/] mess [@click=app.quit]dog[/] on the beach path", "message", "en",
         "concern", 0, "M", 60)])
    app = make_app(heard_desk)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("y")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ListeningScreen)
        assert screen.heard is not None and screen.heard.topics[0].count == 19
        row = [str(cell) for cell in screen.query_one("#topics").get_row_at(0)]
        assert row[2:6] == ["19", "6", "+13 (+217%)", "▲"]
        assert "Llangefni 19" in row[6]
        headline = str(screen.query_one("#listening-headline").render())
        assert "31 concerns and chat (12 before), 3 topics, 2 rising" in headline
        detail = str(screen.query_one("#topic-detail").render())
        assert "English: " in detail and "Cymraeg: " in detail and "Typical items:" in detail
        await pilot.press("down", "down")
        await settle(pilot, app)
        detail = str(screen.query_one("#topic-detail").render())
        assert "Topic 3" in detail
        await pilot.press("w")            # the last 30 days: nothing in the 30 before
        await settle(pilot, app)
        assert screen.sub_title == "listening · last 30 days"
        assert (screen.heard.items, screen.heard.previous_items) == (31, 0)
        assert not screen.heard.rising     # no baseline, nothing rising
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)


async def test_markup_typed_by_people_is_shown_as_typed(tmp_path: Path, config) -> None:
    from tests.ui_helpers import seed_items

    typed = ["[bold red]Dog[/] mess [@click=app.quit]x[/] on the beach",
             "[link=http://evil]scam[/] text", "Thank you [reverse]all[/]"]
    desk = Desk(members_config(config), tmp_path / "markup.db", actor="ann")
    seed_items(desk, tmp_path / "markup.jsonl",
               [(t, "message", "en", "concern", 0, "M", 60 * n) for n, t in enumerate(typed, 1)])
    desk.listening.embedder = WordsEmbedder()
    app = make_app(desk)
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(pilot, app)
            await pilot.press("y")
            await settle(pilot, app)
            detail = str(app.screen.query_one("#topic-detail").render())
            for text in typed:                  # three items: one topic, all three shown
                assert text in detail
    finally:
        desk.close()


# ── the real encoder ─────────────────────────────────────────────────────────────────────

@pytest.mark.slow
def test_the_served_encoder_groups_the_labelled_sample(data_dir: Path, tmp_path: Path,
                                                       config) -> None:
    """The labelled sample (prompts/test_sets/listening.jsonl) through the real int8 MiniLM:
    the topics agree with the hand labels well beyond chance (NMI; BENCHMARKS.md has the
    figures) and a second run gives the same topics."""
    from bench.listening_eval import agreement, load_sample
    from socialdesk.core.classify.training import current_model_dir
    from socialdesk.core.desk.listening import ModelEmbedder

    rows = load_sample()
    desk = Desk(members_config(config), tmp_path / "real.db", actor="ann")
    try:
        embedder = ModelEmbedder(desk.model.classifier(train_if_missing=False))
        assert current_model_dir() is not None and embedder.version.startswith("minilm-")
        vectors = embedder.embed([r["text"] for r in rows], [r["language"] for r in rows])
        scores = agreement(rows, vectors)
        assert scores["nmi"] > 0.5 and scores["purity"] > 0.6
        assert scores["ari_seeds"] > 0.5
    finally:
        desk.close()


def test_a_quiet_period_has_no_topics_and_says_so(tmp_path: Path, config, capsys) -> None:
    desk = Desk(members_config(config), tmp_path / "quiet.db", actor="ann")
    desk.listening.embedder = WordsEmbedder()
    try:
        heard = desk.listening.topics(until=NOW)
        assert (heard.topics, heard.items, heard.embedded) == ([], 0, 0)
    finally:
        desk.close()
    from socialdesk.cli.listening import show

    show(heard, config.team.zone)
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "Nobody raised anything in this period or the one before."


def test_listening_exports_carry_the_audit_chain(cli, tmp_path: Path) -> None:
    """Issue 19 (review): every CSV and JSON export carries the chain's row count and head —
    listening's CSV and JSON did not."""
    assert_exports_carry_the_chain(cli, tmp_path / "cli.db", "listening", tmp_path / "topics.csv",
                                   ("topic", "words_en", "count"))
