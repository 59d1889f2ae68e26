"""The items of the reading view's filters as a spreadsheet (CSV for French Excel, or XLSX): a
corpus for an analyst's study or a bulletin, one row per item, newest first.

Columns: the item's title and link, dates, every source that carried it, its language, its
classification (concepts, actor families, regions, departments, actors mentioned), its story,
the curators' marks and its plain-text summary. Texts come from feeds: the files are written by
``ocim.core.spreadsheets``, which neutralises formula injection.

At most ``EXPORT_LIMIT`` items per file (``ExportTooLarge`` beyond: narrow the filters). Items
are read by chunks of ``CHUNK`` with their links, so the queries grow with the number of
chunks, not of items or links.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from ocim.core.errors import ApplicationError

from .models import Item, ItemConcept, ItemSighting
from .selectors import ItemFilters, items_filtered

EXPORT_LIMIT = 10_000
CHUNK = 500
SUMMARY_CHARACTERS = 1_000
SEPARATOR = " ; "


class ExportTooLarge(ApplicationError):
    default_message = _("Too many items to export.")
    default_code = "export_too_large"
    status = 400

    def __init__(self, count: int):
        super().__init__(
            _(
                "More than %(limit)s items match these filters: narrow them (a period, a "
                "source, a concept) to export at most %(limit)s."
            )
            % {"limit": f"{EXPORT_LIMIT:,}".replace(",", "\u202f")}
        )
        self.count = count


def _headers() -> list[Any]:
    return [
        _("Identifier"),
        _("Title"),
        _("Link"),
        _("Published"),
        _("Date estimated"),
        _("First seen"),
        _("Sources"),
        _("Language"),
        _("Concepts"),
        _("Actor families"),
        _("Regions"),
        _("Departments"),
        _("Actors mentioned"),
        _("Story"),
        _("Items in the story"),
        _("Starred"),
        _("Curated"),
        _("Taken up by the site"),
        _("Summary"),
    ]


def _yes_no(value: bool) -> str:
    return str(_("yes") if value else _("no"))


def _joined(values) -> str:
    return SEPARATOR.join(str(value) for value in values if value)


def _chunk_items(ids: list[int]) -> dict[int, Item]:
    items = (
        Item.objects.filter(pk__in=ids)
        .select_related("story")
        .only(
            "id",
            "title",
            "url",
            "canonical_url",
            "published_at",
            "date_estimated",
            "first_seen_at",
            "language",
            "story__title",
            "story__item_count",
            "starred",
            "curated",
            "published",
            "summary",
        )
        .prefetch_related(
            Prefetch(
                "sightings",
                queryset=ItemSighting.objects.select_related("source")
                .only("item_id", "seen_at", "source__title")
                .order_by("seen_at", "pk"),
            ),
            Prefetch(
                "concept_links",
                queryset=ItemConcept.objects.select_related("concept").order_by(
                    "concept__label_fr"
                ),
            ),
            "families",
            "regions",
            "departments",
            "actors",
        )
    )
    return {item.pk: item for item in items}


def _row(item: Item) -> list[Any]:
    sources = list(dict.fromkeys(sighting.source.title for sighting in item.sightings.all()))
    story = item.story
    return [
        item.pk,
        item.title,
        item.canonical_url or item.url,
        item.published_at,
        _yes_no(item.date_estimated),
        item.first_seen_at,
        _joined(sources),
        item.language,
        _joined(link.concept.label for link in item.concept_links.all()),
        _joined(family.name for family in item.families.all()),
        _joined(sorted(region.name for region in item.regions.all())),
        _joined(sorted(str(department) for department in item.departments.all())),
        _joined(sorted(actor.name for actor in item.actors.all())),
        story.title if story else "",
        story.item_count if story else "",
        _yes_no(item.starred),
        _yes_no(item.curated),
        _yes_no(item.published),
        (item.summary or "")[:SUMMARY_CHARACTERS],
    ]


def items_export_table(
    filters: ItemFilters, *, reader=None
) -> tuple[list[Any], Iterator[list[Any]], int]:
    """The headers, the rows (read chunk by chunk as they are consumed) and the number of
    items passing ``filters``, newest first. Raises ``ExportTooLarge`` over ``EXPORT_LIMIT``."""
    ids = list(
        items_filtered(filters, reader=reader).values_list("pk", flat=True)[: EXPORT_LIMIT + 1]
    )
    if len(ids) > EXPORT_LIMIT:
        raise ExportTooLarge(len(ids))

    def rows() -> Iterator[list[Any]]:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            items = _chunk_items(chunk)
            for pk in chunk:
                item = items.get(pk)
                if item is not None:  # purged meanwhile
                    yield _row(item)

    return _headers(), rows(), len(ids)
