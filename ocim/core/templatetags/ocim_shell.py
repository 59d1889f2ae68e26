"""Template tags of the site shell: home link, main menu, language switcher, breadcrumb, footer.

Every tag tolerates a missing request or site (error pages, e-mails) and then renders the
smallest sensible output instead of failing.
"""

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, translate_url
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Page

from ..shell import shell_for_request

register = template.Library()


def _request(context):
    return context.get("request")


def _language_prefix_home(language_code):
    return f"/{language_code}/"


@register.simple_tag(takes_context=True)
def site_home_url(context):
    """URL of the home page in the current language."""
    shell = shell_for_request(_request(context))
    if shell is not None:
        return shell["home_url"]
    return _language_prefix_home(translation.get_language() or settings.LANGUAGE_CODE)


def _page_is_under(page, other):
    return page is not None and page.path.startswith(other.path)


@register.inclusion_tag("includes/main_nav.html", takes_context=True)
def main_nav(context):
    """The main menu: live children of the localized home page marked "show in menus"."""
    shell = shell_for_request(_request(context))
    current_page = context.get("page")
    current_path = current_page.path if isinstance(current_page, Page) else None
    items = []
    for child in shell["nav"] if shell else []:
        items.append(
            {
                "title": child["title"],
                "url": child["url"],
                "current": current_page is not None
                and getattr(current_page, "pk", None) == child["id"],
                "ancestor": current_path is not None
                and current_page.pk != child["id"]
                and current_path.startswith(child["path"]),
            }
        )
    return {"items": items}


def _translated_view_url(request, code, current):
    """The current view's URL in language ``code`` (None when it cannot be translated)."""
    full_path = request.get_full_path()
    # translate_url resolves the path in the *current* language, so leave any override first.
    with translation.override(current):
        try:
            url = translate_url(full_path, code)
        except NoReverseMatch:
            return None
    # translate_url returns its input unchanged when it cannot translate.
    if url == full_path and code != current:
        return None
    return url


def _language_links(context):
    """One link per language to the same content in that language.

    Wagtail pages link to their live translation (or to that language's home page when the
    page is not translated); other views are translated with Django's URL patterns. Error
    pages (``language_links_home``) link to each language's home page.
    """
    request = _request(context)
    current = translation.get_language()
    page = context.get("page")
    cache_key = (current, getattr(page, "pk", None), bool(context.get("language_links_home")))
    cached = getattr(request, "_ocim_language_links", None)
    if cached is not None and cached[0] == cache_key:
        return cached[1]
    links = []
    translations = {}
    if isinstance(page, Page) and page.pk:
        for item in page.get_translations(inclusive=True).live().select_related("locale"):
            translations[item.locale.language_code] = item
    for code, name in settings.LANGUAGES:
        url = None
        # "exact": the link leads to the same content; fallbacks lead to a home page.
        exact = False
        with translation.override(code):
            if isinstance(page, Page) and page.pk:
                target = translations.get(code)
                if target is not None:
                    url = target.get_url(request)
                    exact = bool(url)
                else:
                    shell = shell_for_request(request)
                    url = shell["home_url"] if shell is not None else None
            elif request is not None and not context.get("language_links_home"):
                url = _translated_view_url(request, code, current)
                exact = bool(url)
            if not url:
                url = _language_prefix_home(code)
        links.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "absolute_url": request.build_absolute_uri(url) if request is not None else url,
                "current": code == current,
                "exact": exact,
            }
        )
    if request is not None:
        request._ocim_language_links = (cache_key, links)
    return links


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    return {"links": _language_links(context)}


@register.inclusion_tag("includes/language_alternates.html", takes_context=True)
def language_alternates(context):
    """``<link rel="alternate" hreflang>`` for each language version of this page."""
    if context.get("language_links_home"):
        return {"links": []}
    links = [link for link in _language_links(context) if link["exact"]]
    # An alternate only makes sense when every language version exists.
    return {"links": links if len(links) == len(settings.LANGUAGES) else []}


@register.inclusion_tag("includes/breadcrumb.html", takes_context=True)
def page_breadcrumb(context, page):
    """Trail of a Wagtail page from the home page of its language; nothing on the home page."""
    request = _request(context)
    if not isinstance(page, Page) or page.depth <= 2:
        return {"crumbs": []}
    ancestors = page.get_ancestors().filter(depth__gte=2).only("id", "title", "path", "url_path")
    crumbs = [{"title": ancestor.title, "url": ancestor.get_url(request)} for ancestor in ancestors]
    if crumbs:
        crumbs[0]["title"] = _("Home")
    crumbs.append({"title": page.title, "url": None})
    return {"crumbs": crumbs}


@register.inclusion_tag("includes/breadcrumb.html", takes_context=True)
def breadcrumb_trail(context, current, *pairs):
    """Breadcrumb for non-page views: ``{% breadcrumb_trail _("Session") _("Courses") url %}``.

    The first argument is the current page's title; then (title, url) pairs from the top down.
    The home page of the current language always comes first.
    """
    crumbs = [{"title": _("Home"), "url": site_home_url(context)}]
    for index in range(0, len(pairs) - 1, 2):
        crumbs.append({"title": pairs[index], "url": pairs[index + 1]})
    crumbs.append({"title": current, "url": None})
    return {"crumbs": crumbs}


@register.inclusion_tag("includes/footer_content.html", takes_context=True)
def site_footer(context):
    """Organisation facts and the legal pages in the current language."""
    shell = shell_for_request(_request(context))
    legal_links = []
    for link in shell["legal"] if shell else []:
        item = {"title": link["title"], "url": link["url"]}
        if link["field"] == "accessibility_page":
            item["note"] = _("accessibility: %(status)s") % {
                "status": shell["org"]["accessibility_status_display"]
            }
        legal_links.append(item)
    return {
        "org": shell["org"] if shell else {},
        "legal_links": legal_links,
        "year": timezone.localdate().year,
    }
