"""The dashboard as an officer uses it, driven by Pilot on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from socialdesk.core.desk import Desk
from socialdesk.core.models import utc_now
from socialdesk.ui.dialogs.choice import ChoiceDialog
from socialdesk.ui.dialogs.composer import ComposerDialog
from socialdesk.ui.dialogs.confirm import ConfirmDialog
from socialdesk.ui.screens.inbox import InboxScreen
from socialdesk.ui.widgets.banner import UrgentBanner
from socialdesk.ui.widgets.detail import DetailPane
from socialdesk.ui.widgets.inbox_table import InboxTable
from socialdesk.ui.widgets.sidebar import CHOICES, FilterSidebar
from tests.ui_helpers import SEED, make_app, members_config, seed_items, settle


def other(desk: Desk, actor: str) -> Desk:
    """Another officer's desk on the same DB file."""
    return Desk(desk.config, desk.db_path, actor=actor)


def inbox(app) -> InboxScreen:
    screen = app.screen
    assert isinstance(screen, InboxScreen), screen
    return screen


def table(app) -> InboxTable:
    return inbox(app).query_one(InboxTable)


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def row_of(desk: Desk, item_id: int) -> dict:
    return desk.item_detail(item_id)


async def select(pilot, app, item_id: int) -> None:
    """Put the cursor on an item and wait for its detail."""
    t = table(app)
    t.set_cursor(t.ids.index(item_id))
    await settle(pilot, app)


async def test_urgent_items_are_pinned_with_a_999_banner(team_desk: Desk, dashboard) -> None:
    app, _pilot = dashboard
    ids = table(app).ids
    urgent_id = team_desk.seeded[0]
    assert ids[0] == urgent_id and len(ids) == len(SEED)
    banner = inbox(app).query_one(UrgentBanner)
    assert banner.has_class("-active") and "999" in str(banner.render())
    line = table(app).render_line(0).text
    assert "‼" in line and "Gareth Hughes" in line
    status = app.desk_state
    assert status.urgent_count == 1 and status.open_count == len(SEED)


async def test_rest_is_ordered_by_sla_risk(team_desk: Desk, dashboard) -> None:
    app, _pilot = dashboard
    rows = team_desk.inbox_rows(table(app).ids)
    due = [rows[i]["sla_due_at"] for i in table(app).ids[1:]]
    assert due == sorted(due)


async def test_user_text_is_shown_literally_and_does_nothing(team_desk: Desk, dashboard) -> None:
    hostile = team_desk.seeded[4]
    app, pilot = dashboard
    index = table(app).ids.index(hostile)
    line = table(app).render_line(index).text
    assert "[bold red]x[/] and [@click=app.quit]y[/]" in line
    assert "[link=http://e" in line  # the author column, cut to its width, literally
    await select(pilot, app, hostile)
    detail = inbox(app).query_one(DetailPane)
    body = str(detail.query_one("#detail-body").render())
    assert "[@click=app.quit]y[/]" in body and "[link=http://evil]Mallory[/]" in body
    await pilot.click(DetailPane)
    await pilot.click(InboxTable, offset=(60, index))
    await settle(pilot, app)
    assert app.is_running


async def test_views_and_sidebar_filters_with_counts(team_desk: Desk, dashboard) -> None:
    app, pilot = dashboard
    sidebar = inbox(app).query_one(FilterSidebar)
    assert sidebar.counts.get("language", "cy") == 2
    assert sidebar.counts.get("category", "concern") == 3
    cymraeg = next(i for i, c in enumerate(CHOICES) if c[:2] == ("language", "cy"))
    sidebar.highlighted = cymraeg
    sidebar.action_select()
    await settle(pilot, app)
    assert set(table(app).ids) == {team_desk.seeded[1], team_desk.seeded[3]}
    await pilot.press("!")   # urgent only, on top of Welsh: nothing
    await settle(pilot, app)
    assert table(app).ids == []
    assert "Nothing here" in table(app).render_line(0).text
    await pilot.press("!")
    sidebar.highlighted = cymraeg
    sidebar.action_select()  # toggled off again
    await settle(pilot, app)
    assert len(table(app).ids) == len(SEED)
    kinds = {c[1]: i for i, c in enumerate(CHOICES) if c[0] == "kind"}
    sidebar.highlighted = kinds["comment"]
    sidebar.action_select()
    await settle(pilot, app)
    assert len(table(app).ids) == sum(1 for r in SEED if r[1] == "comment")


