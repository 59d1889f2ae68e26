"""A full-response cache of public Wagtail pages for anonymous readers.

A cached page costs about what a bare Django view costs: the middleware sits before the
session, locale, CSRF, authentication and message machinery and answers from the shared cache
without touching the database.

Only what every anonymous reader would get is ever stored or served:

- requests: GET or HEAD (only GET responses are stored), no query string, no cookie but the CSRF
  one (a session, messages or language cookie means the page may differ), no ``Authorization``
  header, a language prefix in the path (``/fr/…``), and no *bypass check* answering True
  (``OCIM_PAGE_CACHE_BYPASS_CHECKS``: callables ``check(request, *, exact) -> bool`` that domain
  apps provide for readers who see more than the public, e.g. an institutional subscriber
  recognised by the client address; such a reader never gets a cached page and their page is
  never stored);
- responses: a Wagtail page served through ``wagtail.views.serve`` (a ``before_serve_page`` hook
  marks it) that has no view restriction (its own or inherited) and is not a preview; status
  200, not streamed, no cookie set, no ``no-store``/``no-cache`` in ``Cache-Control``, and no
  ``Vary`` other than ``Cookie`` and ``Accept-Encoding`` (the stored variant is the cookie-less
  one). ``Cache-Control: private`` is kept in the stored headers for browsers and CDNs but does
  not prevent storing: this cache only ever holds the variant of the anonymous, cookie-less,
  non-subscriber reader, and pages that vary with the client address are covered by the bypass
  checks (a page that must never be replayed says ``no-store``, e.g. with ``never_cache``).

Keys: scheme + host + language + path + two versions kept in the shared cache, so every web
node sees a change at once: the site shell's (``ocim.core.shell``: bumped by every process when
a page is published, unpublished, moved or deleted, or the organisation settings are saved) and
this cache's own, bumped on the same events and when any page, site, locale, snippet, setting,
image or document is saved or deleted; it is re-created unique when missing, so an eviction of
the version keys cannot bring back a page stored before. Entries expire after
``OCIM_PAGE_CACHE_SECONDS`` (0 disables the cache): time-dependent content (a moving wall
lifting at midnight) shows at most that late.

CSP: the stored body carries the nonce of the request that rendered it. On a hit, the nonce is
replaced in the body (and in any header that holds it) by this request's own nonce, and the
security-headers middleware (outside this one) then builds the Content-Security-Policy header
with that same nonce: every response gets a fresh nonce that matches its body.
"""

from __future__ import annotations

import hashlib
import logging
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import cc_delim_re
from django.utils.module_loading import import_string
from django.utils.translation import get_language_from_path
from wagtail import hooks
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from .shell import VERSION_KEY as SHELL_VERSION_KEY
from .shell import shell_invalidate

logger = logging.getLogger(__name__)

KEY_PREFIX = "ocim:page"
VERSION_KEY = "ocim:page:version"
STATUS_HEADER = "X-Ocim-Page-Cache"  # "hit" or "stored": lets operators and benchmarks check
SKIPPED_PREFIXES = ("/admin/", "/django-admin/", "/static/", "/media/", "/documents/", "/api/")
ALLOWED_VARY = frozenset({"cookie", "accept-encoding"})
# Headers not replayed: recomputed for every response (length) or never shared (cookies).
UNSTORED_HEADERS = frozenset({"content-length", "set-cookie", STATUS_HEADER.lower()})
_MARK = "_ocim_page_cache_key"
_CACHEABLE = "_ocim_page_cacheable"


def page_cache_seconds() -> int:
    return int(getattr(settings, "OCIM_PAGE_CACHE_SECONDS", 0) or 0)


@lru_cache(maxsize=8)
def _bypass_checks(paths: tuple[str, ...]):
    return tuple(import_string(path) for path in paths)


def bypass_checks():
    """The configured bypass checks (imported once per list of dotted paths)."""
    return _bypass_checks(tuple(getattr(settings, "OCIM_PAGE_CACHE_BYPASS_CHECKS", ())))


