"""Reads of the search index: matching, ranking, facets and snippets.

Every word of the query must match (in its French or English stem, or as written); words are
matched against the title (weighted most), the people and keywords, the public text and, for
articles whose full text is open, the body. On PostgreSQL this is a tsquery against the GIN
indexed tsvector; on SQLite an FTS5 query over the stems.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import F, FloatField, Q, Value
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString

from ocim.core.facets import FacetValue

from . import counts as search_counts
from . import text as search_text
from .indexing import PASSAGE_SEPARATOR
from .models import SearchDocument, SearchDocumentKind

FACET_NAMES = ("kind", "year", "rubric", "concept", "language")
MAX_CONCEPT_FACETS = 20
FTS_TABLE = "publishing_searchdocument_fts"
# Weights of D, C, B, A (PostgreSQL's order) and of the FTS5 columns title, public, body.
PG_WEIGHTS = [0.1, 0.3, 0.5, 1.0]
FTS_WEIGHTS = (10.0, 4.0, 1.0)
# PostgreSQL ranks this many matches exactly (see _PostgresResults); the others follow, title
# matches first, then newest first.
RANKED_CANDIDATES = 100
DOCUMENTS = "publishing_searchdocument"
# The columns the engines read, never shown.
ENGINE_COLUMNS = (
    "search_vector",
    "rank_vector",
    "title_vector",
    "terms_title",
    "terms_public",
    "terms_body",
)


@dataclass(frozen=True)
class SearchFilters:
    kinds: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    rubrics: tuple[str, ...] = ()  # slugs
    concepts: tuple[str, ...] = ()  # slugs
    languages: tuple[str, ...] = ()

    def q(self, *, without: str | None = None) -> Q:
        """The filters as a Q object, leaving out the facet ``without`` (to count its values)."""
        condition = Q()
        if self.kinds and without != "kind":
            condition &= Q(kind__in=self.kinds)
        if self.years and without != "year":
            condition &= Q(year__in=self.years)
        if self.rubrics and without != "rubric":
            condition &= Q(rubric__slug__in=self.rubrics)
        if self.concepts and without != "concept":
            condition &= Q(
                pk__in=SearchDocument.concepts.through.objects.filter(
                    concept__slug__in=self.concepts
                ).values("searchdocument_id")
            )
        if self.languages and without != "language":
            condition &= Q(language__in=self.languages)
        return condition

    def selected(self, name: str) -> set[str]:
        values = {
            "kind": self.kinds,
            "year": self.years,
            "rubric": self.rubrics,
            "concept": self.concepts,
            "language": self.languages,
        }[name]
        return {str(value) for value in values}


@dataclass
class SearchOutcome:
    words: list[search_text.QueryWord]
    # The matching documents, best first: supports count() and slicing (to paginate). With
    # the facets, count() is the number of results that can be paged through (see ``total``).
    documents: Results
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # With the facets: how many documents match (counted, or estimated beyond
    # OCIM_SEARCH_EXACT_COUNT_LIMIT: see ``counts``), and whether the counts are exact.
    total: int | None = None
    total_exact: bool = True
    facets_exact: bool = True


def _postgres_tsquery_sql(words: list[search_text.QueryWord]) -> tuple[str, list]:
    """The tsquery of ``words`` as SQL: each word in its French, English and simple forms, all
    the words required."""
    parts, params = [], []
    for item in words:
        parts.append(
            "(plainto_tsquery('french', unaccent(%s)) || plainto_tsquery('english', "
            "unaccent(%s)) || plainto_tsquery('simple', unaccent(%s)))"
        )
        params += [item.word] * 3
    return "(" + " && ".join(parts) + ")", params


def _fts_expression(words: list[search_text.QueryWord]) -> str:
    # Forms are made of [a-z0-9] only (see text.words), so quoting them is safe.
    return " AND ".join(
        "(" + " OR ".join(f'"{form}"' for form in sorted(item.forms)) + ")" for item in words
    )


class _ComputedQuery(SearchQuery):
    """A tsquery given as text (computed by ``_postgres_tsquery_text``): a constant for the
    planner, unlike functions of the words."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text

    def as_sql(self, compiler, connection, **extra_context):
        return "%s::tsquery", [self.text]


