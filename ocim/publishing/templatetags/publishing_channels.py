"""Head tags of the publishing pages: link previews (OpenGraph, Twitter card) and the feeds
they advertise (``<link rel="alternate">``)."""

from django import template

from ..feeds import feed_links
from ..selectors_channels import link_preview_for_page

register = template.Library()


@register.inclusion_tag("publishing/includes/link_preview.html", takes_context=True)
def link_preview(context, page):
    """OpenGraph and Twitter card ``<meta>`` of a publishing page; the description never comes
    from an article's full text."""
    request = context.get("request")
    if request is None or page is None:
        return {"preview": None}
    return {"preview": link_preview_for_page(page, request)}


@register.inclusion_tag("publishing/includes/feed_links.html")
def feed_alternates(*names):
    """``<link rel="alternate">`` (RSS and Atom) of the named feeds: "issues", "articles",
    "news"."""
    return {"links": feed_links(*names)}
