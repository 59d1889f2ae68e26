"""Reads for the channels other than the pages themselves: feeds, the public JSON API and the
link previews (OpenGraph / Twitter card).

The rule of every channel: its reader is anonymous. Feeds and API answers are the same for
everyone (a feed reader or a script has no session, and a shared cache may keep them), so the
full text of an article (body and PDF) goes out only when it is open to everyone, as decided by
``access.article_full_text_allowed`` for an anonymous reader. Titles, authors, abstracts,
keywords and leads are public from publication; the body never stands in for a missing abstract.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Substr
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import get_language
from wagtail.models import Page, Site

from .access import (
    article_full_text_allowed,
    article_issue_and_magazine,
    article_opens_on,
    issue_full_text_allowed,
)
from .models import (
    ArticleAbstract,
    ArticleAuthor,
    ArticlePage,
    IssuePage,
    MagazinePage,
    NewsAuthor,
    NewsIndexPage,
    NewsPage,
    NewsPageTag,
)

PREVIEW_DESCRIPTION_LENGTH = 300


# --- Where the channels look ----------------------------------------------------------------


def channel_root(site: Site | None) -> Page | None:
    """The home page the channels read under: the site's home page in the active language when
    it is translated, else the site's home page itself."""
    if site is None:
        return None
    return site.root_page.localized


def _first_public(model, root: Page | None):
    if root is None:
        return None
    return model.objects.descendant_of(root).live().public().order_by("path").first()


def _first_for_site(model, site: Site | None):
    root = channel_root(site)
    found = _first_public(model, root)
    if found is None and root is not None and root.pk != site.root_page_id:
        found = _first_public(model, site.root_page)
    return found


def magazine_for_channels(site: Site | None) -> MagazinePage | None:
    """The live, public magazine of ``site`` in the active language (the site's own when the
    magazine is not translated), or None."""
    return _first_for_site(MagazinePage, site)


def news_index_for_channels(site: Site | None) -> NewsIndexPage | None:
    """The live, public news index of ``site`` in the active language (same fallback)."""
    return _first_for_site(NewsIndexPage, site)


# --- The wall, for an anonymous reader ------------------------------------------------------


def article_open_to_everyone(article: ArticlePage, *, now: dt.datetime | None = None) -> bool:
    """May anyone at all read the full text of ``article`` now? The moving wall's answer for a
    reader with no account and no subscribed address: the only answer feeds and the API use."""
    return article_full_text_allowed(article, user=None, ip=None, now=now)


def issue_open_to_everyone(issue: IssuePage, *, now: dt.datetime | None = None) -> bool:
    """May anyone at all download the whole-issue PDF of ``issue`` now?"""
    return issue_full_text_allowed(issue, user=None, ip=None, now=now)


# --- Issues -----------------------------------------------------------------------------------


def issue_list_for_channels(magazine: MagazinePage):
    """The live, public issues of ``magazine``, latest first (publication date, then number);
    a lazy queryset (to slice or paginate)."""
    return (
        IssuePage.objects.child_of(magazine)
        .live()
        .public()
        .select_related("cover_image")
        .order_by("-publication_date", "-number", "path")
    )


def _article_prefetches():
    return (
        Prefetch(
            "authors",
            queryset=ArticleAuthor.objects.select_related("person").order_by("sort_order"),
        ),
        Prefetch("abstracts", queryset=ArticleAbstract.objects.order_by("sort_order", "pk")),
    )


def articles_by_issue(
    issues: list[IssuePage], magazine: MagazinePage | None
) -> dict[int, list[ArticlePage]]:
    """The live, public articles of each of ``issues`` (by issue id), in table-of-contents order
    (page, then tree order), with rubric, authors and abstracts: a constant number of queries
    whatever the number of issues."""
    if not issues:
        return {}
    by_path = {issue.path: issue for issue in issues}
    depth = issues[0].depth + 1
    paths = [issue.path for issue in issues]
    queryset = (
        ArticlePage.objects.live()
        .public()
        .filter(depth=depth)
        .select_related("rubric")
        .prefetch_related(*_article_prefetches())
        .order_by("first_page", "path")
    )
    # The articles are the children of the issues: their path starts with the issue's path.
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    result: dict[int, list[ArticlePage]] = {issue.pk: [] for issue in issues}
    for article in queryset.filter(condition):
        issue = by_path.get(article.path[: -ArticlePage.steplen])
        if issue is None:
            continue
        article._publishing_parents = (issue, magazine)
        result[issue.pk].append(article)
    return result


