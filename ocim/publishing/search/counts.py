"""How many documents a search finds, and how many in each facet value: exact up to a limit,
estimated beyond it, as search engines do ("environ 12 000 résultats").

Counting every match of a word found in most of the index reads every matching row: tens of
milliseconds for thirty thousand documents, and more as the index grows. So the work is bounded:

1. A fixed sample of the index is read first: the documents whose ``sample_bucket`` is below
   16 (a 64th of them; on PostgreSQL, each sample has its own partial index, so only its
   matches are read). Unless it shows the matches to be far beyond the limit
   (``OCIM_SEARCH_EXACT_COUNT_LIMIT``: three times its share of it), the matches (the query
   alone, no filter) are counted up to ``limit + 1``; when they are no more than ``limit``,
   their rows are read and every count is computed from them, exactly: the total and every
   facet.
2. Beyond, the facets are estimated from the smallest sample holding at least a quarter of
   ``limit`` in matches (a 64th, a 16th, else a quarter of the index): its counts multiplied
   by the sample's inverse share. The total is then exact if the filtered matches are no
   more than ``limit`` (counted up to ``limit + 1``), else estimated the same way, and never
   below ``limit + 1``. Estimates are rounded to two significant figures.

The work is a few samples whose sizes stay near ``limit`` or below, and counts that stop at
``limit + 1``: whatever the number of matches.

Each facet is counted with the other facets' filters applied but not its own (choosing a value
does not hide the others of the same facet); values within a facet are alternatives, facets
are combined.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from .models import SAMPLE_BUCKETS

# Samples, smallest first, as the bound on ``sample_bucket`` (of SAMPLE_BUCKETS).
SAMPLE_BOUNDS = (16, 64, 256)
DOCUMENTS = "publishing_searchdocument"
FTS_TABLE = "publishing_searchdocument_fts"
FACETS = ("kind", "year", "rubric", "language")
# The fewest rows of the smallest sample that can show the matches far beyond the limit.
CLEARLY_BEYOND_ROWS = 30


@dataclass
class Counts:
    """The counts of a search: ``total`` matching documents (filters applied) and, per facet,
    ``(value, count)`` pairs (values as strings: kind, year, rubric id, concept id,
    language). ``total_exact`` and ``facets_exact`` say whether they were counted or
    estimated; ``reachable`` is how many results can be paged through (all of them when the
    total is exact, else the first ``limit``: there are at least that many)."""

    total: int
    total_exact: bool
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    facets_exact: bool = True
    reachable: int = 0


@dataclass(frozen=True)
class ResolvedFilters:
    """The filters with rubric and concept slugs turned into ids (the rows carry ids)."""

    kinds: frozenset[str]
    years: frozenset[int]
    rubric_ids: frozenset[int]
    concept_ids: frozenset[int]
    languages: frozenset[str]
    has_rubrics: bool  # a rubric filter was given (even if no rubric has those slugs)
    has_concepts: bool

    @property
    def any(self) -> bool:
        return bool(
            self.kinds or self.years or self.has_rubrics or self.has_concepts or self.languages
        )

    def failing(self, kind, year, rubric_id, language, concept_ids) -> list[str]:
        """The facets whose filter this row does not pass."""
        failed = []
        if self.kinds and kind not in self.kinds:
            failed.append("kind")
        if self.years and year not in self.years:
            failed.append("year")
        if self.has_rubrics and rubric_id not in self.rubric_ids:
            failed.append("rubric")
        if self.languages and language not in self.languages:
            failed.append("language")
        if self.has_concepts and self.concept_ids.isdisjoint(concept_ids):
            failed.append("concept")
        return failed


def resolve_filters(filters) -> ResolvedFilters:
    """``filters`` (a ``query.SearchFilters``) with ids for the rubric and concept slugs."""
    from ocim.core.models import Concept

    from ..models import Rubric

    rubric_ids = (
        frozenset(Rubric.objects.filter(slug__in=filters.rubrics).values_list("pk", flat=True))
        if filters.rubrics
        else frozenset()
    )
    concept_ids = (
        frozenset(Concept.objects.filter(slug__in=filters.concepts).values_list("pk", flat=True))
        if filters.concepts
        else frozenset()
    )
    return ResolvedFilters(
        kinds=frozenset(filters.kinds),
        years=frozenset(filters.years),
        rubric_ids=rubric_ids,
        concept_ids=concept_ids,
        languages=frozenset(filters.languages),
        has_rubrics=bool(filters.rubrics),
        has_concepts=bool(filters.concepts),
    )


def aggregate(rows, filters: ResolvedFilters) -> tuple[int, dict[str, dict]]:
    """(the rows passing every filter, {facet: {value: count}}) over ``rows`` of
    ``(kind, year, rubric_id, language, concept_ids)``: each facet counts the rows that pass
    every filter but its own."""
    total = 0
    counters: dict[str, dict] = {name: {} for name in (*FACETS, "concept")}
    kinds, years, rubrics = counters["kind"], counters["year"], counters["rubric"]
    languages, concepts = counters["language"], counters["concept"]
    everything_passes = not filters.any
    for row in rows:
        kind, year, rubric_id, language, concept_ids = row
        if everything_passes:
            failed = None
        else:
            failures = filters.failing(*row)
            if len(failures) > 1:
                continue
            failed = failures[0] if failures else None
        if failed is None:
            total += 1
        if failed is None or failed == "kind":
            kinds[kind] = kinds.get(kind, 0) + 1
        if (failed is None or failed == "year") and year is not None:
            years[year] = years.get(year, 0) + 1
        if (failed is None or failed == "rubric") and rubric_id is not None:
            rubrics[rubric_id] = rubrics.get(rubric_id, 0) + 1
        if failed is None or failed == "language":
            languages[language] = languages.get(language, 0) + 1
        if failed is None or failed == "concept":
            for concept_id in concept_ids:
                concepts[concept_id] = concepts.get(concept_id, 0) + 1
    return total, counters


def rounded(estimate: float) -> int:
    """``estimate`` to two significant figures (12 345 → 12 000), as an estimate is shown."""
    if estimate < 100:
        return round(estimate)
    digits = math.floor(math.log10(estimate)) - 1
    return int(round(estimate, -digits))


def _as_pairs(counters: dict[str, dict], scale: float) -> dict[str, list[tuple[str, int]]]:
    if scale == 1:
        return {
            name: [(str(value), count) for value, count in counter.items()]
            for name, counter in counters.items()
        }
    return {
        name: [(str(value), max(1, rounded(count * scale))) for value, count in counter.items()]
        for name, counter in counters.items()
    }


# --- Reading the matches -------------------------------------------------------------------------


class MatchReader:
    """Reads matching rows for the counts; one subclass per engine."""

    def rows(self, *, limit: int | None = None, sample_below: int | None = None) -> list:
        """``(kind, year, rubric_id, language, concept_ids)`` of the matches (no filter), at
        most ``limit`` of them, only those of the sample ``sample_below`` if given."""
        raise NotImplementedError

    def filtered_count(self, filters, *, limit: int) -> int:
        """How many matches pass every filter (all matches when ``filters`` is None), counted
        up to ``limit``."""
        raise NotImplementedError


class PostgresMatchReader(MatchReader):
    """PostgreSQL: the rows come with their concepts (``concept_ids``, kept in the row); a
    sample is read through its partial GIN index (the planner picks it: its predicate is the
    query's)."""

    def __init__(self, tsquery_text: str):
        self.tsquery_text = tsquery_text

    def rows(self, *, limit=None, sample_below=None):
        from .query import _through_the_index

        sql = (
            f"SELECT m.kind, m.year, m.rubric_id, m.language, m.concept_ids FROM {DOCUMENTS} m "  # noqa: S608 - constants and placeholders only
            "WHERE m.search_vector @@ %s::tsquery"
        )
        params: list = [self.tsquery_text]
        if sample_below is not None:
            if sample_below not in SAMPLE_BOUNDS:
                raise ValueError(f"No sample below {sample_below}.")
            # A constant (from SAMPLE_BOUNDS), not a parameter: the planner must see the
            # partial index's own predicate to use it.
            sql += f" AND m.sample_bucket < {int(sample_below)}"
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        with _through_the_index(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def filtered_count(self, filters, *, limit):
        from .query import SearchFilters, _postgres_where, _through_the_index

        where, params = _postgres_where(filters or SearchFilters())
        sql = (
            f"SELECT count(*) FROM (SELECT 1 FROM {DOCUMENTS} m "  # noqa: S608 - constants and placeholders only
            f"WHERE m.search_vector @@ %s::tsquery AND {where} LIMIT %s) AS found"
        )
        with _through_the_index(), connection.cursor() as cursor:
            cursor.execute(sql, [self.tsquery_text, *params, limit])
            return cursor.fetchone()[0]


class SqliteMatchReader(MatchReader):
    """SQLite: the FTS5 table finds the matches; their concepts are read from the
    many-to-many table in a second query."""

    def __init__(self, expression: str):
        self.expression = expression

    def rows(self, *, limit=None, sample_below=None):
        from .models import SearchDocument

        sql = (
            f"SELECT d.id, d.kind, d.year, d.rubric_id, d.language FROM {FTS_TABLE} "  # noqa: S608 - constants and placeholders only
            f"JOIN {DOCUMENTS} d ON d.id = {FTS_TABLE}.rowid WHERE {FTS_TABLE} MATCH %s"
        )
        params: list = [self.expression]
        if sample_below is not None:
            sql += " AND d.sample_bucket < %s"
            params.append(sample_below)
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        concepts: dict[int, list[int]] = {row[0]: [] for row in found}
        through = SearchDocument.concepts.through
        ids = list(concepts)
        # SQLite takes at most 32,766 parameters a statement.
        for start in range(0, len(ids), 30_000):
            for document_id, concept_id in through.objects.filter(
                searchdocument_id__in=ids[start : start + 30_000]
            ).values_list("searchdocument_id", "concept_id"):
                concepts[document_id].append(concept_id)
        return [
            (kind, year, rubric_id, language, concepts[document_id])
            for document_id, kind, year, rubric_id, language in found
        ]

    def filtered_count(self, filters, *, limit):
        from .models import SearchDocument

        if filters is None:
            sql = (
                f"SELECT count(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608 - constants and placeholders only
                "LIMIT %s)"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [self.expression, limit])
                return cursor.fetchone()[0]
        matched = SearchDocument.objects.filter(filters.q()).values("pk")
        sub_sql, sub_params = matched.query.sql_with_params()
        sql = (
            f"SELECT count(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608 - constants and placeholders only
            f"AND rowid IN ({sub_sql}) LIMIT %s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.expression, *sub_params, limit])
            return cursor.fetchone()[0]


# --- The counts ----------------------------------------------------------------------------------


def search_counts(reader: MatchReader, filters, *, limit: int | None = None) -> Counts:
    """The counts of the matches read by ``reader`` under ``filters`` (a
    ``query.SearchFilters``): exact when the matches are no more than ``limit`` (default
    ``OCIM_SEARCH_EXACT_COUNT_LIMIT``), estimated otherwise (see the module's docstring)."""
    from .query import search_session

    limit = settings.OCIM_SEARCH_EXACT_COUNT_LIMIT if limit is None else limit
    with search_session():
        return _search_counts(reader, filters, limit)


def _search_counts(reader: MatchReader, filters, limit: int) -> Counts:
    resolved = resolve_filters(filters)
    smallest = SAMPLE_BOUNDS[0]
    sample = reader.rows(sample_below=smallest)
    # The smallest sample holds about 1/64 of the matches. When it holds three times its share
    # of the limit (and enough rows to tell), the matches are far beyond the limit (below it,
    # the sample would hold a third of that at most, give or take a few rows: its documents
    # are a fixed spread of the index, unrelated to what they say), so they are not counted.
    clearly_beyond = len(sample) >= max(CLEARLY_BEYOND_ROWS, 3 * limit * smallest / SAMPLE_BUCKETS)
    if not clearly_beyond and reader.filtered_count(None, limit=limit + 1) <= limit:
        # Counting up to limit + 1 reads no row out (cheap); the rows are read only when they
        # are few enough to count them all (and counted again, should a change come between).
        rows = reader.rows(limit=limit + 1)
        if len(rows) <= limit:
            total, counters = aggregate(rows, resolved)
            return Counts(
                total=total,
                total_exact=True,
                facets=_as_pairs(counters, 1),
                facets_exact=True,
                reachable=total,
            )
    # The smallest sample with at least a quarter of the limit in matches (about 3 % error on
    # the total for 2,000), else the largest.
    bound = smallest
    for bound in SAMPLE_BOUNDS:
        if bound != smallest:
            sample = reader.rows(sample_below=bound)
        if len(sample) * 4 >= limit:
            break
    scale = SAMPLE_BUCKETS / bound
    sampled_total, counters = aggregate(sample, resolved)
    if resolved.any:
        filtered = reader.filtered_count(filters, limit=limit + 1)
        if filtered <= limit:
            return Counts(
                total=filtered,
                total_exact=True,
                facets=_as_pairs(counters, scale),
                facets_exact=False,
                reachable=filtered,
            )
    return Counts(
        total=max(limit + 1, rounded(sampled_total * scale)),
        total_exact=False,
        facets=_as_pairs(counters, scale),
        facets_exact=False,
        reachable=limit,
    )
