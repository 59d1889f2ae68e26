"""The search of the public API (``/api/v1/publishing/search/``): the page's words, filters,
ranking and counts as JSON; bad input is a clear 400, never a 500; the full text of an article
behind the moving wall is neither found nor quoted."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from . import builders, news_builders

pytestmark = pytest.mark.django_db

URL = "api:publishing_search"


@pytest.fixture
def corpus():
    magazine = builders.site_with_magazine(moving_wall_months=12)
    rubric = builders.rubric("Dossier")
    issue = builders.issue(
        magazine,
        number=310,
        publication_date=timezone.localdate() - dt.timedelta(days=30),
        dossier_title="Les squelettes",
    )
    walled = builders.article(
        issue,
        title="Les squelettes des réserves",
        rubric_value=rubric,
        body_text="Le texte secret sur les dermestes.",
    )
    index = news_builders.news_index(magazine)
    news = news_builders.news(
        index,
        title="Des squelettes au muséum",
        kind="article",
        date=dt.date(2024, 11, 5),
        lead="Une visite de l'ostéothèque.",
    )
    return {"issue": issue, "walled": walled, "news": news}


def _json(response, status=200):
    assert response.status_code == status, response.content
    assert response["Content-Type"].split(";")[0] == "application/json"
    return response.json()


def test_results_facets_and_links(client, corpus):
    data = _json(client.get(reverse(URL), {"q": "squelettes"}))
    assert data["query"] == "squelettes"
    assert data["count"] == data["browsable"] == 3
    assert data["count_exact"] and data["facets_exact"]
    kinds = {result["kind"]: result for result in data["results"]}
    assert set(kinds) == {"issue", "article", "web_article"}
    article = kinds["article"]
    assert article["id"] == corpus["walled"].pk
    assert article["url"].endswith(corpus["walled"].url)
    assert article["api_url"].endswith(
        reverse("api:publishing_article_detail", args=[corpus["walled"].pk])
    )
    assert kinds["issue"]["api_url"].endswith(reverse("api:publishing_issue_detail", args=[310]))
    assert kinds["web_article"]["api_url"].endswith(
        reverse("api:publishing_news_detail", args=[corpus["news"].pk])
    )
    assert "<mark>" in kinds["web_article"]["title"] or "<mark>" in "".join(
        result["snippet"] for result in data["results"]
    )
    facet_kinds = {value["value"]: value["count"] for value in data["facets"]["kind"]}
    assert facet_kinds == {"issue": 1, "article": 1, "web_article": 1}


def test_filters_and_pagination(client, corpus):
    data = _json(client.get(reverse(URL), {"q": "squelettes", "kind": ["article", "issue"]}))
    assert data["count"] == 2
    assert {result["kind"] for result in data["results"]} == {"article", "issue"}
    selected = [value["value"] for value in data["facets"]["kind"] if value["selected"]]
    assert sorted(selected) == ["article", "issue"]
    first = _json(client.get(reverse(URL), {"q": "squelettes", "limit": 2}))
    assert len(first["results"]) == 2 and first["next"] and first["previous"] is None
    second = _json(client.get(first["next"]))
    assert len(second["results"]) == 1 and second["next"] is None
    ids = [r["id"] for r in first["results"]] + [r["id"] for r in second["results"]]
    assert len(set(ids)) == 3


def test_the_walled_full_text_is_neither_found_nor_quoted(client, corpus):
    assert _json(client.get(reverse(URL), {"q": "dermestes"}))["count"] == 0
    response = client.get(reverse(URL), {"q": "squelettes"})
    assert b"dermestes" not in response.content and b"secret" not in response.content


def test_a_query_without_searchable_words_finds_nothing(client, corpus):
    data = _json(client.get(reverse(URL), {"q": "le la les !!"}))
    assert data["count"] == 0 and data["results"] == [] and data["facets"] == {}


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 2000}, "q"),
        ({"q": "herbier\x00"}, "q"),
        ({"q": "herbier", "kind": "roman"}, "kind"),
        ({"q": "herbier", "year": "19999"}, "year"),
        ({"q": "herbier", "rubric": "<script>"}, "rubric"),
        ({"q": "herbier", "language": "français"}, "language"),
        ({"q": "herbier", "limit": "0"}, "limit"),
        ({"q": "herbier", "offset": "-1"}, "offset"),
    ],
)
def test_bad_input_is_a_clear_400(client, corpus, params, name):
    data = _json(client.get(reverse(URL), params), status=400)
    assert data["status"] == 400
    assert name in data["error"]


@pytest.mark.parametrize(
    "query", ['"squelettes', "squelettes AND OR NOT", "squelettes*", "🦴 squelettes", "((("]
)
def test_odd_queries_never_fail(client, corpus, query):
    data = _json(client.get(reverse(URL), {"q": query}))
    assert data["query"] == query


def test_answers_may_be_kept_by_shared_caches(client, corpus):
    response = client.get(reverse(URL), {"q": "squelettes"})
    assert response["Cache-Control"] == "public, max-age=300"


def test_the_schema_documents_the_search(client, corpus):
    schema = _json(client.get(reverse("api:openapi-json")))
    operation = schema["paths"]["/api/v1/publishing/search/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"q", "kind", "year", "rubric", "concept", "language", "limit", "offset"} <= names
