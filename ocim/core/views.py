import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Locale, Page

from .forms import SearchForm

logger = logging.getLogger(__name__)


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache():
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return the value it was given")


def _check_tasks():
    # Look the backend up in the handler: ``default_task_backend`` is a proxy whose own class
    # is ConnectionProxy, so checking its class would skip every check.
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    kind = type(backend).__name__
    if kind == "RQBackend":
        import django_rq

        # Queues may live on different Redis servers: each must answer.
        for queue_name in sorted(backend.queues):
            django_rq.get_connection(queue_name).ping()
    elif kind == "DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()


@never_cache
@require_GET
def healthz(request):
    """Whether the database, the cache and the task backend answer (503 when one does not)."""
    checks = {}
    for name, check in (
        ("database", _check_database),
        ("cache", _check_cache),
        ("tasks", _check_tasks),
    ):
        try:
            check()
        except Exception as exc:  # a health check reports every failure, whatever its kind
            logger.warning("healthz: %s unavailable: %s", name, exc)
            checks[name] = {"ok": False, "error": exc.__class__.__name__}
        else:
            checks[name] = {"ok": True}
    healthy = all(item["ok"] for item in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /fr/compte/",
        "Disallow: /en/account/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def sitemap(request):
    return wagtail_sitemap(request)


SEARCH_RESULTS_PER_PAGE = 10


def page_search(*, query, locale):
    """Live pages of ``locale`` matching ``query``, best first (Wagtail search backend).

    Only live, public pages are searched: drafts and pages behind a view restriction never
    show up. The result supports ``count()`` and slicing, so it can be paginated lazily.
    """
    pages = Page.objects.live().public().filter(locale=locale).specific()
    return pages.search(search_terms(query), operator="and")


SEARCH_MAX_TERMS = 12


def search_terms(query):
    """Words of ``query`` only, at most ``SEARCH_MAX_TERMS`` of them.

    Punctuation is dropped because some backends pass terms to a full-text syntax (SQLite FTS5)
    where a stray quote or operator is a syntax error; the tokenizers split words on it anyway.
    """
    return " ".join(re.findall(r"\w+", query)[:SEARCH_MAX_TERMS])


@require_GET
def search(request):
    """Site search over the live pages of the current language.

    The query is validated by ``SearchForm``; any ``page`` value is accepted and clamped to an
    existing page by ``Paginator.get_page`` (non-numbers give the first page, numbers out of
    range give the last), so no input can make this view fail.
    """
    form = SearchForm(request.GET or None)
    query = ""
    page_obj = None
    page_range = None
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"]
    if search_terms(query):
        results = page_search(query=query, locale=Locale.get_active())
        paginator = Paginator(results, SEARCH_RESULTS_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        page_range = paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
    return render(
        request,
        "core/search.html",
        {"form": form, "query": query, "page_obj": page_obj, "page_range": page_range},
    )


def bad_request(request, exception=None):
    too_big = isinstance(exception, RequestDataTooBig)
    return render(
        request,
        "400.html",
        {
            "too_big": too_big,
            "max_size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
            "language_links_home": True,
        },
        status=400,
    )


def permission_denied(request, exception=None):
    return render(request, "403.html", {"language_links_home": True}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", {"language_links_home": True}, status=404)


def server_error(request):
    # No context processors, no database: the 500 page must render when the database is down.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({}), status=500)
