"""The search index of the publishing app: one row per searchable live, public page.

The row is written only by ``ocim.publishing.search.indexing`` (never by hand): it holds what
the public may find, and nothing else. The full text (body) of an article is copied into it only
when ``ocim.publishing.access.article_is_open`` says that everyone may read it.

Two engines read it, both indexed:
- PostgreSQL: ``search_vector`` (tsvector, GIN index created by the migration), filled from the
  ``french``/``english``/``simple`` text-search configurations on ``unaccent``-ed text, with
  ``rank_vector`` (no full text) to rank and ``title_vector`` (GIN indexed) to find title
  matches. The table keeps its rows narrow (``toast_tuple_target``: texts and the large vectors
  live out of the row), so scanning thousands of matches to count them reads little; a counter
  bumped by a trigger on every change (``publishing_search_generation``) lets counts be cached;
- SQLite: the ``terms_*`` columns (normalised Snowball stems, computed in Python), mirrored by
  triggers into an FTS5 table (``publishing_searchdocument_fts``, created by the migration).

Counting the facets of a search that matches most of the index is bounded (see ``counts``): the
documents of a fixed sample (``sample_bucket`` below a bound) stand for all of them. On
PostgreSQL each sample has its own partial GIN index, and the concepts are copied into the row
(``concept_ids``, an array column written with the vectors, not a model field).
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

# Buckets of the sample: a document belongs to the sample "below b" when its bucket is below b.
SAMPLE_BUCKETS = 1024


def sample_bucket_of(page_id: int) -> int:
    """The sample bucket of the document of page ``page_id``, 0 to ``SAMPLE_BUCKETS - 1``:
    Fibonacci hashing (the page id times 2^32 / golden ratio, modulo 2^32, top 10 bits), which
    spreads consecutive ids evenly over the buckets. Migration 0006 computes the same in SQL."""
    return ((page_id * 2654435761) % 4294967296) // 4194304


class SearchDocumentKind(models.TextChoices):
    ISSUE = "issue", _("Issue")
    ARTICLE = "article", _("Article")
    NEWS = "news", _("News item")
    WEB_ARTICLE = "web_article", _("Web article")


class SearchDocument(models.Model):
    page = models.OneToOneField(
        "wagtailcore.Page",
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="publishing_search_document",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SearchDocumentKind.choices)
    language = models.CharField(_("language"), max_length=8)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    rubric = models.ForeignKey(
        "publishing.Rubric",
        verbose_name=_("rubric"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    concepts = models.ManyToManyField(
        "core.Concept", verbose_name=_("thesaurus keywords"), blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255)
    authors = models.CharField(_("authors"), max_length=1000, blank=True)
    # What anyone may read: translated title, abstracts, lead, editorial, keywords.
    public_text = models.TextField(_("public text"), blank=True)
    # The full text: empty while the article is behind the moving wall.
    body_text = models.TextField(_("full text"), blank=True)
    body_open = models.BooleanField(_("full text searchable"), default=False)
    # SQLite only: normalised stems, copied by triggers into the FTS5 table.
    terms_title = models.TextField(blank=True, editable=False)
    terms_public = models.TextField(blank=True, editable=False)
    terms_body = models.TextField(blank=True, editable=False)
    # PostgreSQL only: weighted tsvector (A title, B people and keywords, C public text, D body).
    search_vector = SearchVectorField(null=True, editable=False)
    # PostgreSQL only: the same without the full text (A–C), small enough to rank quickly.
    rank_vector = SearchVectorField(null=True, editable=False)
    # PostgreSQL only: the title alone (A), stored in the row (never compressed or moved out of
    # it) so that telling title matches apart costs no read elsewhere; GIN indexed.
    title_vector = SearchVectorField(null=True, editable=False)
    # See ``sample_bucket_of``: which samples of the index the document belongs to.
    sample_bucket = models.PositiveSmallIntegerField(default=0, editable=False)
    indexed_at = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes = [
            models.Index(fields=["kind"], name="publishing_search_kind"),
            models.Index(fields=["year"], name="publishing_search_year"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"
