"""The shared vocabulary: one set of concepts that articles, courses, actors and watch items use."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Concept(models.Model):
    """A SKOS-like concept with French and English labels, synonyms and a broader concept."""

    slug = models.SlugField(_("identifier"), max_length=120, unique=True)
    label_fr = models.CharField(_("French label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200)
    # Synonyms and alternative spellings, one per list item, used by search and classification.
    synonyms_fr = models.JSONField(_("French synonyms"), default=list, blank=True)
    synonyms_en = models.JSONField(_("English synonyms"), default=list, blank=True)
    definition_fr = models.TextField(_("French definition"), blank=True)
    definition_en = models.TextField(_("English definition"), blank=True)
    broader = models.ForeignKey(
        "self",
        verbose_name=_("broader concept"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="narrower",
    )

    class Meta:
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")
        ordering = ["label_fr"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(broader=models.F("id")), name="core_concept_not_own_broader"
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The label in the active language (French when English is missing)."""
        if (get_language() or "fr").startswith("en") and self.label_en:
            return self.label_en
        return self.label_fr
