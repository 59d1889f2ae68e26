"""What every public page shows around its content (menu, home link, footer facts and legal
links), computed once per site and language and kept in the shared cache.

The shell costs about a dozen queries when built from the database; on a hot page that is most
of the work. It changes only when pages are published, unpublished, moved or deleted, or when
the organisation settings are saved: those events bump a version number stored in the cache, so
every web node sees the new shell at once (no per-process state).
"""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db.models.signals import post_delete, post_save
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

VERSION_KEY = "ocim:shell:version"
TIMEOUT = 60 * 60 * 24

LEGAL_FIELDS = (
    ("legal_notice_page", "Legal notice"),
    ("accessibility_page", "Accessibility"),
    ("privacy_page", "Privacy policy"),
    ("cookies_page", "Cookies"),
)


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY, 1)
    return version


def shell_invalidate(**kwargs) -> None:
    """Forget every cached shell (all sites, all languages)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the key expired or was never set
        cache.add(VERSION_KEY, 1, None)


def _home_for(site: Site, language: str) -> Page:
    root = site.root_page
    try:
        locale = Locale.objects.get_for_language(language)
    except Locale.DoesNotExist:
        return root
    if root.locale_id == locale.pk:
        return root
    translated = (
        Page.objects.live().filter(translation_key=root.translation_key, locale=locale).first()
    )
    return translated or root


def _build(request, site: Site, language: str) -> dict:
    from .models import OrganisationSettings

    home = _home_for(site, language)
    nav = [
        {"id": child.pk, "path": child.path, "title": child.title, "url": child.get_url(request)}
        for child in home.get_children().live().in_menu().only("id", "title", "path", "url_path")
    ]
    org = OrganisationSettings.load()
    legal = []
    linked_pages = {
        field: getattr(org, f"{field}_id")
        for field, _title in LEGAL_FIELDS
        if getattr(org, f"{field}_id")
    }
    originals = Page.objects.in_bulk([pk for pk in linked_pages.values() if pk])
    for field, fallback_title in LEGAL_FIELDS:
        original = originals.get(linked_pages.get(field))
        if original is None:
            continue
        localized = original.localized
        if not localized.live:
            continue
        legal.append(
            {
                "field": field,
                "title": localized.title or _(fallback_title),
                "url": localized.get_url(request),
            }
        )
    return {
        "home_id": home.pk,
        "home_url": home.get_url(request) or f"/{language}/",
        "nav": nav,
        "org": {
            "organisation_name": org.organisation_name,
            "parent_organisation": org.parent_organisation,
            "address": org.address,
            "contact_email": org.contact_email,
            "phone": org.phone,
            "accessibility_status": org.accessibility_status,
            "accessibility_status_display": str(org.get_accessibility_status_display()),
        },
        "legal": legal,
    }


def shell_for_request(request) -> dict | None:
    """The shell of the request's site in the active language (None without a site)."""
    if request is None:
        return None
    language = translation.get_language() or "fr"
    memo = getattr(request, "_ocim_shell", None)
    if memo is not None and memo[0] == language:
        return memo[1]
    version = _version()
    # The site of a host and port is kept with the shells (a query on every page otherwise):
    # saving or deleting a site renews the version.
    try:
        host = f"{request.get_host()}:{request.get_port()}"
    except DisallowedHost:
        host = None
    site_key = f"ocim:shell-site:{version}:{host}"
    site_id = cache.get(site_key) if host else None
    site = None
    if site_id is None:
        site = Site.find_for_request(request)
        site_id = site.pk if site is not None else 0
        if host:
            cache.set(site_key, site_id, TIMEOUT)
    if not site_id:
        return None
    key = f"ocim:shell:{version}:{site_id}:{language}"
    shell = cache.get(key)
    if shell is None:
        site = site or Site.find_for_request(request)
        if site is None:
            return None
        shell = _build(request, site, language)
        cache.set(key, shell, TIMEOUT)
    request._ocim_shell = (language, shell)
    return shell


def connect_signals() -> None:
    from .models import OrganisationSettings

    for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
        signal.connect(shell_invalidate, dispatch_uid=f"ocim-shell-{signal!r}")
    post_delete.connect(shell_invalidate, sender=Page, dispatch_uid="ocim-shell-page-delete")
    post_save.connect(shell_invalidate, sender=Site, dispatch_uid="ocim-shell-site-save")
    post_delete.connect(shell_invalidate, sender=Site, dispatch_uid="ocim-shell-site-delete")
    post_save.connect(
        shell_invalidate, sender=OrganisationSettings, dispatch_uid="ocim-shell-settings-save"
    )