async def test_search_as_you_type_finds_welsh_without_accents(team_desk: Desk, dashboard) -> None:
    app, pilot = dashboard
    await pilot.press("slash")
    assert isinstance(app.focused, Input)
    await pilot.press(*"porthaeth")
    await settle(pilot, app)
    assert table(app).ids == [team_desk.seeded[1]]
    await pilot.press("enter")
    assert isinstance(app.focused, InboxTable)
    search = inbox(app).query_one("#search", Input)
    search.value = "benllech"
    await settle(pilot, app)
    assert table(app).ids == [team_desk.seeded[5]]


async def test_claim_then_a_second_officer_is_told_who_has_it(team_desk: Desk) -> None:
    item = team_desk.seeded[2]
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await select(pilot, app, item)
        await pilot.press("c")
        await settle(pilot, app)
        assert row_of(team_desk, item)["assignee"] == "ann"
        assert any("Claimed" in n for n in notes(app))
    bryn = other(team_desk, "bryn")
    app2 = make_app(bryn, clock=utc_now)
    async with app2.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app2)
        await select(pilot, app2, item)
        await pilot.press("c")
        await settle(pilot, app2)
        assert any(f"Item {item} is already claimed by ann." == n for n in notes(app2))
        assert row_of(team_desk, item)["assignee"] == "ann"


async def test_reply_to_welsh_message_uses_welsh_template_and_can_be_undone(
        team_desk: Desk, dashboard) -> None:
    item = team_desk.seeded[1]
    app, pilot = dashboard
    await select(pilot, app, item)
    await pilot.press("r")
    await settle(pilot, app)
    composer = app.screen
    assert isinstance(composer, ComposerDialog) and composer.action_name == "message"
    draft = composer.query_one(TextArea).text
    assert draft.startswith("Helo Elin") and "ffoniwch 999" in draft
    assert "Hi " not in draft
    composer.query_one(TextArea).insert("\nGethin, SCCH")
    await pilot.press("ctrl+s")
    await settle(pilot, app)
    entry = team_desk.store.conn.execute(
        "select action, status, text from outbox where item_id = ?", (item,)).fetchone()
    assert entry[0] == "message" and entry[1] == "queued" and "Gethin, SCCH" in entry[2]
    assert row_of(team_desk, item)["assignee"] == "ann"
    await pilot.press("z")
    await settle(pilot, app)
    status = team_desk.store.conn.execute(
        "select status from outbox where item_id = ?", (item,)).fetchone()[0]
    assert status == "cancelled"
    assert row_of(team_desk, item)["assignee"] is None


async def test_mixed_comment_gets_both_languages_welsh_first_and_private_reply(
        team_desk: Desk, dashboard) -> None:
    item = team_desk.seeded[5]
    app, pilot = dashboard
    await select(pilot, app, item)
    await pilot.press("p")
    await settle(pilot, app)
    draft = app.screen.query_one(TextArea).text
    assert draft.index("Helo Tom") < draft.index("Hi Tom")
    # it is already private: the draft must not ask for a private message (issue 27, item 5)
    assert "private message" not in draft and "neges breifat" not in draft
    await pilot.press("ctrl+s")
    await settle(pilot, app)
    action = team_desk.store.conn.execute(
        "select action from outbox where item_id = ?", (item,)).fetchone()[0]
    assert action == "private_reply"


async def test_escape_cancels_the_composer_and_nothing_is_queued(team_desk: Desk,
                                                                 dashboard) -> None:
    app, pilot = dashboard
    await pilot.press("r")
    await settle(pilot, app)
    await pilot.press("escape")
    await settle(pilot, app)
    assert isinstance(app.screen, InboxScreen)
    assert team_desk.store.conn.execute("select count(*) from outbox").fetchone()[0] == 0


