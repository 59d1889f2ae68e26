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
