"""Full-text search of the actors: every word of the query must be found, accents, case and
elisions aside, in French stems ("musées" finds "Musée", "evenement" finds "Événements",
"herbier" finds "l'Herbier"), in the name, the other names, the commune, the type or the
description.

The index is one row per actor (``ActorSearchIndex``), written only by
``actor_search_index_update`` (called by ``services.actor_save``) and
``actor_search_index_rebuild`` (after a bulk import, or a change of a type's or a commune's
name). Two engines read it:

- PostgreSQL: a weighted tsvector (name A, other names B, commune and type C, description D),
  each text indexed both stemmed (``french``) and word for word (``simple``), over ``unaccent``;
  GIN indexed. A query is a tsquery of constants (its words are folded here), so the planner
  reads the GIN index;
- SQLite: the same words as French Snowball stems computed here, matched as whole words.

Folding (accents, case, elisions) is the platform's (``ocim.core.text``), shared with the
publishing search; the stop words and the stemming are the directory's own.
"""

from __future__ import annotations

import html
import re
import uuid
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.expressions import Func

from ocim.core.text import fold, prepare_for_postgres, words  # noqa: F401 - part of this module's API

MAX_WORDS = 12  # a query never has more words than this (the rest is ignored)
MAX_WORD_LENGTH = 60
# A tsvector holds at most 1 MB: descriptions are cut beyond this many characters.
MAX_INDEXED_CHARS = 20_000
# Weights of D, C, B, A (PostgreSQL's order): name first, then other names, place and type.
PG_WEIGHTS = [0.1, 0.3, 0.6, 1.0]

# --- Text ------------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")

