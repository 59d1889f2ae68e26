"""An issue that stops being live (its expiry date, "Unpublish" in the admin, any other path)
takes its articles and its dossier out of the site with it: the articles are unpublished and
kept for the issue, so publishing the issue again brings them back as they were; the dossier
answers 404 and leaves the sitemap and the site search while its issue is not public."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import AuditLogEntry
from ocim.publishing.models import (
    ArticlePage,
    DossierPage,
    IssuePage,
    PendingArticleRelease,
    SearchDocument,
)
from ocim.publishing.workflow.services import scheduled_publishing_run

from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    magazine = builders.site_with_magazine(moving_wall_months=12)
    rubric = builders.rubric("Dossier")
    issue = builders.issue(magazine, number=77, publication_date=dt.date(2020, 3, 1))
    first = builders.article(issue, title="Les herbiers oubliés", rubric_value=rubric)
    second = builders.article(issue, title="Les planches retrouvées", rubric_value=rubric)
    draft = builders.article(issue, title="Un brouillon")
    draft.unpublish()
    dossier = DossierPage(
        title="Dossier herbiers", slug="dossier-herbiers", issue=issue, rubric=rubric
    )
    magazine.add_child(instance=dossier)
    dossier.save_revision().publish()
    return {
        "magazine": magazine,
        "issue": issue,
        "articles": [first, second],
        "draft": draft,
        "dossier": DossierPage.objects.get(pk=dossier.pk),
    }


def _expire(issue: IssuePage) -> None:
    IssuePage.objects.filter(pk=issue.pk).update(expire_at=timezone.now() - dt.timedelta(minutes=1))
    run = scheduled_publishing_run()
    assert run.failed == [] and run.unpublished >= 1


def _reachable(client, page) -> int:
    return client.get(page.url).status_code


def test_an_expired_issue_takes_its_articles_and_dossier_out_of_the_site(client, world):
    issue, articles, dossier = world["issue"], world["articles"], world["dossier"]
    urls = {page.pk: page.url for page in [*articles, dossier]}
    assert all(client.get(url).status_code == 200 for url in urls.values())

    _expire(issue)

    for article in articles:
        article.refresh_from_db()
        assert not article.live
        assert client.get(urls[article.pk]).status_code == 404
        assert not SearchDocument.objects.filter(page=article).exists()
        assert AuditLogEntry.objects.filter(
            action="publishing.article.withdrawn_with_issue", object_id=str(article.pk)
        ).exists()
    assert client.get(urls[dossier.pk]).status_code == 404
    # No other channel lists them.
    sitemap = client.get("/sitemap.xml").text
    assert all(url not in sitemap for url in urls.values())
    site_search = client.get(reverse("core:search"), {"q": "herbiers"}).text
    assert all(url not in site_search for url in urls.values())
    publishing_search = client.get(reverse("publishing:search"), {"q": "herbiers"}).text
    assert all(url not in publishing_search for url in urls.values())
    api = client.get(reverse("api:publishing_article_list")).json()
    assert api["count"] == 0
    assert "herbiers" not in client.get(reverse("publishing:feed_articles_rss")).text
    # The draft was not live: it is not kept for the issue.
    assert set(PendingArticleRelease.objects.values_list("article_id", flat=True)) == {
        article.pk for article in articles
    }


def test_publishing_the_issue_again_brings_back_its_articles_as_they_were(client, world):
    issue, (first, second) = world["issue"], world["articles"]
    _expire(issue)
    # Meanwhile an editor changes the second article: that version needs approval.
    second = ArticlePage.objects.get(pk=second.pk)
    second.title = "Les planches retrouvées (version revue)"
    second.save_revision()

    issue = IssuePage.objects.get(pk=issue.pk)
    issue.expire_at = None
    issue.save_revision().publish()

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.live and client.get(first.url).status_code == 200
    assert not second.live
    assert not ArticlePage.objects.get(pk=world["draft"].pk).live
    assert client.get(world["dossier"].url).status_code == 200
    assert SearchDocument.objects.filter(page=first).exists()
    entry = AuditLogEntry.objects.filter(action="publishing.issue.published").latest("pk")
    assert entry.data["articles_published"] == [first.pk]
    assert set(entry.data["articles_not_live"]) == {second.pk, world["draft"].pk}


def test_unpublishing_in_the_admin_takes_the_articles_out_and_says_who(world):
    chief = UserFactory(is_superuser=True, is_staff=True)
    admin = Client()
    admin.force_login(chief)
    issue = world["issue"]
    response = admin.post(reverse("wagtailadmin_pages:unpublish", args=[issue.pk]))
    assert response.status_code == 302
    assert not IssuePage.objects.get(pk=issue.pk).live
    assert not ArticlePage.objects.child_of(issue).live().exists()
    entries = AuditLogEntry.objects.filter(action="publishing.article.withdrawn_with_issue")
    assert entries.count() == 2
    assert {entry.actor_id for entry in entries} == {chief.pk}


def test_nothing_is_served_under_an_issue_that_is_not_live(client, world):
    """Even an article left live under an unpublished issue (written around the services)
    is not served."""
    issue, article = world["issue"], world["articles"][0]
    url = article.url
    IssuePage.objects.filter(pk=issue.pk).update(live=False)
    assert ArticlePage.objects.get(pk=article.pk).live
    assert client.get(url).status_code == 404
    assert client.get(issue.url).status_code == 404


def test_a_dossier_of_an_issue_never_published_is_not_served(client, world):
    magazine, rubric = world["magazine"], builders.rubric("Dossier")
    draft_issue = builders.issue(magazine, number=78)
    draft_issue.unpublish()
    dossier = DossierPage(title="Dossier à venir", slug="a-venir", issue=draft_issue, rubric=rubric)
    magazine.add_child(instance=dossier)
    dossier.save_revision().publish()
    dossier = DossierPage.objects.get(pk=dossier.pk)
    assert client.get(dossier.url).status_code == 404
    assert dossier.url not in client.get("/sitemap.xml").text
    assert dossier.url not in client.get(reverse("core:search"), {"q": "venir"}).text
    # Once the issue is published, the dossier is served and found.
    IssuePage.objects.get(pk=draft_issue.pk).save_revision().publish()
    assert client.get(dossier.url).status_code == 200
    assert dossier.url in client.get("/sitemap.xml").text
    assert dossier.url in client.get(reverse("core:search"), {"q": "venir"}).text
