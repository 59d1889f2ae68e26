"""What the watch adds to an actor's public page (``ocim.inventory.related``): the latest items
about the actor, as a title and a link to the original only (the text stays its publisher's).

Which items: see ``selectors.items_about_actor`` (its own sources' items, and the items that
mention it once a curator has kept them)."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from ocim.inventory.related import RelatedLink, RelatedSection

from .selectors import items_about_actor

RELATED_KEY = "watch.items"
RELATED_LIMIT = 5


def _day(item) -> str:
    return date_format(localtime(item.published_at), "DATE_FORMAT")


def actor_watch_items(actor, *, request=None) -> RelatedSection | None:
    items = items_about_actor(actor, limit=RELATED_LIMIT)
    if not items:
        return None
    return RelatedSection(
        title=_("In the news"),
        links=[
            RelatedLink(
                title=item.title or item.url,
                url=item.canonical_url or item.url,
                detail=f"{item.source.title}, {_day(item)}",
            )
            for item in items
        ],
    )