# Words too common to search for, in French or English, written without accents (they are
# compared after folding).
_STOP_WORDS_TEXT = """
    a au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les leur
    leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se
    ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y ete etre est sont
    ont as avait etait sera ca ni si
    the an and but if or of at by for with to from in on is are was be it its this that
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("french")


@lru_cache(maxsize=50_000)
def word_forms(word: str) -> frozenset[str]:
    """A folded word and its French stem."""
    return frozenset({word, _stemmer().stemWord(word)})


def index_terms(text: str) -> str:
    """The forms of the non-stop words of ``text``, space-separated (SQLite's index)."""
    terms: list[str] = []
    seen: set[str] = set()
    for word in words(text):
        if word in STOP_WORDS or len(word) > MAX_WORD_LENGTH:
            continue
        for form in sorted(word_forms(word)):
            if form not in seen:
                seen.add(form)
                terms.append(form)
    return " ".join(terms)


def plain_text(html_text: str) -> str:
    """The text of sanitised HTML (tags dropped, entities decoded)."""
    return html.unescape(_TAG.sub(" ", html_text or ""))


@dataclass(frozen=True)
class QueryWord:
    word: str  # folded
    forms: frozenset[str]  # the word and its French stem


def query_words(query: str) -> list[QueryWord]:
    """The words of ``query`` worth searching: punctuation and operators are plain separators,
    stop words and one-letter words are dropped, each word is kept once, at most ``MAX_WORDS``."""
    seen: set[str] = set()
    result = []
    for word in words(query or ""):
        if word in STOP_WORDS or word in seen or len(word) < 2 or len(word) > MAX_WORD_LENGTH:
            continue
        seen.add(word)
        result.append(QueryWord(word=word, forms=word_forms(word)))
        if len(result) == MAX_WORDS:
            break
    return result


# --- Query -----------------------------------------------------------------------------------


class _Tsquery(SearchQuery):
    """The tsquery of folded words: each word in its French stem or as written, every word
    required. The words are made of [a-z0-9] only (no accent left for ``unaccent`` to change),
    so the expression is immutable: PostgreSQL computes it once and reads the GIN index."""

    def __init__(self, query_words_: list[QueryWord]):
        super().__init__("")
        self.query_words = query_words_

    def as_sql(self, compiler, connection, **extra_context):
        parts = [
            "(plainto_tsquery('french'::regconfig, %s) || plainto_tsquery('simple'::regconfig, %s))"
            for _item in self.query_words
        ]
        params = [value for item in self.query_words for value in (item.word, item.word)]
        return "(" + " && ".join(parts) + ")", params


def _sqlite_terms_condition(field: str, query_words_: list[QueryWord]) -> Q:
    """Every word found, in one of its forms, as a whole term of ``field`` (space-separated)."""
    condition = Q()
    for item in query_words_:
        alternatives = Q()
        for form in item.forms:
            # Forms are [a-z0-9] only: no LIKE wildcard can hide in them.
            alternatives |= (
                Q(**{field: form})
                | Q(**{f"{field}__startswith": f"{form} "})
                | Q(**{f"{field}__endswith": f" {form}"})
                | Q(**{f"{field}__contains": f" {form} "})
            )
        condition &= alternatives
    return condition


def actor_search_condition(query: str) -> Q:
    """The actors matching every searchable word of ``query`` (none: no condition; a query of
    stop words and punctuation only filters nothing)."""
    found = query_words(query)
    if not found:
        return Q()
    if connection.vendor == "postgresql":
        return Q(search_index__vector=_Tsquery(found))
    return _sqlite_terms_condition("search_index__terms", found)


def actor_search_tsquery_sql(query: str) -> tuple[str, list] | None:
    """(SQL, parameters) of the tsquery of ``query``'s searchable words, for raw statements on
    PostgreSQL; None when there is none."""
    found = query_words(query)
    if not found:
        return None
    return _Tsquery(found).as_sql(None, connection)


def actor_search_rank_sql(query: str, vector: str) -> tuple[str, list]:
    """(SQL, parameters) of ``actor_search_rank`` on PostgreSQL for the vector column
    ``vector`` of a raw statement (``query`` must have searchable words)."""
    tsquery_sql, tsquery_params = _Tsquery(query_words(query)).as_sql(None, connection)
    return f"ts_rank(%s::real[], {vector}, {tsquery_sql})", [PG_WEIGHTS, *tsquery_params]


class _TsRank(Func):
    """``ts_rank`` with the weights of ``PG_WEIGHTS``."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra_context):
        vector_sql, vector_params = compiler.compile(self.source_expressions[0])
        query_sql, query_params = compiler.compile(self.source_expressions[1])
        sql = f"ts_rank(%s::real[], {vector_sql}, {query_sql})"
        return sql, [PG_WEIGHTS, *vector_params, *query_params]


def actor_search_rank(query: str):
    """An expression ranking the actors matching ``query`` (higher first): PostgreSQL's
    ``ts_rank`` over the weighted vector; on SQLite, every word in the name first, then every
    word in the name or other names. None when the query has no searchable word."""
    found = query_words(query)
    if not found:
        return None
    if connection.vendor == "postgresql":
        return _TsRank(F("search_index__vector"), _Tsquery(found))
    return Case(
        When(_sqlite_terms_condition("search_index__name_terms", found), then=Value(2.0)),
        When(_sqlite_terms_condition("search_index__head_terms", found), then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )


# --- Index -----------------------------------------------------------------------------------


def _segments(actor) -> list[tuple[str, str]]:
    """(weight, text) of what an actor is found by."""
    type_ = actor.type
    segments = [
        ("A", actor.name),
        ("B", " ".join(actor.other_names.split())),
        ("C", actor.commune.name if actor.commune_id else ""),
        ("C", f"{type_.name_fr} {type_.name_en}"),
        ("D", plain_text(actor.description)[:MAX_INDEXED_CHARS]),
    ]
    return [(weight, text) for weight, text in segments if text.strip()]


def _pg_vector_sql(segments: list[tuple[str, str]]) -> tuple[str, list]:
    parts, params = [], []
    for weight, text in segments:
        prepared = prepare_for_postgres(text)
        if weight == "D":
            # The description stemmed only and without positions (a word of it counts once,
            # as weight D), which keeps the vectors small: a frequent word reads the row of
            # each match, a third fewer pages than with the positions.
            parts.append("strip(to_tsvector('french'::regconfig, unaccent(%s)))")
            params.append(prepared)
            continue
        # Names, places and types word for word too (French stop words, odd stems).
        for config in ("french", "simple"):
            parts.append(f"setweight(to_tsvector('{config}'::regconfig, unaccent(%s)), %s)")
            params += [prepared, weight]
    return " || ".join(parts) or "''::tsvector", params


# The directory's filter columns and the name, copied into each index row from its actor ``a``
# (PostgreSQL: the facets are counted and a page of many matches listed by name from the index
# alone, see ``directory_counts``).
_PG_FILTER_COLUMNS = (
    "name, family_id, type_id, region_id, department_id, status, label_ids, concept_ids"
)
_PG_FILTER_VALUES = (
    "a.name, a.family_id, a.type_id, a.region_id, a.department_id, a.status, "
    "ARRAY(SELECT l.label_id FROM inventory_actor_labels l WHERE l.actor_id = a.id ORDER BY 1), "
    "ARRAY(SELECT c.concept_id FROM inventory_actor_concepts c WHERE c.actor_id = a.id "
    "ORDER BY 1)"
)
_PG_UPSERT = (
    "ON CONFLICT (actor_id) DO UPDATE SET vector = EXCLUDED.vector, name = EXCLUDED.name, "
    "family_id = EXCLUDED.family_id, type_id = EXCLUDED.type_id, "
    "region_id = EXCLUDED.region_id, department_id = EXCLUDED.department_id, "
    "status = EXCLUDED.status, label_ids = EXCLUDED.label_ids, "
    "concept_ids = EXCLUDED.concept_ids"
)


# The narrow copy of the same columns (``ActorFacets``), for listings filtered by labels or
# concepts.
_PG_FACETS_WRITE = (
    "INSERT INTO inventory_actorfacets (actor_id, name, family_id, type_id, region_id, "
    "department_id, status, label_ids, concept_ids) SELECT a.id, a.name, a.family_id, "
    "a.type_id, coalesce(a.region_id, ''), coalesce(a.department_id, ''), a.status, "
    "ARRAY(SELECT l.label_id FROM inventory_actor_labels l WHERE l.actor_id = a.id ORDER BY 1), "
    "ARRAY(SELECT c.concept_id FROM inventory_actor_concepts c WHERE c.actor_id = a.id "
    "ORDER BY 1) FROM inventory_actor a {where} "
)
_PG_FACETS_UPSERT = (
    "ON CONFLICT (actor_id) DO UPDATE SET "
    "name = EXCLUDED.name, family_id = EXCLUDED.family_id, type_id = EXCLUDED.type_id, "
    "region_id = EXCLUDED.region_id, department_id = EXCLUDED.department_id, "
    "status = EXCLUDED.status, label_ids = EXCLUDED.label_ids, "
    "concept_ids = EXCLUDED.concept_ids"
)


def _pg_facets_write(cursor, actor_ids) -> None:
    """Write the ``ActorFacets`` rows of ``actor_ids`` (every actor when None)."""
    if actor_ids is None:
        cursor.execute(_PG_FACETS_WRITE.format(where="") + _PG_FACETS_UPSERT)
    else:
        cursor.execute(
            _PG_FACETS_WRITE.format(where="WHERE a.id = ANY(%s)") + _PG_FACETS_UPSERT,
            [list(actor_ids)],
        )


def _pg_index_write(actors) -> None:
    """One statement writing the vectors of ``actors``, with their filter columns as saved
    (labels and concepts included: called once they are set) (PostgreSQL)."""
    from .models_directory import ActorSearchIndex

    rows, params = [], []
    for actor in actors:
        vector_sql, vector_params = _pg_vector_sql(_segments(actor))
        rows.append(f"(%s::bigint, {vector_sql})")
        params += [actor.pk, *vector_params]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ActorSearchIndex._meta.db_table} (actor_id, vector, terms, "  # noqa: S608 - constants and placeholders only
            f"name_terms, head_terms, {_PG_FILTER_COLUMNS}) "
            f"SELECT v.id, v.vector, '', '', '', {_PG_FILTER_VALUES} "
            f"FROM (VALUES {', '.join(rows)}) v (id, vector) "
            f"JOIN inventory_actor a ON a.id = v.id {_PG_UPSERT}",
            params,
        )
        _pg_facets_write(cursor, [actor.pk for actor in actors])


def _sqlite_index_row(actor):
    from .models_directory import ActorSearchIndex

    segments = _segments(actor)
    return ActorSearchIndex(
        actor_id=actor.pk,
        terms=index_terms(" ".join(text for _weight, text in segments)),
        name_terms=index_terms(actor.name),
        head_terms=index_terms(f"{actor.name} {actor.other_names}"),
    )


# --- Generation: renewed by every write of the index, so that cached counts are dropped ----

GENERATION_KEY = "inventory-search-generation"


def search_generation() -> str:
    """The index's current generation (a random token, kept in the cache)."""
    return cache.get_or_set(GENERATION_KEY, uuid.uuid4().hex, None)


def _generation_renew() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def _index_changed() -> None:
    """Renew the generation now (this transaction's own reads) and again once committed (so
    that counts cached by others meanwhile, from the data before the commit, are dropped
    too). The commit callback is registered once per transaction, however many actors it
    writes (Django forgets it on rollback)."""
    _generation_renew()
    if not any(
        callback is _generation_renew for _sids, callback, *_rest in connection.run_on_commit
    ):
        transaction.on_commit(_generation_renew)


def _index_write(actors) -> None:
    from .models_directory import ActorSearchIndex

    _index_changed()
    if connection.vendor == "postgresql":
        _pg_index_write(actors)
        return
    ActorSearchIndex.objects.bulk_create(
        [_sqlite_index_row(actor) for actor in actors],
        update_conflicts=True,
        unique_fields=["actor"],
        update_fields=["terms", "name_terms", "head_terms"],
    )


def actor_search_index_update(actor) -> None:
    """Bring the search index row of ``actor`` in line with it (created if missing). Reads the
    actor's type and commune (loaded when not yet). Called by ``services.actor_save``."""
    _index_write([actor])


# The preparation of ``prepare_for_postgres`` and ``plain_text`` in SQL, for set-based rebuilds
# (literals passed as parameters).
_PG_ELISION = r"\m(l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu|quoiqu)'(?=\w)"
_PG_APOSTROPHES = ("\u2019\u2018\u02bc`", "''''")
# "&amp;" last: "&amp;lt;" is the text "&lt;".
_PG_ENTITIES = (
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&quot;", '"'),
    ("&#x27;", "'"),
    ("&#39;", "'"),
    ("&amp;", "&"),
)


def _pg_prepared(column: str) -> tuple[str, list]:
    return (
        f"regexp_replace(translate({column}, %s, %s), %s, '', 'gi')",
        [*_PG_APOSTROPHES, _PG_ELISION],
    )


def _pg_plain(column: str) -> tuple[str, list]:
    text, params = f"regexp_replace({column}, '<[^>]*>', ' ', 'g')", []
    for entity, character in _PG_ENTITIES:
        text = f"replace({text}, %s, %s)"
        params += [entity, character]
    return f"left({text}, {MAX_INDEXED_CHARS})", params


def _pg_segment_sql(
    weight: str, column: str, column_params: list, *, empty: str = ""
) -> tuple[str, list]:
    """The vector of one text column as ``_pg_vector_sql`` builds it; nothing is computed when
    the column (or ``empty``, the raw column it is derived from) is ""."""
    prepared, prepared_params = _pg_prepared(column)
    if weight == "D":
        parts = [f"strip(to_tsvector('french'::regconfig, unaccent({prepared})))"]
        params = [*column_params, *prepared_params]
    else:
        parts = [
            f"setweight(to_tsvector('{config}'::regconfig, unaccent({prepared})), '{weight}')"
            for config in ("french", "simple")
        ]
        params = [*column_params, *prepared_params] * 2
    if empty:
        return f"CASE WHEN {empty} = '' THEN ''::tsvector ELSE {' || '.join(parts)} END", params
    return f"CASE WHEN {column} = '' THEN ''::tsvector ELSE {' || '.join(parts)} END", [
        *column_params,
        *params,
    ]


def _pg_commune_vector_sql() -> tuple[str, list]:
    return _pg_segment_sql("C", "c.name", [])


def _pg_rebuild(actor_ids, *, new: bool = False, communes: str = "") -> int:
    """Rewrite the vectors and filter columns of ``actor_ids`` (every actor when None) in one
    statement: the same vectors as ``_pg_vector_sql`` builds from Python, computed by
    PostgreSQL from the rows (many times faster for a bulk import). The vectors of the types
    and communes are computed once each (a few dozen types and communes for thousands of
    actors) and joined: concatenating vectors is associative, so the result is the same.

    ``new``: the actors have no index or facet rows yet (created in this transaction), which
    are then inserted without the upsert's conflict check. ``communes``: a table holding the
    vectors of their communes already (``ActorSearchIndexWriter``), read instead of computing
    them."""
    from .models_directory import ActorSearchIndex

    where, where_params = "", []
    if actor_ids is not None:
        where, where_params = "WHERE a.id = ANY(%s)", [list(actor_ids)]
    type_sql, type_params = _pg_segment_sql("C", "(t.name_fr || ' ' || t.name_en)", [])
    commune_sql, commune_params = _pg_commune_vector_sql()
    if communes:
        commune_sql, commune_params = f"SELECT insee_code, vector FROM {communes}", []  # noqa: S608
    else:
        commune_sql = (
            f"SELECT c.insee_code, {commune_sql} AS vector FROM core_commune c "  # noqa: S608 - constants and placeholders only
            f"WHERE c.insee_code IN (SELECT a.commune_id FROM inventory_actor a {where})"
        )
        commune_params = [*commune_params, *where_params]
    # Kept vectors are looked up by the join (not all read into the statement first).
    materialized = "NOT MATERIALIZED" if communes else "MATERIALIZED"
    upsert, facets_upsert = ("", "") if new else (_PG_UPSERT, _PG_FACETS_UPSERT)
    name_sql, name_params = _pg_segment_sql("A", "a.name", [])
    other_sql, other_params = _pg_segment_sql("B", "a.other_names", [])
    plain_sql, plain_params = _pg_plain("a.description")
    description_sql, description_params = _pg_segment_sql(
        "D", plain_sql, plain_params, empty="a.description"
    )
    # The actors are picked by key in both places (not through a shared CTE, which would hide
    # their number from the planner and make it scan every actor to join them). The facet
    # rows are written by the same statement from the index rows it returns: their label and
    # concept lists are gathered once.
    statement = (
        f"WITH types AS MATERIALIZED (SELECT t.id, {type_sql} AS vector "  # noqa: S608 - constants and placeholders only
        f"FROM inventory_actortype t), communes AS {materialized} ({commune_sql}), "
        f"written AS (INSERT INTO {ActorSearchIndex._meta.db_table} (actor_id, vector, terms, "
        f"name_terms, head_terms, {_PG_FILTER_COLUMNS}) "
        f"SELECT a.id, {name_sql} || {other_sql} || coalesce(c.vector, ''::tsvector) || "
        f"t.vector || {description_sql}, '', '', '', {_PG_FILTER_VALUES} "
        "FROM inventory_actor a JOIN types t ON t.id = a.type_id "
        f"LEFT JOIN communes c ON c.insee_code = a.commune_id {where} {upsert} "
        f"RETURNING actor_id, {_PG_FILTER_COLUMNS}) "
        "INSERT INTO inventory_actorfacets (actor_id, name, family_id, type_id, region_id, "
        "department_id, status, label_ids, concept_ids) SELECT w.actor_id, w.name, "
        "w.family_id, w.type_id, coalesce(w.region_id, ''), coalesce(w.department_id, ''), "
        f"w.status, w.label_ids, w.concept_ids FROM written w {facets_upsert}"
    )
    params = [
        *type_params,
        *commune_params,
        *name_params,
        *other_params,
        *description_params,
        *where_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def actor_search_index_rebuild(actor_ids=None, *, batch_size: int = 500) -> int:
    """Rewrite the index rows of the actors ``actor_ids`` (every actor when None) and drop the
    rows of actors that no longer exist: for bulk imports and after a type or commune is
    renamed. On PostgreSQL one statement computes every vector; on SQLite the stems are
    computed here, a batch per statement. Returns the number of actors indexed."""
    from .models import Actor
    from .models_directory import ActorSearchIndex

    if actor_ids is None:
        ActorSearchIndex.objects.exclude(actor_id__in=Actor.objects.values("pk")).delete()
    if connection.vendor == "postgresql":
        _index_changed()
        return _pg_rebuild(actor_ids)
    actors = Actor.objects.select_related("type", "commune").order_by("pk")
    if actor_ids is not None:
        actors = actors.filter(pk__in=list(actor_ids))
    count = 0
    batch = []
    for actor in actors.iterator(chunk_size=batch_size):
        batch.append(actor)
        if len(batch) == batch_size:
            _index_write(batch)
            count += len(batch)
            batch = []
    _index_write(batch)
    return count + len(batch)


class ActorSearchIndexWriter:
    """Writes the index and facet rows of actors written in bulk, batch after batch, in one
    transaction (an import): what ``actor_search_index_rebuild`` writes for them. On
    PostgreSQL the vectors of their communes are computed once for the whole transaction and
    kept in a temporary table (each batch of 2,000 actors has a commune of its own for most of
    them: 1,400 commune vectors a batch, a third of the statement's time), and the rows of
    actors created in the transaction are inserted without the upsert's conflict check. Call
    ``close`` at the end (the table also goes at commit or rollback)."""

    TABLE = "inventory_search_commune_vectors"

    def __init__(self):
        self.ready = False
        self.communes: set[str] = set()  # those whose vectors the table holds

    def write(self, *, created: list[int], changed: list[int], communes: set[str]) -> None:
        """Index ``created`` (actors written in this transaction, never indexed) and
        ``changed`` (actors indexed before); ``communes``: the codes of their communes."""
        if not created and not changed:
            return
        if connection.vendor != "postgresql":
            actor_search_index_rebuild([*created, *changed])
            return
        _index_changed()
        vector_sql, vector_params = _pg_commune_vector_sql()
        missing = sorted(code for code in communes if code and code not in self.communes)
        with connection.cursor() as cursor:
            if not self.ready:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {self.TABLE} (insee_code varchar(5) PRIMARY KEY, "
                    "vector tsvector NOT NULL) ON COMMIT DROP"
                )
                self.ready = True
            if missing:  # the communes not met before (their names as they are now)
                cursor.execute(
                    f"INSERT INTO {self.TABLE} (insee_code, vector) "  # noqa: S608 - constants and placeholders only
                    f"SELECT c.insee_code, {vector_sql} FROM core_commune c "
                    "WHERE c.insee_code = ANY(%s::text[])",
                    [*vector_params, missing],
                )
                self.communes.update(missing)
        if created:
            _pg_rebuild(created, new=True, communes=self.TABLE)
        if changed:
            _pg_rebuild(changed, communes=self.TABLE)

    def close(self) -> None:
        if self.ready:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
            self.ready = False
            self.communes.clear()
