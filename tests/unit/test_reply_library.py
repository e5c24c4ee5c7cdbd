"""The reply library: Welsh mutations after prepositions, the templates in prompts/, filling
placeholders, and the desk's rules (supervisors edit, every version in the audit chain)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from socialdesk.core import welsh
from socialdesk.core.audit import chain
from socialdesk.core.desk import Desk
from socialdesk.core.desk.access import AccessDenied
from socialdesk.core.places import gazetteer
from socialdesk.core.triage import reply_library as library
from socialdesk.core.triage.reply_library import Fill, check_text, find_place, render
from socialdesk.errors import UserError
from tests.ui_helpers import members_config

# ── mutations ────────────────────────────────────────────────────────────────────────────

AFTER = [
    # nasal after "yn" (and yn → ym / yng)
    ("yn", "Llangefni", "yn Llangefni"),
    ("yn", "Bangor", "ym Mangor"),
    ("yn", "Caergybi", "yng Nghaergybi"),
    ("yn", "Porthaethwy", "ym Mhorthaethwy"),
    ("yn", "Biwmares", "ym Miwmares"),
    ("yn", "Talwrn", "yn Nhalwrn"),
    ("yn", "Traeth Coch", "yn Nhraeth Coch"),
    ("yn", "Gwalchmai", "yng Ngwalchmai"),
    ("yn", "Dwyran", "yn Nwyran"),
    ("yn", "Moelfre", "ym Moelfre"),
    ("yn", "Niwbwrch", "yn Niwbwrch"),
    ("yn", "Rhosneigr", "yn Rhosneigr"),
    ("yn", "Amlwch", "yn Amlwch"),
    ("yn", "Ynys Môn", "yn Ynys Môn"),
    ("yn", "Bae Trearddur", "ym Mae Trearddur"),
    ("yn", "Pont Britannia", "ym Mhont Britannia"),
    ("ym", "Bangor", "ym Mangor"),
    # soft after i, o, am, ar, at, dros, drwy, wrth, dan, heb, gan
    ("i", "Caergybi", "i Gaergybi"),
    ("o", "Bangor", "o Fangor"),
    ("i", "Porthaethwy", "i Borthaethwy"),
    ("i", "Llangefni", "i Langefni"),
    ("o", "Rhosneigr", "o Rosneigr"),
    ("i", "Gwalchmai", "i Walchmai"),
    ("o", "Dwyran", "o Ddwyran"),
    ("i", "Moelfre", "i Foelfre"),
    ("dros", "Pont Britannia", "dros Bont Britannia"),
    ("ar", "Traeth Coch", "ar Draeth Coch"),
    ("wrth", "Biwmares", "wrth Fiwmares"),
    ("i", "Llannerch-y-medd", "i Lannerch-y-medd"),
    ("o", "Amlwch", "o Amlwch"),
    ("i", "Ynys Môn", "i Ynys Môn"),
    # aspirate after a, gyda, tua (and a → ac, gyda → gydag before a vowel)
    ("a", "Caergybi", "a Chaergybi"),
    ("gyda", "Porthaethwy", "gyda Phorthaethwy"),
    ("tua", "Talwrn", "tua Thalwrn"),
    ("a", "Bangor", "a Bangor"),
    ("a", "Amlwch", "ac Amlwch"),
    ("gyda", "Amlwch", "gydag Amlwch"),
    # a place named with the article keeps it and does not mutate
    ("yn", "Y Fali", "yn y Fali"),
    ("i", "Y Fali", "i'r Fali"),
    ("o", "Y Gaerwen", "o'r Gaerwen"),
    ("ar", "Y Fali", "ar y Fali"),
]


@pytest.mark.parametrize(("preposition", "place", "written"), AFTER)
def test_a_place_after_a_preposition_is_mutated_as_welsh_writes_it(
        preposition: str, place: str, written: str) -> None:
    assert welsh.after(preposition, place) == written


@pytest.mark.parametrize(("word", "soft", "nasal", "aspirate"), [
    ("Caergybi", "Gaergybi", "Nghaergybi", "Chaergybi"),
    ("Porthaethwy", "Borthaethwy", "Mhorthaethwy", "Phorthaethwy"),
    ("Talwrn", "Dalwrn", "Nhalwrn", "Thalwrn"),
    ("Bangor", "Fangor", "Mangor", "Bangor"),
    ("Dulas", "Ddulas", "Nulas", "Dulas"),
    ("Gaerwen", "Aerwen", "Ngaerwen", "Gaerwen"),
    ("Moelfre", "Foelfre", "Moelfre", "Moelfre"),
    ("Llangefni", "Langefni", "Llangefni", "Llangefni"),
    ("Rhosneigr", "Rosneigr", "Rhosneigr", "Rhosneigr"),
    ("Theatr", "Theatr", "Theatr", "Theatr"),      # th is not t: never mutated
    ("Amlwch", "Amlwch", "Amlwch", "Amlwch"),
])
def test_each_mutation_of_a_word(word: str, soft: str, nasal: str, aspirate: str) -> None:
    assert (welsh.soft(word), welsh.nasal(word), welsh.aspirate(word)) == \
        (soft, nasal, aspirate)


def test_a_word_that_is_not_a_mutating_preposition_is_a_bug_not_a_guess() -> None:
    with pytest.raises(ValueError, match="ger"):
        welsh.after("ger", "Bangor")


# ── the templates in prompts/ ────────────────────────────────────────────────────────────

PERSONAL = re.compile(r"\b(address|phone number|date of birth|your number|send us what|"
                      r"cyfeiriad|rhif ffôn|dyddiad geni|anfonwch y rhif|anfon beth)\b", re.I)


def test_the_bundled_library_is_bilingual_with_several_templates_per_topic() -> None:
    lib = library.load_library()
    assert len(lib.topics) >= 12
    keys: dict[str, set[str]] = {}
    for seed in lib.seeds:
        keys.setdefault(seed["key"], set()).add(seed["language"])
    assert all(languages == {"en", "cy"} for languages in keys.values())
    per_topic = {topic: {s["key"] for s in lib.seeds if s["topic"] == topic}
                 for topic in lib.topics}
    assert all(len(found) >= 2 for found in per_topic.values()), per_topic
    texts = " ".join(s["text"] for s in lib.seeds)
    for needed in ("northwales.police.uk", "heddlugogleddcymru.police.uk", "0800 555 111",
                   "101", "999", "{ref}", "{yn_place}", "{place}", "{officer}"):
        assert needed in texts


def test_public_templates_never_ask_for_personal_details() -> None:
    public = [s for s in library.load_library().seeds if s["public"]]
    assert len(public) >= 10
    for seed in public:
        assert not PERSONAL.search(seed["text"]), (seed["key"], seed["language"])
    private = [s for s in library.load_library().seeds if not s["public"]]
    assert any(PERSONAL.search(s["text"]) for s in private)  # the pattern does catch them


@pytest.mark.parametrize(("text", "language", "says"), [
    ("Helo {nme}", "cy", "{nme} is not a placeholder"),
    ("Hi {name}, see you {yn_place}", "en", "{yn_place} is for Welsh texts"),
    ("Helo {name}, swyddogion yn {place}", "cy", "write {yn_place} instead of 'yn {place}'"),
    ("Diolch, rydyn ni'n mynd i {place}", "cy", "write {i_place}"),
    ("Hi {name:>10}", "en", "without ':' or '!'"),
    ("Hi {name", "en", "is not closed"),
    ("   ", "en", "the text is empty"),
])
def test_a_bad_template_is_one_sentence(text: str, language: str, says: str) -> None:
    with pytest.raises(UserError, match=re.escape(says)):
        check_text(text, language, "Template 1")


def test_a_bad_prompts_file_names_the_file_and_the_template(tmp_path: Path) -> None:
    (tmp_path / "reply_library.toml").write_text(
        '[topics]\nscam = { en = "Scams", cy = "Sgamiau" }\n[[reply]]\nkey = "scam-x"\n'
        'topic = "scam"\ntitle_en = "x"\ntitle_cy = "x"\nen = "Hi {nam}"\ncy = "Helo"\n',
        encoding="utf-8")
    with pytest.raises(UserError) as caught:
        library.load_library(tmp_path)
    assert str(tmp_path / "reply_library.toml") in str(caught.value)
    assert "'scam-x'" in str(caught.value) and "{nam}" in str(caught.value)


# ── filling ──────────────────────────────────────────────────────────────────────────────


def test_places_are_found_in_any_name_and_mutated_form() -> None:
    assert find_place("dw i'n byw ym Mhorthaethwy").cy == "Porthaethwy"
    assert find_place("galwad sgam yng Nghaergybi").en == "Holyhead"
    assert find_place("someone in Menai Bridge").cy == "Porthaethwy"
    assert find_place("ar y ffordd o Fangor").cy == "Bangor"
    assert find_place("yn y Fali neithiwr").cy == "Y Fali"
    assert find_place("a scam call, nowhere named") is None
    assert {p.cy for p in gazetteer()} >= {"Llangefni", "Caergybi", "Y Gaerwen"}


def test_rendering_fills_each_language_and_leaves_visible_gaps() -> None:
    holyhead = find_place("Caergybi")
    fill = Fill(name="Elin", place=holyhead, ref=None, team="Tîm Môn", officer="gethin")
    text = "Helo {name}, {yn_place}, {i_place}, {o_place}: {ref}. {officer}, {team}"
    assert render(text, "cy", fill) == ("Helo Elin, yng Nghaergybi, i Gaergybi, o Gaergybi: "
                                        "[cyfeirnod]. gethin, Tîm Môn")
    assert render("Hi {name}, officers in {place}: {ref}", "en", fill) == \
        "Hi Elin, officers in Holyhead: [ref]"
    empty = Fill()
    assert render("Helo {name}, swyddogion {yn_place}", "cy", empty) == \
        "Helo chi, swyddogion yn [lle]"
    assert render("Hi {name}, in {place} ({ref})", "en", Fill(ref="RC26-1")) == \
        "Hi there, in [place] (RC26-1)"
    assert library.gaps_left("yn [lle] gyda [cyfeirnod]") == ["[cyfeirnod]", "[lle]"]
    assert library.gaps_left("Hi there") == []


def test_every_bundled_template_renders_without_a_stray_brace() -> None:
    fill = Fill(name="Nia", place=find_place("Biwmares"), ref="RC1", team="T", officer="o")
    for seed in library.load_library().seeds:
        out = render(seed["text"], seed["language"], fill)
        assert "{" not in out and "}" not in out and "[" not in out, seed["key"]


# ── the desk ─────────────────────────────────────────────────────────────────────────────


def desk_as(tmp_path: Path, config, actor: str) -> Desk:
    return Desk(members_config(config), tmp_path / "lib.db", actor=actor)


def test_the_library_is_seeded_once_each_template_in_the_audit_chain(tmp_path, config) -> None:
    desk = desk_as(tmp_path, config, "ann")
    templates = desk.library.templates()
    seeds = library.load_library().seeds
    assert len(templates) == len(seeds) and all(t.version == 1 for t in templates)
    assert {(t.key, t.language) for t in templates} == {(s["key"], s["language"])
                                                       for s in seeds}
    rows = desk.store.conn.execute(
        "select subject, payload from audit_log where action = 'reply_template_seeded'"
    ).fetchall()
    assert len(rows) == len(seeds)
    first = json.loads(rows[0][1])
    assert first["text"] and first["version"] == 1
    again = desk_as(tmp_path, config, "bryn")
    assert len(again.library.templates()) == len(seeds)
    assert desk.store.conn.execute(
        "select count(*) from audit_log where action = 'reply_template_seeded'"
    ).fetchone()[0] == len(seeds)
    assert chain.verify(desk.store, []).ok


def test_an_officer_cannot_change_the_library(tmp_path, config) -> None:
    desk = desk_as(tmp_path, config, "ann")
    template = desk.library.templates()[0]
    refusal = "Only a supervisor can edit the reply library; ann is an officer."
    for attempt in (lambda: desk.library.edit(template.id, text="Hi {name}"),
                    lambda: desk.library.retire(template.id),
                    lambda: desk.library.add("x-y", "scam", "en", "t", "Hi {name}")):
        with pytest.raises(AccessDenied, match=re.escape(refusal)):
            attempt()
    assert desk.library.template(template.id).version == 1


def test_each_saved_version_is_in_the_audit_chain_with_its_full_text(tmp_path, config) -> None:
    desk = desk_as(tmp_path, config, "sian")
    template = next(t for t in desk.library.templates() if t.key == "thanks-short"
                    and t.language == "cy")
    second = desk.library.edit(template.id, text="Diolch o galon {name}! — {team}")
    third = desk.library.edit(template.id, title="Diolch o galon", expected_version=2)
    assert (second.version, third.version) == (2, 3) and third.updated_by == "sian"
    versions = desk.library.history(template.id)
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert [v["action"] for v in versions] == ["reply_template_seeded",
                                               "reply_template_saved", "reply_template_saved"]
    assert versions[0]["text"] == template.text
    assert versions[1]["text"] == versions[2]["text"] == "Diolch o galon {name}! — {team}"
    assert versions[2]["title"] == "Diolch o galon" and versions[2]["changed"] == ["title"]
    with pytest.raises(UserError, match="sian saved version 3"):
        desk.library.edit(template.id, text="Diolch {name}", expected_version=2)
    with pytest.raises(UserError, match="Nothing changed"):
        desk.library.edit(template.id, title="Diolch o galon")
    with pytest.raises(UserError, match=re.escape("{enw} is not a placeholder")):
        desk.library.edit(template.id, text="Diolch {enw}")
    assert desk.library.template(template.id).version == 3
    assert chain.verify(desk.store, []).ok


def test_add_retire_and_restore(tmp_path, config) -> None:
    desk = desk_as(tmp_path, config, "sian")
    added = desk.library.add("scam-parcel", "scam", "cy", "Sgam parsel",
                             "Helo {name}, sgam parsel ydy hwn; peidiwch â thalu.", public=True)
    assert added.version == 1 and added.public
    with pytest.raises(UserError, match="already has a cy text"):
        desk.library.add("scam-parcel", "scam", "cy", "x", "Helo {name}")
    with pytest.raises(UserError, match="'parcels' is not a topic"):
        desk.library.add("parcel-x", "parcels", "en", "x", "Hi {name}")
    assert added.id in {t.id for t in desk.library.search("parsel", "cy", public=True)}
    desk.library.retire(added.id)
    assert added.id not in {t.id for t in desk.library.search("parsel", "cy")}
    assert desk.library.template(added.id).retired
    desk.library.retire(added.id, retired=False)
    assert added.id in {t.id for t in desk.library.search("parsel", "cy")}
    actions = [v["action"] for v in desk.library.history(added.id)]
    assert actions == ["reply_template_added", "reply_template_retired",
                       "reply_template_restored"]


def test_public_replies_are_offered_only_public_templates(tmp_path, config) -> None:
    desk = desk_as(tmp_path, config, "ann")
    item = {"text": "Diolch am eich help", "language": "cy", "author_name": "Nia Parry"}
    public = desk.library.choices(item, public=True)
    private = desk.library.choices(item, public=False)
    assert public.templates and all(t.public for t in public.templates)
    assert len(private.templates) > len(public.templates)
    assert all(t.language == "cy" for t in public.search("diolch")[:3])


def test_a_mixed_item_gets_both_languages_welsh_first(tmp_path, config) -> None:
    desk = desk_as(tmp_path, config, "ann")
    item = {"text": "Quads on the beach at Benllech eto, dw i wedi cael llond bol",
            "language": "mixed", "author_name": "Tom Jones"}
    choices = desk.library.choices(item, public=False)
    assert len({t.key for t in choices.templates}) == len(choices.templates)
    asb = next(t for t in choices.templates if t.key == "asb-patrols")
    text = choices.filled[asb.id]
    assert text.index("Helo Tom") < text.index("Hi Tom")
    assert "ym Menllech" in text and "patrol in Benllech" in text


def test_a_changed_prompts_file_adds_new_templates_but_never_overwrites_the_database(
        tmp_path, config, monkeypatch) -> None:
    desk = desk_as(tmp_path, config, "sian")
    courier = next(t for t in desk.library.templates()
                   if t.key == "scam-courier" and t.language == "en")
    desk.library.edit(courier.id, text="Hi {name}, our own words about couriers.")
    bundled = library.load_library().path.read_text(encoding="utf-8")
    folder = tmp_path / "prompts"
    folder.mkdir()
    (folder / "reply_library.toml").write_text(
        bundled.replace("will NEVER ring you", "will never ring you") +
        '\n[[reply]]\nkey = "scam-parcel"\ntopic = "scam"\npublic = true\n'
        'title_en = "Parcel fee texts"\ntitle_cy = "Negeseuon ffi parsel"\n'
        'en = "Hi {name}, that parcel text is a scam."\n'
        'cy = "Helo {name}, sgam ydy\'r neges am y parsel."\n', encoding="utf-8")
    changed = library.load_library(folder)
    monkeypatch.setattr(library, "load_library", lambda: changed)
    later = desk_as(tmp_path, config, "bryn")
    templates = {(t.key, t.language): t for t in later.library.templates()}
    assert templates[("scam-parcel", "cy")].version == 1
    assert templates[("scam-courier", "en")].text == "Hi {name}, our own words about couriers."
    assert templates[("scam-courier", "en")].version == 2
    added = desk.store.conn.execute(
        "select count(*) from audit_log where action = 'reply_template_seeded' and "
        "subject like 'reply:scam-parcel:%'").fetchone()[0]
    assert added == 2
