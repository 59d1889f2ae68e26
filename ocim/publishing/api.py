"""The public, read-only JSON API of the magazine and the news (version 1).

Plain Django views returning JSON. The reader of the API is anonymous, whoever calls it: an
article's ``body`` and ``pdf_url`` are given only when its full text is open to everyone
(``selectors_channels.article_open_to_everyone``), and are ``null`` otherwise. Drafts and pages
behind a view restriction never appear. Bad query parameters give a 400 with a message, unknown
ids a 404, both as JSON.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from wagtail.models import Site
from wagtail.rich_text import expand_db_html

from .models import LICENCE_URLS, NewsCategory, NewsKind
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


class BadRequest(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message, "status": status}, status=status)


def _not_found() -> JsonResponse:
    return _error(_("Not found."), 404)


def _json(data, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Same answer for everyone: shared caches may keep it for a while.
    response["Cache-Control"] = "public, max-age=300"
    return response


def _integer(request, name: str, *, default: int, minimum: int, maximum: int) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise BadRequest(
            _("“%(name)s” must be a whole number from %(minimum)s to %(maximum)s.")
            % {"name": name, "minimum": minimum, "maximum": maximum}
        )
    value = int(raw)
    if not minimum <= value <= maximum:
        raise BadRequest(
            _("“%(name)s” must be a whole number from %(minimum)s to %(maximum)s.")
            % {"name": name, "minimum": minimum, "maximum": maximum}
        )
    return value


def _pagination(request) -> tuple[int, int]:
    limit = _integer(request, "limit", default=DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT)
    offset = _integer(request, "offset", default=0, minimum=0, maximum=MAX_OFFSET)
    return limit, offset


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


def api_view(view):
    """GET/HEAD only; ``BadRequest`` becomes a 400 JSON answer."""

    @require_safe
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadRequest as error:
            return _error(error.message, 400)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# Ids and numbers are database integers: larger values cannot exist (and would overflow).
MAX_ID = 2**31 - 1


def _absolute(request, url: str | None) -> str | None:
    return request.build_absolute_uri(url) if url else None


# --- Representations ------------------------------------------------------------------------


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
        "publication_date": issue.publication_date.isoformat(),
        "url": _absolute(request, issue.get_url(request=request)),
        "api_url": request.build_absolute_uri(
            reverse("publishing:api_issue_detail", args=[issue.number])
        ),
    }


def _article_summary(request, article) -> dict:
    issue, _magazine = article._publishing_parents
    is_open = article_open_to_everyone(article)
    opens_on = article_opens_on_for_channels(article)
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
        "full_text_available": is_open,
        "opens_on": opens_on.isoformat() if opens_on else None,
        "url": _absolute(request, article.get_url(request=request)),
        "api_url": request.build_absolute_uri(
            reverse("publishing:api_article_detail", args=[article.pk])
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
            "published_on": issue.publication_date.isoformat() if issue else None,
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
        "date": news.date.isoformat(),
        "category": (
            {"slug": news.category.slug, "name": news.category.name} if news.category else None
        ),
        "tags": [tagged.tag.name for tagged in news.tagged_items.all()],
        "authors": [_person(author.person) for author in news.authors.all()],
        "lead": news.lead,
        "url": _absolute(request, news.get_url(request=request)),
        "api_url": request.build_absolute_uri(
            reverse("publishing:api_news_detail", args=[news.pk])
        ),
    }


# --- Views ------------------------------------------------------------------------------------


def _magazine(request):
    return magazine_for_channels(Site.find_for_request(request))


@api_view
def issue_list(request):
    """The issues, latest first: ``?limit=`` (1 to 100, default 20) and ``?offset=``."""
    limit, offset = _pagination(request)
    magazine = _magazine(request)
    if magazine is None:
        return _not_found()
    issues = issue_list_for_channels(magazine)
    total = issues.count()
    results = [_issue_summary(request, issue) for issue in issues[offset : offset + limit]]
    return _json(
        {**_page_links(request, total=total, limit=limit, offset=offset), "results": results}
    )


@api_view
def issue_detail(request, number: int):
    """One issue with its table of contents (no full text)."""
    magazine = _magazine(request)
    issue = issue_for_channels(magazine, number=number) if magazine and number <= MAX_ID else None
    if issue is None:
        return _not_found()
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
    return _json(data)


@api_view
def article_list(request):
    """The articles, latest issue first: ``?limit=`` and ``?offset=``."""
    limit, offset = _pagination(request)
    magazine = _magazine(request)
    if magazine is None:
        return _not_found()
    total, articles = article_list_for_channels(magazine, offset=offset, limit=limit)
    return _json(
        {
            **_page_links(request, total=total, limit=limit, offset=offset),
            "results": [_article_summary(request, article) for article in articles],
        }
    )


@api_view
def article_detail(request, pk: int):
    """One article: metadata, abstracts, keywords; ``body`` and ``pdf_url`` when open."""
    article = article_for_channels(pk) if pk <= MAX_ID else None
    if article is None:
        return _not_found()
    return _json(_article_detail(request, article))


def _news_filters(request) -> tuple[str | None, int | None]:
    kind = request.GET.get("kind") or None
    if kind is not None and kind not in NewsKind.values:
        raise BadRequest(
            _("“kind” must be one of: %(values)s.") % {"values": ", ".join(NewsKind.values)}
        )
    category_id = None
    slug = request.GET.get("category") or None
    if slug is not None:
        category_id = (
            NewsCategory.objects.filter(slug=slug[:120]).values_list("pk", flat=True).first()
        )
        if category_id is None:
            raise BadRequest(_("There is no news category “%(slug)s”.") % {"slug": slug[:120]})
    return kind, category_id


@api_view
def news_list(request):
    """The news and web articles, newest first: ``?limit=``, ``?offset=``, ``?kind=`` (news or
    article) and ``?category=`` (a category identifier)."""
    limit, offset = _pagination(request)
    kind, category_id = _news_filters(request)
    news_index = news_index_for_channels(Site.find_for_request(request))
    if news_index is None:
        return _not_found()
    news = news_list_for_channels(news_index, kind=kind, category_id=category_id)
    total = news.count()
    return _json(
        {
            **_page_links(request, total=total, limit=limit, offset=offset),
            "results": [_news_summary(request, item) for item in news[offset : offset + limit]],
        }
    )


@api_view
def news_detail(request, pk: int):
    """One news item with its body (news are public)."""
    news_index = news_index_for_channels(Site.find_for_request(request))
    news = news_for_channels(news_index, pk) if news_index and pk <= MAX_ID else None
    if news is None:
        return _not_found()
    data = _news_summary(request, news)
    data["body"] = str(news.body.render_as_block()) if news.body else ""
    return _json(data)
