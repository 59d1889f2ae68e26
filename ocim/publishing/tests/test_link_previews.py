"""OpenGraph and Twitter card meta of the publishing pages (link previews)."""

import datetime as dt
import html
import re

import pytest
from django.utils import timezone

from . import builders, news_builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def magazine():
    return builders.site_with_magazine()


def _meta(response) -> dict[str, str]:
    assert response.status_code == 200
    head = response.content.decode().split("</head>")[0]
    found = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', head)
    return {key: html.unescape(value) for key, value in found}


def _recent_issue(magazine, **kwargs):
    return builders.issue(
        magazine, publication_date=timezone.localdate() - dt.timedelta(days=30), **kwargs
    )


def test_article_preview_uses_the_abstract_never_the_body(client, magazine):
    issue = _recent_issue(magazine, number=40)
    article = builders.article(issue, title="Conserver", body_text="texte réservé")
    meta = _meta(client.get(article.url))
    assert meta["og:type"] == "article"
    assert meta["og:title"] == "Conserver"
    assert meta["og:description"] == "Résumé de l'article."
    assert meta["og:url"] == article.full_url
    assert meta["article:published_time"] == issue.publication_date.isoformat()
    assert meta["og:locale"] == "fr_FR"
    assert meta["twitter:card"] == "summary"
    assert meta["twitter:title"] == "Conserver"
    assert "og:image" not in meta
    assert "réservé" not in str(meta)


def test_article_without_abstract_has_no_description_rather_than_its_body(client, magazine):
    article = builders.article(_recent_issue(magazine, number=41), body_text="texte réservé")
    article.abstracts.all().delete()
    meta = _meta(client.get(article.url))
    assert "og:description" not in meta and "twitter:description" not in meta
    assert "réservé" not in str(meta)


def test_open_article_preview_also_uses_the_abstract(client, magazine):
    article = builders.article(
        _recent_issue(magazine, number=42), open_early=True, body_text="texte libre"
    )
    meta = _meta(client.get(article.url))
    assert meta["og:description"] == "Résumé de l'article."


def test_long_abstracts_are_shortened(client, magazine):
    article = builders.article(_recent_issue(magazine, number=43))
    article.abstracts.update(text="mot " * 200)
    meta = _meta(client.get(article.url))
    assert len(meta["og:description"]) <= 300


def test_issue_preview(client, magazine):
    issue = _recent_issue(magazine, number=44, dossier_title="Les réserves")
    meta = _meta(client.get(issue.url))
    assert meta["og:type"] == "article"
    assert meta["og:description"].startswith("Les réserves")
    assert "Un numéro consacré aux réserves." in meta["og:description"]
    assert meta["og:site_name"] == magazine.title
    assert meta["article:published_time"] == issue.publication_date.isoformat()


def test_news_preview_uses_the_lead(client, magazine):
    index = news_builders.news_index(magazine)
    news = news_builders.news(
        index, title="Une nouvelle", lead="Le chapeau.", date=dt.date(2025, 3, 1)
    )
    meta = _meta(client.get(news.url))
    assert meta["og:title"] == "Une nouvelle"
    assert meta["og:description"] == "Le chapeau."
    assert meta["article:published_time"] == "2025-03-01"


def test_magazine_preview(client, magazine):
    meta = _meta(client.get(magazine.url))
    assert meta["og:type"] == "website"
    assert meta["og:description"] == magazine.subtitle
    assert meta["og:url"] == magazine.full_url


def test_preview_image_is_the_issue_cover(client, magazine):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    cover = Image.objects.create(title="Couverture", file=get_test_image_file())
    issue = _recent_issue(magazine, number=45, cover_image=cover)
    article = builders.article(issue)
    for page in (issue, article):
        meta = _meta(client.get(page.url))
        assert meta["og:image"].startswith("http://testserver/")
        assert meta["twitter:card"] == "summary_large_image"
