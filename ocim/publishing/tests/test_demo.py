"""The publishing demo builds the magazine with six issues, open and embargoed, their dossiers
and at least 20 news items and web articles, once."""

import datetime as dt

import pytest
from django.test import TestCase
from django.utils import timezone
from django.utils.html import strip_tags

from ocim.core.demo import demo_site_ensure
from ocim.publishing.access import article_is_open
from ocim.publishing.demo import issue_date, publishing_demo_ensure
from ocim.publishing.models import (
    ArticlePage,
    DossierPage,
    IssuePage,
    MagazinePage,
    NewsCategory,
    NewsIndexPage,
    NewsPage,
)


class PublishingDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo_site_ensure()
        cls.report = publishing_demo_ensure()

    def test_six_issues_with_articles_across_rubrics(self):
        assert not self.report.skipped
        magazine = MagazinePage.objects.get()
        issues = IssuePage.objects.child_of(magazine)
        assert issues.count() == 6
        assert len({issue.publication_date.year for issue in issues}) >= 3
        for issue in issues:
            articles = ArticlePage.objects.child_of(issue).live()
            assert 4 <= articles.count() <= 8
            assert articles.values("rubric").distinct().count() >= 2
            for article in articles:
                assert article.authors.exists() and article.abstracts.count() == 2

    def test_some_articles_are_open_and_some_behind_the_wall(self):
        states = {article_is_open(article) for article in ArticlePage.objects.all()}
        assert states == {True, False}
        assert ArticlePage.objects.filter(open_early=True).count() == 1

    def test_pages_render_and_the_embargo_shows(self):
        embargoed = next(a for a in ArticlePage.objects.all() if not article_is_open(a))
        response = self.client.get(embargoed.url)
        assert response.status_code == 200
        assert embargoed.body[0].value.source not in response.content.decode()
        opened = next(a for a in ArticlePage.objects.all() if article_is_open(a))
        response = self.client.get(opened.url)
        # The text shows (its note calls, if any, turned into links: compare its beginning).
        assert strip_tags(opened.body[0].value.source)[:60] in response.content.decode()
        magazine = MagazinePage.objects.get()
        assert self.client.get(magazine.url).status_code == 200

    def test_the_publishing_mission_page_links_to_the_magazine(self):
        from ocim.core.models import StandardPage

        magazine = MagazinePage.objects.get()
        mission = StandardPage.objects.get(slug="edition")
        response = self.client.get(mission.url)
        assert f'href="{magazine.url}"' in response.content.decode()

    def test_at_least_20_news_across_kinds_categories_tags_and_years(self):
        index = NewsIndexPage.objects.get()
        news = NewsPage.objects.child_of(index).live().public()
        assert news.count() >= 20
        assert set(news.values_list("kind", flat=True)) == {"news", "article"}
        assert news.values("category").distinct().count() == NewsCategory.objects.count() >= 4
        today = timezone.localdate()
        dates = list(news.values_list("date", flat=True))
        assert max(dates) <= today
        assert max(dates) >= today - dt.timedelta(days=31)
        assert len({day.year for day in dates}) >= 3
        assert len({tag.name for page in news for tag in page.tags.all()}) >= 15
        assert news.filter(authors__isnull=False).distinct().count() >= 15
        assert news.filter(related_issue__isnull=False).count() >= 5
        # Every related issue was published before its news.
        for page in news.filter(related_issue__isnull=False):
            assert page.related_issue.publication_date <= page.date

    def test_news_and_dossier_pages_render(self):
        index = NewsIndexPage.objects.get()
        response = self.client.get(index.url)
        assert response.status_code == 200
        latest = NewsPage.objects.order_by("-date").first()
        assert latest.title.replace("'", "&#x27;") in response.content.decode()
        assert self.client.get(latest.url).status_code == 200
        dossiers = DossierPage.objects.live()
        assert dossiers.count() >= 3
        for dossier in dossiers:
            response = self.client.get(dossier.url)
            assert response.status_code == 200
            related = NewsPage.objects.filter(related_issue=dossier.issue).first()
            if related is not None:
                assert f'href="{related.url}"' in response.content.decode()
        assert any(
            NewsPage.objects.filter(related_issue=dossier.issue).exists() for dossier in dossiers
        )

    def test_second_run_changes_nothing(self):
        counts = (
            ArticlePage.objects.count(),
            NewsPage.objects.count(),
            DossierPage.objects.count(),
            NewsCategory.objects.count(),
        )
        assert publishing_demo_ensure().created == []
        assert (
            ArticlePage.objects.count(),
            NewsPage.objects.count(),
            DossierPage.objects.count(),
            NewsCategory.objects.count(),
        ) == counts

    def test_an_article_shows_its_notes(self):
        article = ArticlePage.objects.get(title__startswith="Montrer l'invisible")
        html = self.client.get(article.url).content.decode()
        assert 'href="#note-1"' in html and 'id="note-2"' in html
        assert 'id="par-1"' in html


@pytest.mark.parametrize(
    ("today", "months", "expected"),
    [
        (dt.date(2026, 11, 25), 4, (dt.date(2026, 5, 15), "mai-août 2026")),
        (dt.date(2026, 11, 25), 14, (dt.date(2025, 9, 15), "septembre-décembre 2025")),
        (dt.date(2026, 2, 1), 2, (dt.date(2025, 9, 15), "septembre-décembre 2025")),
    ],
)
def test_issue_dates_fall_on_the_periods(today, months, expected):
    assert issue_date(today, months) == expected
    assert issue_date(timezone.localdate(), 4)[0] <= timezone.localdate()
