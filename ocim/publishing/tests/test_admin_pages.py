"""The page editor opens for every publishing page type (panels are valid), and search does not
reveal the full text of an embargoed article."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ocim.accounts.tests.factories import UserFactory
from ocim.publishing.models import ArticlePage

from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_editor_forms_open(admin_client):
    magazine = builders.site_with_magazine()
    issue = builders.issue(magazine)
    article = builders.article(issue, authors=[builders.person()])
    home = magazine.get_parent()
    for url in (
        f"/admin/pages/add/publishing/issuepage/{magazine.pk}/",
        f"/admin/pages/add/publishing/articlepage/{issue.pk}/",
        f"/admin/pages/{magazine.pk}/edit/",
        f"/admin/pages/{issue.pk}/edit/",
        f"/admin/pages/{article.pk}/edit/",
        "/admin/publishing_subscriptions/new/",
    ):
        assert admin_client.get(url).status_code == 200, url
    # The magazine cannot be added twice under the same home page.
    assert (
        admin_client.get(f"/admin/pages/add/publishing/magazinepage/{home.pk}/").status_code != 200
    )


def test_search_finds_the_abstract_but_not_the_embargoed_body():
    magazine = builders.site_with_magazine()
    issue = builders.issue(magazine, publication_date=timezone.localdate() - dt.timedelta(days=5))
    article = builders.article(issue, body_text="Zygomorphe confidentiel")
    assert list(ArticlePage.objects.live().search("Zygomorphe")) == []
    assert article in list(ArticlePage.objects.live().search("Résumé"))


def test_issue_page_queries_do_not_grow_with_articles(client, django_assert_max_num_queries):
    magazine = builders.site_with_magazine()
    issue = builders.issue(magazine)
    dossier = builders.rubric("Dossier", sort_order=10)
    for number in range(2):
        builders.article(
            issue, rubric_value=dossier, authors=[builders.person(last_name=f"A{number}")]
        )
    client.get(issue.url)  # warm the site caches
    with CaptureQueriesContext(connection) as few:
        client.get(issue.url)
    baseline = len(few.captured_queries)  # read now: the connection's query log is bounded
    assert baseline <= 30
    for number in range(6):
        builders.article(
            issue, rubric_value=dossier, authors=[builders.person(last_name=f"B{number}")]
        )
    client.get(issue.url)  # publishing clears the site caches: warm them again
    with django_assert_max_num_queries(baseline):
        assert client.get(issue.url).status_code == 200