def _postgres_tsquery_text(words: list[search_text.QueryWord]) -> str:
    """The tsquery of ``words`` as text, computed once by PostgreSQL (``unaccent`` is only
    stable: left in the main query, it would be evaluated again for every row)."""
    sql, params = _postgres_tsquery_sql(words)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({sql})::text", params)
        return cursor.fetchone()[0] or ""


def _matching(words: list[search_text.QueryWord]):
    """(the condition that documents match, the query as the engine reads it), or None when
    PostgreSQL finds no word to search (its stop words)."""
    if connection.vendor == "postgresql":
        text = _postgres_tsquery_text(words)
        if not text:
            return None
        return Q(search_vector=_ComputedQuery(text)), text
    expression = _fts_expression(words)
    matched = RawSQL(  # noqa: S611 - the query is a parameter
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608 - constants
        [expression],
    )
    return Q(pk__in=matched), expression


@contextmanager
def search_session():
    """The statements of one search, in one transaction where, on PostgreSQL, the planner uses
    the indexes: it prices ``@@`` as cheap and picks a sequential scan for frequent words,
    which then decompresses every tsvector (ten times slower). The setting is local to the
    transaction and restored afterwards (the caller may be inside a transaction of its own).
    Re-entrant: a search's parts each open one, and a view can open one around them all."""
    if connection.vendor != "postgresql" or getattr(connection, "_ocim_search_session", False):
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        connection._ocim_search_session = True
        try:
            yield
        finally:
            connection._ocim_search_session = False
        # Not reached on error: the atomic block then rolls back, and the setting with it.
        cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")


_through_the_index = search_session


class Results:
    """The ranked documents: the total is known (counted with the facets), slices are fetched
    on demand, so ``Paginator`` runs one query per page."""

    def __init__(self, queryset, total: int | None = None):
        self.queryset = queryset
        self.total = total  # how many can be paged through
        self.matches: int | None = None  # how many match (an estimate when counts are)

    def count(self) -> int:
        if self.total is None:
            with _through_the_index():
                self.total = self.queryset.count()
        return self.total

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, key):
        if isinstance(key, int):
            found = self[key : key + 1]
            if not found:
                raise IndexError(key)
            return found[0]
        ids = self._page_ids(key)
        documents = (
            SearchDocument.objects.select_related("page", "rubric")
            # What a page of results shows: not the vectors nor the SQLite terms.
            .defer(*ENGINE_COLUMNS)
            .in_bulk(ids)
        )
        return [documents[pk] for pk in ids if pk in documents]

    def _page_ids(self, key: slice) -> list[int]:
        # Sort narrow rows (id and rank) and only then read the documents of the page: sorting
        # whole rows, texts included, would spill thousands of them to disk.
        with _through_the_index():
            return list(self.queryset.values_list("pk", flat=True)[key])


