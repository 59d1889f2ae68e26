"""Bounded counting of the publishing search: exact up to OCIM_SEARCH_EXACT_COUNT_LIMIT matches,
estimated from a fixed sample of the index beyond, and said to be estimated on the page and in
the API ("About 12,000 results"); only the first results that many can then be paged through."""

import itertools
import random
import re
from collections import Counter

import pytest
from django.db import connection
from django.urls import reverse

from ocim.core.models import Concept
from ocim.publishing.migrations import __name__ as migrations_package
from ocim.publishing.models import SearchDocument
from ocim.publishing.search import counts as search_counts
from ocim.publishing.search import query as search_query
from ocim.publishing.search.models import SAMPLE_BUCKETS, sample_bucket_of
from ocim.publishing.search.query import SearchFilters, document_search

from . import builders, news_builders

pytestmark = pytest.mark.django_db  # the counts run in a transaction of their own
_numbers = itertools.count(1)


# --- The rule, on rows in memory ------------------------------------------------------------------


class RowsReader(search_counts.MatchReader):
    """Matches held in memory: (sample bucket, row) pairs."""

    def __init__(self, rows):
        self.rows_with_buckets = rows
        self.samples_read = []
        self.counted = []

    def rows(self, *, limit=None, sample_below=None):
        if sample_below is not None:
            self.samples_read.append(sample_below)
        found = [
            row
            for bucket, row in self.rows_with_buckets
            if sample_below is None or bucket < sample_below
        ]
        return found if limit is None else found[:limit]

    def filtered_count(self, filters, *, limit):
        self.counted.append(filters)
        if filters is None:
            return min(len(self.rows_with_buckets), limit)
        resolved = search_counts.resolve_filters(filters)
        passing = sum(1 for _b, row in self.rows_with_buckets if not resolved.failing(*row))
        return min(passing, limit)


def _corpus(size: int, seed: int = 3):
    """``size`` matching documents: 60 % articles, 30 % news, 10 % issues; years 2015-2024
    evenly; 80 % French; two concepts each out of 12."""
    rng = random.Random(seed)
    rows = []
    for page_id in range(1, size + 1):
        kind = rng.choices(["article", "news", "issue"], weights=[6, 3, 1])[0]
        row = (
            kind,
            2015 + page_id % 10,
            rng.choice([1, 2, 3]) if kind == "article" else None,
            "fr" if rng.random() < 0.8 else "en",
            rng.sample(range(1, 13), 2),
        )
        rows.append((sample_bucket_of(page_id), row))
    return rows


def _brute_force(rows, filters: SearchFilters):
    resolved = search_counts.resolve_filters(filters)
    total, facets = 0, {name: Counter() for name in ("kind", "year", "rubric", "language")}
    concepts = Counter()
    for _bucket, row in rows:
        failed = resolved.failing(*row)
        if not failed:
            total += 1
        for position, name in enumerate(("kind", "year", "rubric", "language")):
            if (not failed or failed == [name]) and row[position] is not None:
                facets[name][str(row[position])] += 1
        if not failed or failed == ["concept"]:
            concepts.update(str(concept) for concept in row[4])
    facets["concept"] = concepts
    return total, facets


def test_the_sample_buckets_spread_evenly():
    buckets = Counter(
        sample_bucket_of(page_id) * 16 // SAMPLE_BUCKETS for page_id in range(1, 16001)
    )
    # Each sixteenth of the buckets holds 1,000 of 16,000 pages, give or take two.
    assert len(buckets) == 16 and all(998 <= count <= 1002 for count in buckets.values())
    # Every tenth page (as the articles of one position in their issues) spreads as well.
    tenth = Counter(sample_bucket_of(page_id) < 64 for page_id in range(7, 40001, 10))
    assert 230 <= tenth[True] <= 270  # a sixteenth of 4,000


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(),
        SearchFilters(kinds=("article",)),
        SearchFilters(years=(2020, 2021), languages=("fr",)),
        SearchFilters(kinds=("news", "issue"), years=(2016,)),
    ],
)
def test_up_to_the_limit_every_count_is_exact(filters):
    rows = _corpus(500)
    counts = search_counts.search_counts(RowsReader(rows), filters, limit=500)
    total, expected = _brute_force(rows, filters)
    assert counts.total_exact and counts.facets_exact
    assert counts.total == counts.reachable == total
    for name, counter in expected.items():
        assert dict(counts.facets[name]) == dict(counter), name


