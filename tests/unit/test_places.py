"""The gazetteer (prompts/places.toml) and place extraction: English and Welsh names, mutated
forms, misspellings, words that are only sometimes places, streets several towns have; and
the scorer of bench/places_eval.py on a tiny set of our own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import places_eval
from socialdesk.core.places import (
    find_place_id,
    item_places,
    load_gazetteer,
    place_label,
    place_names,
    places_in,
)
from socialdesk.core.places.entries import KINDS
from socialdesk.core.places.fuzzy import edit_distance, fuzzy_word
from socialdesk.core.places.vocabulary import FUZZY_STOP
from socialdesk.core.store.items import fts_query

EXTRACTION = [
    # English names, and the longest name first
    ("Car broken into on the front at Holyhead last night", ["holyhead"]),
    ("Traffic backed up on the Britannia Bridge again", ["britannia-bridge"]),
    ("Menai Suspension Bridge closed to lorries", ["menai-suspension-bridge"]),
    ("kids on bikes in Menai Bridge and then in Beaumaris", ["menai-bridge", "beaumaris"]),
    ("RAF Valley jets low over Rhosneigr", ["raf-valley", "rhosneigr"]),
    ("stuck at the Bodorgan level crossing for 20 min", ["bodorgan-crossing"]),
    ("fly tipping at the Llanddwyn car park", ["llanddwyn-car-park"]),
    ("someone selling vapes outside Ysgol David Hughes", ["ysgol-david-hughes"]),
    ("crash on the A55 near Gaerwen", ["a55", "gaerwen"]),
    ("lorry broke down on the A5025 past Amlwch", ["a5025", "amlwch"]),
    # Welsh names and their mutated forms
    ("Mae rhywun yn gwerthu cyffuriau ym Mhorthaethwy", ["menai-bridge"]),
    ("galwad sgam yng Nghaergybi bore 'ma", ["holyhead"]),
    ("ar y ffordd i Gaergybi", ["holyhead"]),
    ("car wedi ei ddwyn o Fiwmares", ["beaumaris"]),
    ("beiciau modur ar draeth Niwbwrch", ["llanddwyn-beach"]),
    ("beiciau modur yn Niwbwrch", ["newborough"]),
    ("damwain yn y Fali ac wedyn i'r Fali eto", ["valley"]),
    ("mae'r ysgol ym Menllech ar gau", ["benllech"]),
    ("plant ar Bont Britannia", ["britannia-bridge"]),
    ("sbwriel ar Ynys Lawd", ["south-stack"]),
    ("ceir yn goryrru ger Ysgol Uwchradd Caergybi", ["ysgol-uwchradd-caergybi"]),
    # misspellings, case and accents
    ("my van was keyed in Holly head", ["holyhead"]),
    ("lights out all over LLANGEFINI tonight", ["llangefni"]),
    ("speeding through Porth Aethwy", ["menai-bridge"]),
    ("rubbish dumped at Oriel Mon", ["oriel-mon"]),
    ("break-ins at Ty Croes and Tŷ Croes crossing", ["ty-croes", "ty-croes-crossing"]),
    # names that are ordinary words, and places off the island
    ("the valley was flooded", []),
    ("you are a star, thank you", []),
    ("fire at Star last night", ["star"]),
    ("in Valley again tonight", ["valley"]),
    ("a bull got out on the road", []),
    ("Bull Bay is full of campers", ["bull-bay"]),
    ("on the train from Bangor to Holyhead", ["holyhead"]),
    ("o Fangor i Langefni", ["llangefni"]),
    ("Happy birthday to my nan, love you loads", []),
    ("Diolch i bawb ym Môn ac ar Ynys Môn yng Nghaergybi", ["holyhead"]),  # not the island
    ("open from Mon to Fri", []),
    ("mae'r drws yn y borth", []),
    ("siopa yn y Borth heddiw", ["menai-bridge"]),
]


@pytest.mark.parametrize(("text", "expected"), EXTRACTION)
def test_places_are_found_by_any_name(text: str, expected: list[str]) -> None:
    assert places_in(text) == expected


def test_a_street_several_towns_have_needs_its_town_named() -> None:
    assert places_in("car doors tried on High Street, Llangefni") == \
        ["high-street-llangefni", "llangefni"]
    assert places_in("car doors tried on Stryd Fawr") == ["high-street-town-unknown"]
    assert place_label("high-street-town-unknown") == \
        "Stryd Fawr (tref anhysbys) / High Street (town unknown)"
    # the town named in the post the comment sits under is enough
    assert item_places("anyone else see this on the High Street?",
                       "Police in Menai Bridge this evening") == \
        [("high-street-menai-bridge", "text"), ("menai-bridge", "post")]
    # a street only one town has needs nothing more
    assert places_in("fight outside a pub on Market Street") == ["market-street-holyhead"]


def test_an_item_gets_the_places_of_its_text_and_its_post() -> None:
    assert item_places("Saw this too in Amlwch", "Thefts from vans in Llangefni") == \
        [("amlwch", "text"), ("llangefni", "post")]
    assert item_places("", None) == []


def test_the_gazetteer_is_whole_and_consistent() -> None:
    gaz = load_gazetteer()
    towns = {"holyhead", "llangefni", "amlwch", "menai-bridge", "beaumaris", "benllech",
             "valley", "rhosneigr", "cemaes", "llanfairpwll", "newborough", "llanddwyn",
             "trearddur-bay", "four-mile-bridge", "church-bay", "red-wharf-bay", "bull-bay"}
    assert towns <= set(gaz.places)
    for place in gaz.places.values():
        assert place.kind in KINDS
        assert place.town is None or place.town in gaz.places, place.id
        if place.kind == "street":
            assert place.town or place.id.endswith("town-unknown")
    kinds = {p.kind for p in gaz.places.values()}
    assert {"street", "road", "beach", "car_park", "school", "level_crossing",
            "landmark"} <= kinds
    assert gaz.entry("bangor") is not None and gaz.places["bangor"].kind == "outside"


def test_search_aliases_still_join_welsh_and_english_names() -> None:
    names = {name for place in place_names() for name in place}
    assert ("caergybi",) in names and ("holyhead",) in names
    query = fts_query("Caergybi")
    assert "holyhead" in query and "caergybi" in query
    assert ("high", "street") not in names   # a street is no alias of another town's


def test_a_place_typed_by_any_name_is_found() -> None:
    assert find_place_id("holyhead") == "holyhead"
    assert find_place_id("caergybi") == "holyhead"
    assert find_place_id("menai-bridge") == "menai-bridge"
    assert find_place_id("porthaethwy") == "menai-bridge"
    assert find_place_id("nowhere") is None


GOLD = [
    {"id": "a", "text": "Lladrad ym Mhorthaethwy neithiwr", "post": None, "language": "cy",
     "places": [{"mention": "ym Mhorthaethwy", "place": "Menai Bridge / Porthaethwy"}]},
    {"id": "b", "text": "Car stolen in Holly head, then seen in Caergybi again",
     "post": None, "language": "en",
     "places": [{"mention": "Holly head", "place": "Holyhead"},
                {"mention": "Caergybi", "place": "Holyhead / Caergybi"}]},
    {"id": "c", "text": "Quads on the beach at Benllech and in Atlantis", "post": None,
     "language": "en",
     "places": [{"mention": "Benllech", "place": "Benllech"},
                {"mention": "Atlantis", "place": "Atlantis"}]},
    {"id": "d", "text": "You're a star, and so is Moelfre", "post": "Thanks from Amlwch",
     "language": "mixed", "places": [{"mention": "Moelfre", "place": "Moelfre"}]},
]


def test_the_scorer_counts_matches_misses_and_false_hits(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in GOLD), encoding="utf-8")
    score = places_eval.score_lines(places_eval.read_set(path))
    # a: right (mutated mention); b: one place named twice counts once; c: Benllech right,
    # Atlantis missed; d: Moelfre right, Amlwch from the post a false hit
    assert (score.overall.true, score.overall.missed, score.overall.false) == (4, 1, 1)
    assert (score.welsh.true, score.welsh.missed, score.welsh.false) == (2, 0, 1)
    assert (score.english.true, score.english.missed, score.english.false) == (2, 1, 0)
    assert score.overall.precision == pytest.approx(4 / 5)
    assert score.overall.recall == pytest.approx(4 / 5)
    assert [m["mention"] for m in score.misses] == ["Atlantis"]
    assert [(f["id"], f["place"]) for f in score.false_hits] == [("d", "amlwch")]
    text_only = places_eval.score_lines(places_eval.read_set(path), text_only=True)
    assert text_only.overall.false == 0


def test_the_scorer_matches_a_gold_place_by_its_place_or_mention() -> None:
    keys = places_eval.entry_keys()
    assert keys["menai-bridge"] & places_eval.gold_keys(
        {"mention": "ym Mhorthaethwy", "place": "Porthaethwy"})
    assert keys["valley"] & places_eval.gold_keys({"mention": "i'r Fali", "place": ""})
    assert keys["high-street-llangefni"] & places_eval.gold_keys(
        {"mention": "the high street", "place": "High Street, Llangefni"})
    assert not keys["holyhead"] & places_eval.gold_keys(
        {"mention": "Bangor", "place": "Bangor"})


def test_the_scorer_command_line_prints_json(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in GOLD), encoding="utf-8")
    assert places_eval.main([str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["overall"]["precision"] == 0.8 and result["cy"]["items"] == 2


# ── recall: more of the island's streets, schools, beaches, car parks and landmarks, and
# misspellings within an edit ────────────────────────────────────────────────────────────

COVERAGE = [
    # streets and squares of the towns, English and Welsh
    ("shoplifting on Boston Street again", ["boston-street-holyhead"]),
    ("ceir yn rasio ar Sgwâr Bulkeley", ["bulkeley-square-llangefni"]),
    ("youths gathering in Dinorben Square", ["dinorben-square-amlwch"]),
    ("parcio ar Stryd Wexham", ["wexham-street-beaumaris"]),
    ("speeding down Telford Road", ["telford-road-menai-bridge"]),
    ("cars racing along the Holyhead road", ["holyhead"]),   # the road to Holyhead
    ("smashed window on Queen Street, Amlwch", ["queen-street-amlwch", "amlwch"]),
    ("bins set alight in Maeshyfryd", ["maeshyfryd"]),
    # schools, hospitals, estates, landmarks, roads
    ("ceir yn goryrru tu allan i Ysgol Gynradd Biwmares", ["ysgol-gynradd-beaumaris"]),
    ("vapes sold near Pentraeth Primary School", ["ysgol-gynradd-pentraeth"]),
    ("taken to Cefni Hospital last night", ["ysbyty-cefni"]),
    ("van broken into at Bryn Cefni Industrial Estate", ["bryn-cefni-industrial-estate"]),
    ("divers off Point Lynas", ["point-lynas"]),
    ("tractor shed its load on the B5110", ["b5110"]),
    ("bad parking at Pili Palas", ["pili-palas"]),
    ("jet skis off Traeth Lleiniog", ["traeth-lleiniog"]),
    # "car park" next to a known place: its car park, else the place
    ("fly tipping in the Benllech beach car park", ["benllech-car-park"]),
    ("cars broken into in Cemaes car park", ["cemaes-car-park"]),
    ("ceir wedi eu difrodi ym maes parcio Traeth Niwbwrch", ["llanddwyn-car-park"]),
    ("ceir wedi eu difrodi ym maes parcio Niwbwrch", ["newborough"]),
    ("vans parked overnight in the car park at Red Wharf Bay", ["red-wharf-bay"]),  # which?
    ("Moelfre car park full of campervans", ["moelfre-car-park"]),
    ("walking on Llanddwyn island, car park at Newborough", ["llanddwyn", "newborough"]),
    # misspelt: one edit (two in a long word), mutated too
    ("bikes on the pavement in Amlwck", ["amlwch"]),
    ("lladrad yng Nghaergybu neithiwr", ["holyhead"]),
    ("drag racing in Rhosnegir", ["rhosneigr"]),
    ("scam calls round llanfairpwl", ["llanfairpwll"]),
    ("dogs off the lead at trearddyr", ["trearddur-bay"]),
    ("quad bikes in the dunes at Newborugh", ["newborough"]),
    ("someone knocking doors in Benlech", ["benllech"]),
    ("car stolen from Rhosnieger", ["rhosneigr"]),
    ("fire at Beaumris castle", ["beaumaris-castle"]),
    ("mae rhywun yn dwyn o siopau Llangenfi", ["llangefni"]),
    # one name written as two words, and two as one
    ("car keyed in Caer gybi", ["holyhead"]),
    ("someone trying doors in Ben llech", ["benllech"]),
    ("traffic on Menaibridge high street", ["menai-bridge", "high-street-menai-bridge"]),
    ("mae o ar ben Mynydd Twr", ["holyhead-mountain"]),
    # a later word of a name one edit off
    ("lorry stuck on Menai Brigde", ["menai-bridge"]),
    ("graffiti on Beaumaris Castel", ["beaumaris-castle"]),
    ("sbwriel ar Draeth Lligwi", ["lligwy-beach"]),    # not "ben mynydd", Penmynydd
]


@pytest.mark.parametrize(("text", "expected"), COVERAGE)
def test_more_places_are_found(text: str, expected: list[str]) -> None:
    assert places_in(text) == expected


FALSE_FRIENDS = [
    "you're a star", "the valley floor", "a bull in the field", "print it on A5 paper",
    "walking up the valley", "a lovely garden", "moving to Bangor", "drove to Bangorr",
    "yng Nghaernarfon heddiw", "in the penman's hand", "gallwch chi helpu? allwch chi?",
    "a holiday in Wales", "the angles of the angler", "single bangers", "our neighbour",
    "Ysbyty Gwynedd tonight", "a sandy beach", "Holyheads", "a new borough council",
    "the pen on the table", "Trusted Trader schemes", "dewch heibio'r stad yn amlach",
    "ar ynysmon.llyw.cymru", "the Menai Bridges",
]


@pytest.mark.parametrize("text", FALSE_FRIENDS)
def test_words_near_a_place_are_not_places(text: str) -> None:
    found = places_in(text)
    assert found == [] or (text == "Holyheads" and found == ["holyhead"])


def test_the_misspelling_rule_is_one_edit_two_for_long_words_and_guarded() -> None:
    gaz = load_gazetteer()
    assert edit_distance("amlwck", "amlwch") == 1
    assert edit_distance("trearddyr", "trearddur") == 1
    assert edit_distance("rhosnegir", "rhosneigr") == 1      # two letters swapped
    assert fuzzy_word("amlwck", gaz) == "amlwch"
    assert fuzzy_word("moelf", gaz) is None                  # five letters: too short
    assert fuzzy_word("amlwxy", gaz) is None                 # two edits in a short word
    assert fuzzy_word("llangrstolus", gaz) == "llangristiolus"  # two edits in a long word
    assert fuzzy_word("amlwchxy", gaz) is None               # two edits in a short word
    for word in FUZZY_STOP:                                  # the stop list holds
        assert fuzzy_word(word, gaz) is None, word
    assert "allwch" in FUZZY_STOP                            # Welsh "(g)allwch", not Amlwch
    # strict names and streets are never reached by a misspelling
    assert places_in("lights out in Valey") == []
    assert places_in("cars on Stanly Street") == []
    # a misspelling of a place off the island stays off it
    assert places_in("on the train from Bangr to Holyhead") == ["holyhead"]


def test_new_entries_follow_the_schema() -> None:
    gaz = load_gazetteer()
    kinds: dict[str, int] = {}
    for place in gaz.places.values():
        kinds[place.kind] = kinds.get(place.kind, 0) + 1
    assert kinds["street"] >= 25 and kinds["school"] >= 35 and kinds["beach"] >= 25
    assert gaz.car_parks["benllech"] == "benllech-car-park"
    assert gaz.car_parks["llanddwyn-beach"] == "llanddwyn-car-park"
    assert "holyhead" not in gaz.car_parks       # no "Holyhead car park": the town
    assert places_in("Holyhead car park") == ["holyhead"]
    # no name runs across a comma
    assert places_in("Mwg o'r tŷ, Maes yr Ysgol, Pentraeth") == ["pentraeth"]
    assert places_in("outside Ysgol Pentraeth") == ["ysgol-gynradd-pentraeth"]
    # a road's number before a word for paper is a size of paper; the road otherwise
    assert places_in("taflenni A5 papur") == []
    assert places_in("crash on the A5 at Gwalchmai") == ["a5", "gwalchmai"]


def test_a_huge_word_costs_nothing() -> None:
    """A hostile import may hold a 'word' of thousands of letters: its misspelling search
    must not build O(n²) deletion keys (it took 24 GB and the OOM killer once)."""
    import resource
    import time

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    varied = "".join(chr(97 + (i * 7 + i // 26) % 26) for i in range(3000))   # no repeats
    assert places_in(varied + " Caergybu " + varied.upper()) == ["holyhead"]
    assert time.perf_counter() - start < 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB


# ── second pass (issue 23): coverage of the whole island, names that are people's, forms
# the matcher missed. Every case below fails on the gazetteer and matcher before it. ────

MORE_COVERAGE = [
    # villages and hamlets of every community, chapel-named ones as places only
    ("lladrad yn Llanddeusant neithiwr", ["llanddeusant"]),
    ("sheep out on the road at Llandyfrydog", ["llandyfrydog"]),
    ("went to Carmel yesterday and the road was awful", ["carmel"]),
    ("roedd y capel yn Nebo yn llawn", ["nebo"]),
    ("crash at the Holland Arms junction", ["holland-arms"]),
    # beaches, car parks, schools, roads, stations, police stations, landmarks
    ("quad bikes ripping up Traeth Llydan again", ["traeth-llydan"]),
    ("campervans at Cemlyn Bay overnight", ["cemlyn-bay"]),
    ("dog off the lead at Borthwen, bit a child", ["borthwen"]),
    ("lost dog near Penmon Point car park", ["penmon-point-car-park"]),
    ("vapes being sold outside Bryngwran primary", ["ysgol-gynradd-bryngwran"]),
    ("rhieni yn parcio ar y zig zags tu allan i Ysgol Caergeiliog",
     ["ysgol-gynradd-caergeiliog"]),
    ("the B4545 through Trearddur is a racetrack", ["b4545", "trearddur-bay"]),
    ("handed it in at Holyhead police station", ["holyhead-police-station"]),
    ("lorries queuing for the Port of Holyhead", ["holyhead-port"]),
    ("meet me at Holyhead train station", ["holyhead-station"]),
    ("e-bikes flying down Lon Las Cefni", ["lon-las-cefni"]),
    ("RAF Mona open day traffic", ["raf-mona"]),
    ("noise from Anglesey Circuit all weekend", ["trac-mon"]),
    # names people use for landmarks and towns
    ("traffic crawling over the Britannia this morning", ["britannia-bridge"]),
    ("my nan still shops in the Borth every Friday", ["menai-bridge"]),
    ("is there a station in Menai or only Llangefni?", ["menai-bridge", "llangefni"]),
    ("kids jumping off the breakwater again", ["holyhead-breakwater"]),
    ("mae'r tonnau dros y Cob yn y Fali", ["stanley-embankment", "valley"]),
    ("cars racing outside Holyhead High every afternoon", ["ysgol-uwchradd-caergybi"]),
    ("jet ski nearly hit a swimmer in the Straits", ["menai-strait"]),
    ("speed camera van parked up in the fali again", ["valley"]),     # English "the" + Welsh
    ("queues all the way through the borth", ["menai-bridge"]),
    # forms: a shortened street word, a misspelt town heading a longer name, lower case
    ("car parked on the pavement on Stanley St again", ["stanley-street-holyhead"]),
    ("speeding on london rd every night", ["london-road-town-unknown"]),
    ("Beaumauris castle staff were brilliant", ["beaumaris-castle"]),
    ("queues at Holyhed port all morning", ["holyhead-port"]),
    ("got stopped in valley again last night smh", ["valley"]),
    ("speed van at star again", ["star"]),
    ("from menai to bangor in 5 mins lol", ["menai-bridge"]),
    ("campervans in the car park at Benllech every night", ["benllech"]),  # which one?
]


@pytest.mark.parametrize(("text", "expected"), MORE_COVERAGE)
def test_the_whole_island_is_covered(text: str, expected: list[str]) -> None:
    assert places_in(text) == expected


NOT_PLACES_HERE = [
    # people and pets named like places
    "Our kitten Gwalchmai has gone missing, black and white, please share",
    "Can someone ask Rhys Benllech to move his van off the pavement",
    "Dai Llanfair is selling tarmac door to door again",
    "Huw Llangoed on the community council sorted it",
    "Nain Llanfairpwll had a scam call today",
    "Star Trek was on when I heard the bang",
    "Valley Girl is my favourite film",
    # the island itself, streets that are ordinary words, places off the island
    "Anglesey police are ten times better than Merseyside",
    "high street banks all closing means old folk get scammed online",
    "Stryd Fawr Bangor wedi cau heddiw",
    "Llanfair Caereinion show was great this year",
    "Ysgol Brynrefail pupils did a litter pick",
    "I listen to Talwrn y Beirdd every week",
]


@pytest.mark.parametrize("text", NOT_PLACES_HERE)
def test_people_pets_and_ordinary_words_are_not_places(text: str) -> None:
    assert places_in(text) == []


def test_a_name_that_is_also_a_given_name_needs_a_place_word_before_it() -> None:
    # "Menai" alone is Menai Bridge only as a place ("in Menai"), never as a person
    assert places_in("Menai said she saw two lads trying car doors") == []
    assert places_in("Menai Jones did a great job at the fete") == []
    assert places_in("Carmel and I were walking the dog") == []
    assert places_in("Seiriol's mum reported it") == []
    assert places_in("Elim Pentecostal church are running a food bank") == []
    assert places_in("In Star Wars the valley was huge") == []
    assert places_in("moved to Menai last year") == ["menai-bridge"]
    # a lower-case strict name counts only from a writer who capitalises nothing
    assert places_in("Got stopped in valley by Dave") == []
    assert places_in("walking up the valley with the dogs") == []
    assert places_in("hoping to soar above the rest lol") == []
    # a Welsh name with its article is mutated bare too
    assert places_in("Ma' nhw'n cwyno yng Ngaerwen") == ["gaerwen"]
    assert places_in("Fireworks going off late in Beaumaris") == ["beaumaris"]
    # the island is still found when typed (search, filters), though items are not tagged
    assert find_place_id("Ynys Môn") == "anglesey"
    assert places_in("Diolch Ynys Môn!") == []
    # a street made of ordinary words is a street once its town is named
    assert places_in("the high street in Llangefni is dead") == \
        ["high-street-llangefni", "llangefni"]
    assert places_in("Beach Road in Menai Bridge flooded again") == \
        ["beach-road-menai-bridge", "menai-bridge"]
    assert places_in("the beach road at Benllech is full of potholes") == ["benllech"]


LONGEST_AND_NEAREST = [
    # a name beginning with "the" gives way to a longer one right after it
    ("lads on the breakwater, then a gorse fire above the Breakwater Country Park",
     ["holyhead-breakwater", "breakwater-country-park"]),
    # a longer name whose last word begins a street gives way to the street
    ("Holyhead High pupils on stolen bikes on Holyhead High Street",
     ["ysgol-uwchradd-caergybi", "holyhead", "high-street-town-unknown"]),
    # a street of a place off the island is not the island's
    ("shop window smashed on High Street, Bangor", []),
    # a street named after someone, then its town, is no person's byname
    ("door kicked in on Ffordd Tudur Llangefni", ["ffordd-tudur-llangefni", "llangefni"]),
    # a business named after a strict place keeps the place
    ("drunk driver just left the Valley Hotel", ["valley"]),
    ("karaoke at the Star Inn till late", ["star"]),
    # "X school" is the village's one school; the show is at the showground
    ("kids fighting outside Llangoed school", ["ysgol-gynradd-llangoed"]),
    ("lost my phone at the Anglesey Show", ["anglesey-showground"]),
    ("hanner y pentref yn Sioe Môn heddiw", ["anglesey-showground"]),
    # words run together in a hashtag
    ("#TrearddurBay #RhosneigrBeach #HolyheadPort", ["trearddur-bay", "rhosneigr-beach",
                                                     "holyhead-port"]),
]


@pytest.mark.parametrize(("text", "expected"), LONGEST_AND_NEAREST)
def test_the_nearest_reading_of_a_name_wins(text: str, expected: list[str]) -> None:
    assert places_in(text) == expected


def test_a_lost_pet_near_a_place_is_still_at_the_place() -> None:
    assert places_in("Lost dog Holyhead area, please share") == ["holyhead"]
    assert places_in("my dog Cemaes is a rescue") == []
    assert places_in("dog fouling on the Belgian Prom again") == ["belgian-promenade"]


WORDS_AROUND_A_NAME = [
    # a village's name then a street word with a capital is a street named after it, seldom
    # in the village
    ("doors knocked on Llangefni Road in Pentraeth last night", ["pentraeth"]),
    ("Benllech Road is a race track after dark", []),
    ("Ucheldre Avenue again, the same van", []),
    # a pet after its name, a given name that is a place's name with an endearment, a
    # neighbour, or thanks
    ("Bodedern the cat has gone missing again", []),
    ("Menai bach ni wedi pasio ei phrawf gyrru", []),
    ("Carmel from next door says the van was back", []),
    ("Thanks to Carmel for the lift home", []),
    ("Diolch i Elim am y blodau", []),
    # a street several towns have, right before another town: not the one town's street
    ("fight outside the chippy on Market Street Amlwch", ["amlwch"]),
]


@pytest.mark.parametrize(("text", "expected"), WORDS_AROUND_A_NAME)
def test_the_words_around_a_name_say_whether_it_is_the_place(text: str,
                                                             expected: list[str]) -> None:
    assert places_in(text) == expected


OTHER_WRITTEN_FORMS = [
    # an English name with "the", after a Welsh article
    ("plant yn chwarae yn y Dingle heno", ["nant-y-pandy"]),
    ("mynd am dro i'r Dingle", ["nant-y-pandy"]),
    # a Welsh street word for another ("Lôn" for "Ffordd"), not in a name many villages have
    ("ceir yn goryrru ar Lôn Cadnant", ["cadnant-road-menai-bridge"]),
    # an English name of two words mutated in Welsh, a mountain shortened
    ("Dwi'n mynd i Gable Bay fory", ["cable-bay"]),
    ("tân ar Parys mtn eto", ["parys-mountain"]),
    # a station's crossing; a name several landmarks share, with its town named or not
    ("gates down at Valley station crossing again", ["valley-crossing"]),
    ("kids jumping off the slipway by the lifeboat station in Beaumaris",
     ["beaumaris-lifeboat-station", "beaumaris"]),
]


@pytest.mark.parametrize(("text", "expected"), OTHER_WRITTEN_FORMS)
def test_other_written_forms_of_a_name_are_found(text: str, expected: list[str]) -> None:
    assert places_in(text) == expected


MORE_PLACES = [
    ("car boot sale in Mona on Sunday", ["mona"]),
    ("lladrad o sied yn Nhrefor", ["trefor"]),
    ("sheep loose near Presaddfed", ["presaddfed"]),
    ("a van living at the Lligwy burial chamber layby", ["lligwy-burial-chamber"]),
    ("trailer blocking the slipway at Cemaes harbour", ["cemaes-harbour"]),
    ("window smashed in the Newry beach carpark", ["newry-beach-car-park"]),
    ("dog left in a car in the Plas Arthur car park", ["plas-arthur-car-park"]),
    ("cars broken into in Malltraeth car park", ["malltraeth-car-park"]),
    ("sand all over the Cemaes beach car park", ["cemaes-car-park"]),
    ("lights out at the Britannia roundabout", ["britannia-roundabout"]),
    ("queue back from the Sea Zoo turning", ["sea-zoo"]),
    ("Breakwater getting battered, people still on it", ["holyhead-breakwater"]),
]


@pytest.mark.parametrize(("text", "expected"), MORE_PLACES)
def test_more_places_are_in_the_gazetteer(text: str, expected: list[str]) -> None:
    assert places_in(text) == expected


def test_the_new_readings_leave_what_they_should_alone() -> None:
    """Guards on the readings above (these passed before them too): a street named after a
    part of a town is in it; thanks to the people of a place; a longer name after "'r"; a
    name several landmarks share, with no town; a given name that is a village, first."""
    assert places_in("window smashed on Llanfawr Road") == ["llanfawr-holyhead"]
    assert places_in("thanks to everyone in Carmel who turned out") == ["carmel"]
    assert places_in("Ma'r Breakwater Park yn llawn") == ["breakwater-country-park"]
    assert places_in("the lifeboat station is open on Sunday") == []
    assert places_in("Mona said the shop was shut") == []
    assert places_in("ar Ffordd y Felin eto") != ["lon-y-felin-town-unknown"]
    assert places_in("Congratulations to Valley on the tidy village award") == ["valley"]


def test_search_and_replies_leave_given_names_and_shared_names() -> None:
    """"menai" (a given name too) is no search alias of Porthaethwy; "Lifeboat Station", a
    name four stations share, is no alias and no place a reply names."""
    from socialdesk.core.places import gazetteer

    aliases = {name for place in place_names() for name in place}
    assert ("menai",) not in aliases and ("menai", "bridge") in aliases
    assert ("lifeboat", "station") not in aliases
    assert not [p for p in gazetteer() if ("lifeboat", "station") in p.names]


FACILITIES = [
    # the car park or school of a place the gazetteer lists none for is a place of its own
    ("window smashed in the Llys Rhosyr car park", ["llys-rhosyr-car-park"]),
    ("ceir wedi eu difrodi ym maes parcio Traeth Crigyll", ["rhosneigr-beach-car-park"]),
    ("cars racing past Ysgol Rhoscolyn", ["ysgol-rhoscolyn"]),
    ("kids fighting outside Rhoscolyn school", ["ysgol-rhoscolyn"]),
    # a place with a car park listed keeps "X school" for its school
    ("stickers at Cemaes school", ["ysgol-gynradd-cemaes"]),
]


@pytest.mark.parametrize(("text", "expected"), FACILITIES)
def test_a_car_park_or_school_named_after_a_place_is_its_own(text: str,
                                                             expected: list[str]) -> None:
    assert places_in(text) == expected
    for place_id in expected:
        assert " / " in place_label(place_id) or place_label(place_id) != place_id
