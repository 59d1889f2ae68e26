"""The public, read-only API of the magazine and the news: the ``/publishing/`` router of the
platform API (``ocim.core.api``, served at ``/api/v1/``), added when this module is imported by
``PublishingConfig.ready()``.

The reader of the API is anonymous, whoever calls it: an article's ``body`` and ``pdf_url`` are
given only when its full text is open to everyone
(``selectors_channels.article_open_to_everyone``), and are ``null`` otherwise. Drafts and pages
behind a view restriction never appear. Bad query parameters give a 400 with a message, unknown
ids a 404, both as JSON (``{"error": ..., "status": ...}``, see ``ocim.core.api``).
"""

import datetime as dt
import re
from typing import Annotated

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import BeforeValidator
from wagtail.models import Site
from wagtail.rich_text import expand_db_html

from ocim.core.api import Error, api, bad_parameter, whole_number_query

from .models import LICENCE_URLS, IssuePage, NewsCategory, NewsKind
from .search.forms import PublishingSearchForm
from .search.models import SearchDocumentKind
from .search.query import FACET_NAMES, document_search, search_hits, search_session
from .selectors_channels import (
    article_abstract,
    article_body_html,
    article_for_channels,
    article_list_for_channels,
    article_open_to_everyone,
    article_opens_on_for_channels,
    articles_by_issue,
    issue_for_channels,
    issue_list_for_channels,
    issue_open_to_everyone,
    magazine_for_channels,
    news_for_channels,
    news_index_for_channels,
    news_list_for_channels,
)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Beyond this an offset is a mistake (and some databases overflow on huge numbers).
MAX_OFFSET = 1_000_000
# Ids and numbers are database integers: larger values cannot exist (and would overflow).
MAX_ID = 2**31 - 1
# Longest accepted category identifier (a slug field), and its characters.
MAX_SLUG = 120
SLUG = re.compile(r"[-\w]+")

router = Router(tags=["publishing"])


# --- Query parameters -----------------------------------------------------------------------


LimitQuery = whole_number_query(
    "limit",
    default=DEFAULT_LIMIT,
    minimum=1,
    maximum=MAX_LIMIT,
    description=f"Results per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
)
OffsetQuery = whole_number_query(
    "offset",
    default=0,
    minimum=0,
    maximum=MAX_OFFSET,
    description="Results to skip, 0 to 1,000,000 (default 0).",
)


def _parse_kind(value):
    if value is None or value == "":
        return None
    if value not in NewsKind.values:
        raise bad_parameter(
            _("“kind” must be one of: %(values)s.") % {"values": ", ".join(NewsKind.values)}
        )
    return value


KindQuery = Annotated[
    str | None,
    BeforeValidator(_parse_kind),
    Query(None, description=f"Only this kind: one of {', '.join(NewsKind.values)}."),
]
CategoryQuery = Annotated[
    str | None, Query(None, description="Only this category (its identifier).")
]


# --- Schemas (what the OpenAPI schema documents) -------------------------------------------


class Person(Schema):
    name: str
    affiliation: str
    orcid: str | None


class Paginated(Schema):
    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None


class IssueSummary(Schema):
    number: int
    title: str
    dossier_title: str
    period: str
    publication_date: dt.date
    url: str | None
    api_url: str


class ArticleSummary(Schema):
    id: int
    title: str
    translated_title: str
    rubric: str | None
    authors: list[Person]
    issue: int | None
    pages: str | None
    doi: str | None
    abstract: str | None
    full_text_available: bool
    opens_on: dt.date | None
    url: str | None
    api_url: str


class Abstract(Schema):
    language: str
    text: str


class ArticleDetail(ArticleSummary):
    issue: IssueSummary | None
    abstracts: list[Abstract]
    keywords: list[str]
    licence: str | None
    licence_url: str | None
    published_on: dt.date | None
    body: str | None  # null unless the full text is open to everyone
    pdf_url: str | None  # null unless the full text is open to everyone


class IssueDetail(IssueSummary):
    guest_editors: str
    editorial: str
    full_text_available: bool
    pdf_url: str | None
    articles: list[ArticleSummary]


class Category(Schema):
    slug: str
    name: str


class NewsSummary(Schema):
    id: int
    title: str
    kind: str
    date: dt.date
    category: Category | None
    tags: list[str]
    authors: list[Person]
    lead: str
    url: str | None
    api_url: str


class NewsDetail(NewsSummary):
    body: str