class _SqliteResults(Results):
    """SQLite: the page is ranked by FTS5 itself (``bm25`` in the query that matches), which
    reads each match once; a rank computed row by row would run the match again per row."""

    def __init__(self, queryset, *, expression: str, filtered):
        super().__init__(queryset)
        self.expression = expression
        self.filtered = filtered  # the documents passing the filters, or None for all

    def _page_ids(self, key: slice) -> list[int]:
        if key.step not in (None, 1):
            raise ValueError("Search results do not support a step.")
        start = max(key.start or 0, 0)
        limit = -1 if key.stop is None else max(key.stop - start, 0)
        weights = ", ".join(str(weight) for weight in FTS_WEIGHTS)
        sql = (
            f"SELECT d.id FROM {FTS_TABLE} JOIN publishing_searchdocument d "  # noqa: S608 - constants
            f"ON d.id = {FTS_TABLE}.rowid WHERE {FTS_TABLE} MATCH %s"
        )
        params: list = [self.expression]
        if self.filtered is not None:
            sub_sql, sub_params = self.filtered.values("pk").query.sql_with_params()
            sql += f" AND d.id IN ({sub_sql})"
            params += list(sub_params)
        sql += (
            f" ORDER BY bm25({FTS_TABLE}, {weights}), d.date IS NULL, d.date DESC, d.id"
            " LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit, start])
            return [row[0] for row in cursor.fetchall()]


class _PostgresResults(Results):
    """PostgreSQL: matches are ranked in two stages, so that a word found in thirty thousand
    documents costs about what a rarer one does.

    1. Candidates, found through the indexes: the matches with every word in the title (GIN
       index on the title vector), then the others, each group newest first, up to
       ``RANKED_CANDIDATES`` in all.
    2. The candidates are ranked exactly (``ts_rank`` on the rank vector: title, people,
       keywords and public text weighted A to C), then newest first.

    The order is the exact ranking whenever the matches are no more than the candidates (any
    search of a hundred documents or fewer); beyond, the results after the first
    ``RANKED_CANDIDATES`` follow the candidates' order. Ranking every match would read each
    one's rank vector out of the row: about 4 µs a document, 120 ms for a word found in
    every document."""

    # Above this share of the documents, the other matches are found by walking the date
    # index (each row checked against the full vector, read out of the row: about 10 µs, but
    # only about RANKED_CANDIDATES / share rows to walk); below it, through the GIN index then
    # sorted (each match read once, about 1 µs). The two meet near a share of
    # sqrt(10 × RANKED_CANDIDATES / documents): 0.18 for 100 candidates among 32,000.
    WALK_SHARE = 0.15

    def __init__(self, *, tsquery_text: str, filters: SearchFilters):
        super().__init__(queryset=None)
        self.tsquery_text = tsquery_text
        self.filters = filters
        self.documents: int | None = None  # how many documents the index holds (estimate)
        self._ranked_ids: list[int] | None = None

    def count(self) -> int:
        if self.total is None:
            where, params = _postgres_where(self.filters)
            sql = (
                f"SELECT count(*) FROM {DOCUMENTS} m "  # noqa: S608 - constants and placeholders only
                f"WHERE m.search_vector @@ %s::tsquery AND {where}"
            )
            with _through_the_index(), connection.cursor() as cursor:
                cursor.execute(sql, [self.tsquery_text, *params])
                self.total = cursor.fetchone()[0]
        return self.total

    def _page_ids(self, key: slice) -> list[int]:
        if key.step not in (None, 1):
            raise ValueError("Search results do not support a step.")
        start = max(key.start or 0, 0)
        stop = self.count() if key.stop is None else key.stop
        if stop <= start:
            return []
        ids: list[int] = []
        if start < RANKED_CANDIDATES:
            ranked = self._ranked()
            ids += ranked[start:stop]
            if len(ranked) < RANKED_CANDIDATES:
                return ids  # every match was a candidate
        if stop > RANKED_CANDIDATES:
            begin = max(start, RANKED_CANDIDATES)
            ids += self._after_candidates(begin, stop - begin)
        return ids

    def _walk_by_date(self) -> bool:
        if self.documents is None:
            self.documents = _postgres_documents_estimate()
        # How many documents match (estimated beyond the exact-count limit), not how many can
        # be paged through.
        matches = self.matches if self.matches is not None else self.count()
        return matches >= self.WALK_SHARE * max(self.documents, 1)

    def _ranked(self) -> list[int]:
        if self._ranked_ids is not None:
            return self._ranked_ids
        where, params = _postgres_where(self.filters)
        text = self.tsquery_text
        # The title matches are few (GIN index, then sorted): "m.date + 0" keeps the planner
        # from walking the date index instead, which it does for a few hundred rows on a
        # misjudged estimate (18 ms instead of 2 for two words found together in 682 titles).
        # The others are walked by date when they are most of the index, else sorted likewise.
        rest_order = "m.date" if self._walk_by_date() else "m.date + 0"
        sql = (
            f"WITH t AS MATERIALIZED (SELECT m.id, m.date FROM {DOCUMENTS} m "  # noqa: S608 - constants and placeholders only
            f"WHERE m.title_vector @@ %s::tsquery AND {where} "
            "ORDER BY m.date + 0 DESC NULLS LAST, m.id LIMIT %s), "
            f"r AS MATERIALIZED (SELECT m.id, m.date FROM {DOCUMENTS} m "
            "WHERE m.search_vector @@ %s::tsquery AND (m.title_vector @@ %s::tsquery) IS NOT TRUE "
            f"AND {where} ORDER BY {rest_order} DESC NULLS LAST, m.id "
            "LIMIT (SELECT %s - count(*) FROM t)), "
            "c AS (SELECT id, date FROM t UNION ALL SELECT id, date FROM r) "
            "SELECT c.id FROM c ORDER BY ts_rank(%s::real[], (SELECT d.rank_vector FROM "
            f"{DOCUMENTS} d WHERE d.id = c.id), %s::tsquery) DESC, c.date DESC NULLS LAST, c.id"
        )
        arguments = [text, *params, RANKED_CANDIDATES, text, text, *params]
        arguments += [RANKED_CANDIDATES, PG_WEIGHTS, text]
        with _through_the_index(), connection.cursor() as cursor:
            cursor.execute(sql, arguments)
            self._ranked_ids = [row[0] for row in cursor.fetchall()]
        return self._ranked_ids

    def _after_candidates(self, offset: int, limit: int) -> list[int]:
        """Matches in the candidates' order (every word in the title first, newest first in
        each group), from ``offset``: past the candidates, this is the order of the results."""
        where, params = _postgres_where(self.filters)
        sql = (
            f"SELECT m.id FROM {DOCUMENTS} m "  # noqa: S608 - constants and placeholders only
            f"WHERE m.search_vector @@ %s::tsquery AND {where} "
            "ORDER BY (m.title_vector @@ %s::tsquery) IS TRUE DESC, m.date DESC NULLS LAST, "
            "m.id OFFSET %s LIMIT %s"
        )
        text = self.tsquery_text
        with _through_the_index(), connection.cursor() as cursor:
            cursor.execute(sql, [text, *params, text, offset, limit])
            return [row[0] for row in cursor.fetchall()]


def _postgres_documents_estimate() -> int:
    """How many documents the index holds, as the planner's statistics estimate it (free)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass",
            [DOCUMENTS],
        )
        found = cursor.fetchone()
    return found[0] if found else 0


def document_search(*, query: str, filters: SearchFilters, with_facets: bool = True):
    """The documents matching every word of ``query`` and the ``filters``, best first (then
    newest), with the total and the facet counts of the matching documents.

    Each facet is counted with the other facets' filters applied but not its own, so that
    choosing a value does not hide the others of the same facet. The counts are exact up to
    ``OCIM_SEARCH_EXACT_COUNT_LIMIT`` matches and estimated beyond, which the outcome says
    (``total_exact``, ``facets_exact``); only the first results that many can then be paged
    through. Returns None when the query has no word worth searching (empty, punctuation
    only, only very common words)."""
    words = search_text.query_words(query)
    if not words:
        return None
    matched = _matching(words)
    if matched is None:
        return None
    condition, engine_query = matched
    if connection.vendor == "postgresql":
        results = _PostgresResults(tsquery_text=engine_query, filters=filters)
    else:
        matching = SearchDocument.objects.filter(condition)
        has_filters = filters.q() != Q()
        results = _SqliteResults(
            # Ranked by bm25 in _SqliteResults' own query; the queryset only counts.
            matching.filter(filters.q())
            .annotate(rank=Value(0.0, output_field=FloatField()))
            .order_by("-rank", F("date").desc(nulls_last=True), "pk"),
            expression=engine_query,
            filtered=SearchDocument.objects.filter(filters.q()) if has_filters else None,
        )
    outcome = SearchOutcome(words=words, documents=results)
    if with_facets:
        counts = _counts(engine_query, filters)
        outcome.documents.total = counts.reachable
        outcome.documents.matches = counts.total
        outcome.total = counts.total
        outcome.total_exact = counts.total_exact
        outcome.facets_exact = counts.facets_exact
        outcome.facets = _labelled(counts.facets, filters)
    return outcome


def _search_generation() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM publishing_search_generation WHERE id = 1")
        found = cursor.fetchone()
    return found[0] if found else None


def _counts(engine_query: str, filters: SearchFilters) -> search_counts.Counts:
    """The counts of the matches of ``engine_query`` (see ``counts.search_counts``).

    On PostgreSQL the answer is cached (``OCIM_SEARCH_COUNTS_CACHE_SECONDS``) under the
    index's generation, which every committed change of the index renews: counts are kept
    only when the generation was the same before and after counting (no change committed
    meanwhile), so they are filed under the state of the index they were computed from."""
    if connection.vendor != "postgresql":
        reader = search_counts.SqliteMatchReader(engine_query)
        return search_counts.search_counts(reader, filters)
    seconds = settings.OCIM_SEARCH_COUNTS_CACHE_SECONDS
    limit = settings.OCIM_SEARCH_EXACT_COUNT_LIMIT
    fingerprint = hashlib.sha256(
        json.dumps(
            [
                engine_query,
                limit,
                sorted(filters.kinds),
                sorted(filters.years),
                sorted(filters.rubrics),
                sorted(filters.concepts),
                sorted(filters.languages),
            ]
        ).encode()
    ).hexdigest()
    generation = _search_generation() if seconds else None
    if generation is not None:
        cached = caches["search"].get(f"publishing-search-counts:{generation}:{fingerprint}")
        if cached is not None:
            return cached
    counts = search_counts.search_counts(
        search_counts.PostgresMatchReader(engine_query), filters, limit=limit
    )
    if generation is not None and _search_generation() == generation:
        caches["search"].set(
            f"publishing-search-counts:{generation}:{fingerprint}", counts, seconds
        )
    return counts


def _postgres_where(filters: SearchFilters, *, without: str | None = None) -> tuple[str, list]:
    """The filters (all but ``without``) as SQL on the documents aliased ``m``."""
    conditions = {
        "kind": ("m.kind = ANY(%s)", list(filters.kinds)),
        "year": ("m.year = ANY(%s)", list(filters.years)),
        "rubric": (
            "m.rubric_id IN (SELECT id FROM publishing_rubric WHERE slug = ANY(%s))",
            list(filters.rubrics),
        ),
        # The concepts copied into the row (``concept_ids``): no join.
        "concept": (
            "m.concept_ids && ARRAY(SELECT id FROM core_concept WHERE slug = ANY(%s))",
            list(filters.concepts),
        ),
        "language": ("m.language = ANY(%s)", list(filters.languages)),
    }
    parts, values = ["TRUE"], []
    for name, (sql, value) in conditions.items():
        if name != without and value:
            parts.append(sql)
            values.append(value)
    return " AND ".join(parts), values


def _labelled(counts, filters: SearchFilters) -> dict[str, list[FacetValue]]:
    """The facet values with their labels, in display order (the concepts: the most frequent
    ``MAX_CONCEPT_FACETS``). A chosen value is always listed, with 0 when nothing matches it,
    so that it can be unchosen."""

    from ocim.core.models import Concept

    from ..models import Rubric

    kinds = dict(SearchDocumentKind.choices)
    languages = {code: str(label) for code, label in settings.LANGUAGES}
    top_concepts = sorted(counts["concept"], key=lambda item: (-item[1], item[0]))
    top_concepts = top_concepts[:MAX_CONCEPT_FACETS]
    rubric_ids = [int(value) for value, _count in counts["rubric"]]
    rubrics = (
        {
            str(rubric.pk): rubric
            for rubric in Rubric.objects.filter(Q(pk__in=rubric_ids) | Q(slug__in=filters.rubrics))
        }
        if rubric_ids or filters.rubrics
        else {}
    )
    concept_ids = [int(value) for value, _count in top_concepts]
    concepts = (
        {
            str(concept.pk): concept
            for concept in Concept.objects.filter(
                Q(pk__in=concept_ids) | Q(slug__in=filters.concepts)
            )
        }
        if concept_ids or filters.concepts
        else {}
    )

    def values(name, rows, *, order):
        """``rows`` of (value, label, count), plus the chosen values missing from them."""
        selected = filters.selected(name)
        rows = list(rows)
        present = {value for value, _label, _count in rows}
        rows += [
            (value, label, 0) for value, label in selected_labels[name] if value not in present
        ]
        return [
            FacetValue(value=value, label=label, count=count, selected=value in selected)
            for value, label, count in sorted(rows, key=order)
        ]

    selected_labels = {
        "kind": [(value, str(kinds.get(value, value))) for value in filters.kinds],
        "year": [(str(year), str(year)) for year in filters.years],
        "rubric": [(r.slug, r.name) for r in rubrics.values() if r.slug in filters.rubrics],
        "concept": [(c.slug, c.label) for c in concepts.values() if c.slug in filters.concepts],
        "language": [(value, languages.get(value, value)) for value in filters.languages],
    }
    kind_order = list(kinds)
    rubric_order = {r.slug: (r.sort_order, r.name) for r in rubrics.values()}
    concept_rank = {
        concepts[value].slug: rank
        for rank, (value, _c) in enumerate(top_concepts)
        if value in concepts
    }
    return {
        "kind": values(
            "kind",
            ((value, str(kinds.get(value, value)), count) for value, count in counts["kind"]),
            order=lambda item: kind_order.index(item[0]) if item[0] in kind_order else 99,
        ),
        "year": values(
            "year",
            ((value, value, count) for value, count in counts["year"]),
            order=lambda item: -int(item[0]),
        ),
        "rubric": values(
            "rubric",
            (
                (rubrics[value].slug, rubrics[value].name, count)
                for value, count in counts["rubric"]
                if value in rubrics
            ),
            order=lambda item: rubric_order.get(item[0], (99, item[1])),
        ),
        "concept": values(
            "concept",
            (
                (concepts[value].slug, concepts[value].label, count)
                for value, count in top_concepts
                if value in concepts
            ),
            order=lambda item: (concept_rank.get(item[0], len(concept_rank)), item[1]),
        ),
        "language": values(
            "language",
            ((value, languages.get(value, value), count) for value, count in counts["language"]),
            order=lambda item: item[0],
        ),
    }


@dataclass
class SearchHit:
    document: SearchDocument
    url: str
    title: SafeString
    snippet: SafeString


def search_hits(documents, words: list[search_text.QueryWord], *, request=None) -> list[SearchHit]:
    """Highlighted title and snippet of each document (a page of results). The snippet comes
    from the public text, or from the body only when the index holds it (the full text is
    open): an embargoed body is not in the index, so it cannot show."""
    hits = []
    for document in documents:
        passages = [
            *document.public_text.split(PASSAGE_SEPARATOR),
            *document.body_text.split(PASSAGE_SEPARATOR),
        ]
        passage = search_text.best_passage(passages, words)
        hits.append(
            SearchHit(
                document=document,
                url=document.page.get_url(request) or "",
                title=search_text.highlight(document.title, words, max_words=60),
                snippet=search_text.highlight(passage, words) if passage else SafeString(""),
            )
        )
    return hits
