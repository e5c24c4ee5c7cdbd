"""Listening's topic model (core/classify/topics.py, topic_names.py) and rules
(core/desk/listening/): the clustering is seeded and finds separated groups, k is chosen by
silhouette, topics are named in both languages, the rising rule and the months of a period."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from socialdesk.core.classify import topic_names, topics
from socialdesk.core.classify.gloss import GLOSS_FILE, load_gloss
from socialdesk.core.desk.listening.findings import RISING_MIN, is_rising, month_labels
from socialdesk.prompts import prompt_file


def blobs(sizes: list[int], seed: int = 3, spread: float = 0.15) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors in len(sizes) separated groups (and their true labels)."""
    rng = np.random.default_rng(seed)
    centres = np.eye(16)[: len(sizes)]
    rows, labels = [], []
    for label, size in enumerate(sizes):
        rows.append(centres[label] + spread * rng.standard_normal((size, 16)))
        labels += [label] * size
    x = np.concatenate(rows)
    order = rng.permutation(len(x))
    x = (x / np.linalg.norm(x, axis=1, keepdims=True))[order]
    return x.astype(np.float32), np.array(labels)[order]


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    pairs = set(zip(a.tolist(), b.tolist(), strict=True))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def test_the_same_seed_gives_the_same_topics_numbered_biggest_first() -> None:
    x, _ = blobs([30, 20, 12])
    first, again = topics.cluster(x, seed=7), topics.cluster(x, seed=7)
    assert np.array_equal(first.labels, again.labels)
    assert np.allclose(first.centroids, again.centroids)
    assert np.bincount(first.labels).tolist() == [30, 20, 12]


def test_k_is_chosen_by_silhouette_and_recovers_separated_groups() -> None:
    x, truth = blobs([24, 24, 24, 24])
    found = topics.cluster(x)
    assert found.k == 4
    assert max(found.silhouettes, key=lambda k: found.silhouettes[k]) == 4
    assert same_partition(found.labels, truth)
    assert set(found.silhouettes) == set(topics.choose_k(len(x)))


def test_few_items_make_one_topic_and_none_make_none() -> None:
    x, _ = blobs([topics.MIN_TOPIC, topics.MIN_TOPIC - 1])
    assert topics.cluster(x).k == 1
    assert topics.cluster(np.zeros((0, 16), np.float32)).k == 0