class FacetCount(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchResult(Schema):
    kind: str
    id: int  # the page's id: ``/articles/{id}/`` and ``/news/{id}/`` take it
    title: str
    language: str
    year: int | None
    rubric: str | None
    authors: str
    snippet: str  # HTML: the text escaped, the words found in <mark>
    url: str | None
    api_url: str | None


class SearchAnswer(Paginated):
    query: str
    count_exact: bool  # false: ``count`` is an estimate (two significant figures)
    browsable: int  # how many results can be paged through (``count`` when it is exact)
    facets: dict[str, list[FacetCount]]
    facets_exact: bool  # false: the facet counts are estimates
    results: list[SearchResult]


class IssueList(Paginated):
    results: list[IssueSummary]


class ArticleList(Paginated):
    results: list[ArticleSummary]


class NewsList(Paginated):
    results: list[NewsSummary]


# --- Representations ------------------------------------------------------------------------


def _absolute(request, url: str | None) -> str | None:
    return request.build_absolute_uri(url) if url else None


def _page_links(request, *, total: int, limit: int, offset: int) -> dict:
    def link(new_offset: int) -> str:
        query = request.GET.copy()
        query["limit"] = str(limit)
        query["offset"] = str(new_offset)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": total,
        "limit": limit,
        "offset": offset,
        "next": link(offset + limit) if offset + limit < total else None,
        "previous": link(max(offset - limit, 0)) if offset > 0 else None,
    }


def _shared(response: HttpResponse) -> None:
    # Same answer for everyone: shared caches may keep it for a while.
    response["Cache-Control"] = "public, max-age=300"


def _queryset_page(request, response, queryset, summarise, *, limit: int, offset: int) -> dict:
    """``_page`` of a queryset: counted, then sliced."""
    return _page(
        request,
        response,
        total=queryset.count(),
        items=queryset[offset : offset + limit],
        summarise=summarise,
        limit=limit,
        offset=offset,
    )


def _page(request, response, *, total: int, items, summarise, limit: int, offset: int) -> dict:
    """A page of a list: the links, the count and ``summarise(request, item)`` per item."""
    _shared(response)
    return {
        **_page_links(request, total=total, limit=limit, offset=offset),
        "results": [summarise(request, item) for item in items],
    }


def _person(person) -> dict:
    return {
        "name": person.full_name,
        "affiliation": person.affiliation,
        "orcid": person.orcid or None,
    }


def _issue_summary(request, issue) -> dict:
    return {
        "number": issue.number,
        "title": issue.title,
        "dossier_title": issue.dossier_title,
        "period": issue.period_label,
        "publication_date": issue.publication_date,
        "url": _absolute(request, issue.get_url(request=request)),
        "api_url": request.build_absolute_uri(
            reverse("api:publishing_issue_detail", args=[issue.number])
        ),
    }


def _article_summary(request, article) -> dict:
    issue, _magazine = article._publishing_parents
    return {
        "id": article.pk,
        "title": article.title,
        "translated_title": article.translated_title,
        "rubric": article.rubric.name if article.rubric else None,
        "authors": [_person(author.person) for author in article.authors.all()],
        "issue": issue.number if issue else None,
        "pages": article.page_range or None,
        "doi": article.doi or None,
        "abstract": article_abstract(article) or None,
        "full_text_available": article_open_to_everyone(article),
        "opens_on": article_opens_on_for_channels(article),
        "url": _absolute(request, article.get_url(request=request)),
        "api_url": request.build_absolute_uri(
            reverse("api:publishing_article_detail", args=[article.pk])
        ),
    }


def _article_detail(request, article) -> dict:
    issue, magazine = article._publishing_parents
    is_open = article_open_to_everyone(article)
    licence = article.licence or (magazine.licence if magazine else "")
    data = _article_summary(request, article)
    data.update(
        {
            "issue": _issue_summary(request, issue) if issue else None,
            "abstracts": [
                {"language": abstract.language, "text": abstract.text}
                for abstract in article.abstracts.all()
            ],
            "keywords": [concept.label for concept in article.keywords.all()]
            + article.free_keyword_list,
            "licence": licence or None,
            "licence_url": LICENCE_URLS.get(licence) or None,
            "published_on": issue.publication_date if issue else None,
            # The full text and its PDF: only when everyone may read them.
            "body": article_body_html(article) if is_open else None,
            "pdf_url": (
                request.build_absolute_uri(reverse("publishing:article_pdf", args=[article.pk]))
                if is_open and article.pdf_id
                else None
            ),
        }
    )
    return data


