"""The news index and news pages as a reader sees them."""

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import HomePage, StandardPage
from ocim.publishing.models import MagazinePage, NewsIndexPage, NewsPage
from ocim.publishing.views import NEWS_PER_PAGE

from . import builders, news_builders

pytestmark = pytest.mark.django_db

QUERY_BOUND = 20


@pytest.fixture
def magazine():
    return builders.site_with_magazine()


@pytest.fixture
def index(magazine):
    return news_builders.news_index(magazine)


def _listed_ids(response) -> list[int]:
    return [
        int(pk)
        for pk in re.findall(r'class="news-card" data-news="(\d+)"', response.content.decode())
    ]


# --- Page tree --------------------------------------------------------------------------------


def test_news_pages_fit_only_where_the_tree_says():
    assert NewsIndexPage.can_exist_under(HomePage())
    assert not NewsIndexPage.can_exist_under(MagazinePage())
    assert NewsPage.allowed_parent_page_models() == [NewsIndexPage]
    assert NewsIndexPage.allowed_subpage_models() == [NewsPage]
    assert NewsPage.allowed_subpage_models() == []
    assert not NewsPage.can_exist_under(StandardPage())


def test_one_news_index_per_home(magazine, index):
    home = magazine.get_parent().specific
    assert not NewsIndexPage.can_create_at(home)
    other_home = HomePage(title="Autre", slug="autre")
    Page.get_first_root_node().add_child(instance=other_home)
    assert NewsIndexPage.can_create_at(other_home)


# --- Listing ------------------------------------------------------------------------------------


def test_listing_is_newest_first_and_hides_drafts(client, index):
    old = news_builders.news(index, date=dt.date(2023, 5, 1))
    new = news_builders.news(index, date=dt.date(2025, 6, 1))
    middle = news_builders.news(index, date=dt.date(2024, 1, 10))
    draft = news_builders.news(index, date=dt.date(2025, 7, 1), publish=False)
    response = client.get(index.url)
    assert response.status_code == 200
    assert _listed_ids(response) == [new.pk, middle.pk, old.pk]
    assert draft.pk not in _listed_ids(response)


def test_filter_by_kind(client, index):
    item = news_builders.news(index, kind="news")
    web_article = news_builders.news(index, kind="article")
    assert _listed_ids(client.get(index.url, {"kind": "article"})) == [web_article.pk]
    assert _listed_ids(client.get(index.url, {"kind": "news"})) == [item.pk]


def test_filter_by_category(client, index):
    network = news_builders.category("Vie du réseau", slug="vie-du-reseau")
    calls = news_builders.category("Appels à projets", slug="appels")
    in_network = news_builders.news(index, category_value=network)
    news_builders.news(index, category_value=calls)
    news_builders.news(index)
    response = client.get(index.url, {"category": "vie-du-reseau"})
    assert _listed_ids(response) == [in_network.pk]
    # The category is shown on the card, linking to the filtered list.
    assert f"{index.url}?category=vie-du-reseau" in response.content.decode()


def test_filter_by_tag(client, index):
    tagged = news_builders.news(index, tags=["herbiers", "réserves"])
    news_builders.news(index, tags=["médiation"])
    news_builders.news(index)
    response = client.get(index.url, {"tag": "herbiers"})
    assert _listed_ids(response) == [tagged.pk]
    html = response.content.decode()
    assert f"{index.url}?tag=r%C3%A9serves" in html  # the card links its tags


def test_filter_by_year(client, index):
    news_builders.news(index, date=dt.date(2023, 12, 31))
    in_2024 = news_builders.news(index, date=dt.date(2024, 1, 1))
    news_builders.news(index, date=dt.date(2025, 1, 1))
    assert _listed_ids(client.get(index.url, {"year": "2024"})) == [in_2024.pk]


def test_filters_combine(client, index):
    network = news_builders.category(slug="reseau")
    match = news_builders.news(
        index, kind="article", category_value=network, tags=["musées"], date=dt.date(2024, 3, 1)
    )
    news_builders.news(
        index, kind="news", category_value=network, tags=["musées"], date=dt.date(2024, 3, 1)
    )
    news_builders.news(
        index, kind="article", category_value=network, tags=["musées"], date=dt.date(2025, 3, 1)
    )
    response = client.get(
        index.url, {"kind": "article", "category": "reseau", "tag": "musées", "year": "2024"}
    )
    assert _listed_ids(response) == [match.pk]
    assert '<meta name="robots" content="noindex">' in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "podcast"},
        {"category": "inconnue"},
        {"year": "deux-mille"},
        {"year": "99999"},
        {"tag": "pas un slug!"},
    ],
)
def test_invalid_filters_are_reported_and_ignored(client, index, query):
    first = news_builders.news(index, date=dt.date(2025, 1, 1))
    second = news_builders.news(index, date=dt.date(2024, 1, 1), kind="article")
    response = client.get(index.url, query)
    assert response.status_code == 200
    assert _listed_ids(response) == [first.pk, second.pk]
    html = response.content.decode()
    assert 'id="news-filter-errors"' in html
    assert str(_("Some filters were not understood; all news are shown.")) in [
        str(message) for message in get_messages(response.wsgi_request)
    ]
    field = next(iter(query))
    assert f'aria-describedby="id_{field}_error' in html