async def test_hide_asks_first_and_undo_shows_the_comment_again(team_desk: Desk,
                                                                dashboard) -> None:
    """h hides only after a yes; z after the hide went out queues an unhide with the right
    words (it said "the answer has already gone"), issue 27 item 2."""
    item = team_desk.seeded[4]
    app, pilot = dashboard

    def actions() -> list[tuple[str, str]]:
        return team_desk.store.conn.execute(
            "select action, status from outbox where item_id = ? order by id",
            (item,)).fetchall()

    await select(pilot, app, item)
    await pilot.press("h")
    await settle(pilot, app)
    assert isinstance(app.screen, ConfirmDialog) and actions() == []
    await pilot.press("n")                      # a slip: nothing happens
    await settle(pilot, app)
    assert isinstance(app.screen, InboxScreen) and actions() == []
    await pilot.press("h")
    await settle(pilot, app)
    await pilot.press("y")
    await settle(pilot, app)
    assert actions() == [("hide", "queued")]
    with team_desk.store.write():               # the sender took it to the page
        team_desk.store.conn.execute("update outbox set status = 'sent' where item_id = ?",
                                     (item,))
    await pilot.press("z")
    await settle(pilot, app)
    assert actions() == [("hide", "sent"), ("unhide", "queued")]
    assert any("will show again on the page" in n for n in notes(app))
    assert not any("already gone" in n for n in notes(app))


async def test_reclassify_is_stored_as_a_correction(team_desk: Desk, dashboard) -> None:
    item = team_desk.seeded[6]
    app, pilot = dashboard
    await select(pilot, app, item)
    await pilot.press("l")
    await settle(pilot, app)
    dialog = app.screen
    assert isinstance(dialog, ChoiceDialog)
    dialog.query_one("OptionList").highlighted = 0   # report
    await pilot.press("enter")
    await settle(pilot, app)
    assert row_of(team_desk, item)["category"] == "report"
    corrections = team_desk.model.corrections()
    assert [(c.text, c.category) for c in corrections] == [(SEED[6][0], "report")]


async def test_close_with_reason_leaves_the_to_do_view_and_undo_brings_it_back(
        team_desk: Desk, dashboard) -> None:
    item = team_desk.seeded[3]
    app, pilot = dashboard
    await select(pilot, app, item)
    await pilot.press("d")
    await settle(pilot, app)
    options = app.screen.query_one("OptionList")
    options.highlighted = 1  # no reply needed
    await pilot.press("enter")
    await settle(pilot, app)
    detail = row_of(team_desk, item)
    assert detail["status"] == "closed" and detail["close_reason"] == "no reply needed"
    assert item not in table(app).ids
    await pilot.press("3")
    await settle(pilot, app)
    assert table(app).ids == [item]
    await pilot.press("z")
    await settle(pilot, app)
    assert row_of(team_desk, item)["status"] == "new"


async def test_undo_is_refused_when_someone_changed_the_item(team_desk: Desk, dashboard) -> None:
    item = team_desk.seeded[2]
    app, pilot = dashboard
    await select(pilot, app, item)
    await pilot.press("c")
    await settle(pilot, app)
    other(team_desk, "sian").assign(item, "bryn")
    await pilot.press("z")
    await settle(pilot, app)
    assert any("has changed since" in n for n in notes(app))
    assert row_of(team_desk, item)["assignee"] == "bryn"


async def test_assign_is_for_supervisors(team_desk: Desk) -> None:
    item = team_desk.seeded[2]
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await select(pilot, app, item)
        await pilot.press("a")
        await settle(pilot, app)
        app.screen.query_one("OptionList").highlighted = 1  # bryn
        await pilot.press("enter")
        await settle(pilot, app)
        assert any(n == "Only a supervisor can assign; ann is an officer." for n in notes(app))
        assert row_of(team_desk, item)["assignee"] is None
    sian = other(team_desk, "sian")
    app2 = make_app(sian, clock=utc_now)
    async with app2.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app2)
        await select(pilot, app2, item)
        await pilot.press("a")
        await settle(pilot, app2)
        app2.screen.query_one("OptionList").highlighted = 1
        await pilot.press("enter")
        await settle(pilot, app2)
        assert row_of(team_desk, item)["assignee"] == "bryn"


