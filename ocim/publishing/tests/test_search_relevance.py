"""Relevance of the publishing search: recall@10 of the test set (French and English queries)
must stay at or above 0.95, on SQLite and on PostgreSQL."""

import pytest
from django.db import connection

from ocim.publishing.search.query import SearchFilters, document_search

from . import builders
from .search_relevance import QUERIES, build_corpus

pytestmark = pytest.mark.django_db

MIN_RECALL = 0.95


def test_the_test_set_is_big_enough():
    assert len(QUERIES) >= 40
    assert all(expected for _query, expected in QUERIES)


def test_recall_at_10():
    magazine = builders.site_with_magazine(moving_wall_months=12)
    pages = build_corpus(magazine)
    keys = {page_id: key for key, page_id in pages.items()}
    expected_total = found_total = 0
    misses = []
    for query, expected in QUERIES:
        outcome = document_search(query=query, filters=SearchFilters(), with_facets=False)
        top = [] if outcome is None else [keys.get(doc.page_id) for doc in outcome.documents[:10]]
        missing = expected - set(top)
        expected_total += len(expected)
        found_total += len(expected) - len(missing)
        if missing:
            misses.append((query, sorted(missing), top))
    recall = found_total / expected_total
    assert recall >= MIN_RECALL, (connection.vendor, recall, misses)
