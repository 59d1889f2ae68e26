"""The publishing search at scale: ranking in two stages on PostgreSQL (every match is listed
exactly once, title matches are ranked before the rest when matches outnumber the candidates),
facet counts that agree with the plain ORM counts (both engines), and the cache of those
counts, renewed by every committed change of the index and never by an uncommitted one."""

import datetime as dt
import itertools

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from ocim.core.models import Concept
from ocim.publishing.models import SearchDocument
from ocim.publishing.search import query as search_query
from ocim.publishing.search.query import SearchFilters, document_search

from . import builders, news_builders

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL engine's own ranking and counts"
)
_counter = itertools.count(1)


def _ids(outcome, *, per_page: int) -> list[int]:
    documents = outcome.documents
    found = []
    for start in range(0, documents.count(), per_page):
        found += [document.page_id for document in documents[start : start + per_page]]
    return found


@pytest.fixture
def herbarium_news(db):
    """Two news items with the word in their title (an old and a recent one) and eight with it
    in the body only, one a day from 1 March 2025."""
    magazine = builders.site_with_magazine()
    index = news_builders.news_index(magazine)
    titled = [
        news_builders.news(index, title="L'herbier de Dijon rouvre", date=dt.date(2020, 1, 1)),
        news_builders.news(index, title="Un herbier numérisé", date=dt.date(2025, 2, 1)),
    ]
    body_only = [
        news_builders.news(
            index,
            title=f"Nouvelles des réserves {number}",
            date=dt.date(2025, 3, 1) + dt.timedelta(days=number),
            body_text="Les planches de l'herbier sont en cours d'inventaire.",
        )
        for number in range(8)
    ]
    return titled, body_only


def test_every_match_is_listed_once_in_any_page_size(herbarium_news):
    titled, body_only = herbarium_news
    expected = {page.pk for page in [*titled, *body_only]}
    for per_page in (1, 3, 10):
        outcome = document_search(query="herbier", filters=SearchFilters())
        found = _ids(outcome, per_page=per_page)
        assert len(found) == len(set(found)) == 10
        assert set(found) == expected


@postgres_only
def test_beyond_the_candidates_title_matches_come_first_then_the_newest(
    herbarium_news, monkeypatch
):
    titled, body_only = herbarium_news
    monkeypatch.setattr(search_query, "RANKED_CANDIDATES", 4)
    outcome = document_search(query="herbier", filters=SearchFilters())
    found = _ids(outcome, per_page=3)
    # Candidates: both title matches (whatever their age), then the two newest others; ranked,
    # the title matches lead. After them, the other matches from the newest.
    newest_first = [page.pk for page in reversed(body_only)]
    assert set(found[:2]) == {page.pk for page in titled}
    assert set(found[2:4]) == set(newest_first[:2])
    assert found[4:] == newest_first[2:]
    # With room for every match, the order is the exact ranking: title matches first too.
    monkeypatch.setattr(search_query, "RANKED_CANDIDATES", 300)
    ranked = _ids(document_search(query="herbier", filters=SearchFilters()), per_page=10)
    assert set(ranked[:2]) == {page.pk for page in titled}
    assert sorted(ranked) == sorted(found)


@pytest.fixture
def varied_corpus(db):
    """Articles of two rubrics and two years, with concepts, news items and a web article in
    English: enough for every facet to have several values."""
    magazine = builders.site_with_magazine()
    dossier, reperes = builders.rubric("Dossier", 0), builders.rubric("Repères", 1)
    plants = Concept.objects.create(slug="plantes", label_fr="Plantes", label_en="Plants")
    climate = Concept.objects.create(slug="climat", label_fr="Climat", label_en="Climate")
    for year, rubric, concepts in (
        (2023, dossier, [plants]),
        (2023, reperes, [plants, climate]),
        (2024, dossier, [climate]),
        (2024, reperes, []),
    ):
        issue = builders.issue(
            magazine, number=900 + next(_counter), publication_date=dt.date(year, 3, 1)
        )
        article = builders.article(
            issue, title="Les herbiers et le climat", rubric_value=rubric, open_early=True
        )
        article.keywords.set(concepts)
        article.save_revision().publish()
    index = news_builders.news_index(magazine)
    news_builders.news(index, title="Herbiers en réseau", date=dt.date(2023, 6, 1))
    news_builders.news(
        index, title="Herbaria and climate", date=dt.date(2024, 6, 1), kind="article"
    )
    return magazine


