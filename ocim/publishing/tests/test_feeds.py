"""RSS and Atom feeds of the magazine and the news: items, full text only when open."""

import datetime as dt

import pytest
from defusedxml import ElementTree
from django.urls import reverse
from django.utils import timezone

from ocim.accounts.tests.factories import UserFactory

from . import builders, news_builders

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


@pytest.fixture
def magazine():
    return builders.site_with_magazine()


def _days_ago(days):
    return timezone.localdate() - dt.timedelta(days=days)


def _rss_items(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ElementTree.fromstring(response.content)
    return root.find("channel"), root.findall("channel/item")


def _atom_entries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    return root, root.findall(f"{ATOM}entry")


def test_articles_feed_gives_full_text_only_for_open_articles(client, magazine):
    author = builders.person("Durand", "Lucie")
    recent = builders.issue(magazine, number=90, publication_date=_days_ago(30))
    old = builders.issue(magazine, number=80, publication_date=_days_ago(900))
    walled = builders.article(recent, title="Sous le mur", authors=[author], body_text="murmure")
    early = builders.article(recent, title="Ouvert tôt", open_early=True, body_text="aurore")
    archive = builders.article(old, title="Archive", body_text="ancien")

    channel, items = _rss_items(client.get(reverse("publishing:feed_articles_rss")))
    assert channel.findtext("language") == "fr"
    by_title = {item.findtext("title"): item for item in items}
    assert list(by_title) == ["Sous le mur", "Ouvert tôt", "Archive"]  # latest issue first
    assert by_title["Sous le mur"].find(CONTENT) is None
    assert "murmure" not in by_title["Sous le mur"].findtext("description")
    assert "Résumé de l" in by_title["Sous le mur"].findtext("description")
    assert "Lucie Durand" in by_title["Sous le mur"].findtext("author", "") + (
        by_title["Sous le mur"].findtext("{http://purl.org/dc/elements/1.1/}creator", "")
    )
    assert "aurore" in by_title["Ouvert tôt"].findtext(CONTENT)
    assert "ancien" in by_title["Archive"].findtext(CONTENT)
    assert by_title["Archive"].findtext("link").endswith(archive.url)
    assert b"murmure" not in client.get(reverse("publishing:feed_articles_rss")).content
    assert walled.pk and early.pk


def test_articles_atom_feed(client, magazine):
    recent = builders.issue(magazine, number=91, publication_date=_days_ago(30))
    builders.article(recent, title="Sous le mur", body_text="murmure")
    builders.article(recent, title="Ouvert tôt", open_early=True, body_text="aurore")
    _root, entries = _atom_entries(client.get(reverse("publishing:feed_articles_atom")))
    by_title = {entry.findtext(f"{ATOM}title"): entry for entry in entries}
    assert by_title["Sous le mur"].find(f"{ATOM}content") is None
    assert "Résumé" in by_title["Sous le mur"].findtext(f"{ATOM}summary")
    assert "aurore" in by_title["Ouvert tôt"].findtext(f"{ATOM}content")
    assert b"murmure" not in client.get(reverse("publishing:feed_articles_atom")).content


def test_a_subscriber_gets_the_same_feed_as_anyone(client, magazine):
    recent = builders.issue(magazine, number=92, publication_date=_days_ago(30))
    builders.article(recent, title="Sous le mur", body_text="murmure")
    reader = UserFactory()
    builders.individual_subscription(reader, starts_on=_days_ago(1), ends_on=_days_ago(-10))
    client.force_login(reader)
    response = client.get(reverse("publishing:feed_articles_rss"))
    assert b"murmure" not in response.content
    assert "public" in response["Cache-Control"]


def test_issues_feed_lists_issues_with_their_table_of_contents(client, magazine):
    issue = builders.issue(magazine, number=93, publication_date=_days_ago(30))
    builders.article(
        issue, title="Inventorier", authors=[builders.person("Petit", "Jean")], body_text="secret"
    )
    draft_issue = builders.issue(magazine, number=94, publication_date=_days_ago(10))
    draft_issue.unpublish()
    _channel, items = _rss_items(client.get(reverse("publishing:feed_issues_rss")))
    assert len(items) == 1
    description = items[0].findtext("description")
    assert "Inventorier" in description and "Jean Petit" in description
    assert "secret" not in description
    assert items[0].find(CONTENT) is None
    _root, entries = _atom_entries(client.get(reverse("publishing:feed_issues_atom")))
    assert len(entries) == 1


def test_drafts_and_private_articles_are_not_in_feeds(client, magazine):
    from wagtail.models import PageViewRestriction

    issue = builders.issue(magazine, number=95, publication_date=_days_ago(900))
    draft = builders.article(issue, title="Brouillon", body_text="brouillonne")
    draft.unpublish()
    private = builders.article(issue, title="Privé", body_text="confidentiel")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    content = client.get(reverse("publishing:feed_articles_rss")).content
    assert b"Brouillon" not in content and b"brouillonne" not in content
    assert "Privé".encode() not in content and b"confidentiel" not in content


def test_news_feed_and_category_feed(client, magazine):
    index = news_builders.news_index(magazine)
    network = news_builders.category("Vie du réseau", slug="vie-du-reseau")
    news_builders.news(index, title="Dans le réseau", category_value=network, body_text="corps")
    news_builders.news(index, title="Ailleurs", kind="article")
    news_builders.news(index, title="Pas publiée", publish=False)
    _channel, items = _rss_items(client.get(reverse("publishing:feed_news_rss")))
    titles = [item.findtext("title") for item in items]
    assert sorted(titles) == ["Ailleurs", "Dans le réseau"]
    _channel, items = _rss_items(
        client.get(reverse("publishing:feed_news_category_rss", args=["vie-du-reseau"]))
    )
    assert [item.findtext("title") for item in items] == ["Dans le réseau"]
    assert "corps" in items[0].findtext(CONTENT)
    assert "Le chapeau" in items[0].findtext("description")
    _root, entries = _atom_entries(
        client.get(reverse("publishing:feed_news_category_atom", args=["vie-du-reseau"]))
    )
    assert len(entries) == 1
    unknown = reverse("publishing:feed_news_category_rss", args=["inconnue"])
    assert client.get(unknown).status_code == 404


def test_feeds_follow_the_language_prefix(client, magazine):
    from django.utils import translation

    builders.issue(magazine, number=96, publication_date=_days_ago(30))
    with translation.override("en"):
        url = reverse("publishing:feed_issues_rss")
    assert url.startswith("/en/")
    channel, items = _rss_items(client.get(url))
    assert channel.findtext("language") == "en"
    assert "latest issues" in channel.findtext("title")
    assert items[0].findtext("title").startswith("Issue 96")


def test_without_a_magazine_the_feeds_are_not_found(client):
    assert client.get(reverse("publishing:feed_articles_rss")).status_code == 404
    assert client.get(reverse("publishing:feed_news_rss")).status_code == 404


def test_pages_advertise_their_feeds(client, magazine):
    issue = builders.issue(magazine, number=97, publication_date=_days_ago(30))
    article = builders.article(issue)
    for page, feed in ((magazine, "issues"), (issue, "issues"), (article, "articles")):
        html = client.get(page.url).content.decode()
        href = reverse(f"publishing:feed_{feed}_rss")
        assert 'type="application/rss+xml"' in html
        assert f'href="{href}"' in html
        assert f'href="{reverse(f"publishing:feed_{feed}_atom")}"' in html


@pytest.mark.parametrize(
    "name",
    ["publishing:feed_articles_rss", "publishing:feed_issues_atom", "publishing:feed_news_rss"],
)
def test_the_number_of_queries_does_not_grow_with_the_items(client, magazine, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    index = news_builders.news_index(magazine)

    def add(count):
        issue = builders.issue(magazine, publication_date=_days_ago(count * 40))
        for number in range(count):
            builders.article(issue, authors=[builders.person(f"Auteur{count}{number}")])
            news_builders.news(index, authors=[builders.person(f"Plume{count}{number}")])

    def queries():
        client.get(reverse(name))  # warm the site root paths cache
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name)).status_code == 200
        return len(captured)

    add(1)
    few = queries()
    add(5)
    assert queries() == few