def test_pagination_keeps_the_filters(client, index):
    for day in range(NEWS_PER_PAGE + 3):
        news_builders.news(index, date=dt.date(2024, 1, 1) + dt.timedelta(days=day), kind="article")
    news_builders.news(index, date=dt.date(2024, 6, 1), kind="news")
    first = client.get(index.url, {"kind": "article"})
    assert len(_listed_ids(first)) == NEWS_PER_PAGE
    assert "?kind=article&amp;page=2" in first.content.decode()
    second = client.get(index.url, {"kind": "article", "page": "2"})
    assert len(_listed_ids(second)) == 3
    assert not set(_listed_ids(first)) & set(_listed_ids(second))
    # A page number out of range or not a number gives a page, not an error.
    assert client.get(index.url, {"page": "abc"}).status_code == 200
    assert client.get(index.url, {"page": "999"}).status_code == 200


def test_archives_count_the_news_of_each_year(client, index):
    for date in [
        dt.date(2023, 2, 1),
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
        dt.date(2025, 5, 5),
    ]:
        news_builders.news(index, date=date)
    news_builders.news(index, date=dt.date(2022, 1, 1), publish=False)
    response = client.get(index.url, {"kind": "news"})
    archive = [(entry.year, entry.count) for entry in response.context["archive_years"]]
    assert archive == [(2025, 3), (2023, 1)]
    html = response.content.decode()
    assert f'href="{index.url}?year=2025"' in html
    assert 'data-year="2022"' not in html


def test_listing_query_count_does_not_grow(client, index, django_assert_max_num_queries):
    people = [builders.person(last_name=f"Auteur{n}") for n in range(3)]
    categories = [news_builders.category(slug=f"c{n}") for n in range(3)]

    def add(count):
        for n in range(count):
            news_builders.news(
                index,
                category_value=categories[n % 3],
                tags=[f"mot-{n}", "commun"],
                authors=people[: n % 3 + 1],
            )

    def count_queries() -> int:
        # Publishing clears the site-wide caches (menu, settings, language links), which take
        # two requests to fill again: warm them so that only the listing is measured.
        for _warm in range(2):
            client.get(index.url, {"tag": "commun"})
        with (
            CaptureQueriesContext(connection) as queries,
            django_assert_max_num_queries(QUERY_BOUND),
        ):
            response = client.get(index.url, {"tag": "commun"})
        assert response.status_code == 200
        return len(queries.captured_queries)

    add(2)
    few = count_queries()
    add(18)
    many = count_queries()
    assert many == few
    add(25)
    assert count_queries() == few  # two pages now: still the same


# --- News page ------------------------------------------------------------------------------------


def test_news_page_renders_body_authors_tags_and_related_issue(client, magazine, index):
    issue = builders.issue(magazine, number=190)
    author = builders.person(last_name="Lefèvre", first_name="Anne")
    page = news_builders.news(
        index,
        title="Ouverture des réserves",
        date=dt.date(2025, 3, 14),
        body_text="Les réserves ouvrent au public.",
        authors=[author],
        tags=["réserves"],
        related_issue=issue,
    )
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Les réserves ouvrent au public." in html
    assert "Anne Lefèvre" in html
    assert '<time datetime="2025-03-14">' in html
    assert f'href="{index.url}?tag=r%C3%A9serves"' in html
    assert f'href="{issue.url}"' in html


def test_news_body_is_searchable():
    names = {field.field_name for field in NewsPage.search_fields}
    assert {"title", "lead", "body"} <= names


# --- Back office ----------------------------------------------------------------------------------


def test_categories_are_snippets_managed_in_the_admin(client):
    news_builders.category("Appels à projets", slug="appels")
    url = "/admin/snippets/publishing/newscategory/"
    client.force_login(UserFactory(is_staff=False))
    assert client.get(url).status_code in (302, 403)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(url)
    assert response.status_code == 200
    assert "Appels à projets" in response.content.decode()


def test_editor_creates_a_news_page_with_tags_and_authors(client, index):
    network = news_builders.category(slug="reseau")
    author = builders.person(last_name="Lefèvre")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.post(
        f"/admin/pages/add/publishing/newspage/{index.pk}/",
        nested_form_data(
            {
                "title": "Les herbiers à l'honneur",
                "slug": "herbiers",
                "kind": "article",
                "date": "2025-04-02",
                "category": network.pk,
                "tags": "herbiers, réserves",
                "lead": "Un chapeau.",
                "body": streamfield([("paragraph", rich_text("<p>Le corps.</p>"))]),
                "authors": inline_formset([{"person": author.pk}]),
                "related_issue": "",
                "action-publish": "action-publish",
            }
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    page = NewsPage.objects.get(slug="herbiers")
    assert page.live
    assert page.kind == "article" and page.category == network
    assert sorted(tag.name for tag in page.tags.all()) == ["herbiers", "réserves"]
    assert [a.person for a in page.authors.all()] == [author]
    assert _listed_ids(client.get(index.url, {"tag": "herbiers"})) == [page.pk]
