"""Full-text search of the watch's items (the staff reading view).

Every word of a query must be found, accents, case and elisions aside, in its French or English
stem or as written: "musées" finds "Musée", "evenement" finds "l'Événement", "exhibitions" finds
"exhibition". An item is indexed in its own language (French or English stems; any other
language word for word), from its title, author, summary, content and the full text of its
linked page.

The index (``ItemSearchIndex``, one row per item) is written only here:

- ``index_rows_new(items)``: the rows of the items the ingest just created, whose text it
  still holds, written by the ingest with the items (nothing read back);
- ``items_index(item_ids)``: called after items change (full text fetched), in bulk.

The stems are computed here, on both engines, each distinct word once per process: PostgreSQL
gets a ready tsvector (``pg_vector``; ``to_tsvector`` was a tenth of the ingest's time), SQLite
the terms its FTS5 table reads (mirrored through triggers).
- ``items_index_rebuild()``: every item (``manage.py watch_search_rebuild``).

Deleting an item deletes its row (cascade; on SQLite the FTS5 row follows through a trigger).
Folding is the platform's (``ocim.core.text``); the stop words and stemming are the watch's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from ocim.core.text import distinct_words, words

MAX_QUERY_WORDS = 12
MAX_WORD_LENGTH = 60
# A tsvector holds at most 1 MB, and a long text says little more past its first pages: each
# field is cut beyond this many characters.
MAX_INDEXED_CHARS = 30_000
BATCH_SIZE = 500
FTS_TABLE = "watch_itemsearchindex_fts"
INDEX_TABLE = "watch_itemsearchindex"

# Languages with a stemmer; any other text is indexed word for word.
PG_CONFIGS = {"fr": "french", "en": "english"}

# Words too common to search for, in French or English, written without accents (they are
# compared after folding). A query word that is a stop word in either language is dropped:
# the other language's items would never contain it.
_STOP_WORDS_TEXT = """
    a au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les leur
    leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se
    ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y ete etre est sont
    ont as avait etait sera ca ni si
    the an and but if or because as until while of at by for with about against between into
    through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very can will just should now is are was were be
    been being have has had having do does did i me my we our you your he him his she her it
    its they them their what which who whom this that these those am
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@lru_cache(maxsize=2)
def _stemmer(language: str):
    return snowballstemmer.stemmer({"fr": "french", "en": "english"}[language])


@lru_cache(maxsize=200_000)
def _stem(word: str, language: str) -> str:
    # Words repeat a lot across items (and the pure-Python stemmer is the cost of indexing on
    # SQLite): each distinct word is stemmed once per process.
    return _stemmer(language).stemWord(word)


def _language(code: str) -> str:
    """ "fr" or "en" for a language the index stems, "" for any other."""
    code = (code or "").lower()[:2]
    return code if code in PG_CONFIGS else ""


def index_terms(text: str, language: str) -> list[str]:
    """The index terms of ``text`` written in ``language`` (a code: "fr", "en-GB"…): the
    stems of its non-stop words, or the folded words for a language without a stemmer."""
    language = _language(language)
    tokens = [
        word for word in words(text) if word not in STOP_WORDS and len(word) <= MAX_WORD_LENGTH
    ]
    if not language:
        return tokens
    return [_stem(word, language) for word in tokens]


@dataclass(frozen=True)
class QueryWord:
    word: str  # folded
    forms: frozenset[str]  # the word, its French stem and its English stem


def query_words(query: str) -> list[QueryWord]:
    """The words of ``query`` worth searching: operators, quotes and punctuation are plain
    separators, stop words and one-letter words are dropped, each word is kept once, at most
    ``MAX_QUERY_WORDS``."""
    seen: set[str] = set()
    result = []
    for word in words(query or ""):
        if word in STOP_WORDS or word in seen or not 2 <= len(word) <= MAX_WORD_LENGTH:
            continue
        seen.add(word)
        forms = frozenset({word, _stem(word, "fr"), _stem(word, "en")})
        result.append(QueryWord(word=word, forms=forms))
        if len(result) == MAX_QUERY_WORDS:
            break
    return result


# --- Query -----------------------------------------------------------------------------------


class _Tsquery(SearchQuery):
    """Every word required, each in any of its forms: as written, its French and English
    stems computed here (the stemmer that built the vectors: ``pg_vector``) or by PostgreSQL
    (the stemmer of vectors written before, until ``watch_search_rebuild``; the two agree on
    all but a few English words). The words are folded ([a-z0-9] only), so the expression is
    made of constants: PostgreSQL computes it once and can read the GIN index."""

    def __init__(self, found: list[QueryWord]):
        super().__init__("")
        self.found = found

    def as_sql(self, compiler, connection, **extra_context):
        part = (
            "(plainto_tsquery('french'::regconfig, %s) || plainto_tsquery('english'::regconfig, "
            "%s) || %s::tsquery)"
        )
        sql = "(" + " && ".join(part for _word in self.found) + ")"
        params = []
        for item in self.found:
            params += [item.word, item.word, " | ".join(sorted(item.forms))]
        return sql, params


def fts_expression(found: list[QueryWord]) -> str:
    """The FTS5 query of ``found``: every word, in any of its forms."""
    # Forms are made of [a-z0-9] only (ocim.core.text.words), so quoting them is safe.
    return " AND ".join(
        "(" + " OR ".join(f'"{form}"' for form in sorted(item.forms)) + ")" for item in found
    )


def item_search_condition(query: str) -> Q | None:
    """The condition that an item matches every searchable word of ``query``; None when the
    query has none (only stop words, punctuation or nothing): then it filters nothing."""
    found = query_words(query)
    if not found:
        return None
    if connection.vendor == "postgresql":
        return Q(search_index__vector=_Tsquery(found))
    matched = RawSQL(  # noqa: S611 - the expression is a parameter
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608 - constants
        [fts_expression(found)],
    )
    return Q(pk__in=matched)