def test_silhouette_is_high_for_separated_groups_and_near_zero_for_noise() -> None:
    x, truth = blobs([20, 20])
    assert topics.silhouette(x, truth) > 0.5
    noise = np.random.default_rng(1).standard_normal((40, 16)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    assert topics.silhouette(noise, np.arange(40) % 2) < 0.1


def test_centrality_ranks_the_most_typical_item_first() -> None:
    x, _ = blobs([20, 20])
    found = topics.cluster(x, k=2)
    typical = found.centrality(x)
    assert typical.shape == (40,) and (typical <= 1.0001).all()
    assert typical.min() > 0.5


def test_topics_are_named_in_both_languages_without_stop_words() -> None:
    texts = ["Dog mess on the beach again", "Loose dogs chasing sheep on the beach",
             "Baw ci ar y traeth eto", "Cŵn yn poeni defaid ar y traeth",
             "Scam text about a parcel", "Another scam call from the bank",
             "Neges sgam am barsel", "Galwad sgam gan y banc"]
    languages = ["en", "en", "cy", "cy", "en", "en", "cy", "cy"]
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    names = topic_names.name_topics(texts, languages, labels, 2,
                                    load_gloss(prompt_file(GLOSS_FILE)))
    assert names[0].en[:2] == ["beach", "dog"]          # "dogs" folded into "dog"
    assert "traeth" in names[0].cy and "the" not in names[0].en and "y" not in names[0].cy
    assert "scam" in names[1].en and "sgam" in names[1].cy
    assert names[0].borrowed is None


def test_welsh_mutations_fold_to_the_radical() -> None:
    gloss = {"beic": "bike", "traeth": "beach"}
    en, cy = topic_names.words_of("Mae fy meic wedi mynd o'r draeth", "cy", gloss)
    assert {"beic", "traeth"} <= cy and not en


def test_a_topic_with_no_welsh_item_borrows_welsh_words_from_the_glossary() -> None:
    texts = ["Bike stolen from the shed", "Stolen bike outside the shop", "Bike taken",
             "Thanks so much", "Thanks for the help", "Many thanks"]
    labels = np.array([0, 0, 0, 1, 1, 1])
    names = topic_names.name_topics(texts, ["en"] * 6, labels, 2,
                                    {"beic": "bike", "diolch": "thanks"})
    assert names[0].en[0] == "bike" and names[0].cy == ["beic"] and names[0].borrowed == "cy"


@pytest.mark.parametrize(("count", "previous", "baseline", "rising"), [
    (RISING_MIN, 0, True, True),           # new and big enough
    (RISING_MIN - 1, 0, True, False),      # too few to call
    (6, 4, True, True),                    # +50%
    (5, 4, True, False),                   # +25%
    (30, 20, True, True),
    (29, 20, True, False),
    (RISING_MIN, 0, False, False),         # no items at all before: no baseline
])
def test_the_rising_rule(count: int, previous: int, baseline: bool, rising: bool) -> None:
    assert is_rising(count, previous, baseline) is rising


def test_months_of_a_period_are_local_months() -> None:
    zone = ZoneInfo("Europe/London")
    since = datetime(2026, 8, 31, 23, 30, tzinfo=UTC)   # 1 September, 00:30 in London
    until = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
    assert month_labels(since, until, zone) == ["2026-09", "2026-10"]


def test_borrowed_welsh_words_are_radicals_not_mutated_forms() -> None:
    texts = ["Litter on the beach", "Beach covered in litter", "Beach bins full"]
    gloss = {"draeth": "beach", "traeth": "beach", "sbwriel": "litter"}
    names = topic_names.name_topics(texts, ["en"] * 3, np.zeros(3, int), 1, gloss)
    assert names[0].cy[0] == "traeth" and "draeth" not in names[0].cy


def test_a_big_period_chooses_k_on_a_sample_and_fits_every_item() -> None:
    x, truth = blobs([500, 300, 200])
    assert len(x) > topics.CHOOSE_SAMPLE
    found = topics.cluster(x)
    assert found.k == 3 and len(found.labels) == 1000
    assert same_partition(found.labels, truth)


@pytest.mark.parametrize(("text", "expected"), [
    ("Boy racers again on the A55 slip at Gaerwen last night",
     "Boy racers again on the place slip at place last night"),
    ("Cŵn yn rhydd ar y prom yng Nghaergybi", "Cŵn yn rhydd ar y prom yng place"),
    ("dealers outside Llangefni school", "dealers outside school"),
    ("parcio ym maes parcio Benllech eto", "parcio ym maes parcio eto"),
    ("the high street banks are closing", "the high street banks are closing"),
    ("Dai Llanfair said thanks", "Dai Llanfair said thanks"),
])
def test_topics_are_found_without_place_names(text: str, expected: str) -> None:
    """Places (in either language, mutated) are replaced, a place's kind word stays, and
    words the gazetteer does not take for a place are left alone."""
    assert topics.topic_text(text) == expected


def test_topics_are_never_named_by_places() -> None:
    texts = ["Speeding cars through Llangefni again", "speeding in Llangefni every night",
             "Cars speeding past Llangefni school", "lost dog in Amlwch",
             "dog off the lead yn Amlwch", "a dog loose by Amlwch"]
    labels = np.array([0, 0, 0, 1, 1, 1])
    names = topic_names.name_topics(texts, ["en"] * 6, labels, 2,
                                    load_gloss(prompt_file(GLOSS_FILE)))
    assert names[0].en[:1] == ["speeding"] and names[1].en[:1] == ["dog"]
    assert not {"llangefni", "amlwch"} & {w for n in names for w in n.en + n.cy}


def test_centring_by_language_puts_welsh_items_with_their_english_topic() -> None:
    """Two topics, each told in English and in Welsh; the Welsh vectors sit apart from the
    English (a language offset bigger than the topics' difference): raw, the topics found
    are not the subjects; centred by language, they are."""
    rng = np.random.default_rng(5)
    subject = 2.0 * np.eye(16)[3] + 0.7 * np.eye(16)[[0, 1]]   # near each other
    welsh_offset = 1.5 * np.eye(16)[2]
    rows, truth, languages = [], [], []
    for label in (0, 1):
        for language in ("en", "cy", "mixed"):
            for _ in range(12 if language != "mixed" else 4):
                rows.append(subject[label] + (welsh_offset if language != "en" else 0)
                            + 0.05 * rng.standard_normal(16))
                truth.append(label)
                languages.append(language)
    x = topics._unit(np.array(rows, np.float32))
    assert not same_partition(topics.cluster(x, k=2).labels, np.array(truth))
    centred = topics.centred(x, languages)
    assert np.allclose(np.linalg.norm(centred, axis=1), 1.0, atol=1e-5)
    assert same_partition(topics.cluster(centred, k=2).labels, np.array(truth))


def test_a_few_welsh_items_keep_what_they_say() -> None:
    """A language in two items is centred mostly on the overall mean, not on its own (which
    would leave the two items only their difference)."""
    x, labels = blobs([20, 20])
    languages = ["en"] * 40
    languages[0] = languages[1] = "cy"
    centred = topics.centred(x, languages)
    for item in (0, 1):
        mates = centred[2:][labels[2:] == labels[item]]
        assert (mates @ centred[item]).mean() > 0.5
    assert topics.centred(np.zeros((0, 16), np.float32), []).shape == (0, 16)


def test_without_structure_k_is_not_the_smallest_merge() -> None:
    """Items no k separates (silhouette below STRUCTURE everywhere: noise here, short texts
    on overlapping subjects on a desk) get at least K_MIN topics, not the two or three the
    silhouette then favours; clearly separated groups are still found as they are (above)."""
    rng = np.random.default_rng(9)
    x = topics._unit(rng.standard_normal((120, 16))).astype(np.float32)
    found = topics.cluster(x)
    assert max(found.silhouettes.values()) < topics.STRUCTURE
    assert found.k >= topics.K_MIN == topics.fewest_topics(120)
    assert topics.fewest_topics(40) == 2          # a small desk: no floor to speak of


def test_listening_reads_everyday_welsh_words_the_classifiers_glossary_lacks() -> None:
    """prompts/listening_gloss.toml adds words (in any mutated form) without overriding or
    repeating the classifier's glossary, and never an English word's spelling."""
    from socialdesk.core.desk.listening.embedding import EVERYDAY_FILE, listening_gloss

    everyday = load_gloss(prompt_file(EVERYDAY_FILE))
    classifier = load_gloss(prompt_file(GLOSS_FILE))
    assert len(everyday) > 100 and not set(everyday) & set(classifier)
    assert not set(everyday) & topic_names.stop_words()[0]
    words = listening_gloss()
    assert words["sbwriel"] == "rubbish" and words["ci"] == classifier["ci"]
    texts = ["Sbwriel ym mhobman eto", "bagiau sbwriel wrth y giât", "mwy o sbwriel heddiw",
             "Diolch yn fawr iawn", "diolch o galon", "diolch i chi gyd"]
    names = topic_names.name_topics(texts, ["cy"] * 6, np.array([0, 0, 0, 1, 1, 1]), 2, words)
    assert names[0].cy[0] == "sbwriel" and names[0].en[:1] == ["rubbish"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Huge thanks to PC Jones and PCSO Sian Roberts", "Huge thanks to PC and PCSO"),
    ("Mrs Hughes said @dave.smith saw it", "Mrs said saw it"),
    ("Diolch i Sarjant Owen", "Diolch i Sarjant"),
    ("the PC came round, pc world", "the PC came round, pc world"),
])
def test_topics_are_found_without_peoples_names(text: str, expected: str) -> None:
    assert topics.topic_text(text) == expected
