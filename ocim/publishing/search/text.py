"""Text handling shared by indexing and querying: accents, elision, stop words, Snowball stems,
and highlighted snippets.

The same functions prepare the text sent to PostgreSQL (which then applies ``unaccent`` and
its own Snowball stemmers) and compute the stems stored for SQLite, so both engines match the
same words: "évènement", "evenement" and "Événements" all become the French stem ``even``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape  # the standard library's: Django's adds a lazy wrapper per call

import snowballstemmer
from django.utils.safestring import SafeString, mark_safe

from ocim.core.text import fold, prepare_for_postgres, words  # noqa: F401 - part of this module's API

# Languages with a stemmer; any other text is matched word for word ("simple").
STEMMED_LANGUAGES = ("fr", "en")
PG_CONFIGS = {"fr": "french", "en": "english"}

# Words too common to search for, in either language (a query word is dropped when it is a stop
# word in French or in English: the other language's documents would never contain it).
# Written without accents, since they are compared after folding.
_STOP_WORDS_TEXT = """
    a au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les leur
    leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se
    ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y ete etre est sont
    ont a as avait etait sera ca ni si
    the an and but if or because as until while of at by for with about against between into
    through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very can will just should now is are was were be
    been being have has had having do does did i me my we our you your he him his she her it
    its they them their what which who whom this that these those am
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

# A query never has more words than this (the rest is ignored).
MAX_QUERY_WORDS = 12


@lru_cache(maxsize=4)
def _stemmer(language: str):
    return snowballstemmer.stemmer({"fr": "french", "en": "english"}[language])


def stems(text: str, language: str) -> list[str]:
    """The stems of the non-stop words of ``text`` in ``language`` (folded words for a
    language without a stemmer)."""
    tokens = [word for word in words(text) if word not in STOP_WORDS]
    if language not in STEMMED_LANGUAGES:
        return tokens
    return _stemmer(language).stemWords(tokens)


@dataclass(frozen=True)
class QueryWord:
    """One word of a query and the forms under which it may be indexed."""

    word: str  # folded
    forms: frozenset[str]  # French stem, English stem and the folded word itself


def query_words(query: str) -> list[QueryWord]:
    """The words of ``query`` worth searching: operators, quotes and punctuation are plain
    separators, stop words are dropped, at most ``MAX_QUERY_WORDS`` words are kept, each once."""
    seen: set[str] = set()
    result = []
    for word in words(query):
        if word in STOP_WORDS or word in seen or len(word) > 60 or len(word) < 2:
            continue
        seen.add(word)
        forms = {word, _stemmer("fr").stemWord(word), _stemmer("en").stemWord(word)}
        result.append(QueryWord(word=word, forms=frozenset(forms)))
        if len(result) == MAX_QUERY_WORDS:
            break
    return result


# --- Snippets -------------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+", re.UNICODE)
SNIPPET_WORDS = 36


@lru_cache(maxsize=100_000)
def _word_forms(word: str) -> frozenset[str]:
    return frozenset({word, _stemmer("fr").stemWord(word), _stemmer("en").stemWord(word)})


@lru_cache(maxsize=100_000)
def _folded_token(token: str) -> str:
    """The folded form of a word of a text (folding is the costly part of highlighting, and
    texts use the same words again and again)."""
    folded = words(token)
    return folded[-1] if folded else ""


def _matching_words(token: str, query: list[QueryWord], prefixes: tuple[str, ...]) -> set[str]:
    """The query words that ``token`` matches (by stem, in French or English)."""
    word = _folded_token(token)
    if not word:
        return set()
    # Stemming every word of a long text is slow: only words that start like a form are stemmed.
    if not word.startswith(prefixes):
        return set()
    forms = _word_forms(word)
    return {item.word for item in query if forms & item.forms}


def _prefixes(query: list[QueryWord]) -> tuple[str, ...]:
    return tuple(sorted({form[:3] for item in query for form in item.forms}))