# --- Index -----------------------------------------------------------------------------------


def pg_vector(item) -> str:
    """The tsvector (its text form) of ``item``: its distinct index terms (``index_terms``:
    the Snowball stems of its title, author, summary, content and full text), the same as the
    SQLite index. No positions or weights: the search neither ranks nor matches phrases.

    Built in Python rather than by ``to_tsvector``: stems are cached per word in this
    process, where PostgreSQL parsed, unaccented and stemmed every word of every text again
    (a tenth of the ingest's time); queries and both engines then share one stemmer."""
    # Terms are made of [a-z0-9] only (``words``): none needs quoting.
    return _distinct_terms(_indexed_text(item), item.language)


def _texts(item_ids: list[int] | None):
    from .models import Item

    items = Item.objects.only(
        "id", "title", "author", "summary", "content_text", "full_text", "language"
    ).order_by("pk")
    if item_ids is not None:
        items = items.filter(pk__in=item_ids)
    return items.iterator(chunk_size=BATCH_SIZE)


def _pg_index(item_ids: list[int] | None) -> int:
    count = 0
    batch: list[tuple[int, str]] = []
    for item in _texts(item_ids):
        batch.append((item.pk, pg_vector(item)))
        if len(batch) == BATCH_SIZE:
            count += _pg_write(batch)
            batch = []
    return count + _pg_write(batch)


def _pg_write(rows: list[tuple[int, str]]) -> int:
    if not rows:
        return 0
    ids, vectors = zip(*rows, strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {INDEX_TABLE} (item_id, vector, terms) "  # noqa: S608 - constants and placeholders only
            "SELECT id, vector::tsvector, '' "
            "FROM unnest(%s::bigint[], %s::text[]) AS r(id, vector) "
            "ON CONFLICT (item_id) DO UPDATE SET vector = EXCLUDED.vector",
            [list(ids), list(vectors)],
        )
    return len(rows)


def _indexed_text(item) -> str:
    return " ".join(
        value[:MAX_INDEXED_CHARS]
        for value in (item.title, item.author, item.summary, item.content_text, item.full_text)
        if value
    )


# Per language ("" for none), each word's index term ("" for a stop word or a word too long):
# a dictionary look-up per distinct word of a text, the stemmer once per word and process.
_terms_by_language: dict[str, dict[str, str]] = {}
_MAX_CACHED_TERMS = 200_000


def _distinct_terms(text: str, language: str) -> str:
    """``index_terms`` of ``text``, each once, space-separated: matching needs each term once
    (the row stays small however long the text), and each distinct word is stemmed once."""
    language = _language(language)
    terms = _terms_by_language.setdefault(language, {})
    if len(terms) >= _MAX_CACHED_TERMS:
        terms.clear()
    found: dict[str, None] = {}
    for word in distinct_words(text):
        term = terms.get(word)
        if term is None:
            if word in STOP_WORDS or len(word) > MAX_WORD_LENGTH:
                term = ""
            else:
                term = _stem(word, language) if language else word
            terms[word] = term
        if term:
            found[term] = None
    return " ".join(found)


def _sqlite_terms(item) -> str:
    return _distinct_terms(_indexed_text(item), item.language)


def _sqlite_index(item_ids: list[int] | None) -> int:
    from .models import ItemSearchIndex

    count = 0
    batch: list[ItemSearchIndex] = []
    for item in _texts(item_ids):
        batch.append(ItemSearchIndex(item_id=item.pk, terms=_sqlite_terms(item)))
        if len(batch) == BATCH_SIZE:
            count += _sqlite_write(batch)
            batch = []
    return count + _sqlite_write(batch)


def _sqlite_write(rows) -> int:
    from .models import ItemSearchIndex

    if rows:
        ItemSearchIndex.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["item"], update_fields=["terms"]
        )
    return len(rows)


def index_rows_new(items) -> tuple:
    """The index rows of ``items``, just created (with their ids and their text in memory,
    no index row yet), as ``(model, fields, rows)`` for ``pipeline.bulk.rows_write``: the
    ingest writes them with the items, nothing is read back. PostgreSQL rows carry the
    vector, SQLite rows the terms (the FTS5 table follows through its trigger)."""
    from .models import ItemSearchIndex

    if connection.vendor == "postgresql":
        rows = [(item.pk, pg_vector(item), "") for item in items]
    else:
        rows = [(item.pk, None, _sqlite_terms(item)) for item in items]
    return ItemSearchIndex, ("item", "vector", "terms"), rows


def items_index(item_ids) -> int:
    """Bring the index rows of the items ``item_ids`` in line with their text (rows created
    when missing). Ids of items that no longer exist are ignored. Cheap in bulk: one query to
    read the texts and one to write the vectors (PostgreSQL) or terms (SQLite) per
    ``BATCH_SIZE`` items. Returns the number of items indexed. Runs in the caller's
    transaction."""
    ids = sorted({int(pk) for pk in item_ids})
    count = 0
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        count += _pg_index(chunk) if connection.vendor == "postgresql" else _sqlite_index(chunk)
    return count


def items_index_rebuild() -> int:
    """Index every item, and on SQLite re-create the FTS5 table and its triggers if missing
    (a later migration rebuilding the table loses them), then rebuild it. Returns the number
    of items indexed."""
    if connection.vendor == "postgresql":
        return _pg_index(None)
    from importlib import import_module

    migration = import_module("ocim.watch.migrations.0005_search_index_engines")
    with connection.cursor() as cursor:
        for statement in migration.SQLITE_FORWARD:
            cursor.execute(statement)
    count = _sqlite_index(None)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608 - constants
    return count