def issue_for_channels(magazine: MagazinePage, *, number: int) -> IssuePage | None:
    """The live, public issue ``number`` of ``magazine``, or None."""
    return (
        IssuePage.objects.child_of(magazine)
        .live()
        .public()
        .select_related("cover_image")
        .filter(number=number)
        .first()
    )


# --- Articles ---------------------------------------------------------------------------------


def _attach_parents(articles: list[ArticlePage]) -> None:
    """Give each article its issue and magazine (the access rules ask for them) in two queries
    for the whole list, instead of two per article."""
    steplen = ArticlePage.steplen
    issue_paths = {article.path[:-steplen] for article in articles}
    issues = {issue.path: issue for issue in IssuePage.objects.filter(path__in=issue_paths)}
    magazine_paths = {path[:-steplen] for path in issues}
    magazines = {
        magazine.path: magazine for magazine in MagazinePage.objects.filter(path__in=magazine_paths)
    }
    for article in articles:
        issue = issues.get(article.path[:-steplen])
        magazine = magazines.get(issue.path[:-steplen]) if issue is not None else None
        article._publishing_parents = (issue, magazine)


def article_list_for_channels(magazine: MagazinePage, *, offset: int = 0, limit: int = 20):
    """The live, public articles of ``magazine``'s live, public issues, latest first (by the
    issue's publication date, then table-of-contents order), with rubric, authors, abstracts
    and parents; returns ``(total, articles)``. The articles of a draft or private issue are
    left out with their issue. Three queries for the page plus the prefetches."""
    steplen = ArticlePage.steplen
    issues = (
        IssuePage.objects.child_of(magazine)
        .live()
        .public()
        .filter(path=Substr(OuterRef("path"), 1, steplen * (magazine.depth + 1)))
    )
    queryset = (
        ArticlePage.objects.descendant_of(magazine)
        .filter(depth=magazine.depth + 2)
        .live()
        .public()
        .annotate(
            issue_date=Subquery(issues.values("publication_date")[:1]),
            issue_path=Substr("path", 1, steplen * (magazine.depth + 1)),
        )
        .filter(issue_date__isnull=False)
    )
    total = queryset.count()
    articles = list(
        queryset.select_related("rubric")
        .prefetch_related(*_article_prefetches())
        .order_by("-issue_date", "issue_path", "first_page", "path")[offset : offset + limit]
    )
    _attach_parents(articles)
    return total, articles


def article_for_channels(pk: int) -> ArticlePage | None:
    """The live, public article ``pk`` inside a live, public issue of a magazine, or None."""
    article = (
        ArticlePage.objects.live()
        .public()
        .select_related("rubric", "pdf")
        .prefetch_related(*_article_prefetches(), "keywords")
        .filter(pk=pk)
        .first()
    )
    if article is None:
        return None
    _attach_parents([article])
    issue, magazine = article._publishing_parents
    if issue is None or magazine is None or not issue.live:
        return None
    if not IssuePage.objects.filter(pk=issue.pk).public().exists():
        return None
    return article


def article_abstract(article: ArticlePage, language: str | None = None) -> str:
    """The abstract of ``article`` in ``language`` (the active language by default), else its
    first abstract, else ""."""
    abstracts = list(article.abstracts.all())
    code = (language or get_language() or "fr")[:2]
    for abstract in abstracts:
        if abstract.language == code:
            return abstract.text
    return abstracts[0].text if abstracts else ""


