"""The search index of the staff reading view: one row per item, written only by
``ocim.watch.search`` (``items_index``), never by hand.

Two engines read it:
- PostgreSQL: ``vector``, a tsvector of the distinct Snowball stems (French, English; words as
  written for any other language) of the item's title, author, summary, content and full
  text, computed in Python (``pg_vector``; no positions or weights: nothing ranks), GIN
  indexed (see the migration);
- SQLite: ``terms``, the Snowball stems (or folded words) computed in Python, mirrored by
  triggers into an FTS5 table (``watch_itemsearchindex_fts``, created by the migration).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from .items import Item


class ItemSearchIndex(models.Model):
    item = models.OneToOneField(
        Item,
        verbose_name=_("item"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_index",
    )
    vector = SearchVectorField(null=True, editable=False)
    terms = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("item search index entry")
        verbose_name_plural = _("item search index entries")

    def __str__(self):
        return str(self.item_id)
