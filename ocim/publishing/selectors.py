"""Reads of the publishing app with a meaning: what a reader sees of the magazine and its issues."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.db.models.functions import ExtractYear

from .models import (
    ArticleAuthor,
    ArticlePage,
    DossierPage,
    IssuePage,
    MagazinePage,
    NewsAuthor,
    NewsIndexPage,
    NewsPage,
    NewsPageTag,
    Rubric,
)


def issue_list_for_magazine(magazine: MagazinePage) -> list[IssuePage]:
    """The live issues of ``magazine``, newest first (by number), with their covers."""
    return list(
        IssuePage.objects.child_of(magazine)
        .live()
        .public()
        .select_related("cover_image")
        .order_by("-number")
    )


@dataclass
class TocSection:
    rubric: Rubric | None
    articles: list[ArticlePage] = field(default_factory=list)


def issue_table_of_contents(issue: IssuePage) -> list[TocSection]:
    """The live articles of ``issue`` grouped by rubric, in the rubrics' order (articles
    without a rubric last), each group in page order then tree order; authors prefetched."""
    articles = (
        ArticlePage.objects.child_of(issue)
        .live()
        .public()
        .select_related("rubric")
        .prefetch_related(
            Prefetch(
                "authors",
                queryset=ArticleAuthor.objects.select_related("person").order_by("sort_order"),
            )
        )
        .order_by("first_page", "path")
    )
    sections: dict[int | None, TocSection] = {}
    for article in articles:
        key = article.rubric_id
        if key not in sections:
            sections[key] = TocSection(rubric=article.rubric)
        sections[key].articles.append(article)

    def order(section: TocSection):
        if section.rubric is None:
            return (1, 0, "")
        return (0, section.rubric.sort_order, section.rubric.name)

    return sorted(sections.values(), key=order)


def article_authors(article: ArticlePage) -> list:
    """The people who wrote ``article``, in their order on the article."""
    return [
        author.person for author in article.authors.select_related("person").order_by("sort_order")
    ]


# --- News -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewsFilters:
    kind: str | None = None
    category_id: int | None = None
    tag_slug: str | None = None
    year: int | None = None


def _public_news(news_index: NewsIndexPage):
    return NewsPage.objects.child_of(news_index).live().public()


def news_list_for_index(news_index: NewsIndexPage, *, filters: NewsFilters):
    """The live, public news of ``news_index`` matching ``filters``, newest first (by date, then
    the latest published, then tree order so that pagination is stable), with category, authors
    and tags fetched in a constant number of queries whatever the number of items. Returns a
    lazy queryset (to paginate)."""
    queryset = _public_news(news_index)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.category_id is not None:
        queryset = queryset.filter(category_id=filters.category_id)
    if filters.tag_slug:
        queryset = queryset.filter(tagged_items__tag__slug=filters.tag_slug).distinct()
    if filters.year is not None:
        queryset = queryset.filter(date__year=filters.year)
    return (
        queryset.select_related("category")
        .prefetch_related(
            Prefetch(
                "authors",
                queryset=NewsAuthor.objects.select_related("person").order_by("sort_order"),
            ),
            Prefetch(
                "tagged_items",
                queryset=NewsPageTag.objects.select_related("tag").order_by("tag__name"),
            ),
        )
        .order_by("-date", "-first_published_at", "path")
    )


@dataclass(frozen=True)
class NewsYear:
    year: int
    count: int


def news_archive_years(news_index: NewsIndexPage) -> list[NewsYear]:
    """The years that have live, public news in ``news_index``, newest first, with their count
    (one query)."""
    rows = (
        _public_news(news_index)
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(count=Count("pk"))
        .order_by("-year")
    )
    return [NewsYear(year=row["year"], count=row["count"]) for row in rows]


def news_authors(news: NewsPage) -> list:
    """The people who wrote ``news``, in their order on the page."""
    return [
        author.person for author in news.authors.select_related("person").order_by("sort_order")
    ]


# --- Dossiers -------------------------------------------------------------------------------


@dataclass
class DossierArticle:
    article: ArticlePage
    authors: list
    is_open: bool
    opens_on: dt.date | None


def dossier_articles(
    dossier: DossierPage, *, now: dt.datetime | None = None
) -> list[DossierArticle]:
    """The live, public articles of the dossier's issue in the dossier rubric, in page order,
    with their authors and whether everyone may read them now (the moving wall, see
    ``access.article_is_open``) or from when. Empty when the issue is not in a magazine."""
    from .access import article_is_open, article_opens_on

    issue = dossier.issue
    magazine = issue.get_parent().specific
    if not isinstance(magazine, MagazinePage):
        magazine = None
    articles = (
        ArticlePage.objects.child_of(issue)
        .live()
        .public()
        .filter(rubric_id=dossier.rubric_id)
        .prefetch_related(
            Prefetch(
                "authors",
                queryset=ArticleAuthor.objects.select_related("person").order_by("sort_order"),
            )
        )
        .order_by("first_page", "path")
    )
    result = []
    for article in articles:
        # The access rules look the parents up; they are known here (one lookup, not one each).
        article._publishing_parents = (issue, magazine)
        result.append(
            DossierArticle(
                article=article,
                authors=[author.person for author in article.authors.all()],
                is_open=article_is_open(article, now=now),
                opens_on=article_opens_on(article),
            )
        )
    return result


def dossier_news(dossier: DossierPage) -> list[NewsPage]:
    """The live, public news related to the dossier's issue, newest first."""
    return list(
        NewsPage.objects.live()
        .public()
        .filter(related_issue_id=dossier.issue_id)
        .select_related("category")
        .order_by("-date", "path")
    )
