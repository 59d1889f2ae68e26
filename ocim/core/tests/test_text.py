"""Text folding shared by the full-text searches: the fast folding gives exactly what
normalising the whole text (NFKD) and dropping its combining marks gives."""

import re
import unicodedata

import pytest

from ocim.core.text import distinct_words, fold, words

SAMPLES = [
    "L'Évènement des Œuvres à Noël : « déjà-vu » !",
    "Ça, c'est l’exposition d’été — jusqu'à 12 h 30.",
    "Naïveté, façade, Straße, Ærø, İstanbul, ﬁnale, ½ tarif, Ⅻ siècle",
    "e\u0301te\u0301 (accents written apart), ｆｕｌｌ-ｗｉｄｔｈ, ℌ, ㎏",
    "Ελληνικά, русский, 中文, 🦴 emoji and tabs\tand\nlines",
    "plain ascii text, with DIGITS 2025 and l'elision",
    "backquoted l`exposition, d`ete, and\x00NUL, Œuvre™ № ℃ ﬀ",
]


def _reference(text: str) -> str:
    from ocim.core.text import _APOSTROPHES, _ELISION, _LIGATURES

    text = _ELISION.sub("", text.translate(_APOSTROPHES).translate(_LIGATURES))
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


@pytest.mark.parametrize("text", SAMPLES)
def test_folding_equals_normalising_the_whole_text(text):
    assert fold(text) == _reference(text)


def test_every_latin_letter_folds_as_normalising_does():
    text = "".join(chr(code) for code in range(0x00A0, 0x0250)) + " ".join(SAMPLES)
    assert fold(text) == _reference(text)


def test_words_of_a_french_sentence():
    assert words("L'Évènement d'aujourd'hui : Œuvres") == [
        "evenement",
        "aujourd",
        "hui",
        "oeuvres",
    ]


@pytest.mark.parametrize("text", SAMPLES)
def test_words_are_the_words_of_the_folded_text(text):
    # words() folds each run of characters once (cached) instead of the whole text.
    expected = re.findall(r"[a-z0-9]+", fold(text))
    assert words(text) == expected
    assert words(text) == expected  # from the cache


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Plain ASCII text, plain ASCII words: text twice.",
        "L’Événement d'histoire : l'ŒUVRE, les œuvres et l'événement — Œuvre ÉVÉNEMENT",
        "Jusqu'à lorsqu'il 2026 ; naïve façade, NAÏVE Façade, 東京 et ß",
    ],
)
def test_distinct_words_are_the_words_each_once_in_order(text):
    assert distinct_words(text) == list(dict.fromkeys(words(text)))
