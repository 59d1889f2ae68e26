"""Reads of the publishing app with a meaning: what a reader sees of the magazine and its issues."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from .models import ArticleAuthor, ArticlePage, IssuePage, MagazinePage, Rubric


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
