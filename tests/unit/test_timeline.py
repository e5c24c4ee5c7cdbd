"""Evidence timelines (issue 23 part 5): what they hold, what they leave out, the HTML file,
who may export one and what the audit chain keeps of it. Real SQLite files."""

from __future__ import annotations

import hashlib
import json
import re
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest

from socialdesk.core.desk import Desk
from socialdesk.core.desk.access import AccessDenied
from socialdesk.core.outbox.sender import Action
from socialdesk.errors import UserError
from tests.ui_helpers import NOW, seed_items

HOSTILE = "<script>alert('x')</script> Fish & Chips <b>shop</b> Gareth Hughes was there"
#: (text, kind, language, category, urgent, author, minutes ago)
ROWS = [
    ("Drug dealing outside 12 Stryd Fawr again tonight", "message", "en", "report", 0,
     "Gareth Hughes", 600),
    ("Diolch yn fawr!", "comment", "cy", "chat", 0, "Gareth Hughes", 500),
    ("Mae 'na fwg canabis o'r tŷ bob nos, 12 Stryd Fawr", "message", "cy", "concern", 0,
     "Elin Wyn", 400),
    (HOSTILE, "comment", "en", "report", 1, "Gareth Hughes", 300),
    ("Cars coming and going all night at number 12", "message", "en", "concern", 0,
     "Dave Roberts", 200),
    ("lol", "comment", "en", "chat", 0, "Nia Parry", 100),
]
AUTHOR_IDS = ["p-gareth", "p-gareth", "p-elin", "p-gareth", "p-dave", "p-nia"]


@pytest.fixture
def seeded(desk: Desk, tmp_path: Path, monkeypatch) -> list[int]:
    """The rows on the desk's DB, the same person (by platform id) writing three of them."""
    monkeypatch.setenv("SOCIALDESK_DATA_DIR", str(tmp_path / "data"))
    ids = seed_items(desk, tmp_path / "seed.jsonl", ROWS, now=NOW)
    with desk.store.write():
        for item_id, author in zip(ids, AUTHOR_IDS, strict=True):
            desk.store.conn.execute("update items set author_id = ? where id = ?",
                                    (author, item_id))
    return ids


def supervisor(desk: Desk) -> Desk:
    return Desk(desk.config, desk.db_path, actor="sioned")


