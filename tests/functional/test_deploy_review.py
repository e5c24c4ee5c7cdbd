"""Issue 19, reviewed again after the features that came since (drop-in sessions, listening,
referrals, people, places, exports…): each gap the review found, on real SQLite files."""

from __future__ import annotations

import sqlite3

import pytest
from rich.text import Text

from socialdesk.config import load_config
from socialdesk.core.desk import Desk
from socialdesk.core.outbox.sender import Action
from socialdesk.errors import StoreError
from socialdesk.ui.widgets.detail import _history as detail_history


def test_undoing_a_hide_that_went_queues_the_unhide_with_its_audit_row(team_desk: Desk) -> None:
    """Undo of a hide already on the page queues an unhide: the outbox entry and its audit
    row were two transactions, so a failed audit write left an unhide queued with no row in
    the chain. Now both are kept, or neither."""
    item = team_desk.seeded[3]      # a comment   # type: ignore[attr-defined]
    record = team_desk.answer(item, "", Action.HIDE)
    with team_desk.store.write():   # the sender took it to the page
        team_desk.store.conn.execute("update outbox set status = 'sent' where item_id = ?",
                                     (item,))
    with team_desk.store.write():   # the audit write fails (as on a full disk)
        team_desk.store.conn.execute(
            "create trigger no_audit before insert on audit_log when new.action = "
            "'queue_unhide' begin select raise(abort, 'the audit write failed'); end")
    with pytest.raises(StoreError, match="the audit write failed"):
        team_desk.undo(record)
    assert team_desk.store.conn.execute(
        "select action, status from outbox where item_id = ? order by id",
        (item,)).fetchall() == [("hide", "sent")]
    with team_desk.store.write():
        team_desk.store.conn.execute("drop trigger no_audit")
    team_desk.undo(record)
    assert team_desk.store.conn.execute(
        "select count(*) from audit_log where action = 'queue_unhide' and subject = ?",
        (str(item),)).fetchone()[0] == 1


NOTE_WORDS = ("Zebedee-Quixote", "07700 900123")


def test_a_close_note_is_purged_and_never_kept_in_the_audit_chain(tmp_path, capsys,
                                                                   monkeypatch) -> None:
    """A close note ("answered elsewhere: rang Zebedee-Quixote on 07700 900123") went into the
    hash-chained audit payload word for word, where it can never be removed, and the purge
    left it on the item: a year later the DB still held it. Now the chain keeps its length
    only and the purge blanks it; the raw DB and WAL bytes hold none of its words."""
    from datetime import timedelta

    import time_machine

    from socialdesk.core.models import utc_now
    from tests.conftest import in_process_cli, os_account
    from tests.functional.test_trust import team_config

    config = team_config(tmp_path, "sup.toml", {os_account(): "supervisor", "ann": "officer"})
    cli = in_process_cli(tmp_path, config, capsys, monkeypatch,
                         [("my bike went from the shed", "A"), ("the van is back", "B")])
    note = f"rang {NOTE_WORDS[0]} on {NOTE_WORDS[1]}"
    closed = cli("close", "1", "--reason", "answered elsewhere (phone, in person)",
                 "--note", note)
    assert closed[0] == 0, closed
    desk = Desk(load_config(config), tmp_path / "cli.db", actor="ann")   # the dashboard's way
    desk.close_item(2, "passed to 101 / 999", note)
    item = desk.item_detail(2) or {}              # the officer still reads the note there
    shown = Text()
    shown.append_text(detail_history(item, desk.config.team.zone))
    assert f"closed (passed to 101 / 999: {note})" in shown.plain
    desk.close()
    payloads = " ".join(p for (p,) in sqlite3.connect(tmp_path / "cli.db").execute(
        "select payload from audit_log"))
    assert not any(word in payloads for word in NOTE_WORDS)
    with time_machine.travel(utc_now() + timedelta(days=400)):
        purged = cli("purge")
    assert purged[0] == 0, purged
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("cli.db*"))
    for word in NOTE_WORDS:
        assert word.encode() not in raw, word
    assert cli("audit", "verify")[0] == 0


def test_listening_never_caches_a_vector_for_an_item_purged_meanwhile(team_desk: Desk) -> None:
    """Listening embeds items outside a transaction, then caches the vectors: an item purged
    in between got its vector (derived from its words) written back after the purge had
    removed it. Now a purged item's vector is never stored."""
    from datetime import timedelta

    import numpy as np

    from socialdesk.core.models import utc_now
    from socialdesk.core.store.listening import save_vectors

    ids = list(team_desk.seeded)    # type: ignore[attr-defined]
    supervisor = Desk(team_desk.config, team_desk.db_path, actor="sian")
    assert supervisor.purge(now=utc_now() + timedelta(days=400)).items == len(ids)
    save_vectors(team_desk.store, ids, np.ones((len(ids), 4), np.float32), "test")
    assert team_desk.store.conn.execute("select count(*) from item_embeddings").fetchone() \
        == (0,)
    supervisor.close()