def article_summary_text(article: ArticlePage) -> str:
    """What may describe the article anywhere (feeds, previews): its abstract, else its search
    description, else its translated title. Never the body."""
    return article_abstract(article) or article.search_description or article.translated_title or ""


def article_body_html(article: ArticlePage) -> str:
    """The rendered full text of ``article``. Callers must have asked
    ``article_open_to_everyone`` first."""
    return str(article.body.render_as_block()) if article.body else ""


def article_opens_on_for_channels(article: ArticlePage) -> dt.date | None:
    """The day the article opens to everyone (see ``access.article_opens_on``)."""
    return article_opens_on(article)


# --- News -------------------------------------------------------------------------------------


def news_list_for_channels(
    news_index: NewsIndexPage, *, kind: str | None = None, category_id: int | None = None
):
    """The live, public news of ``news_index``, newest first, optionally of one kind or one
    category, with category, authors and tags prefetched; a lazy queryset."""
    queryset = NewsPage.objects.child_of(news_index).live().public()
    if kind:
        queryset = queryset.filter(kind=kind)
    if category_id is not None:
        queryset = queryset.filter(category_id=category_id)
    return (
        queryset.select_related("category", "lead_image")
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


def news_for_channels(news_index: NewsIndexPage, pk: int) -> NewsPage | None:
    return news_list_for_channels(news_index).filter(pk=pk).first()


# --- Link previews ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkPreview:
    title: str
    description: str
    type: str
    url: str
    image_url: str = ""
    published_time: str = ""
    site_name: str = ""
    locale: str = ""


def _plain(text: str) -> str:
    return Truncator(" ".join(strip_tags(text or "").split())).chars(PREVIEW_DESCRIPTION_LENGTH)


def _image_url(image, request) -> str:
    if image is None:
        return ""
    try:
        rendition = image.get_rendition("fill-1200x630")
    except Exception:  # a missing or broken source file: no preview image rather than a 500
        return ""
    return request.build_absolute_uri(rendition.url)


def _date(value) -> str:
    return value.isoformat() if value else ""


def link_preview_for_page(page: Page, request) -> LinkPreview | None:
    """The OpenGraph / Twitter card data of a publishing page. The description comes from the
    abstract (article), the lead (news), the editorial (issue) or the introduction (magazine),
    never from an article's body, which may be behind the moving wall."""
    page = page.specific
    url = page.get_full_url(request) or ""
    locale = "en_GB" if (get_language() or "fr").startswith("en") else "fr_FR"
    common = {"url": url, "locale": locale, "site_name": ""}
    magazine = None
    if isinstance(page, ArticlePage):
        issue, magazine = article_issue_and_magazine(page)
        return LinkPreview(
            title=page.seo_title or page.title,
            description=_plain(page.search_description or article_abstract(page)),
            type="article",
            image_url=_image_url(issue.cover_image if issue else None, request),
            published_time=_date(issue.publication_date if issue else None),
            **{**common, "site_name": magazine.title if magazine else ""},
        )
    if isinstance(page, IssuePage):
        parent = page.get_parent().specific
        parts = [page.search_description or page.dossier_title, strip_tags(page.editorial)]
        description = " – ".join(part.strip() for part in parts if part and part.strip())
        return LinkPreview(
            title=page.seo_title or page.title,
            description=_plain(description),
            type="article",
            image_url=_image_url(page.cover_image, request),
            published_time=_date(page.publication_date),
            **{**common, "site_name": parent.title if isinstance(parent, MagazinePage) else ""},
        )
    if isinstance(page, NewsPage):
        return LinkPreview(
            title=page.seo_title or page.title,
            description=_plain(page.search_description or page.lead),
            type="article",
            image_url=_image_url(page.lead_image, request),
            published_time=_date(page.date),
            **common,
        )
    if isinstance(page, MagazinePage):
        return LinkPreview(
            title=page.seo_title or page.title,
            description=_plain(page.search_description or page.subtitle or page.intro),
            type="website",
            **{**common, "site_name": page.title},
        )
    return None