def test_beyond_the_limit_the_counts_are_estimated_from_a_sample():
    rows = _corpus(40_000)
    reader = RowsReader(rows)
    counts = search_counts.search_counts(reader, SearchFilters(), limit=2000)
    assert not counts.total_exact and not counts.facets_exact
    assert counts.reachable == 2000  # the first 2,000 results can be paged through
    # A 64th of 40,000 is 625 rows, over a quarter of the limit: it is used, and it shows the
    # matches far beyond the limit, so they are not counted one by one.
    assert reader.samples_read == [16]
    assert reader.counted == []
    assert 36_000 <= counts.total <= 44_000
    assert counts.total == search_counts.rounded(counts.total)  # two significant figures
    _total, expected = _brute_force(rows, SearchFilters())
    for name in ("kind", "year", "language", "concept"):
        estimated = dict(counts.facets[name])
        for value, count in expected[name].items():
            if count >= 2000:
                assert abs(estimated[value] - count) <= 0.2 * count, (name, value)


def test_near_the_limit_the_matches_are_counted_before_being_estimated():
    rows = _corpus(3000)
    reader = RowsReader(rows)
    counts = search_counts.search_counts(reader, SearchFilters(), limit=2000)
    # A 64th of 3,000 is about 47 rows: not enough to tell, so the matches are counted (up
    # to 2,001), then estimated from the quarter (about 750 rows).
    assert reader.counted == [None]
    assert reader.samples_read == [16, 64, 256]
    assert not counts.total_exact and 2500 <= counts.total <= 3500


def test_an_estimate_is_never_below_the_limit():
    # 2,001 matches, all but a few outside the quarter sample: the total is still above 2,000.
    rows = [(1000, ("news", 2020, None, "fr", []))] * 2001
    counts = search_counts.search_counts(RowsReader(rows), SearchFilters(), limit=2000)
    assert counts.total == 2001 and not counts.total_exact


def test_filters_below_the_limit_give_an_exact_total_with_estimated_facets():
    rows = _corpus(20_000)
    filters = SearchFilters(kinds=("issue",), years=(2016,))
    counts = search_counts.search_counts(RowsReader(rows), filters, limit=2000)
    total, _expected = _brute_force(rows, filters)
    assert counts.total_exact and not counts.facets_exact
    assert counts.total == counts.reachable == total < 2000


def test_each_facet_is_counted_without_its_own_filter():
    rows = _corpus(3000, seed=9)
    rng = random.Random(4)
    for _ in range(20):
        filters = SearchFilters(
            kinds=tuple(rng.sample(["article", "news", "issue"], rng.randint(0, 2))),
            years=tuple(rng.sample(range(2015, 2025), rng.randint(0, 3))),
            languages=tuple(rng.sample(["fr", "en"], rng.randint(0, 1))),
        )
        total, counters = search_counts.aggregate(
            [row for _b, row in rows], search_counts.resolve_filters(filters)
        )
        expected_total, expected = _brute_force(rows, filters)
        assert total == expected_total
        for name, counter in expected.items():
            assert {str(k): v for k, v in counters[name].items()} == dict(counter), name


@pytest.mark.parametrize(
    ("value", "shown"), [(7, 7), (99.4, 99), (123, 120), (12_345, 12_000), (2_961, 3_000)]
)
def test_estimates_have_two_significant_figures(value, shown):
    assert search_counts.rounded(value) == shown


# --- On the database ------------------------------------------------------------------------------


def _summary_text(html: str) -> str:
    return re.search(r'<div role="status" class="search-summary">(.*?)</div>', html, re.S)[1]


@pytest.fixture
def herbaria(db):
    """Twelve news items about herbaria: eight news, four web articles."""
    magazine = builders.site_with_magazine()
    index = news_builders.news_index(magazine)
    return [
        news_builders.news(
            index,
            title=f"Herbier numéro {next(_numbers)}",
            kind="article" if number % 3 == 0 else "news",
        )
        for number in range(12)
    ]


def _summary(response) -> str:
    return _summary_text(response.text)


def test_at_the_limit_the_page_gives_exact_counts(client, settings, herbaria):
    settings.OCIM_SEARCH_EXACT_COUNT_LIMIT = 12
    response = client.get(reverse("publishing:search"), {"q": "herbier"})
    summary = _summary(response)
    assert "12 résultats" in summary and "Environ" not in summary
    assert "≈" not in response.text and 'id="facets-estimated"' not in response.text
    answer = client.get(reverse("api:publishing_search"), {"q": "herbier"}).json()
    assert answer["count"] == answer["browsable"] == 12
    assert answer["count_exact"] and answer["facets_exact"]


