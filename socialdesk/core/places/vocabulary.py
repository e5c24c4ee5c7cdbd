"""The words around a name that say whether it is a place there ("in Valley", "Mr Valley",
"Valley Hotel", "Llangoed school"): word lists only, read by the gazetteer and the matcher.
"""

from __future__ import annotations

import re

#: Words after which a strict name ("Valley", "Star") counts as a place.
PLACE_PREPOSITIONS = frozenset({
    "in", "at", "to", "from", "near", "nr", "around", "round", "through", "past", "outside",
    "into", "towards", "toward", "via", "by", "between", "and", "yn", "ym", "yng", "i", "o",
    "ger", "r", "y", "ac", "a", "drwy", "trwy", "heibio", "on", "onto", "off", "over",
    "across", "along", "ar", "dros", "rhwng", "wrth", "tua", "tuag", "hyd"})
#: Written right before a place's name, these make it a person's or a pet's ("Mr Valley",
#: "Dai Llanfair", "our kitten Gwalchmai", "a dog called Cybi").
NOT_PLACE_BEFORE = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "cllr", "councillor", "pc", "pcso", "sgt", "insp",
    "rev", "revd", "prof", "yncl", "anti", "called", "named", "enw"})
#: A pet, after "my", "our"... ("our kitten Gwalchmai"; not "lost dog Holyhead area").
PETS = frozenset({"kitten", "cat", "dog", "puppy", "pup", "pony", "horse", "parrot", "budgie",
                  "tortoise", "rabbit", "hamster", "ci", "gi", "cath", "gath"})
POSSESSIVES = frozenset({"my", "our", "your", "his", "her", "their", "fy", "ein", "eich",
                         "ei", "eu", "mums", "nans", "dads"})
#: After a strict name first in a sentence, these make it a person or a chapel ("Menai said").
NOT_PLACE_AFTER = frozenset({
    "said", "says", "told", "tells", "asked", "asks", "rang", "rings", "phoned", "messaged",
    "texted", "wrote", "replied", "thinks", "thought", "reckons", "knows", "saw", "heard",
    "chapel", "church", "capel", "eglwys", "meddai", "ddywedodd", "welodd"})
#: After a strict name, these keep it a place: a business there is named after it ("Valley
#: Hotel", "Star Garage").
BUSINESS_WORDS = frozenset({
    "hotel", "inn", "arms", "garage", "stores", "store", "shop", "surgery", "kennels",
    "motors", "cafe", "chippy", "pharmacy", "post", "school", "primary", "crossing", "station",
    "road", "rd", "street", "st", "lane", "estate", "farm", "hall", "gwesty", "siop", "ysgol",
    "fferm"})
#: Before a given name, these make it part of an address ("Ffordd Tudur", "Stad Glyn").
ADDRESS_WORDS = frozenset({"ffordd", "stryd", "lon", "heol", "maes", "bro", "stad", "ystad",
                           "cae", "rhes", "teras", "street", "road", "lane", "avenue", "st",
                           "rd", "y", "yr", "no", "number", "rhif"})
#: Given names: written with a capital right before a place's name (no comma between), the
#: place is a person's byname ("Dai Llanfair", "Rhys Benllech"), not where something is.
GIVEN_NAMES = frozenset({
    "dai", "dafydd", "dewi", "rhys", "gareth", "gwyn", "glyn", "huw", "hugh", "ifan", "ieuan",
    "emyr", "elfed", "alun", "aled", "gethin", "dylan", "iwan", "owain", "owen", "sion",
    "twm", "wil", "meirion", "meilir", "geraint", "hywel", "ioan", "tomos", "gruffydd",
    "llew", "osian", "cai", "elis", "ellis", "idris", "arwel", "bryn", "cledwyn", "dilwyn",
    "eifion", "emlyn", "gwilym", "islwyn", "ithel", "mabon", "tudur", "wyn", "mared",
    "megan", "nia", "catrin", "ffion", "sian", "bethan", "eleri", "elin", "gwen", "gwenno",
    "heledd", "lowri", "mali", "manon", "mererid", "nerys", "rhian", "rhiannon", "sioned",
    "tegan", "menna", "ceri", "carys", "angharad", "anwen", "buddug", "dilys", "eirlys",
    "glenys", "gwyneth", "mair", "olwen", "nain", "taid", "john", "dave", "david", "steve",
    "mike", "chris", "paul", "gary", "kevin", "ian", "tony", "pete", "peter", "jim", "bob",
    "tom", "sam", "ben", "jack", "harry", "sarah", "sue", "karen", "julie", "lisa", "emma",
    "kate", "jo", "jane", "mary", "ann", "anne", "linda", "helen", "claire", "rachel",
    "laura", "amy", "beth", "liz", "jenny", "alan", "keith", "colin", "brian", "derek",
    "nigel", "wayne", "darren", "lee", "carl", "craig", "dean", "jason", "scott", "ryan",
    "liam", "callum", "tyler", "kyle", "josh", "jamie", "danny", "matt", "andy",
    "nick", "rich", "richard", "robert", "william", "james", "thomas", "george", "edward",
    "charles", "michael", "stephen", "martin", "simon", "phil", "gwynfor", "eurig", "iolo",
    "meinir", "nesta", "morfudd", "siwan", "elen", "ela", "cerys", "gwenllian", "branwen"})
#: Street words written with a capital right after a place's name ("Pentraeth Road", "Cemlyn
#: Road"): a street named after the place, which is seldom in it.
STREET_AFTER = frozenset({"Road", "Rd", "Street", "Lane", "Avenue", "Terrace", "Close",
                          "Drive", "Crescent", "Way", "ROAD", "STREET", "LANE"})
