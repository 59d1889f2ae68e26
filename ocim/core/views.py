import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

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
    from django_tasks import default_task_backend

    backend = default_task_backend
    if backend.__class__.__name__ == "RQBackend":
        import django_rq

        django_rq.get_connection(backend.queues and next(iter(backend.queues)) or "default").ping()
    elif backend.__class__.__name__ == "DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()


@never_cache
@require_GET
def healthz(request):
    """Whether the database, the cache and the task backend answer (503 when one does not)."""
    checks = {}
    for name, check in (("database", _check_database), ("cache", _check_cache), ("tasks", _check_tasks)):
        try:
            check()
        except Exception as exc:  # a health check reports every failure, whatever its kind
            logger.warning("healthz: %s unavailable: %s", name, exc)
            checks[name] = {"ok": False, "error": exc.__class__.__name__}
        else:
            checks[name] = {"ok": True}
    healthy = all(item["ok"] for item in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", "checks": checks},
                        status=200 if healthy else 503)


def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /fr/compte/", "Disallow: /en/account/",
             f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def sitemap(request):
    return wagtail_sitemap(request)


def search(request):
    return render(request, "core/search.html", {})


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that could fail again: the 500 page is self-contained.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({}), status=500)