def test_beyond_the_limit_the_page_and_the_api_say_the_counts_are_estimated(
    client, settings, herbaria
):
    settings.OCIM_SEARCH_EXACT_COUNT_LIMIT = 5
    outcome = document_search(query="herbier", filters=SearchFilters())
    assert not outcome.total_exact and not outcome.facets_exact
    assert outcome.total >= 6
    assert outcome.documents.count() == 5  # the first five can be paged through

    response = client.get(reverse("publishing:search"), {"q": "herbier"})
    summary = _summary(response)
    assert f"Environ {outcome.total} résultats" in summary
    assert "Les 5 premiers résultats peuvent être parcourus" in summary
    assert len(re.findall(r'class="result" data-page=', response.text)) == 5
    assert 'id="facets-estimated"' in response.text

    answer = client.get(reverse("api:publishing_search"), {"q": "herbier", "limit": 3}).json()
    assert answer["count"] == outcome.total and answer["browsable"] == 5
    assert not answer["count_exact"] and not answer["facets_exact"]
    assert len(answer["results"]) == 3 and answer["next"]
    rest = client.get(answer["next"]).json()
    assert len(rest["results"]) == 2 and rest["next"] is None
    beyond = client.get(reverse("api:publishing_search"), {"q": "herbier", "offset": 5}).json()
    assert beyond["results"] == [] and beyond["next"] is None


def test_a_filter_narrowing_below_the_limit_gives_an_exact_total(client, settings, herbaria):
    settings.OCIM_SEARCH_EXACT_COUNT_LIMIT = 5
    outcome = document_search(query="herbier", filters=SearchFilters(kinds=("web_article",)))
    assert outcome.total_exact and not outcome.facets_exact
    assert outcome.total == outcome.documents.count() == 4
    html = client.get(reverse("publishing:search"), {"q": "herbier", "kind": "web_article"}).text
    assert "4 résultats" in _summary_text(html) and "Environ" not in _summary_text(html)


@pytest.mark.parametrize("bound", search_counts.SAMPLE_BOUNDS)
def test_a_sample_holds_exactly_the_matches_of_its_buckets(herbaria, bound):
    words = search_query.search_text.query_words("herbier")
    _condition, engine_query = search_query._matching(words)
    reader = (
        search_counts.PostgresMatchReader(engine_query)
        if connection.vendor == "postgresql"
        else search_counts.SqliteMatchReader(engine_query)
    )
    documents = SearchDocument.objects.filter(page__in=[page.pk for page in herbaria])
    expected = Counter(document.kind for document in documents if document.sample_bucket < bound)
    assert Counter(row[0] for row in reader.rows(sample_below=bound)) == expected
    for document in documents:
        assert document.sample_bucket == sample_bucket_of(document.page_id)


def test_the_migration_computes_the_same_buckets(herbaria):
    from importlib import import_module

    migration = import_module(f"{migrations_package}.0006_search_bounded_counts")
    SearchDocument.objects.update(sample_bucket=0)
    statement = migration.BACKFILL
    if connection.vendor == "postgresql":
        statement = statement.replace("page_id *", "page_id::bigint *")
    with connection.cursor() as cursor:
        cursor.execute(statement, [])
    for page_id, bucket in SearchDocument.objects.values_list("page_id", "sample_bucket"):
        assert bucket == sample_bucket_of(page_id)


def test_a_chosen_value_stays_listed_when_nothing_matches_it(client, herbaria):
    concept = Concept.objects.create(slug="fougeres", label_fr="Fougères", label_en="Ferns")
    rubric = builders.rubric("Repères", 1)
    html = client.get(
        reverse("publishing:search"),
        {"q": "herbier", "year": "1999", "concept": concept.slug, "rubric": rubric.slug},
    ).text
    for name, value in (("year", "1999"), ("concept", "fougeres"), ("rubric", rubric.slug)):
        assert re.search(rf'name="{name}" value="{value}"[^>]*checked', html), name


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the row's copy of the concepts")
def test_the_row_keeps_a_copy_of_the_concepts(db):
    magazine = builders.site_with_magazine()
    issue = builders.issue(magazine, number=40)
    article = builders.article(issue, title="Les herbiers", open_early=True)
    plants = Concept.objects.create(slug="plantes", label_fr="Plantes", label_en="Plants")
    climate = Concept.objects.create(slug="climat", label_fr="Climat", label_en="Climate")

    def copied():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT concept_ids FROM publishing_searchdocument WHERE page_id = %s",
                [article.pk],
            )
            return sorted(cursor.fetchone()[0])

    article.keywords.set([plants, climate])
    article.save_revision().publish()
    assert copied() == sorted([plants.pk, climate.pk])
    article.keywords.set([climate])
    article.save_revision().publish()
    assert copied() == [climate.pk]
