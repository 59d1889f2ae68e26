"""The public search page of the magazine and the news: results, snippets, facets, pagination,
and bad input (never a 500)."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ocim.core.forms import SEARCH_QUERY_MAX_LENGTH
from ocim.publishing.search.views import RESULTS_PER_PAGE

from . import builders, news_builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def magazine():
    return builders.site_with_magazine(moving_wall_months=12)


@pytest.fixture
def corpus(magazine):
    issue = builders.issue(magazine, number=190, publication_date=dt.date(2022, 5, 15))
    article = builders.article(
        issue,
        title="L'ostéologie au musée : conserver les <squelettes>",
        rubric_value=builders.rubric("Dossier"),
        body_text="Les dermestes nettoient les os des squelettes.",
    )
    index = news_builders.news_index(magazine)
    news = news_builders.news(
        index,
        title="Reportage : les squelettes de cétacés du muséum",
        kind="article",
        date=dt.date(2024, 11, 5),
        lead="Une visite des réserves et de l'ostéothèque.",
    )
    return {"issue": issue, "article": article, "news": news, "index": index}


def _get(client, **params):
    return client.get(reverse("publishing:search"), params)


def _result_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'class="result" data-page="(\d+)"', response.text)]


def test_results_with_highlighted_snippets_and_facets(client, corpus):
    response = _get(client, q="squelettes")
    assert response.status_code == 200
    assert set(_result_ids(response)) == {corpus["article"].pk, corpus["news"].pk}
    body = response.text
    assert "<mark>squelettes</mark>" in body
    # The title is escaped, only <mark> is added.
    assert "&lt;<mark>squelettes</mark>&gt;" in body
    assert "<squelettes>" not in body
    assert 'role="status"' in body
    assert 'data-facet="kind"' in body
    assert 'data-facet="year"' in body
    assert 'data-facet="rubric"' in body
    assert f'href="{corpus["article"].url}"' in body


def test_kind_and_year_filters(client, corpus):
    response = _get(client, q="squelettes", kind="web_article")
    assert _result_ids(response) == [corpus["news"].pk]
    response = _get(client, q="squelettes", year="2022")
    assert _result_ids(response) == [corpus["article"].pk]
    response = _get(client, q="squelettes", rubric="dossier")
    assert _result_ids(response) == [corpus["article"].pk]
    # Within one facet the values add up.
    response = _get(client, q="squelettes", year=["2022", "2024"])
    assert len(_result_ids(response)) == 2
    # The facet of a filter still lists its other values (counted without that filter).
    response = _get(client, q="squelettes", kind="web_article")
    assert 'value="article"' in response.text


def test_the_query_is_escaped(client, corpus):
    response = _get(client, q='<script>alert("x")</script> squelettes')
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;" in response.text


@pytest.mark.parametrize(
    "query",
    [
        '"squelettes',
        "squelettes AND OR NOT",
        "*",
        "-squelettes",
        "title:squelettes",
        "squelettes)(",
        "🦴 squelettes 🙂",
        "‽‽‽ ... !!! ?",
        "AND",
        "x" * 190 + " squelettes",
        "'",
        "NEAR(squelettes os)",
        "^squelettes",
    ],
)
def test_malformed_queries_never_fail(client, corpus, query):
    response = _get(client, q=query)
    assert response.status_code == 200


def test_a_query_with_no_searchable_word_says_so(client, corpus):
    response = _get(client, q="!!! *** « » AND OR NOT")
    assert response.status_code == 200
    assert (
        _(
            "Your search has no word that can be searched: type words of at least two letters "
            "(punctuation, operators and very common words are ignored)."
        )
        in response.text
    )
    assert _result_ids(response) == []


def test_too_long_and_nul_queries_are_reported(client, corpus):
    response = _get(client, q="musée " * 400)  # 2,400 characters
    assert response.status_code == 200
    too_long = _("Your search is too long: use at most %(limit_value)d characters.") % {
        "limit_value": SEARCH_QUERY_MAX_LENGTH
    }
    assert too_long in response.text.replace("&#x27;", "'")
    response = _get(client, q="squel\x00ettes")
    assert response.status_code == 200
    assert _("Your search contains characters that are not allowed.") in response.text.replace(
        "&#x27;", "'"
    )
    assert _result_ids(response) == []


def test_filters_not_understood_are_reported_and_ignored(client, corpus):
    response = _get(client, q="squelettes", year="deux-mille", kind="<b>")
    assert response.status_code == 200
    assert _("Some filters were not understood and were ignored:") in response.text.replace(
        "&#x27;", "'"
    )
    assert len(_result_ids(response)) == 2


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "1e9"])
def test_any_page_number_is_clamped(client, corpus, page):
    assert _get(client, q="squelettes", page=page).status_code == 200


def test_pagination_keeps_the_query_and_the_filters(client, corpus):
    for number in range(RESULTS_PER_PAGE + 2):
        news_builders.news(corpus["index"], title=f"Squelettes de baleine {number}")
    response = _get(client, q="squelettes", kind="news")
    assert len(_result_ids(response)) == RESULTS_PER_PAGE
    assert "page=2" in response.text
    assert "kind=news" in response.text
    second = _get(client, q="squelettes", kind="news", page="2")
    assert len(_result_ids(second)) == 2


def test_the_number_of_queries_does_not_grow_with_the_results(client, corpus):
    def queries() -> int:
        cache.clear()  # the site shell caches its menus: measure from the same state
        with CaptureQueriesContext(connection) as captured:
            assert _get(client, q="squelettes").status_code == 200
        return len(captured)

    _get(client, q="squelettes")  # the first request of a site creates its settings row
    before = queries()
    for number in range(6):
        news_builders.news(corpus["index"], title=f"Squelettes de baleine {number}")
    assert queries() == before


def test_the_page_exists_in_english(client, corpus):
    with translation.override("en"):
        url = reverse("publishing:search")
    assert url.startswith("/en/")
    response = client.get(url, {"q": "skeletons squelettes"})
    assert response.status_code == 200


def test_an_empty_search_shows_the_form(client, corpus):
    response = _get(client)
    assert response.status_code == 200
    assert 'type="search"' in response.text
    assert _("Type one or more words to search the magazine and the news.") in response.text