def highlight(text: str, query: list[QueryWord], *, max_words: int = SNIPPET_WORDS) -> SafeString:
    """An excerpt of ``text`` around its first matching word, escaped, with the words that
    match the query wrapped in ``<mark>`` (the only markup added). Callers pass plain text: any
    markup in it is shown as text."""
    prefixes = _prefixes(query)
    # re.split with no group gives the separators around the tokens: pieces[i] precedes
    # tokens[i], and pieces[-1] follows the last token.
    pieces = _TOKEN.split(text)
    tokens = _TOKEN.findall(text)
    flags = [bool(_matching_words(token, query, prefixes)) for token in tokens]
    first = next((index for index, flag in enumerate(flags) if flag), 0)
    start = max(0, first - max_words // 3)
    end = min(len(tokens), start + max_words)
    start = max(0, end - max_words)
    out = ["… " if start > 0 else escape(pieces[0].lstrip())]
    for index in range(start, end):
        token = escape(tokens[index])
        out.append(f"<mark>{token}</mark>" if flags[index] else token)
        if index + 1 < end:
            out.append(escape(pieces[index + 1]))
    if end < len(tokens):
        out.append(" …")
    elif tokens:
        out.append(escape(pieces[-1].rstrip()))
    return mark_safe("".join(out))  # every piece was escaped above


def best_passage(texts: list[str], query: list[QueryWord]) -> str:
    """The text, among ``texts`` (in order of preference), that contains the most distinct
    query words; the first non-empty one when none matches."""
    pattern = _raw_prefix_pattern(_prefixes(query))
    best, best_score = "", -1
    for text in texts:
        if not text:
            continue
        found: set[str] = set()
        # Only the words that start like a form, accents aside, are folded and stemmed: the
        # text itself is not folded (that was most of the cost of a page of results).
        for token in pattern.findall(text):
            word = _folded_token(token)
            forms = _word_forms(word)
            found.update(item.word for item in query if forms & item.forms)
        if len(found) > best_score:
            best, best_score = text, len(found)
        if best_score == len(query):
            break
    return best


def _letter_variants() -> dict[str, set[str]]:
    """Each letter and digit, with the letters of the Latin alphabets that fold to it (é, È, ê…
    for e), and the ligatures that fold to two letters (œ for oe)."""
    variants: dict[str, set[str]] = {c: {c} for c in "abcdefghijklmnopqrstuvwxyz0123456789"}
    pairs: dict[str, set[str]] = {}
    for code in range(0x00C0, 0x0250):
        char = chr(code)
        folded = fold(char)
        if len(folded) == 1 and folded in variants:
            variants[folded].add(char.lower())
        elif len(folded) == 2 and folded.isalpha():
            pairs.setdefault(folded, set()).add(char.lower())
    variants.update({f"pair:{key}": value for key, value in pairs.items()})
    return variants


_VARIANTS = _letter_variants()


def _raw_alternatives(prefix: str) -> str:
    """A pattern matching ``prefix`` (folded) as it may be written: accents, case, ligatures."""
    if not prefix:
        return ""
    options = []
    head = prefix[0]
    options.append(
        "["
        + "".join(re.escape(c) for c in sorted(_VARIANTS.get(head, {head})))
        + "]"
        + _raw_alternatives(prefix[1:])
    )
    ligatures = _VARIANTS.get(f"pair:{prefix[:2]}")
    if len(prefix) >= 2 and ligatures:
        options.append(
            "["
            + "".join(re.escape(c) for c in sorted(ligatures))
            + "]"
            + _raw_alternatives(prefix[2:])
        )
    return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"


@lru_cache(maxsize=1024)
def _raw_prefix_pattern(prefixes: tuple[str, ...]) -> re.Pattern:
    """The words of a text, as written, whose folded form starts with one of ``prefixes``."""
    alternatives = "|".join(_raw_alternatives(prefix) for prefix in prefixes)
    return re.compile(rf"(?<!\w)(?:{alternatives})\w*", re.IGNORECASE)