def test_an_account_that_may_not_run_the_jobs_never_takes_their_lease(tmp_path, capsys,
                                                                        monkeypatch) -> None:
    """`socialdesk sync` (and the dashboard's jobs) by a read-only account took the jobs' lease
    before the role check refused the sync — and the snooze and retention turns, which run on
    after a stop, kept renewing it: a read-only dashboard left open kept the team's worker
    from syncing. Now such an account is told once and never touches the lease."""
    from socialdesk.core.desk.jobs import BackgroundJobs
    from tests.conftest import in_process_cli, os_account
    from tests.functional.test_trust import team_config

    config = team_config(tmp_path, "team.toml", {"sioned": "supervisor"})
    Desk(load_config(config), tmp_path / "cli.db", actor="sioned").close()
    cli = in_process_cli(tmp_path, config, capsys, monkeypatch)

    def leases() -> list[tuple[str, ...]]:
        return sqlite3.connect(tmp_path / "cli.db").execute("select * from leases").fetchall()

    code, _out, err = cli("sync")
    assert code == 1 and f"{os_account()} has read-only access" in err
    assert leases() == []
    stopped: list[object] = []
    jobs = BackgroundJobs(Desk(load_config(config), tmp_path / "cli.db"),
                          listener=stopped.append)       # the dashboard's jobs, turn by turn
    for turn in (jobs.run_sync, jobs.run_snoozes, jobs.run_purge, jobs.run_alerts,
                 jobs.run_snoozes):
        turn()
    assert leases() == [] and len(stopped) == 1 and "read-only" in str(stopped[0])


async def test_the_palette_offers_no_screenshot_of_peoples_words(team_desk: Desk) -> None:
    """Textual's palette offered "Screenshot": an SVG of the inbox (people's messages) saved
    in the account's downloads folder, 0660 under the desk's umask, outside the private data
    dir and never purged. It is no longer offered."""
    from tests.ui_helpers import make_app, settle

    app = make_app(team_desk)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Quit" in titles
        assert "Screenshot" not in titles


def test_a_purge_leaves_no_words_in_what_came_since(tmp_path, capsys, monkeypatch) -> None:
    """The raw-bytes check of issue 19 covered synced items only. Every place the features
    since keep people's words — notes and @mention notices, handover notes, snooze and close
    notes, safeguarding markers, person links, answers, the referral file in exports/ — is
    empty a year later: none of the words in the DB or WAL bytes, no file left in exports/."""
    from datetime import timedelta

    import time_machine

    from socialdesk.core.models import utc_now
    from tests.conftest import in_process_cli, os_account
    from tests.functional.test_trust import team_config

    config = team_config(tmp_path, "sup.toml", {os_account(): "supervisor", "ann": "officer"})
    cli = in_process_cli(tmp_path, config, capsys, monkeypatch,
                         [("Quixby-Marlowe stole my bike from the shed", "Quixby Marlowe"),
                          ("the van is back outside", "Quixby Marlowe"),
                          ("someone at the door", "Pennyroyal Vance")])
    with sqlite3.connect(tmp_path / "cli.db") as conn:     # as a sync would store them
        conn.execute("update items set author_id = 'p' || (700 + id), source = 'graph', "
                     "platform_id = 'm_' || id")
    steps = [("note", "1", "Quixby-Marlowe rang again @ann"),
             ("handover", "write", "watch Quixby-Marlowe at number 12"),
             ("snooze", "2", "tomorrow", "--note", "call Quixby-Marlowe back"),
             ("marker", "set", "1", "--kind", "repeat victim", "--reason",
              "Quixby-Marlowe is targeted weekly", "--review", "2027-06-01"),
             ("person", "link", "1", "3"),
             ("refer", "1", "--to", "anglesey-asb", "--with-author"),
             ("close", "3", "--reason", "answered elsewhere (phone, in person)", "--note",
              "rang Quixby-Marlowe")]
    for step in steps:
        done = cli(*step)
        assert done[0] == 0, (step, done)
    exports = tmp_path / "data" / "exports"
    assert any("Quixby-Marlowe" in p.read_text(encoding="utf-8") for p in exports.iterdir())
    with time_machine.travel(utc_now() + timedelta(days=400)):
        purged = cli("purge")
    assert purged[0] == 0, purged
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("cli.db*"))
    for word in (b"Quixby", b"Marlowe", b"quixby", b"Pennyroyal"):
        assert word not in raw, word
    assert list(exports.iterdir()) == []
    assert cli("audit", "verify")[0] == 0