def entries(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<section class="entry" id="item-(\d+)">', page)]


class Structure(HTMLParser):
    """Checks that every element opened is closed in order, and collects attributes."""

    VOID = frozenset({"meta", "br", "link", "img", "hr", "input"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += attrs
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, (tag, self.open)
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(page: str) -> Structure:
    structure = Structure()
    structure.feed(page)
    structure.close()
    assert structure.open == []
    return structure


def test_reports_and_concerns_oldest_first_chat_left_out(desk: Desk, seeded: list[int]) -> None:
    page = desk.timeline(list(reversed(seeded)), "12 Stryd Fawr, Llangefni", names=False)
    assert entries(page) == [seeded[0], seeded[2], seeded[3], seeded[4]]
    assert "4 reports and concerns, oldest first; 2 chat items left out" in page
    assert "Diolch yn fawr!" not in page and ">lol<" not in page
    assert "12 Stryd Fawr, Llangefni" in page
    sections = page.split('<section class="entry"')[1:]
    # the comment shows the post it sits under; the private messages sit under none
    assert ["Under the post" in section for section in sections] == [False, False, True, False]
    assert "Lock your cars tonight" in sections[2]
    assert "Mon 23 Nov 2026 04:00 – Mon 23 Nov 2026 10:40 (Europe/London)" in page


def test_names_left_out_become_stable_pseudonyms(desk: Desk, seeded: list[int]) -> None:
    desk.add_note(seeded[3], "Gareth Hughes rang 101 about it as well; gareth says weekly")
    supervisor(desk).close_item(seeded[0], "passed to 101 / 999", "told Gareth to ring 101")
    page = desk.timeline(seeded, "Number 12: p-gareth", names=False)
    people = re.findall(r"· (Person [A-Z]) ·", page)
    # Gareth wrote the 1st, 3rd (hostile) entries: the same letter; Elin B, Dave C
    assert people == ["Person A", "Person B", "Person A", "Person C"]
    for name in ("Gareth", "gareth", "Hughes", "Elin Wyn", "Dave Roberts", "p-gareth", "p-elin"):
        assert name not in page, name
    assert "Person A rang 101 about it as well; Person A says weekly" in page
    assert "sioned: closed (passed to 101 / 999: told Person A to ring 101)" in page
    assert "Number 12: Person A" in page
    assert "Names, addresses and other details that people typed" in page
    named = supervisor(desk).timeline(seeded, "Number 12", names=True)
    assert "Gareth Hughes" in named and "Person A" not in named
    assert "Elin Wyn" in named and "p-elin" not in named


def test_purged_words_are_withheld(desk: Desk, seeded: list[int]) -> None:
    desk.add_note(seeded[0], "Seen by PCSO on patrol")
    with desk.store.write():
        desk.store.conn.execute("update items set text = '', author_name = null, "
                                "author_id = null, post_text = null, purged_at = ? "
                                "where id in (?, ?)",
                                ("2027-01-01T00:00:00+00:00", seeded[0], seeded[3]))
        desk.store.conn.execute("update item_notes set text = '', purged_at = ? "
                                "where item_id = ?", ("2027-01-01T00:00:00+00:00", seeded[0]))
    page = desk.timeline(seeded, "Number 12", names=False)
    first = page.split(f'id="item-{seeded[0]}"')[1].split("</section>")[0]
    assert first.count("[words withheld]") == 2 and "unknown person" in first
    assert "Drug dealing" not in page and "Seen by PCSO" not in page
    assert "Under the post" not in page   # the purged comment's post is gone with its words


def test_hostile_text_is_escaped_and_the_page_is_self_contained(desk: Desk,
                                                                 seeded: list[int]) -> None:
    for names in (False, True):
        page = supervisor(desk).timeline(seeded, "<img src=x onerror=alert(1)> & co",
                                         names=names)
        structure = parsed(page)   # well-formed: every element closed, in order
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
        assert "Fish &amp; Chips &lt;b&gt;shop&lt;/b&gt;" in page
        assert "&lt;img src=x onerror=alert(1)&gt; &amp; co" in page
        assert "script" not in structure.tags and "img" not in structure.tags
        assert "<script" not in page.lower()
        # nothing is fetched: no src or href at all, no CSS import or url()
        assert not [a for a in structure.attributes if a[0] in ("src", "href")]
        assert "@import" not in page and "url(" not in page and "http" not in page
        # printable: an entry is never split across pages
        assert "break-inside: avoid" in page and "@media print" in page
        assert ("Generated by socialdesk; the audit chain can be verified with "
                "socialdesk audit verify") in "".join(structure.text).replace("\n", " ")
        text = "".join(structure.text)
        assert "<script>alert('x')</script> Fish & Chips <b>shop</b>" in text


def test_actions_answers_and_notes_are_shown(desk: Desk, seeded: list[int]) -> None:
    desk.claim(seeded[0])
    desk.answer(seeded[0], "Thanks: a PCSO will call round & speak to you", Action.MESSAGE)
    desk.add_note(seeded[0], "Third report this month about number 12")
    desk.reclassify(seeded[4], "report", True)
    chief = supervisor(desk)
    chief.assign(seeded[2], "gethin")
    chief.close_item(seeded[2], "passed to 101 / 999", "rang her back")
    page = desk.timeline(seeded, "Number 12", names=False)
    first = page.split(f'id="item-{seeded[0]}"')[1].split("</section>")[0]
    assert "tester: claimed by tester" in first
    assert "message queued" in first
    assert "Thanks: a PCSO will call round &amp; speak to you" in first
    assert "message, queued" in first
    assert "Officers’ notes (internal, never sent to the page)" in first
    assert "tester: <div class=\"text\">Third report this month about number 12" in first
    third = page.split(f'id="item-{seeded[2]}"')[1].split("</section>")[0]
    assert "sioned: assigned to gethin" in third
    assert "sioned: closed (passed to 101 / 999: rang her back)" in third
    last = page.split(f'id="item-{seeded[4]}"')[1].split("</section>")[0]
    assert "reclassified as report, urgent" in last and "URGENT / BRYS" in last
    assert "The team’s actions / <span class=\"cy\" lang=\"cy\">Camau’r tîm</span>" in page


def test_the_header_carries_the_audit_head_and_who_exported(desk: Desk,
                                                            seeded: list[int]) -> None:
    desk.claim(seeded[0])
    rows, head = desk.store.conn.execute(
        "select count(*), (select hash from audit_log order by id desc limit 1) "
        "from audit_log").fetchone()
    page = desk.timeline(seeded, "Number 12", names=False)
    assert f"{rows:,} rows, head <code>{head}</code>" in page
    assert "Exported by / <span class=\"cy\" lang=\"cy\">Allforiwyd gan</span></th><td>tester, " \
        in page
    assert "Evidence timeline / <span class=\"cy\" lang=\"cy\">Llinell amser tystiolaeth" in page


def test_officer_exports_without_names_only(desk: Desk, seeded: list[int]) -> None:
    path = desk.export_timeline(seeded, "Number 12", names=False)
    assert path.parent == Path(desk.db_path).parent / "data" / "exports"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(AccessDenied, match=r"^Only a supervisor can export an evidence "
                       r"timeline with names; tester is an officer\.$"):
        desk.export_timeline(seeded, "Number 12", names=True)
    with pytest.raises(AccessDenied):
        desk.timeline(seeded, "Number 12", names=True)
    stranger = Desk(desk.config, desk.db_path, actor="somebody-else")
    with pytest.raises(AccessDenied, match="read-only"):
        stranger.export_timeline(seeded, "Number 12", names=False)
    named = supervisor(desk).export_timeline(seeded, "Number 12", names=True)
    assert named != path and "Gareth Hughes" in named.read_text(encoding="utf-8")
    assert named.name.endswith("-named.html")


def test_the_export_is_in_the_audit_chain_by_its_hash_never_its_words(
        desk: Desk, seeded: list[int], tmp_path: Path) -> None:
    chief = supervisor(desk)
    path = chief.export_timeline(seeded, "Number 12 (Gareth Hughes)", names=True,
                                 path=tmp_path / "case.html")
    actor, action, subject, payload = desk.store.conn.execute(
        "select actor, action, subject, payload from audit_log order by id desc limit 1"
    ).fetchone()
    assert (actor, action, subject) == ("sioned", "timeline_export", "case.html")
    logged = json.loads(payload)
    assert logged["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert logged["items"] == 4 and logged["names"] is True and logged["chat_left_out"] == 2
    for words in ("Gareth", "Stryd", "Number 12", "Drug"):
        assert words not in payload
    assert chief.verify_audit().ok


def test_nothing_to_show_is_one_sentence(desk: Desk, seeded: list[int]) -> None:
    with pytest.raises(UserError, match=r"^None of the 2 items is a report or a concern"):
        desk.timeline([seeded[1], seeded[5]], "chat", names=False)
    with pytest.raises(UserError, match=r"^There is no item 999\.$"):
        desk.timeline([seeded[0], 999], "x", names=False)
    with pytest.raises(UserError, match="no items"):
        desk.export_timeline([], "x", names=False)
    assert desk.store.conn.execute(
        "select count(*) from audit_log where action = 'timeline_export'").fetchone()[0] == 0


def test_items_of_an_author(desk: Desk, seeded: list[int]) -> None:
    assert desk.items_of_author(seeded[3]) == [seeded[3], seeded[1], seeded[0]]
    with desk.store.write():   # imported items have a name but no platform id
        desk.store.conn.execute("update items set author_id = null")
    assert desk.items_of_author(seeded[2]) == [seeded[2]]
    with desk.store.write():
        desk.store.conn.execute("update items set author_name = null where id = ?",
                                (seeded[4],))
    assert desk.items_of_author(seeded[4]) == []
