"""What the watch found: items (one per distinct article, however many sources carry it), the
sightings that tie an item to each source that carried it, and stories (near-duplicate items
from different sites: the same news relayed several times)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .sources import Source


class Story(models.Model):
    """Items of different sources telling the same thing (measured on their text)."""

    title = models.CharField(_("title"), max_length=1000)
    first_seen_at = models.DateTimeField(_("first seen"), db_index=True)
    last_seen_at = models.DateTimeField(_("last seen"))
    item_count = models.PositiveIntegerField(_("items"), default=0)

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-last_seen_at"]

    def __str__(self):
        return self.title


class Item(models.Model):
    """One article, post or page the watch found, normalised.

    An item is stored once: a second sighting with the same GUID in the same source, or the same
    canonical URL anywhere, adds an ``ItemSighting``, never a second item. Text fields hold
    sanitised HTML (``*_html``, through the core sanitiser) and plain text for search and
    matching. ``published_at`` is in UTC; when the source gave no date it is the fetch time and
    ``date_estimated`` is true.
    """

    # Every index is paid at each of the ingest's inserts (thousands of rows a minute), so
    # none repeats another: the source's and the story's are the leading columns of the
    # composite indexes below, the publication date that of ``watch_item_stream``; the
    # language filter keeps too few values for an index to help.
    source = models.ForeignKey(
        Source,
        verbose_name=_("first source"),
        on_delete=models.CASCADE,
        related_name="first_items",
        db_index=False,
    )
    guid = models.TextField(_("identifier in the source"))
    url = models.URLField(_("link"), max_length=2000, blank=True)
    canonical_url = models.URLField(_("canonical link"), max_length=2000, blank=True)
    # SHA-256 (hex) of the canonical URL; empty for items without a link.
    url_hash = models.CharField(max_length=64, blank=True, editable=False)
    title = models.CharField(_("title"), max_length=1000, blank=True)
    author = models.CharField(_("author"), max_length=500, blank=True)
    summary_html = models.TextField(_("summary"), blank=True)
    summary = models.TextField(_("plain-text summary"), blank=True)
    content_html = models.TextField(_("content"), blank=True)
    content_text = models.TextField(_("plain-text content"), blank=True)
    full_text = models.TextField(_("full text of the linked page"), blank=True)
    published_at = models.DateTimeField(_("published"))
    date_estimated = models.BooleanField(_("date estimated"), default=False)
    first_seen_at = models.DateTimeField(_("first seen"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    story = models.ForeignKey(
        Story,
        verbose_name=_("story"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
        db_index=False,
    )
    # Near-duplicate detection (see ocim.watch.pipeline.stories): the MinHash signature of the
    # item's text, and its eight LSH band keys, indexed, through which the near-duplicates of a
    # new item are found. Empty for texts too short to compare.
    minhash = models.BinaryField(null=True, blank=True, editable=False)
    story_band0 = models.IntegerField(null=True, blank=True, editable=False)
    story_band1 = models.IntegerField(null=True, blank=True, editable=False)
    story_band2 = models.IntegerField(null=True, blank=True, editable=False)
    story_band3 = models.IntegerField(null=True, blank=True, editable=False)
    story_band4 = models.IntegerField(null=True, blank=True, editable=False)
    story_band5 = models.IntegerField(null=True, blank=True, editable=False)
    story_band6 = models.IntegerField(null=True, blank=True, editable=False)
    story_band7 = models.IntegerField(null=True, blank=True, editable=False)

    # Reasons to keep an item past the retention age. "Published": taken up by the site, a
    # news page drafted from it (``news_page``, kept even if that page is deleted later).
    starred = models.BooleanField(_("starred"), default=False)
    curated = models.BooleanField(_("curated"), default=False)
    published = models.BooleanField(_("published"), default=False)
    # Indexed only where set (below): a few items among hundreds of thousands, and an index
    # of every item would be paid at each insert.
    news_page = models.ForeignKey(
        "publishing.NewsPage",
        verbose_name=_("news page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    # Classification links: no foreign-key constraints in the database (docs/adr/0001). The
    # ingest writes about thirty links per item, and their deferred checks at commit were a
    # fifth of its time; deletions cascade through Django as before, and
    # ``retention.classification_orphans_delete`` removes what a concurrent deletion left.
    concepts = models.ManyToManyField(
        "core.Concept",
        verbose_name=_("concepts"),
        blank=True,
        through="ItemConcept",
        related_name="watch_items",
    )
    families = models.ManyToManyField(
        "inventory.ActorFamily",
        verbose_name=_("actor families"),
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    regions = models.ManyToManyField(
        "core.Region",
        verbose_name=_("regions"),
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    departments = models.ManyToManyField(
        "core.Department",
        verbose_name=_("departments"),
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actors = models.ManyToManyField(
        "inventory.Actor",
        verbose_name=_("actors mentioned"),
        blank=True,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url_hash"], condition=~Q(url_hash=""), name="watch_item_unique_url"
            ),
        ]
        indexes = [
            models.Index(fields=["source", "-published_at"], name="watch_item_source_date"),
            models.Index(fields=["story", "published_at"], name="watch_item_story"),
            # Near-duplicate candidates: the latest items of a band key (read backwards,
            # LIMIT 32). On the key alone, a key that thousands of items share (boilerplate)
            # had them all read and sorted for every document: 17 ms a key, 0.08 ms now.
            models.Index(fields=["story_band0", "id"], name="watch_item_story_band0"),
            models.Index(fields=["story_band1", "id"], name="watch_item_story_band1"),
            models.Index(fields=["story_band2", "id"], name="watch_item_story_band2"),
            models.Index(fields=["story_band3", "id"], name="watch_item_story_band3"),
            models.Index(fields=["story_band4", "id"], name="watch_item_story_band4"),
            models.Index(fields=["story_band5", "id"], name="watch_item_story_band5"),
            models.Index(fields=["story_band6", "id"], name="watch_item_story_band6"),
            models.Index(fields=["story_band7", "id"], name="watch_item_story_band7"),
            # The reading view's order (newest first, id to break ties), read backwards.
            models.Index(fields=["published_at", "id"], name="watch_item_stream"),
            models.Index(
                fields=["news_page"],
                condition=Q(news_page__isnull=False),
                name="watch_item_news_page",
            ),
        ]

    def __str__(self):
        return self.title or self.url or self.guid


class ItemSighting(models.Model):
    """An item seen in a source: the first sighting and every later one in another source (or
    under another GUID). ``(source, guid_hash)`` is unique: the same entry read again from the
    same source is recognised and not stored twice."""

    # No index of their own: the item is the leading column of ``watch_sighting_item``, the
    # source that of the unique constraint (each index is paid at every insert).
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="sightings", db_index=False
    )
    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="sightings", db_index=False
    )
    # SHA-256 (hex) of the entry's GUID in that source (its link when it has no GUID).
    guid_hash = models.CharField(max_length=64)
    url = models.URLField(max_length=2000, blank=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("sighting")
        verbose_name_plural = _("sightings")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "guid_hash"], name="watch_sighting_unique_guid"
            ),
        ]
        indexes = [models.Index(fields=["item", "seen_at"], name="watch_sighting_item")]

    def __str__(self):
        return f"{self.item_id} @ {self.source_id}"


class ItemRead(models.Model):
    """An item a staff member has read: opened, or marked read with the others of a listing,
    as in a feed reader. Each reader has their own (an unread item is one without a row for
    its reader); it keeps nothing past retention and goes with its item or its reader."""

    # No index of its own: the reader is the leading column of the unique constraint.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="reads"
    )
    read_at = models.DateTimeField(_("read at"))

    class Meta:
        verbose_name = _("item read")
        verbose_name_plural = _("items read")
        constraints = [
            models.UniqueConstraint(fields=["user", "item"], name="watch_itemread_unique"),
        ]

    def __str__(self):
        return f"{self.item_id} read by {self.user_id}"


class ConceptOrigin(models.TextChoices):
    RULE = "rule", _("Classification rule")
    THESAURUS = "thesaurus", _("Thesaurus label")
    SOURCE = "source", _("Source's concepts")
    STAFF = "staff", _("Staff")


class ItemConcept(models.Model):
    """A concept attached to an item, with why it was attached."""

    # No index of its own: the item is the leading column of the unique constraint (about
    # twenty links per item, each index paid at every insert). No foreign-key constraints in
    # the database, for the item, the concept or the rule (docs/adr/0001; see Item.concepts).
    item = models.ForeignKey(
        Item,
        on_delete=models.CASCADE,
        related_name="concept_links",
        db_index=False,
        db_constraint=False,
    )
    concept = models.ForeignKey(
        "core.Concept", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    origin = models.CharField(max_length=10, choices=ConceptOrigin)
    # Indexed only where set (below): most links come from the thesaurus, without a rule, and
    # an index of every link paid an entry per link at each insert for the few that have one.
    rule = models.ForeignKey(
        "watch.ClassificationRule",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("item concept")
        verbose_name_plural = _("item concepts")
        indexes = [
            # A rule's links (deleting a rule, a rule's items): "rule_id = x" implies the
            # condition, so both databases use this partial index for it.
            models.Index(
                fields=["rule"], condition=Q(rule__isnull=False), name="watch_itemconcept_rule"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["item", "concept"], name="watch_itemconcept_unique"),
            models.CheckConstraint(
                condition=Q(origin="rule") | Q(rule__isnull=True),
                name="watch_itemconcept_rule_only_for_rules",
            ),
        ]

    def __str__(self):
        return f"{self.item_id} → {self.concept_id} ({self.origin})"
