"""Hot pages of the magazine run a constant number of SQL queries whatever their size: an article
with 5 or 50 body blocks, authors and keywords; an issue with 5 or 50 articles; a news item with
5 or 50 authors and tags.

Abstracts are limited to one per language (a database constraint), so the small article has one
and the large one has all five languages.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images.models import Image

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import Concept
from ocim.publishing.models import (
    AbstractLanguage,
    ArticleAbstract,
    ArticleAuthor,
    ArticlePage,
    NewsAuthor,
    Person,
)

from . import builders, news_builders

pytestmark = pytest.mark.django_db

# Cold caches (see ``_counts``): the site, menus and settings are read from the database too.
ARTICLE_QUERY_BOUND = 40
ISSUE_QUERY_BOUND = 32
NEWS_QUERY_BOUND = 32

_counter = itertools.count(1)


def _image() -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (16, 12), (120, 80, 40)).save(buffer, format="PNG")
    number = next(_counter)
    return Image.objects.create(
        title=f"Planche {number}", file=ImageFile(buffer, name=f"planche-{number}.png")
    )


def _body(size: int) -> list:
    """``size`` blocks cycling through the kinds of the article body, then the notes."""
    blocks = []
    for position in range(size):
        kind = position % 6
        if kind == 0:
            blocks.append(("paragraph", f"<p>Paragraphe {position} avec une note [1].</p>"))
        elif kind == 5:
            blocks.append(
                (
                    "video",
                    {
                        "url": f"https://vimeo.com/{1000 + position}",
                        "title": f"Vidéo {position}",
                        "caption": "",
                        "credit": "Ocim",
                        "transcript": "Ce que dit la vidéo.",
                    },
                )
            )
        elif kind == 1:
            blocks.append(
                ("figure", {"image": _image(), "caption": f"Figure {position}", "credit": "Ocim"})
            )
        elif kind == 2:
            blocks.append(("quotation", {"text": f"Citation {position}", "source": "Archives"}))
        elif kind == 3:
            blocks.append(
                (
                    "table",
                    {
                        "caption": f"Tableau {position}",
                        "first_row_is_header": True,
                        "rows": [["Année", "Visiteurs"], ["2024", "1200"], ["2025", "1350"]],
                    },
                )
            )
        else:
            blocks.append(("heading", {"text": f"Partie {position}", "level": "h2"}))
    blocks.append(("notes", [f"<p>Note {number}.</p>" for number in range(1, size // 5 + 2)]))
    return blocks


def _article(issue, size: int, *, open_early: bool) -> ArticlePage:
    page = ArticlePage(
        title=f"Article de {size} blocs",
        slug=f"article-{size}-{next(_counter)}",
        rubric=builders.rubric(),
        first_page=1,
        last_page=10,
        open_early=open_early,
        pdf=builders.document(),
        free_keywords=", ".join(f"mot {n}" for n in range(size)),
        body=_body(size),
    )
    issue.add_child(instance=page)
    for order in range(size):
        person = Person.objects.create(
            first_name="Auteur", last_name=f"N{next(_counter)}", orcid="0000-0002-1825-0097"
        )
        ArticleAuthor.objects.create(page=page, person=person, sort_order=order)
    languages = list(AbstractLanguage.values)[: 1 if size <= 5 else 5]
    for order, language in enumerate(languages):
        ArticleAbstract.objects.create(
            page=page, language=language, text=f"Résumé {language}", sort_order=order
        )
    concepts = [
        Concept.objects.create(
            slug=f"concept-{next(_counter)}", label_fr=f"Notion {n}", label_en=f"Notion {n}"
        )
        for n in range(size)
    ]
    page.keywords.set(concepts)
    page.save_revision().publish()
    return ArticlePage.objects.get(pk=page.pk)


def _counts(client, *urls: str) -> list[int]:
    """The queries of a view of each URL, each with cold caches (the renditions are then read
    from the database, not from the cache) but after a first view of all of them (which
    creates the image renditions)."""
    for url in urls:
        assert client.get(url).status_code == 200
    counts = []
    for url in urls:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    return counts


@pytest.fixture
def magazine():
    return builders.site_with_magazine()


@pytest.fixture
def recent_issue(magazine):
    return builders.issue(magazine, publication_date=timezone.localdate() - dt.timedelta(days=30))


@pytest.fixture
def subscriber():
    user = UserFactory()
    today = timezone.localdate()
    builders.individual_subscription(
        user, starts_on=today - dt.timedelta(days=10), ends_on=today + dt.timedelta(days=300)
    )
    return user


@pytest.mark.parametrize(
    ("open_early", "as_subscriber"),
    [(False, False), (False, True), (True, False)],
    ids=["embargoed-anonymous", "embargoed-subscriber", "open-anonymous"],
)
def test_article_page_queries_do_not_grow(
    client, recent_issue, subscriber, open_early, as_subscriber
):
    small = _article(recent_issue, 5, open_early=open_early)
    large = _article(recent_issue, 50, open_early=open_early)
    if as_subscriber:
        client.force_login(subscriber)
    small_count, large_count = _counts(client, small.url, large.url)
    large_body = client.get(large.url).content.decode()
    if open_early or as_subscriber:
        assert 'id="article-body"' in large_body and large_body.count("<figure") >= 20
    else:
        assert 'id="embargo-notice"' in large_body
    assert large_body.count('class="orcid"') == 50
    assert small_count == large_count
    assert large_count <= ARTICLE_QUERY_BOUND


def test_issue_page_queries_do_not_grow(client, magazine, subscriber):
    def issue_with(count: int):
        issue = builders.issue(magazine, with_pdf=True)
        people = [builders.person(last_name=f"Auteur{n}") for n in range(3)]
        for position in range(count):
            builders.article(
                issue,
                title=f"Article {position}",
                rubric_value=builders.rubric(["Dossier", "Articles", "Repères"][position % 3]),
                authors=people,
                first_page=position + 1,
                last_page=position + 1,
            )
        return issue

    small, large = issue_with(5), issue_with(50)
    assert client.get(large.url).content.decode().count('class="toc-entry"') == 50
    for as_subscriber in (False, True):
        if as_subscriber:
            client.force_login(subscriber)
        small_count, large_count = _counts(client, small.url, large.url)
        assert small_count == large_count, as_subscriber
        assert large_count <= ISSUE_QUERY_BOUND


def test_news_page_queries_do_not_grow(client, magazine):
    index = news_builders.news_index(magazine)

    def news_with(count: int):
        page = news_builders.news(
            index,
            tags=[f"étiquette {next(_counter)}" for _n in range(count)],
            lead_image=_image(),
            body_text="Texte.",
        )
        for order in range(count):
            NewsAuthor.objects.create(
                page=page,
                person=builders.person(last_name=f"Plume{next(_counter)}"),
                sort_order=order,
            )
        return page

    small, large = news_with(5), news_with(50)
    small_count, large_count = _counts(client, small.url, large.url)
    assert small_count == large_count
    assert large_count <= NEWS_QUERY_BOUND