def _bypassed(request, *, exact: bool) -> bool:
    return any(check(request, exact=exact) for check in bypass_checks())


def request_is_cacheable(request) -> bool:
    """May this request be answered from the cache (before any bypass check)?"""
    if request.method not in ("GET", "HEAD"):
        return False
    if request.META.get("QUERY_STRING") or request.META.get("HTTP_AUTHORIZATION"):
        return False
    if request.path_info.startswith(SKIPPED_PREFIXES):
        return False
    if request.META.get("HTTP_COOKIE") and set(request.COOKIES) - {settings.CSRF_COOKIE_NAME}:
        return False
    return get_language_from_path(request.path_info) is not None


def versions() -> str:
    """The shell's version (bumped by every process, the app's signals being connected at
    start-up) and this cache's own, created unique (not 1) whenever it is missing: if an
    eviction drops it, no page stored before can come back."""
    found = cache.get_many([SHELL_VERSION_KEY, VERSION_KEY])
    if VERSION_KEY not in found:
        cache.add(VERSION_KEY, time.time_ns(), None)
        found[VERSION_KEY] = cache.get(VERSION_KEY, 0)
    return f"{found.get(SHELL_VERSION_KEY, 0)}.{found[VERSION_KEY]}"


def page_cache_invalidate(**kwargs) -> None:
    """Forget every cached page (and the site shell)."""
    shell_invalidate()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # never set, or evicted
        cache.add(VERSION_KEY, time.time_ns(), None)


