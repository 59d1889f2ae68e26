"""The public JSON API: lists, details, pagination, errors, and the moving wall."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import PageViewRestriction

from ocim.accounts.tests.factories import UserFactory

from . import builders, news_builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def magazine():
    return builders.site_with_magazine()


def _days_ago(days):
    return timezone.localdate() - dt.timedelta(days=days)


def _json(response, status=200):
    assert response.status_code == status, response.content
    assert response["Content-Type"].split(";")[0] == "application/json"
    return response.json()


def test_article_detail_of_an_embargoed_article_has_no_body_nor_pdf(client, magazine):
    issue = builders.issue(magazine, number=70, publication_date=_days_ago(30))
    concept_free = "herbier, conservation"
    article = builders.article(
        issue,
        title="Sous le mur",
        body_text="murmure",
        with_pdf=True,
        free_keywords=concept_free,
        authors=[builders.person("Durand", "Lucie", orcid="0000-0002-1825-0097")],
    )
    response = client.get(reverse("api:publishing_article_detail", args=[article.pk]))
    data = _json(response)
    assert data["id"] == article.pk
    assert data["title"] == "Sous le mur"
    assert data["full_text_available"] is False
    assert data["opens_on"] == builders_opens_on(issue)
    assert data["body"] is None and data["pdf_url"] is None
    assert data["abstracts"] == [{"language": "fr", "text": "Résumé de l'article."}]
    assert data["keywords"] == ["herbier", "conservation"]
    assert data["authors"][0]["name"] == "Lucie Durand"
    assert data["authors"][0]["orcid"] == "0000-0002-1825-0097"
    assert data["issue"]["number"] == 70
    assert data["url"].endswith(article.url)
    assert b"murmure" not in response.content
    assert article.pdf.url.encode() not in response.content


def builders_opens_on(issue):
    from ocim.publishing.access import add_months

    return add_months(issue.publication_date, 12).isoformat()


def test_article_detail_of_an_open_article_has_body_and_pdf(client, magazine):
    issue = builders.issue(magazine, number=71, publication_date=_days_ago(30))
    article = builders.article(issue, open_early=True, body_text="aurore", with_pdf=True)
    data = _json(client.get(reverse("api:publishing_article_detail", args=[article.pk])))
    assert data["full_text_available"] is True
    assert "aurore" in data["body"]
    assert data["pdf_url"].endswith(reverse("publishing:article_pdf", args=[article.pk]))
    assert client.get(data["pdf_url"]).status_code == 200


def test_a_subscriber_gets_no_body_from_the_api(client, magazine):
    issue = builders.issue(magazine, number=72, publication_date=_days_ago(30))
    article = builders.article(issue, body_text="murmure")
    reader = UserFactory()
    builders.individual_subscription(reader, starts_on=_days_ago(1), ends_on=_days_ago(-5))
    client.force_login(reader)
    data = _json(client.get(reverse("api:publishing_article_detail", args=[article.pk])))
    assert data["body"] is None


def test_drafts_private_and_unknown_articles_are_not_found(client, magazine):
    issue = builders.issue(magazine, number=73, publication_date=_days_ago(900))
    draft = builders.article(issue, title="Brouillon")
    draft.unpublish()
    private = builders.article(issue, title="Privé")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    draft_issue = builders.issue(magazine, number=74, publication_date=_days_ago(900))
    in_draft_issue = builders.article(draft_issue, title="Dans un brouillon")
    # The issue goes back to draft while its article stays live: the article must go with it.
    builders.IssuePage.objects.filter(pk=draft_issue.pk).update(live=False)
    for pk in (draft.pk, private.pk, in_draft_issue.pk, 999999, 10**20):
        data = _json(client.get(reverse("api:publishing_article_detail", args=[pk])), 404)
        assert data["error"] == _("Not found.")
    listed = _json(client.get(reverse("api:publishing_article_list")))
    assert listed["count"] == 0 and listed["results"] == []


def test_article_list_is_paginated_latest_issue_first(client, magazine):
    old = builders.issue(magazine, number=60, publication_date=_days_ago(900))
    new = builders.issue(magazine, number=61, publication_date=_days_ago(30))
    titles = []
    for number, issue in ((1, new), (2, new), (3, old)):
        titles.append(builders.article(issue, title=f"Article {number}", first_page=number).title)
    url = reverse("api:publishing_article_list")
    data = _json(client.get(url, {"limit": 2}))
    assert data["count"] == 3
    assert [item["title"] for item in data["results"]] == titles[:2]
    assert data["previous"] is None
    assert "offset=2" in data["next"]
    second = _json(client.get(data["next"]))
    assert [item["title"] for item in second["results"]] == titles[2:]
    assert second["next"] is None and "offset=0" in second["previous"]
    assert second["results"][0]["full_text_available"] is True
    assert "body" not in second["results"][0]


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "abc"},
        {"limit": "-1"},
        {"offset": "-5"},
        {"offset": "1.5"},
        {"offset": "99999999999999999999"},
        {"limit": "１０"},  # full-width digits
    ],
)
@pytest.mark.parametrize(
    "name", ["api:publishing_article_list", "api:publishing_issue_list", "api:publishing_news_list"]
)
def test_bad_pagination_gives_a_clear_400(client, magazine, params, name):
    news_builders.news_index(magazine)
    data = _json(client.get(reverse(name), params), 400)
    field = next(iter(params))
    bounds = {"limit": (1, 100), "offset": (0, 1_000_000)}[field]
    assert data["error"] == _(
        "“%(name)s” must be a whole number from %(minimum)s to %(maximum)s."
    ) % {"name": field, "minimum": bounds[0], "maximum": bounds[1]}
    assert data["status"] == 400


def test_issue_list_and_detail(client, magazine):
    builders.issue(magazine, number=50, publication_date=_days_ago(900), with_pdf=True)
    recent = builders.issue(magazine, number=51, publication_date=_days_ago(30), with_pdf=True)
    builders.article(recent, title="Sommaire", body_text="murmure")
    draft = builders.issue(magazine, number=52, publication_date=_days_ago(5))
    draft.unpublish()
    data = _json(client.get(reverse("api:publishing_issue_list")))
    assert [item["number"] for item in data["results"]] == [51, 50]
    assert data["count"] == 2
    detail_response = client.get(data["results"][0]["api_url"])
    detail = _json(detail_response)
    assert detail["number"] == 51
    assert detail["full_text_available"] is False and detail["pdf_url"] is None
    assert [article["title"] for article in detail["articles"]] == ["Sommaire"]
    assert detail["articles"][0]["full_text_available"] is False
    assert b"murmure" not in detail_response.content
    old = _json(client.get(reverse("api:publishing_issue_detail", args=[50])))
    assert old["full_text_available"] is True
    assert old["pdf_url"].endswith("/pdf/")
    _json(client.get(reverse("api:publishing_issue_detail", args=[52])), 404)
    _json(client.get(reverse("api:publishing_issue_detail", args=[4040])), 404)


def test_news_list_filters_and_detail(client, magazine):
    index = news_builders.news_index(magazine)
    network = news_builders.category("Vie du réseau", slug="vie-du-reseau")
    item = news_builders.news(
        index, title="Réseau", category_value=network, tags=["musées"], body_text="corps"
    )
    news_builders.news(index, title="Web", kind="article", date=dt.date(2025, 2, 1))
    news_builders.news(index, title="Brouillon", publish=False)
    url = reverse("api:publishing_news_list")
    assert [n["title"] for n in _json(client.get(url))["results"]] == ["Réseau", "Web"]
    assert [n["title"] for n in _json(client.get(url, {"kind": "article"}))["results"]] == ["Web"]
    filtered = _json(client.get(url, {"category": "vie-du-reseau"}))
    assert [n["title"] for n in filtered["results"]] == ["Réseau"]
    assert filtered["results"][0]["tags"] == ["musées"]
    assert filtered["results"][0]["category"] == {"slug": "vie-du-reseau", "name": "Vie du réseau"}
    bad_kind = _json(client.get(url, {"kind": "rumeur"}), 400)
    assert "news, article" in bad_kind["error"]
    bad_category = _json(client.get(url, {"category": "inconnue"}), 400)
    assert "inconnue" in bad_category["error"]
    detail = _json(client.get(reverse("api:publishing_news_detail", args=[item.pk])))
    assert "corps" in detail["body"] and detail["lead"]
    _json(client.get(reverse("api:publishing_news_detail", args=[987654])), 404)


def _in_french(message, **values):
    with translation.override("fr"):
        return _(message) % values if values else _(message)


def test_the_api_answers_in_the_language_of_accept_language(client, magazine):
    # No language prefix under /api/v1/: LocaleMiddleware reads Accept-Language (French when
    # there is none), and says so in Vary for caches.
    url = reverse("api:publishing_article_detail", args=[123456])
    assert url == f"/api/v1/publishing/articles/{123456}/"
    french = client.get(url)
    assert _json(french, 404)["error"] == _in_french("Not found.")
    assert _in_french("Not found.") != "Not found."
    assert "Accept-Language" in french["Vary"]
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert _json(english, 404)["error"] == "Not found."
    message = "“%(name)s” must be a whole number from %(minimum)s to %(maximum)s."
    values = {"name": "limit", "minimum": 1, "maximum": 100}
    list_url = reverse("api:publishing_article_list")
    bad = client.get(list_url, {"limit": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert _json(bad, 400)["error"] == message % values
    bad = client.get(list_url, {"limit": "x"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert _json(bad, 400)["error"] == _in_french(message, **values)
    news_builders.news_index(magazine)
    bad_kind = client.get(
        reverse("api:publishing_news_list"), {"kind": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert _json(bad_kind, 400)["error"] == "“kind” must be one of: news, article."


@pytest.mark.parametrize(
    "tail", ["abc/", "-1/", "0/", "１２/", "1.5/", f"{10**20}/", f"{'9' * 5000}/", "/"]
)
@pytest.mark.parametrize("name", ["articles", "issues", "news"])
def test_bad_ids_are_a_json_404(client, magazine, name, tail):
    news_builders.news_index(magazine)
    response = client.get(f"/api/v1/publishing/{name}/{tail}")
    assert _json(response, 404) == {"error": _("Not found."), "status": 404}


def test_unknown_api_paths_are_a_json_404_not_a_redirect(client, magazine):
    for url in ("/api/v1/", "/api/v1/nothing/", "/api/v1/publishing/", "/api/v1/a/b/c/"):
        assert _json(client.get(url), 404)["error"] == _("Not found."), url
    # Without the final slash: redirected to it, as everywhere on the site, then a 404.
    response = client.get("/api/v1/publishing/issues")
    assert response.status_code == 301 and response["Location"] == "/api/v1/publishing/issues/"


def test_empty_parameters_mean_the_defaults(client, magazine):
    index = news_builders.news_index(magazine)
    news_builders.news(index, title="Réseau")
    for name in ("api:publishing_article_list", "api:publishing_issue_list"):
        data = _json(client.get(reverse(name), {"limit": "", "offset": ""}))
        assert (data["limit"], data["offset"]) == (20, 0)
    params = {"limit": "", "offset": "", "kind": "", "category": ""}
    data = _json(client.get(reverse("api:publishing_news_list"), params))
    assert [item["title"] for item in data["results"]] == ["Réseau"]


def test_odd_categories_are_refused_without_error(client, magazine):
    news_builders.news_index(magazine)
    url = reverse("api:publishing_news_list")
    data = _json(client.get(url, {"category": "x" * 5000}), 400)
    assert data["error"] == _("There is no news category “%(slug)s”.") % {"slug": "x" * 120}
    for odd in ("a\x00b", "a b", "../x", "ç'or 1=1"):
        data = _json(client.get(url, {"category": odd}), 400)
        assert odd in data["error"]


def test_answers_may_be_kept_by_shared_caches(client, magazine):
    response = client.get(reverse("api:publishing_issue_list"))
    assert _json(response)["results"] == []
    assert response["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, magazine, method):
    issue = builders.issue(magazine, number=80, publication_date=_days_ago(900))
    article = builders.article(issue)
    for url in (
        reverse("api:publishing_issue_list"),
        reverse("api:publishing_article_detail", args=[article.pk]),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == 405, (method, url)
        assert "GET" in response["Allow"]
    assert builders.ArticlePage.objects.filter(pk=article.pk, live=True).exists()


@pytest.mark.parametrize(
    "name", ["api:publishing_article_list", "api:publishing_issue_list", "api:publishing_news_list"]
)
def test_the_number_of_queries_does_not_grow_with_the_results(client, magazine, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    index = news_builders.news_index(magazine)

    def add(count):
        issue = builders.issue(magazine, publication_date=_days_ago(count * 40))
        for number in range(count):
            builders.article(issue, authors=[builders.person(f"Auteur{count}{number}")])
            news_builders.news(index, authors=[builders.person(f"Plume{count}{number}")])

    def queries():
        client.get(reverse(name))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name)).status_code == 200
        return len(captured)

    add(1)
    few = queries()
    add(5)
    assert queries() == few


def test_the_openapi_schema_lists_the_publishing_api_and_no_text(client, magazine):
    issue = builders.issue(magazine, number=90, publication_date=_days_ago(30))
    builders.article(issue, open_early=True, body_text="ouvertcanari", with_pdf=True)
    builders.article(issue, body_text="fermecanari")
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "Ocim API"
    paths = schema["paths"]
    for path in (
        "/api/v1/publishing/issues/",
        "/api/v1/publishing/issues/{number}/",
        "/api/v1/publishing/articles/",
        "/api/v1/publishing/articles/{pk}/",
        "/api/v1/publishing/news/",
        "/api/v1/publishing/news/{pk}/",
    ):
        assert set(paths[path]) == {"get"}, path
    parameters = {p["name"]: p for p in paths["/api/v1/publishing/articles/"]["get"]["parameters"]}
    assert parameters["limit"]["schema"]["maximum"] == 100
    article = schema["components"]["schemas"]["ArticleDetail"]["properties"]
    assert {"body", "pdf_url", "abstracts", "keywords"} <= set(article)
    assert {"count", "next", "previous", "results"} <= set(
        schema["components"]["schemas"]["ArticleList"]["properties"]
    )
    assert b"ouvertcanari" not in response.content and b"fermecanari" not in response.content