def test_an_export_never_replaces_a_file(run_cli, tmp_path) -> None:
    """`socialdesk timeline --item 1 --out <the team's database>` overwrote the database with
    the HTML (and said the export was recorded — in the database it had just destroyed); a
    --csv naming a link wrote through it. In service mode an officer could so overwrite the
    database, its anchors or the service's config with the service account's rights. Now an
    export never replaces a file nor follows a link: one sentence, nothing changed."""
    from tests.conftest import assert_one_sentence, os_account
    from tests.functional.test_trust import team_config

    env = {"SOCIALDESK_CONFIG": str(team_config(tmp_path, "sup.toml",
                                                {os_account(): "supervisor"}))}
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "my bike was stolen", "kind": "message"}\n', encoding="utf-8")
    assert run_cli("import", str(source), env=env).code == 0
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        conn.execute("update items set category = 'report'")
    database = tmp_path / "cli.db"
    refused = run_cli("timeline", "--item", "1", "--out", str(database), env=env)
    assert refused.code == 1 and "already exists; an export never replaces a file" in \
        refused.err
    assert_one_sentence(refused.err)
    assert database.read_bytes()[:16] == b"SQLite format 3\x00"
    with sqlite3.connect(database) as conn:
        assert conn.execute("select text from items").fetchall() == [("my bike was stolen",)]
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (tmp_path / "link.csv").symlink_to(victim)
    linked = run_cli("report", "--csv", str(tmp_path / "link.csv"), env=env)
    assert linked.code == 1 and "never replaces a file" in linked.err
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert run_cli("audit", "verify", env=env).code == 0
    fresh = run_cli("timeline", "--item", "1", "--out", str(tmp_path / "t.html"), env=env)
    assert fresh.code == 0 and (tmp_path / "t.html").stat().st_mode & 0o777 == 0o600


def test_a_template_or_handover_is_never_read_from_the_token_file(run_cli, tmp_path) -> None:
    """`socialdesk replies add --file <the page token file>` (supervisors) and `handover write
    --file <it>` (any officer) stored the token as a template's or a note's text, shown to
    every member — and in service mode the service account reads that file for whoever runs
    the command. Refused in one sentence, through a link too; the token is in no byte of the
    database."""
    from tests.conftest import assert_one_sentence, os_account
    from tests.functional.test_trust import ODD_TOKEN, team_config

    token_file = tmp_path / "page-token"
    token_file.write_text(ODD_TOKEN + "\n", encoding="utf-8")
    token_file.chmod(0o600)
    (tmp_path / "notes.txt").symlink_to(token_file)
    env = {"SOCIALDESK_CONFIG": str(team_config(
        tmp_path, "sup.toml", {os_account(): "supervisor"},
        f'token_file = ""=>token_file = "{token_file}"'))}
    assert run_cli("init", env=env).code == 0
    for given in (token_file, tmp_path / "notes.txt"):
        refused = run_cli("replies", "add", "--key", "k", "--topic", "scam", "--lang", "en",
                          "--title", "T", "--file", str(given), env=env)
        assert refused.code == 1 and "is the page token file" in refused.err, refused
        assert_one_sentence(refused.err)
        assert ODD_TOKEN not in refused.out + refused.err
        handover = run_cli("handover", "write", "--file", str(given), env=env)
        assert handover.code == 1 and "is the page token file" in handover.err, handover
        assert ODD_TOKEN not in handover.out + handover.err
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("cli.db*"))
    assert ODD_TOKEN.encode() not in raw


def test_a_read_only_account_never_trains_the_model(run_cli, tmp_path) -> None:
    """On a desk with no model yet, `socialdesk classify TEXT` (and `eval`, `listening`, a
    dashboard) by an account that is not a member trained one — from the officers'
    corrections, into the data dir, the job `socialdesk train` keeps for members. Now it says
    so in one sentence and writes nothing."""
    from tests.conftest import assert_one_sentence, os_account
    from tests.functional.test_trust import team_config

    config = team_config(tmp_path, "team.toml", {"sioned": "supervisor"})
    Desk(load_config(config), tmp_path / "cli.db", actor="sioned").close()
    env = {"SOCIALDESK_CONFIG": str(config)}
    refused = run_cli("classify", "my bike was stolen", env=env)
    assert refused.code == 1 and f"{os_account()} has read-only access" in refused.err and \
        "train the model" in refused.err, refused
    assert_one_sentence(refused.err)
    assert not (tmp_path / "data" / "models").exists()