def cache_key(request) -> str | None:
    """The key of the request's page in the current versions; None when the host is not
    allowed (the normal pipeline then answers 400)."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    language = get_language_from_path(request.path_info)
    digest = hashlib.sha256(request.path.encode("utf-8")).hexdigest()[:32]
    return f"{KEY_PREFIX}:{versions()}:{request.scheme}:{host}:{language}:{digest}"


def response_is_storable(request, response) -> bool:
    """May ``response`` be replayed to every anonymous, cookie-less reader of the request's URL?"""
    if request.method != "GET" or not getattr(request, _CACHEABLE, False):
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Set-Cookie"):
        return False
    cache_control = {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if cache_control & {"no-store", "no-cache"}:
        return False
    vary = {part.strip().lower() for part in cc_delim_re.split(response.get("Vary", "")) if part}
    return vary <= ALLOWED_VARY


def _entry(request, response) -> tuple:
    headers = tuple(
        (name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS
    )
    return (
        headers,
        response.content,
        getattr(request, "csp_nonce", "") or "",
        bool(getattr(response, "xframe_options_exempt", False)),
    )


def _replay(request, entry) -> HttpResponse:
    headers, body, stored_nonce, framing_allowed = entry
    nonce = getattr(request, "csp_nonce", "") or ""
    swap = bool(stored_nonce and nonce and nonce != stored_nonce)
    if swap:
        body = body.replace(stored_nonce.encode("ascii"), nonce.encode("ascii"))
    response = HttpResponse(body)
    for name, value in headers:
        response[name] = value.replace(stored_nonce, nonce) if swap else value
    response["Content-Length"] = str(len(body))
    response[STATUS_HEADER] = "hit"
    if framing_allowed:
        response.xframe_options_exempt = True
    return response


class PageCacheMiddleware:
    """Answers anonymous readers from the page cache (see the module docstring).

    Place it after ``SecurityHeadersMiddleware`` (which gives each request its CSP nonce and
    sets the headers of every response, cached or not) and WhiteNoise, before the session
    middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        connect_signals()

    def __call__(self, request):
        seconds = page_cache_seconds()
        if seconds <= 0 or not request_is_cacheable(request):
            return self.get_response(request)
        try:
            if _bypassed(request, exact=False):
                return self.get_response(request)
            key = cache_key(request)
            entry = cache.get(key) if key else None
        except Exception:  # the cache is down: serve the page as if there were no cache
            logger.warning("page cache unavailable", exc_info=True)
            return self.get_response(request)
        if key is None:
            return self.get_response(request)
        if entry is not None:
            return _replay(request, entry)
        # A miss renders the page. It is stored only when the exact checks (the same rules the
        # page itself applies) say, before and after rendering, that the reader sees no more
        # than the public: a subscription that starts or ends meanwhile cannot slip through.
        if request.method == "GET" and not _bypassed(request, exact=True):
            setattr(request, _MARK, key)
        response = self.get_response(request)
        if (
            getattr(request, _MARK, None) == key
            and response_is_storable(request, response)
            and not _bypassed(request, exact=True)
        ):
            try:
                cache.set(key, _entry(request, response), seconds)
            except Exception:
                logger.warning("page cache unavailable", exc_info=True)
            else:
                response[STATUS_HEADER] = "stored"
        return response


@hooks.register("before_serve_page", order=1000)
def mark_page_cacheable(page, request, serve_args, serve_kwargs):
    """Runs after Wagtail's own checks (request method, view restrictions): marks a page the
    middleware may store. Restricted pages (password, login, groups, also inherited) and
    previews are never marked."""
    if not getattr(request, _MARK, None) or getattr(request, "is_preview", False):
        return None
    if page.get_view_restrictions().exists():
        return None
    setattr(request, _CACHEABLE, True)
    return None


# --- Invalidation -----------------------------------------------------------------------------


def _invalidating_models() -> tuple:
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.documents.models import AbstractDocument
    from wagtail.images.models import AbstractImage
    from wagtail.models import Locale, Page, Site

    return (
        Page,
        Site,
        Locale,
        BaseGenericSetting,
        BaseSiteSetting,
        AbstractImage,
        AbstractDocument,
    )


def _is_snippet(model) -> bool:
    from wagtail.snippets.models import get_snippet_models

    return model in get_snippet_models()


def invalidate_on_save(sender, **kwargs) -> None:
    """Pages show pages (menus, tables of contents), snippets (authors, rubrics), settings
    (footer), images and documents: a change to any of them forgets every cached page and
    shell."""
    if issubclass(sender, _invalidating_models()) or _is_snippet(sender):
        page_cache_invalidate()


# Models whose rows never decide what a cached page shows (``page_cache_neutral``).
_NEUTRAL_MODELS: set[type] = set()


def _delete_uid(model) -> str:
    return f"ocim-page-cache-delete-{model._meta.label_lower}"


def page_cache_neutral(*models) -> None:
    """Declare ``models`` as never deciding what a cached page shows (staff-only data such as
    the watch's items and their links): their deletions are not listened to. A model with a
    deletion listener is deleted row by row (Django loads each row and sends a signal for it),
    one without is deleted in bulk: a thousand watch items carried some 35,000 link rows.
    Call it from the app's ``ready``."""
    _NEUTRAL_MODELS.update(models)
    for model in models:
        post_delete.disconnect(sender=model, dispatch_uid=_delete_uid(model))


def connect_signals() -> None:
    """Idempotent (dispatch uids): called by the middleware when it starts (and best from
    ``CoreConfig.ready`` too, so that management commands that change pages bump it).

    Deletions are listened to model by model: snippets are registered after the apps are
    ready, so every model is connected (the receiver then checks the model, as for saves),
    except the models Django creates for many-to-many relations (their rows go with a page or
    a snippet whose own deletion or ``m2m_changed`` is what changes a page) and those declared
    with ``page_cache_neutral``. A receiver for every sender instead would make Django delete
    every row of every model one by one."""
    from django.apps import apps

    post_save.connect(invalidate_on_save, dispatch_uid="ocim-page-cache-save")
    for model in apps.get_models():
        if model not in _NEUTRAL_MODELS:
            post_delete.connect(invalidate_on_save, sender=model, dispatch_uid=_delete_uid(model))
    for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
        signal.connect(page_cache_invalidate, dispatch_uid=f"ocim-page-cache-{signal!r}")