#: Welsh street words one street name may be written with for another ("Lôn Kingsland" for
#: Ffordd Kingsland): a street's name beginning with one is also found with the others.
STREET_SWAPS = ("ffordd", "lon", "heol")
#: Words before "to" / "i" that make a strict name after them a person ("thanks to Menai",
#: "llongyfarchiadau i Menai ac Alaw").
TO_SOMEONE = frozenset({"thanks", "thank", "congratulations", "congrats", "done", "birthday",
                        "diolch", "llongyfarchiadau", "penblwydd", "hapus"})
#: Places' names that are also given names ("Menai", "Carmel"): strict, and a person's after
#: "thanks to", before "bach ni" or "from next door" (not "congratulations to Valley").
GIVEN_PLACE_NAMES = frozenset({"menai", "alaw", "cefni", "trefor", "eilian", "seiriol",
                               "carmel", "mona", "cemlyn", "cybi", "dwynwen", "elim",
                               "bethel", "hermon", "nebo", "soar", "tudno"})
#: Words that follow a name of an endearment ("Cemlyn bach ni": our little Cemlyn).
ENDEARMENTS = frozenset({"bach", "fach"})
#: After a name that is also a given name, these make it a neighbour ("Mona from next door").
NEXT_DOOR = (("from", "next", "door"), ("next", "door"), ("drws", "nesa"), ("drws", "nesaf"),
             ("o", "drws", "nesa"), ("o", "drws", "nesaf"))
#: The words after which a strict name in lower case counts, in a text with no capitals
#: ("in valley"; not "to", as in "to soar").
LOWER_CASE_PREPOSITIONS = frozenset({"in", "at", "near", "nr", "from", "around", "outside",
                                     "past", "through", "thru", "via", "yn", "ger"})
#: A capital letter after a lower-case word (not "I"): the writer capitalises names.
_MID_SENTENCE_CAPITAL = re.compile(r"[a-z0-9,)] +(?!I\b)[A-Z]")
#: Written before a strict name, these make it an ordinary word ("the valley", "a star").
_SENTENCE_END = frozenset(".!?\n:;(")
#: Written between two words, these part them: no name runs across them.
_BREAKS = frozenset(",;:!?()\n")

#: A small letter then a capital inside a word: two words run together ("#MenaiBridge").
_JOINED_WORDS = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")

#: A street name made only of these, written in lower case, may be ordinary words ("high
#: street banks", "the beach road", "the green edge of the field", "y stryd fawr").
ORDINARY_STREET_WORDS = frozenset({
    "high", "street", "st", "road", "rd", "beach", "station", "green", "edge", "stryd",
    "ffordd", "fawr", "y", "yr", "orsaf", "traeth"})

#: Street words and how people shorten them ("Stanley St", "London Rd"), and mountains
#: ("Parys mtn").
STREET_ABBREVIATIONS = {"street": ("st",), "road": ("rd",), "avenue": ("ave", "av"),
                        "square": ("sq",), "terrace": ("tce", "terr"), "lane": ("ln",),
                        "mountain": ("mtn", "mt")}

#: Words after which a road's number is a size of paper ("A5 paper", "taflen A5").
PAPER_WORDS = frozenset({"paper", "papers", "papur", "size", "sized", "sheet", "sheets",
                         "envelope", "envelopes", "leaflet", "leaflets", "flyer", "flyers",
                         "poster", "posters", "notebook", "notepad", "booklet", "card",
                         "print", "printed", "format", "amlen", "maint", "taflen", "taflenni"})
#: The words that say "car park" after a place ("Benllech car park") or before it ("maes
#: parcio Benllech", "car park at Benllech").
CAR_PARK_AFTER = (("car", "park"), ("carpark",), ("car", "parc"))
#: Not "the car park in Benllech" / "maes parcio ym Menllech": which of the place's car
#: parks is not said, so that is the place.
CAR_PARK_BEFORE = (("maes", "parcio"), ("maes", "parcio", "r"), ("car", "park"),
                   ("car", "park", "of"), ("maes", "parcio", "y"))

#: The words after a place that say its school ("Llangoed school", "Llangoed primary").
SCHOOL_AFTER = (("primary", "school"), ("school",), ("primary",))

#: English words that stay words before another ("a new borough", "the old mill").
NOT_JOINED = frozenset({"new", "old", "the", "a", "an", "my", "our", "your", "their",
                        "this", "that", "and", "or", "of", "in", "on", "at", "to"})

#: Ordinary English and Welsh words one or two edits from a place's name: never a place.
FUZZY_STOP = frozenset({
    "allwch", "amlach", "amlwg", "amlwyd", "angler", "anglers", "angles", "banger", "bangers",
    "beaches", "benches", "bentley", "bodlon", "bodoli", "bordering", "borough", "boroughs",
    "bridge", "bridges", "brynhyfryd", "caerau", "caernarfon", "castell", "castle", "conwy",
    "ddwyrain", "dinorwig", "dulais", "dwylo", "dwyrain", "forest", "gaeren", "garden",
    "gardens", "gwynedd", "hamlach", "hanger", "heddiw", "hollyhead", "holyhe", "lemons",
    "llanberis", "llandegai", "llandudno", "llanfair", "llangollen", "llanrwst", "mellech",
    "moelfry", "mynydd", "neithiwr", "newborn", "newborns", "newbury", "nwyrain", "penmaen",
    "penmaenmawr", "penman", "pentre", "pentref", "pentrefi", "pentrefoelas", "rhosyn",
    "school", "schools", "single", "stanley", "station", "street", "streets", "talwrn",
    "talwyn", "tavern", "traeth", "valley", "valleys", "wales", "welsh", "ysgol"})
