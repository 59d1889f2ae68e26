"""The search index of the directory: one row per actor, written only by
``ocim.inventory.search`` (``actor_search_index_update`` / ``actor_search_index_rebuild``).

Kept apart from ``Actor`` so that the actor's history (every concrete column of the actor is
snapshotted by the services) never holds index data, and so that rows stay narrow.

- PostgreSQL: ``vector``, a weighted tsvector (GIN index created by migration ``0003``);
- SQLite: ``terms`` (everything the actor is found by), ``name_terms`` and ``head_terms`` (the
  name; the name and other names, to rank), as French Snowball stems and folded words.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Actor


class ActorSearchIndex(models.Model):
    actor = models.OneToOneField(
        Actor,
        verbose_name=_("actor"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_index",
    )
    vector = SearchVectorField(null=True, editable=False)
    terms = models.TextField(blank=True, editable=False)
    name_terms = models.TextField(blank=True, editable=False)
    head_terms = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("actor search index entry")
        verbose_name_plural = _("actor search index entries")

    def __str__(self):
        return str(self.actor_id)


class IdListField(models.Field):
    """A list of ids: ``bigint[]`` on PostgreSQL (GIN-indexed). Written and read by raw SQL only
    (``ocim.inventory.search``, ``ocim.inventory.directory_counts``); other engines never fill
    it."""

    description = _("list of ids")

    def db_type(self, connection):
        return "bigint[]" if connection.vendor == "postgresql" else "text"


class ActorFacets(models.Model):
    """The directory's filter columns of one actor, its name, and its label and concept ids,
    in a narrow row (about 100 bytes): a listing filtered by a label or a concept reads the
    rows of its actors here (GIN indexes on the lists) instead of the wide rows of the actors
    or of the search index. Written with the search index (``ocim.inventory.search``), on
    PostgreSQL only; a missing territory is "" (equality comparisons)."""

    actor = models.OneToOneField(
        Actor,
        verbose_name=_("actor"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="facets",
    )
    name = models.CharField(max_length=255)
    family_id = models.BigIntegerField()
    type_id = models.BigIntegerField()
    region_id = models.CharField(max_length=3, blank=True)
    department_id = models.CharField(max_length=3, blank=True)
    status = models.CharField(max_length=10)
    label_ids = IdListField(null=True)
    concept_ids = IdListField(null=True)

    class Meta:
        verbose_name = _("actor's facets")
        verbose_name_plural = _("actors' facets")

    def __str__(self):
        return str(self.actor_id)


class DirectoryCount(models.Model):
    """How many actors fall in each cell of the directory's scalar facets (family, type, region,
    department, status), overall (``kind`` 0) and per label (1) or concept (2) they carry,
    as rows to add up: PostgreSQL triggers (migration ``0007``) insert one row per cell a
    statement changes, +n or -n, whatever wrote the actors or their links (services, the
    import's COPY, a cascade delete, raw SQL), in the same transaction; ``compact`` adds them
    up from time to time. The directory counts its large unfiltered or facet-only listings from
    here (a few thousand rows) instead of from every actor. Missing territories are stored as
    "" (equality joins). Empty on SQLite, which counts from the actors.
    """

    ACTORS, LABELS, CONCEPTS = 0, 1, 2

    kind = models.SmallIntegerField()
    item_id = models.BigIntegerField(default=0)  # the label's or the concept's id
    family_id = models.BigIntegerField()
    type_id = models.BigIntegerField()
    region_id = models.CharField(max_length=3, blank=True)
    department_id = models.CharField(max_length=3, blank=True)
    status = models.CharField(max_length=10)
    count = models.IntegerField()

    class Meta:
        verbose_name = _("directory count")
        verbose_name_plural = _("directory counts")
        indexes = [models.Index(fields=["kind", "item_id"], name="inventory_dircount_kind_item")]

    def __str__(self):
        return f"{self.kind}:{self.item_id}:{self.count}"