def _news_summary(request, news) -> dict:
    return {
        "id": news.pk,
        "title": news.title,
        "kind": news.kind,
        "date": news.date,
        "category": (
            {"slug": news.category.slug, "name": news.category.name} if news.category else None
        ),
        "tags": [tagged.tag.name for tagged in news.tagged_items.all()],
        "authors": [_person(author.person) for author in news.authors.all()],
        "lead": news.lead,
        "url": _absolute(request, news.get_url(request=request)),
        "api_url": request.build_absolute_uri(
            reverse("api:publishing_news_detail", args=[news.pk])
        ),
    }


# --- Operations -----------------------------------------------------------------------------


def _magazine(request):
    magazine = magazine_for_channels(Site.find_for_request(request))
    if magazine is None:
        raise Http404
    return magazine


def _news_index(request):
    news_index = news_index_for_channels(Site.find_for_request(request))
    if news_index is None:
        raise Http404
    return news_index


def _valid_id(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise Http404
    return value


@router.get(
    "/issues/", response={200: IssueList, 400: Error, 404: Error}, url_name="publishing_issue_list"
)
def issue_list(
    request: HttpRequest,
    response: HttpResponse,
    limit: LimitQuery,
    offset: OffsetQuery,
):
    """The issues, latest first."""
    magazine = _magazine(request)
    issues = issue_list_for_channels(magazine)
    return _queryset_page(request, response, issues, _issue_summary, limit=limit, offset=offset)


@router.get(
    "/issues/{number}/", response={200: IssueDetail, 404: Error}, url_name="publishing_issue_detail"
)
def issue_detail(request: HttpRequest, response: HttpResponse, number: int):
    """One issue with its table of contents (no full text)."""
    magazine = _magazine(request)
    issue = issue_for_channels(magazine, number=_valid_id(number))
    if issue is None:
        raise Http404
    articles = articles_by_issue([issue], magazine)[issue.pk]
    is_open = issue_open_to_everyone(issue)
    data = _issue_summary(request, issue)
    data.update(
        {
            "guest_editors": issue.guest_editors,
            "editorial": expand_db_html(issue.editorial) if issue.editorial else "",
            "full_text_available": is_open,
            "pdf_url": (
                request.build_absolute_uri(reverse("publishing:issue_pdf", args=[issue.pk]))
                if is_open and issue.pdf_id
                else None
            ),
            "articles": [_article_summary(request, article) for article in articles],
        }
    )
    _shared(response)
    return data


@router.get(
    "/articles/",
    response={200: ArticleList, 400: Error, 404: Error},
    url_name="publishing_article_list",
)
def article_list(
    request: HttpRequest,
    response: HttpResponse,
    limit: LimitQuery,
    offset: OffsetQuery,
):
    """The articles, latest issue first; no full text in the list."""
    magazine = _magazine(request)
    total, articles = article_list_for_channels(magazine, offset=offset, limit=limit)
    return _page(
        request,
        response,
        total=total,
        items=articles,
        summarise=_article_summary,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/articles/{pk}/",
    response={200: ArticleDetail, 404: Error},
    url_name="publishing_article_detail",
)
def article_detail(request: HttpRequest, response: HttpResponse, pk: int):
    """One article: metadata, abstracts, keywords; ``body`` and ``pdf_url`` only when its full
    text is open to everyone (``null`` otherwise, whoever asks)."""
    article = article_for_channels(_valid_id(pk))
    if article is None:
        raise Http404
    _shared(response)
    return _article_detail(request, article)


def _category_id(slug: str | None) -> int | None:
    if not slug:
        return None
    slug = slug[:MAX_SLUG]
    # Only a possible identifier reaches the database (PostgreSQL refuses NUL characters).
    category_id = (
        NewsCategory.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if SLUG.fullmatch(slug)
        else None
    )
    if category_id is None:
        raise HttpError(400, _("There is no news category “%(slug)s”.") % {"slug": slug})
    return category_id


@router.get(
    "/news/", response={200: NewsList, 400: Error, 404: Error}, url_name="publishing_news_list"
)
def news_list(
    request: HttpRequest,
    response: HttpResponse,
    limit: LimitQuery,
    offset: OffsetQuery,
    kind: KindQuery,
    category: CategoryQuery,
):
    """The news and web articles, newest first."""
    category_id = _category_id(category)
    news_index = _news_index(request)
    news = news_list_for_channels(news_index, kind=kind, category_id=category_id)
    return _queryset_page(request, response, news, _news_summary, limit=limit, offset=offset)


@router.get(
    "/news/{pk}/", response={200: NewsDetail, 404: Error}, url_name="publishing_news_detail"
)
def news_detail(request: HttpRequest, response: HttpResponse, pk: int):
    """One news item with its body (news are public)."""
    news = news_for_channels(_news_index(request), _valid_id(pk))
    if news is None:
        raise Http404
    data = _news_summary(request, news)
    data["body"] = str(news.body.render_as_block()) if news.body else ""
    _shared(response)
    return data


# --- Search --------------------------------------------------------------------------------------

FilterValues = Annotated[
    list[str] | None,
    Query(None, description="Repeat the parameter for several values (any of them)."),
]


def _search_api_url(request, document, issue_numbers: dict[int, int]) -> str | None:
    if document.kind == SearchDocumentKind.ARTICLE:
        return request.build_absolute_uri(
            reverse("api:publishing_article_detail", args=[document.page_id])
        )
    if document.kind == SearchDocumentKind.ISSUE and document.page_id in issue_numbers:
        return request.build_absolute_uri(
            reverse("api:publishing_issue_detail", args=[issue_numbers[document.page_id]])
        )
    if document.kind in (SearchDocumentKind.NEWS, SearchDocumentKind.WEB_ARTICLE):
        return request.build_absolute_uri(
            reverse("api:publishing_news_detail", args=[document.page_id])
        )
    return None


@router.get("/search/", response={200: SearchAnswer, 400: Error}, url_name="publishing_search")
def search(
    request: HttpRequest,
    response: HttpResponse,
    limit: LimitQuery,
    offset: OffsetQuery,
    q: Annotated[str, Query(..., description="The words to find (all of them).")],
    kind: FilterValues = None,
    year: FilterValues = None,
    rubric: FilterValues = None,
    concept: FilterValues = None,
    language: FilterValues = None,
):
    """The publishing search (issues, articles, news, web articles): the same words, filters,
    ranking and counts as the search page. ``count`` and the facet counts are exact up to a
    limit of matches and estimated beyond (``count_exact``, ``facets_exact``); then only the
    first ``browsable`` results can be paged through. The full text of an article is searched
    and quoted only once it is open to everyone."""
    form = PublishingSearchForm(request.GET)
    form.is_valid()
    for name in ("q", *FACET_NAMES):
        if name in form.errors:
            raise HttpError(400, f"“{name}”: {' '.join(form.errors[name])}")
    query = form.cleaned_data.get("q", "")
    if not query:
        raise HttpError(400, _("“q”: give the words to search for."))
    _shared(response)
    with search_session():
        return _search_answer(request, query, form, limit=limit, offset=offset)


def _search_answer(request, query: str, form, *, limit: int, offset: int) -> dict:
    outcome = document_search(query=query, filters=form.filters())
    if outcome is None:  # no word worth searching: nothing matches
        return {
            **_page_links(request, total=0, limit=limit, offset=offset),
            "query": query,
            "count_exact": True,
            "browsable": 0,
            "facets": {},
            "facets_exact": True,
            "results": [],
        }
    browsable = outcome.documents.count()
    stop = min(offset + limit, browsable)
    documents = list(outcome.documents[offset:stop]) if offset < stop else []
    issue_numbers = dict(
        IssuePage.objects.filter(
            pk__in=[d.page_id for d in documents if d.kind == SearchDocumentKind.ISSUE]
        ).values_list("pk", "number")
    )
    results = []
    for hit in search_hits(documents, outcome.words, request=request):
        document = hit.document
        results.append(
            {
                "kind": document.kind,
                "id": document.page_id,
                "title": document.title,
                "language": document.language,
                "year": document.year,
                "rubric": document.rubric.name if document.rubric else None,
                "authors": document.authors,
                "snippet": str(hit.snippet),
                "url": _absolute(request, hit.url),
                "api_url": _search_api_url(request, document, issue_numbers),
            }
        )
    links = _page_links(request, total=browsable, limit=limit, offset=offset)
    return {
        **links,
        "count": outcome.total,
        "query": query,
        "count_exact": outcome.total_exact,
        "browsable": browsable,
        "facets": {
            name: [
                {
                    "value": value.value,
                    "label": str(value.label),
                    "count": value.count,
                    "selected": value.selected,
                }
                for value in values
            ]
            for name, values in outcome.facets.items()
        },
        "facets_exact": outcome.facets_exact,
        "results": results,
    }


api.add_router("/publishing/", router)