FILTER_SETS = [
    SearchFilters(),
    SearchFilters(kinds=("article",)),
    SearchFilters(years=(2023,)),
    SearchFilters(kinds=("article", "news"), years=(2024, 2023)),
    SearchFilters(rubrics=("reperes",)),
    SearchFilters(concepts=("plantes",)),
    SearchFilters(concepts=("climat",), years=(2024,)),
    SearchFilters(languages=("en",)),
    SearchFilters(kinds=("issue",), rubrics=("dossier",)),
]


def _reference_counts(condition, filters: SearchFilters):
    """(total, {facet: sorted [(value, count)]}) counted with the ORM, one query per facet:
    the plain reading of "each facet without its own filter"."""
    base = SearchDocument.objects.filter(condition)
    counts = {}
    for name, column in (
        ("kind", "kind"),
        ("year", "year"),
        ("rubric", "rubric_id"),
        ("language", "language"),
    ):
        rows = (
            base.filter(filters.q(without=name))
            .exclude(**{f"{column}__isnull": True})
            .values(column)
            .annotate(count=Count("pk"))
            .order_by()
        )
        counts[name] = sorted((str(row[column]), row["count"]) for row in rows)
    through = SearchDocument.concepts.through
    rows = (
        through.objects.filter(
            searchdocument_id__in=base.filter(filters.q(without="concept")).values("pk")
        )
        .values("concept_id")
        .annotate(count=Count("searchdocument_id"))
        .order_by()
    )
    counts["concept"] = sorted((str(row["concept_id"]), row["count"]) for row in rows)
    return base.filter(filters.q()).count(), counts


@pytest.mark.parametrize("filters", FILTER_SETS)
def test_facet_counts_agree_with_counting_row_by_row(varied_corpus, filters):
    words = search_query.search_text.query_words("herbier")
    condition, text = search_query._matching(words)
    counts = search_query._counts(text, filters)
    total, expected = _reference_counts(condition, filters)
    assert counts.total_exact and counts.facets_exact
    assert counts.total == counts.reachable == total
    if filters == SearchFilters():
        assert total > 0
    for name in ("kind", "year", "rubric", "language", "concept"):
        assert sorted(counts.facets[name]) == expected[name], name
    assert total == document_search(query="herbier", filters=filters).documents.count()


def _generation() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM publishing_search_generation WHERE id = 1")
        return cursor.fetchone()[0]


def _counted(queries) -> bool:
    """Whether the matches were read to count them (the smallest sample first, then all of
    them: one or two statements) rather than taken from the cache."""
    return any("m.concept_ids FROM publishing_searchdocument" in query["sql"] for query in queries)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_counts_are_cached_until_a_change_of_the_index_commits(settings):
    settings.OCIM_SEARCH_COUNTS_CACHE_SECONDS = 600
    caches["search"].clear()
    magazine = builders.site_with_magazine()
    index = news_builders.news_index(magazine)
    news_builders.news(index, title="Un herbier numérisé")

    def search():
        with CaptureQueriesContext(connection) as queries:
            outcome = document_search(query="herbier", filters=SearchFilters())
        return outcome.documents.count(), _counted(queries.captured_queries)

    assert search() == (1, True)
    assert search() == (1, False)  # from the cache

    before = _generation()
    with transaction.atomic():
        news_builders.news(index, title="L'herbier de Dijon rouvre")
        # Not committed yet: the generation has not moved (a reader cannot see the change).
        assert _generation() == before
    assert _generation() != before
    assert search() == (2, True)  # counted again: the index changed

    after_publication = _generation()
    with transaction.atomic():
        news_builders.news(index, title="Un troisième herbier")
        transaction.set_rollback(True)
    # A change rolled back leaves the generation as it was, and the counts with it.
    assert _generation() == after_publication
    assert search() == (2, False)
    caches["search"].clear()