async def test_read_only_user_can_look_but_not_act(team_desk: Desk) -> None:
    visitor = other(team_desk, "visitor")
    app = make_app(visitor, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        assert len(table(app).ids) == len(SEED)
        await pilot.press("c")
        await settle(pilot, app)
        assert any("read-only access" in n for n in notes(app))
        assert team_desk.store.conn.execute(
            "select count(*) from items where assignee is not null").fetchone()[0] == 0


async def test_live_items_appear_keeping_the_selection_and_urgent_rings(
        team_desk: Desk, tmp_path: Path) -> None:
    app = make_app(team_desk, clock=utc_now)
    bells: list[int] = []
    async with app.run_test(size=(160, 50)) as pilot:
        app.bell = lambda: bells.append(1)
        await settle(pilot, app)
        chosen = team_desk.seeded[2]
        await select(pilot, app, chosen)
        before = table(app).cursor
        newcomer = other(team_desk, "bryn")
        new_ids = seed_items(newcomer, tmp_path / "more.jsonl", rows=[
            ("Mae dyn yn bygwth fy chwaer efo cyllell rŵan, plis helpwch", "message", "cy",
             "report", 1, "Siôn Owen", 1)], now=utc_now())
        for _ in range(30):
            await pilot.pause(0.1)
            if new_ids[0] in table(app).ids[:2]:
                break
        await settle(pilot, app)
        assert new_ids[0] in table(app).ids[:2]
        assert table(app).selected_id == chosen and table(app).cursor == before + 1
        assert bells and any("new URGENT" in n for n in notes(app))
        # a second and third urgent arrival ring again but do not pile toasts up (issue 27)
        for n, text in enumerate(("Someone collapsed outside the Co-op in Amlwch now",
                                  "Lladrad yn digwydd rŵan yn Llangefni")):
            more = seed_items(newcomer, tmp_path / f"urgent{n}.jsonl", rows=[
                (text, "message", "en", "report", 1, f"Writer {n}", 0)], now=utc_now())
            for _ in range(30):
                await pilot.pause(0.1)
                if more[0] in table(app).ids[:4]:
                    break
            await settle(pilot, app)
        assert len(bells) == 3
        assert sum("new URGENT" in n for n in notes(app)) == 1


async def test_other_officers_claims_show_within_seconds(team_desk: Desk, dashboard) -> None:
    item = team_desk.seeded[6]
    app, pilot = dashboard
    other(team_desk, "bryn").claim(item)
    for _ in range(30):
        await pilot.pause(0.1)
        row = table(app)._rows.get(item) or table(app).row(item)
        if row and row["assignee"] == "bryn":
            break
    assert table(app).row(item)["assignee"] == "bryn"


async def test_keys_can_be_remapped_in_config(team_desk: Desk) -> None:
    desk = Desk(members_config(team_desk.config, claim="ctrl+k"), team_desk.db_path, "ann")
    item = team_desk.seeded[2]
    app = make_app(desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await select(pilot, app, item)
        await pilot.press("c")
        await settle(pilot, app)
        assert row_of(team_desk, item)["assignee"] is None
        await pilot.press("ctrl+k")
        await settle(pilot, app)
        assert row_of(team_desk, item)["assignee"] == "ann"


async def test_command_palette_offers_the_actions(team_desk: Desk, dashboard) -> None:
    item = team_desk.seeded[0]
    app, pilot = dashboard
    await select(pilot, app, item)
    await pilot.press("ctrl+p")
    await pilot.pause(0.2)
    await pilot.press(*"Claim")
    await pilot.pause(0.5)
    await pilot.press("enter")
    await settle(pilot, app)
    assert row_of(team_desk, item)["assignee"] == "ann"


async def test_detail_shows_post_thread_classification_and_history(team_desk: Desk) -> None:
    item = team_desk.seeded[0]
    team_desk.claim(item)
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await select(pilot, app, item)
        body = str(inbox(app).query_one("#detail-body").render())
        assert "URGENT" in body and "999" in body
        assert "report (91% sure)" in body and "language: English" in body
        assert "'right now' + a crime in progress" in body
        assert "Lock your cars tonight" in body
        assert "claimed → ann" in body


async def test_readable_at_80_by_24(team_desk: Desk) -> None:
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert not inbox(app).query_one(FilterSidebar).display
        line = table(app).render_line(0).text
        assert "‼" in line and "report" in line and "Gareth" in line
        await pilot.press("f")
        await settle(pilot, app)
        assert inbox(app).query_one(FilterSidebar).display


def test_core_answer_refuses_an_empty_text(team_desk: Desk) -> None:
    from socialdesk.core.outbox.sender import Action
    from socialdesk.core.triage.actions import ActionRefused

    with pytest.raises(ActionRefused, match="empty"):
        team_desk.answer(team_desk.seeded[1], "   ", Action.MESSAGE)
    assert json.loads(json.dumps(team_desk.outbox_entries())) == []


async def test_two_dashboards_on_one_db_one_claim_wins_and_each_sees_the_other(
        team_desk: Desk) -> None:
    item = team_desk.seeded[6]
    bryn = other(team_desk, "bryn")
    app_a, app_b = make_app(team_desk, clock=utc_now), make_app(bryn, clock=utc_now)
    async with app_a.run_test(size=(160, 50)) as pilot_a, \
            app_b.run_test(size=(160, 50)) as pilot_b:
        await settle(pilot_a, app_a)
        await settle(pilot_b, app_b)
        await select(pilot_a, app_a, item)
        await select(pilot_b, app_b, item)
        await pilot_a.press("c")
        await pilot_b.press("c")
        await settle(pilot_a, app_a)
        await settle(pilot_b, app_b)
        holder = row_of(team_desk, item)["assignee"]
        loser_app = app_b if holder == "ann" else app_a
        assert holder in ("ann", "bryn")
        assert any(n == f"Item {item} is already claimed by {holder}." for n in notes(loser_app))
        claims = team_desk.store.conn.execute(
            "select count(*) from audit_log where action = 'claim' and subject = ?",
            (str(item),)).fetchone()[0]
        assert claims == 1
        # the loser's screen shows the winner within a few seconds, without a key press (the
        # row first, then the detail pane, which its own worker loads after the table)
        loser_table = table(loser_app)

        def detail() -> str:
            return str(inbox(loser_app).query_one("#detail-body").render())

        for _ in range(50):
            await pilot_a.pause(0.1)
            await pilot_b.pause(0.0)
            if (loser_table.row(item) or {}).get("assignee") == holder and \
                    f"with {holder}" in detail():
                break
        assert loser_table.row(item)["assignee"] == holder
        assert f"with {holder}" in detail()


async def test_mine_unassigned_and_next_urgent(team_desk: Desk) -> None:
    mine, theirs = team_desk.seeded[2], team_desk.seeded[5]
    team_desk.claim(mine)
    other(team_desk, "bryn").claim(theirs)
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("m")
        await settle(pilot, app)
        assert table(app).ids == [mine]
        await pilot.press("m")
        sidebar = inbox(app).query_one(FilterSidebar)
        sidebar.highlighted = next(i for i, c in enumerate(CHOICES)
                                   if c[:2] == ("owner", "unassigned"))
        sidebar.action_select()
        await settle(pilot, app)
        assert mine not in table(app).ids and theirs not in table(app).ids
        assert len(table(app).ids) == len(SEED) - 2
        table(app).set_cursor(len(table(app).ids) - 1)
        await pilot.press("u")
        await settle(pilot, app)
        assert table(app).selected_id == team_desk.seeded[0]


async def test_an_urgent_flag_set_by_an_officer_names_the_officer(team_desk: Desk) -> None:
    """Reclassified as urgent by an officer, the detail says who (it said "by the model")."""
    item = team_desk.seeded[2]
    team_desk.reclassify(item, "concern", True)
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await select(pilot, app, item)
        body = str(inbox(app).query_one("#detail-body").render())
        assert "urgent — set by ann" in body and "by the model" not in body


async def test_composer_lists_the_threads_other_open_messages_unticked(team_desk: Desk) -> None:
    """In a conversation the composer shows the person's other open messages; none is
    covered unless ticked, so the urgent one stays in To do (issue 27, item 1)."""
    from textual.widgets import SelectionList

    urgent, question = team_desk.seeded[0], team_desk.seeded[2]
    with team_desk.store.write():
        team_desk.store.conn.execute("update items set thread_id = 't_shared' where id in (?, ?)",
                                     (urgent, question))
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await select(pilot, app, question)
        await pilot.press("r")
        await settle(pilot, app)
        covers = app.screen.query_one("#covers", SelectionList)
        assert covers.option_count == 1 and covers.selected == []
        assert "URGENT" in str(covers.get_option_at_index(0).prompt)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        row = team_desk.store.conn.execute("select covers from outbox where item_id = ?",
                                           (question,)).fetchone()
        assert row == (None,)
        await pilot.press("z")
        await settle(pilot, app)
        await pilot.press("r")
        await settle(pilot, app)
        app.screen.query_one("#covers", SelectionList).select_all()
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        queued = team_desk.store.conn.execute(
            "select covers from outbox where item_id = ? and status = 'queued'",
            (question,)).fetchone()
        assert queued == (f"[{urgent}]",)


async def test_at_80_columns_a_filtered_list_says_it_is_filtered(team_desk: Desk) -> None:
    """The filters hide at 80×24 but still apply: a line names them (issue 27, item 9)."""
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        note = inbox(app).query_one("#filter-note")
        assert not note.display                       # nothing filtered: no line
        await pilot.press("!")                        # urgent only
        await settle(pilot, app)
        assert note.display and "Urgent only" in str(note.render())
        await pilot.press("f")                        # the filters on screen: no line needed
        await settle(pilot, app)
        assert inbox(app).query_one(FilterSidebar).display and not note.display


async def test_close_offers_only_honest_reasons_and_asks_how_it_was_answered_elsewhere(
        team_desk: Desk, dashboard) -> None:
    """'answered' was offered when nothing had been sent (issue 27, item 4)."""
    from socialdesk.ui.dialogs.ask import AskDialog

    item = team_desk.seeded[2]
    app, pilot = dashboard
    await select(pilot, app, item)
    await pilot.press("d")
    await settle(pilot, app)
    offered = [value for value, _label in app.screen.choices]
    assert "answered" not in offered and offered[0].startswith("answered elsewhere")
    app.screen.query_one("OptionList").highlighted = 0
    await pilot.press("enter")
    await settle(pilot, app)
    assert isinstance(app.screen, AskDialog)
    await pilot.press("enter")                    # blank: refused, still asking
    await settle(pilot, app)
    assert isinstance(app.screen, AskDialog) and row_of(team_desk, item)["status"] == "new"
    await pilot.press(*"rang her back", "enter")
    await settle(pilot, app)
    detail = row_of(team_desk, item)
    assert detail["status"] == "closed" and detail["close_note"] == "rang her back"


async def test_urgent_items_arriving_above_the_selection_stay_in_sight(team_desk: Desk,
                                                                       tmp_path: Path) -> None:
    """With the first row selected, new urgent items arriving above it pushed the list down and
    out of sight (seen in the demo): a list seen from its top stays at its top."""
    app = make_app(team_desk, clock=utc_now)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        first_plain = table(app).ids[1]
        await select(pilot, app, first_plain)
        newcomer = other(team_desk, "bryn")
        arrived = seed_items(newcomer, tmp_path / "urgent.jsonl", rows=[
            (f"Man with a knife outside the Spar in Llangefni now ({n})", "message", "en",
             "report", 1, f"Writer {n}", 0) for n in range(3)], now=utc_now())
        for _ in range(30):
            await pilot.pause(0.1)
            if set(arrived) <= set(table(app).ids):
                break
        await settle(pilot, app)
        assert table(app).selected_id == first_plain
        assert int(table(app).scroll_offset.y) == 0
        assert all(table(app).ids.index(i) < 5 for i in arrived)
