"""Builds the demonstration magazine: La Lettre de l'Ocim with its rubrics, six issues over
several years (four articles each, across rubrics) and their authors; dossier pages for three
issues; and the news index with news items and web articles across categories and tags, some
related to an issue (so listed on its dossier page).

Issue and news dates are counted back from today, so the demo always has open issues and issues
still behind the moving wall (the most recent one has an article opened early), and recent news.
``publishing_demo_ensure()`` is idempotent: existing pages, rubrics, categories and people are
left alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.rich_text import RichText

from ocim.core.demo import (
    mission_link_attrs,
    mission_page_callout_ensure,
    register_demo_builder,
)
from ocim.core.models import HomePage

from . import demo_content
from .models import (
    ArticleAbstract,
    ArticleAuthor,
    ArticlePage,
    DossierPage,
    IssuePage,
    MagazinePage,
    MastheadEntry,
    NewsAuthor,
    NewsCategory,
    NewsIndexPage,
    NewsPage,
    Person,
    Rubric,
)


@dataclass
class PublishingDemoReport:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.created.append(what)


def issue_date(today: dt.date, months_ago: int) -> tuple[dt.date, str]:
    """The publication date and period label of an issue ``months_ago`` months before
    ``today``: issues appear on the 15th of the first month of their four-month period."""
    index = today.year * 12 + (today.month - 1) - months_ago
    year, month = divmod(index, 12)
    month += 1
    start, label = next(
        (start, label) for start, label in reversed(demo_content.PERIODS) if start <= month
    )
    return dt.date(year, start, 15), f"{label} {year}"


def _magazine(home: HomePage, report) -> MagazinePage:
    existing = MagazinePage.objects.child_of(home).first()
    if existing is not None:
        return existing.specific
    content = demo_content.MAGAZINE
    magazine = MagazinePage(
        title=content["title"],
        slug=content["slug"],
        subtitle=content["subtitle"],
        issn_print=content["issn_print"],
        publisher=content["publisher"],
        intro=content["intro"],
        show_in_menus=False,
        locale=home.locale,
    )
    magazine.masthead = [
        MastheadEntry(role=role, name=name, sort_order=order)
        for order, (role, name) in enumerate(content["masthead"])
    ]
    home.add_child(instance=magazine)
    magazine.save_revision().publish()
    report.add("magazine page")
    return MagazinePage.objects.get(pk=magazine.pk)


def _rubrics() -> dict[str, Rubric]:
    return {
        slug: Rubric.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})[
            0
        ]
        for slug, name, order in demo_content.RUBRICS
    }


def _people() -> dict[str, Person]:
    people = {}
    for key, (first, last, affiliation) in demo_content.PEOPLE.items():
        people[key], _created = Person.objects.get_or_create(
            first_name=first, last_name=last, defaults={"affiliation": affiliation}
        )
    return people


def _issue(magazine, number, spec, today, rubrics, people, report) -> IssuePage | None:
    slug = f"numero-{number}"
    if IssuePage.objects.child_of(magazine).filter(slug=slug).exists():
        return None
    published, period = issue_date(today, spec["months_ago"])
    issue = IssuePage(
        title=spec["title"],
        slug=slug,
        number=number,
        dossier_title=spec["dossier_title"],
        guest_editors=spec["guest_editors"],
        period_label=period,
        publication_date=published,
        editorial=spec["editorial"],
        editorial_signatory="Rédaction de la Lettre",
        editorial_signatory_role="Rédactrice en chef",
        locale=magazine.locale,
    )
    magazine.add_child(instance=issue)
    issue.save_revision().publish()
    page = 3
    for position, article_spec in enumerate(spec["articles"]):
        rubric, title, translated, authors, abstract_fr, abstract_en, paragraphs = article_spec
        length = 2 + 2 * len(paragraphs)
        article = ArticlePage(
            title=title,
            slug=slugify(title)[:80],
            translated_title=translated,
            rubric=rubrics[rubric],
            first_page=page,
            last_page=page + length - 1,
            body=[("paragraph", RichText(f"<p>{text}</p>")) for text in paragraphs]
            + [
                ("notes", [RichText(f"<p>{note}</p>") for note in notes])
                for notes in [spec.get("notes", {}).get(position)]
                if notes
            ],
            open_early=spec.get("open_early") == position,
            locale=magazine.locale,
        )
        article.authors = [
            ArticleAuthor(person=people[key], sort_order=order) for order, key in enumerate(authors)
        ]
        article.abstracts = [
            ArticleAbstract(language="fr", text=abstract_fr, sort_order=0),
            ArticleAbstract(language="en", text=abstract_en, sort_order=1),
        ]
        issue.add_child(instance=article)
        article.save_revision().publish()
        page += length
    report.add(f"issue {number} ({period}) with {len(spec['articles'])} articles")
    return issue


def _dossiers(magazine, issues: dict[int, IssuePage], rubric: Rubric, report) -> None:
    for position, intro in demo_content.DOSSIERS:
        issue = issues.get(position)
        if issue is None or DossierPage.objects.filter(issue=issue).exists():
            continue
        dossier = DossierPage(
            title=f"Dossier : {issue.dossier_title}",
            slug=f"dossier-{issue.number}",
            intro=intro,
            issue=issue,
            rubric=rubric,
            locale=magazine.locale,
        )
        magazine.add_child(instance=dossier)
        dossier.save_revision().publish()
        report.add(f"dossier of issue {issue.number}")


def _news_index(home: HomePage, report) -> NewsIndexPage:
    existing = NewsIndexPage.objects.child_of(home).first()
    if existing is not None:
        return existing.specific
    content = demo_content.NEWS_INDEX
    index = NewsIndexPage(
        title=content["title"],
        slug=content["slug"],
        intro=content["intro"],
        show_in_menus=False,
        locale=home.locale,
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    report.add("news index page")
    return NewsIndexPage.objects.get(pk=index.pk)


def _news_categories() -> dict[str, NewsCategory]:
    return {
        slug: NewsCategory.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in demo_content.NEWS_CATEGORIES
    }


def _news(index, spec, today, categories, people, issues, report) -> None:
    slug = slugify(spec["title"])[:80]
    if NewsPage.objects.child_of(index).filter(slug=slug).exists():
        return
    news = NewsPage(
        title=spec["title"],
        slug=slug,
        kind=spec["kind"],
        date=today - dt.timedelta(days=spec["days_ago"]),
        category=categories[spec["category"]],
        lead=spec["lead"],
        body=[("paragraph", RichText(f"<p>{text}</p>")) for text in spec["paragraphs"]],
        related_issue=issues.get(spec["issue"]) if "issue" in spec else None,
        locale=index.locale,
    )
    news.authors = [
        NewsAuthor(person=people[key], sort_order=order)
        for order, key in enumerate(spec["authors"])
    ]
    index.add_child(instance=news)
    news.tags.add(*spec["tags"])
    news.save_revision().publish()
    report.add(f"{spec['kind']} “{spec['title']}”")


@transaction.atomic
def publishing_demo_ensure() -> PublishingDemoReport:
    """Create the demonstration magazine if it is missing (see the module docstring)."""
    report = PublishingDemoReport()
    home = HomePage.objects.filter(depth=2, locale__language_code="fr").first()
    if home is None:
        report.skipped.append("no French home page: run the site demo first")
        return report
    magazine = _magazine(home, report)
    link = f"<p><a {mission_link_attrs(magazine)}>{demo_content.MISSION_LINK_LABEL}</a></p>"
    if mission_page_callout_ensure(
        target=magazine, slug="edition", title=demo_content.MISSION_TITLE, links_html=link
    ):
        report.add("link to the magazine on the publishing mission page")
    rubrics, people = _rubrics(), _people()
    today = timezone.localdate()
    for offset, spec in enumerate(demo_content.ISSUES):
        _issue(magazine, demo_content.FIRST_NUMBER + offset, spec, today, rubrics, people, report)
    issues = {
        offset: issue
        for offset in range(len(demo_content.ISSUES))
        if (
            issue := IssuePage.objects.child_of(magazine)
            .filter(number=demo_content.FIRST_NUMBER + offset)
            .first()
        )
    }
    _dossiers(magazine, issues, rubrics["dossier"], report)
    index = _news_index(home, report)
    categories = _news_categories()
    for spec in demo_content.NEWS:
        _news(index, spec, today, categories, people, issues, report)
    # The editorial workflow (author → editor → editor-in-chief) on the magazine.
    from .workflow.services import editorial_workflow_ensure

    editorial_workflow_ensure()
    return report


register_demo_builder("publishing", publishing_demo_ensure, order=20)
