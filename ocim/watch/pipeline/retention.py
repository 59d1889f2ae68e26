"""Retention: items past the configured age are deleted, unless someone kept them.

An item is kept when it is starred, curated or published. Its age is its publication date (the
fetch time for items without one). Deleting an item deletes its sightings and classification
links; stories left with fewer than two items are deleted, the others recounted. The ingest
skips entries already past the age (``IngestReport.too_old``), so that a purged item does not
come back at the next fetch of a feed that still carries it.

Classification links have no foreign-key constraints in the database (docs/adr/0001): a
deletion through Django removes them, and ``classification_orphans_delete`` removes those a
deletion left behind (a concept deleted while a worker's classifier still had it, a row
deleted in SQL).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from ocim.core.audit import audit_log

from ..models import Item, Story
from .stories import stories_recount

logger = logging.getLogger(__name__)

# Items deleted per transaction: short transactions, bounded memory.
PURGE_BATCH = 1000


def retention_cutoff(now: datetime | None = None) -> datetime | None:
    """Items published before this are past the retention age; ``None`` when everything is
    kept (``OCIM_WATCH_RETENTION_DAYS = 0``)."""
    days = settings.OCIM_WATCH_RETENTION_DAYS
    if not days:
        return None
    return (now or timezone.now()) - timedelta(days=days)


def items_purge_expired(*, now: datetime | None = None, batch_size: int = PURGE_BATCH) -> int:
    """Delete the items past the retention age that nobody kept (see the module docstring);
    returns how many. Idempotent; each batch is its own transaction, audit-logged once at
    the end with the count and the cutoff."""
    now = now or timezone.now()
    cutoff = retention_cutoff(now)
    if cutoff is None:
        return 0
    expired = Item.objects.filter(
        published_at__lt=cutoff, starred=False, curated=False, published=False
    )
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(expired.order_by("pk").values_list("pk", "story_id")[:batch_size])
            if not batch:
                break
            Item.objects.filter(pk__in=[pk for pk, _story in batch]).delete()
            stories = {story for _pk, story in batch if story is not None}
            if stories:
                lonely = (
                    Story.objects.filter(pk__in=stories)
                    .annotate(remaining=Count("items"))
                    .filter(remaining__lt=2)
                )
                lonely_ids = set(lonely.values_list("pk", flat=True))
                Item.objects.filter(story_id__in=lonely_ids).update(story=None)
                Story.objects.filter(pk__in=lonely_ids).delete()
                stories_recount(stories - lonely_ids, now=now)
            deleted += len(batch)
    if deleted:
        with transaction.atomic():
            audit_log(
                action="watch.items.purged",
                data={"count": deleted, "cutoff": cutoff.isoformat()},
            )
        logger.info("watch retention: %s items published before %s deleted", deleted, cutoff)
    return deleted


def _classification_link_tables() -> list[tuple[object, list]]:
    """Each link table with its references: ``(link model, [(field, target model)])``."""
    from ..models import ItemConcept

    tables = [ItemConcept] + [
        getattr(Item, name).through for name in ("families", "regions", "departments", "actors")
    ]
    return [
        (
            model,
            [
                (field, field.related_model)
                for field in model._meta.concrete_fields
                if field.is_relation
            ],
        )
        for model in tables
    ]


def classification_orphans_delete() -> int:
    """Delete the classification links whose item or target (concept, family, region,
    department, actor) no longer exists, and forget the rule of links whose rule was deleted;
    returns the number of links deleted. One statement per reference, each its own
    transaction; idempotent."""
    deleted = 0
    for model, references in _classification_link_tables():
        for field, target in references:
            missing = ~Exists(target.objects.filter(pk=OuterRef(field.attname)))
            with transaction.atomic():
                if field.null:
                    # The rule that attached a concept: the concept stays, its reason is
                    # shown without the rule (as Django's SET_NULL leaves it).
                    model.objects.filter(missing, **{f"{field.attname}__isnull": False}).update(
                        **{field.attname: None}
                    )
                    continue
                count, _by_model = model.objects.filter(missing).delete()
                deleted += count
    if deleted:
        logger.info("watch retention: %s orphaned classification links deleted", deleted)
    return deleted
