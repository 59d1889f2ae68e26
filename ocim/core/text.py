"""Text folding shared by the platform's full-text searches (publishing, inventory): accents,
case, ligatures and French elisions aside, so that "l'Évènement", "evenement" and "Événements"
reduce to the same words. Each search keeps its own stop words and stemming."""

from __future__ import annotations

import re
import unicodedata

# Elided articles and pronouns: "l'exposition" is found by "exposition", "d'histoire" by
# "histoire". Typographic apostrophes are folded first.
_APOSTROPHE_CHARACTERS = ("\u2019", "\u2018", "\u02bc", "`")
_APOSTROPHES = str.maketrans(dict.fromkeys(_APOSTROPHE_CHARACTERS, "'"))
# The longer alternatives first: the same matches, found half again as fast.
_ELISION = re.compile(r"\b(?:jusqu|lorsqu|puisqu|quoiqu|qu|[ldjnscmt])'(?=\w)", re.I)
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_WORD = re.compile(r"[a-z0-9]+")
# Runs of anything but ASCII punctuation, spaces and controls: folding maps each character on
# its own and never turns those into letters or digits, so a text's words are the words of
# these runs, each folded once (see ``words``).
_TOKEN = re.compile(r"[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+")
_MAX_CACHED_TOKENS = 200_000
_token_words: dict[str, tuple[str, ...]] = {}


class _Unaccented(dict):
    """Character code → the character without its accents (its compatibility decomposition
    less the combining marks), filled on first use: ``str.translate`` then does per character
    what normalising the whole text and filtering it in Python did, about twenty times faster
    on long texts, with the same result."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        value = self[code] = "".join(c for c in decomposed if not unicodedata.combining(c))
        return value


_UNACCENTED = _Unaccented()


def _apostrophes_fold(text: str) -> str:
    # str.replace per apostrophe, each a fast scan: str.translate looks every character up.
    for apostrophe in _APOSTROPHE_CHARACTERS:
        if apostrophe in text:
            text = text.replace(apostrophe, "'")
    return text


def _unelide(text: str) -> str:
    text = _apostrophes_fold(text)
    return _ELISION.sub("", text) if "'" in text else text


def _fold_characters(text: str) -> str:
    if text.isascii():
        return text.lower()
    return text.translate(_LIGATURES).translate(_UNACCENTED).lower()


def fold(text: str) -> str:
    """Lower-case ``text`` without accents, ligatures or elisions (l', d', qu'…)."""
    return _fold_characters(_unelide(text))


def words(text: str) -> list[str]:
    """The folded words of ``text`` (letters and digits only), stop words included: the same
    as the words of ``fold(text)``, computed faster (texts repeat their words: each distinct
    run of characters is folded once per process; ``str.translate`` over a whole article
    was most of the cost of indexing it)."""
    text = _unelide(text)
    if text.isascii():
        return _WORD.findall(text.lower())
    cache = _token_words
    result: list[str] = []
    for token in _TOKEN.findall(text):
        found = cache.get(token)
        if found is None:
            if len(cache) >= _MAX_CACHED_TOKENS:
                cache.clear()
            found = cache[token] = tuple(_WORD.findall(_fold_characters(token)))
        result += found
    return result


def distinct_words(text: str) -> list[str]:
    """The distinct folded words of ``text`` in the order they first appear: the same as
    ``list(dict.fromkeys(words(text)))``, each distinct run of characters looked up once
    (an article repeats most of its words: a search index keeps each once)."""
    text = _unelide(text)
    if text.isascii():
        return list(dict.fromkeys(_WORD.findall(text.lower())))
    cache = _token_words
    result: dict[str, None] = {}
    for token in dict.fromkeys(_TOKEN.findall(text)):
        found = cache.get(token)
        if found is None:
            if len(cache) >= _MAX_CACHED_TOKENS:
                cache.clear()
            found = cache[token] = tuple(_WORD.findall(_fold_characters(token)))
        for word in found:
            result[word] = None
    return list(result)


def prepare_for_postgres(text: str) -> str:
    """``text`` with elisions removed and typographic apostrophes folded, for ``to_tsvector``
    (PostgreSQL applies ``unaccent`` and its stemmer itself). NUL characters are dropped:
    PostgreSQL text cannot hold them."""
    return _unelide(text.replace("\x00", " "))
