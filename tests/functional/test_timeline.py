"""Evidence timelines from the command line and the dashboard's E key, on real database files."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from socialdesk.config import load_config
from socialdesk.core.desk import Desk
from socialdesk.core.models import utc_now
from socialdesk.ui.dialogs.choice import ChoiceDialog
from socialdesk.ui.screens.inbox import InboxScreen
from socialdesk.ui.widgets.inbox_table import InboxTable
from tests.conftest import assert_one_sentence, in_process_cli, os_account
from tests.ui_helpers import make_app, settle


@pytest.fixture
def cli(tmp_path: Path, team_config_file: Path, capsys, monkeypatch):
    """Run `socialdesk ARGS` in this process as the OS account (an officer); (code, out, err)."""
    db = tmp_path / "cli.db"
    run = in_process_cli(tmp_path, team_config_file, capsys, monkeypatch, [
        ("people dealing from the flat above the chip shop & <b>shouting</b>", "Dave"),
        ("my bike was taken from outside the Spar", "Elin Wyn"),
        ("the flat above the chip shop again, 3am", "Dave")])
    desk = Desk(load_config(team_config_file), db, actor=os_account())
    with desk.store.write():
        desk.store.conn.execute("update items set category = 'report'")
    desk.close()
    run.desk = lambda actor: Desk(load_config(team_config_file), db, actor=actor)  # type: ignore[attr-defined]
    return run


def test_timeline_of_items_written_where_asked(cli, tmp_path: Path) -> None:
    out_file = tmp_path / "case" / "number12.html"
    out_file.parent.mkdir()
    code, out, err = cli("timeline", "--items", "1, 3", "--title", "Flat above the chip shop",
                         "--out", str(out_file))
    assert code == 0, err
    assert out.strip() == (f"wrote the timeline (names left out) to {out_file}; the export is "
                           "recorded in the audit log")
    page = out_file.read_text(encoding="utf-8")
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    assert "Flat above the chip shop" in page and "Person A" in page and "Dave" not in page
    assert "&amp; &lt;b&gt;shouting&lt;/b&gt;" in page and "bike" not in page
    code, out, err = cli("timeline", "--author-of", "3")
    assert code == 0, err
    written = Path(out.split(" to ")[1].split(";")[0])
    assert written.parent == tmp_path / "data" / "exports"
    assert "the person who wrote item 3" in written.read_text(encoding="utf-8")
    me = cli.desk(os_account())
    logged = [json.loads(p) for (p,) in me.store.conn.execute(
        "select payload from audit_log where action = 'timeline_export' order by id")]
    assert [(entry["items"], entry["names"]) for entry in logged] == [(2, False), (2, False)]


@pytest.mark.parametrize(("args", "says"), [
    (("--person", "nobody-known"), "There are no items for one person"),
    (("--place", "Nowhere-at-all"), "is not a place socialdesk knows"),
    (("--items", "1", "--names"), "Only a supervisor can export an evidence timeline with "
                                  "names"),
    (("--items", "1,x"), "--items takes item numbers separated by commas"),
    (("--items", "9"), "There is no item 9."),
    (("--author-of", "9"), "There is no item '9'."),
])
def test_timeline_mistakes_are_one_sentence(cli, args: tuple[str, ...], says: str) -> None:
    code, out, err = cli("timeline", *args)
    assert code == 1 and out == ""
    assert_one_sentence(err)
    assert says in err


async def test_the_e_key_exports_the_authors_timeline(team_desk: Desk, tmp_path: Path,
                                                      monkeypatch) -> None:
    monkeypatch.setenv("SOCIALDESK_DATA_DIR", str(tmp_path / "data"))
    first = team_desk.seeded[0]
    with team_desk.store.write():   # the urgent one's author wrote the 2nd item too
        author = team_desk.store.conn.execute("select author_id from items where id = ?",
                                              (first,)).fetchone()[0]
        team_desk.store.conn.execute("update items set author_id = ? where id = ?",
                                     (author, team_desk.seeded[1]))
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one(InboxTable)
        table.set_cursor(table.ids.index(first))
        await settle(pilot, app)
        await pilot.press("E")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        assert dialog.title_text == f"Evidence timeline of #{first}'s author: with names?"
        await pilot.press("down", "enter")   # with names: ann is an officer
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)
        said = [n.message for n in app._notifications]
        assert any("Only a supervisor can export an evidence timeline with names" in s
                   for s in said), said
        await pilot.press("E")
        await settle(pilot, app)
        await pilot.press("enter")           # names left out
        await settle(pilot, app)
        said = [n.message for n in app._notifications]
        exports = list((tmp_path / "data" / "exports").glob("timeline-*.html"))
        assert len(exports) == 1
        assert (f"Timeline of the person who wrote #{first} (names left out) written to "
                f"{exports[0]}") in said
        page = exports[0].read_text(encoding="utf-8")
        assert f'id="item-{first}"' in page and f'id="item-{team_desk.seeded[1]}"' in page
        assert "Gareth Hughes" not in page and "Elin Wyn" not in page


def test_person_and_place_use_the_selectors_once_the_desk_has_them(cli, monkeypatch,
                                                                   tmp_path: Path) -> None:
    """The people and places helpers' selectors are wired at merge: the command calls them
    as soon as the desk has them (stand-ins here return a person's and a place's items)."""
    asked: list[str] = []

    def person_items(self: Desk, author_id: str) -> list[dict]:
        asked.append(author_id)
        return [{"id": 3}, {"id": 1}]

    monkeypatch.setattr(Desk, "person_items", person_items, raising=False)
    monkeypatch.setattr(Desk, "place_items", lambda self, place: [{"id": 2}], raising=False)
    code, _out, err = cli("timeline", "--person", "psid-4471", "--out", str(tmp_path / "p.html"))
    assert code == 0, err
    page = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert asked == ["psid-4471"] and 'id="item-1"' in page and 'id="item-3"' in page
    assert "psid-4471" not in page and "one person" in page   # no id in a file without names
    code, _out, err = cli("timeline", "--place", "Stryd Fawr", "--out", str(tmp_path / "q.html"))
    assert code == 0, err
    page = (tmp_path / "q.html").read_text(encoding="utf-8")
    assert "place: Stryd Fawr" in page and 'id="item-2"' in page and "bike" in page
