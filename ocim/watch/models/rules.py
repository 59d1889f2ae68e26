"""Classification rules: conditions on an item's text and origin that attach concepts, actor
families and territories to it, or that leave the entry out of the watch (noise: job offers,
a site's agenda…). Curators edit them in the admin (a rule and its conditions on one form); the
classifier applies every active rule to every new item."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel

from ocim.core.models import BaseModel


class RuleMatch(models.TextChoices):
    ALL = "all", _("All conditions")
    ANY = "any", _("Any condition")


class RuleAction(models.TextChoices):
    CLASSIFY = "classify", _("Attach concepts, families or territories")
    EXCLUDE = "exclude", _("Leave the entry out (not stored)")


class ClassificationRule(BaseModel, ClusterableModel):
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("active"), default=True)
    match = models.CharField(_("match"), max_length=3, choices=RuleMatch, default=RuleMatch.ALL)
    action = models.CharField(
        _("what the rule does"),
        max_length=8,
        choices=RuleAction,
        default=RuleAction.CLASSIFY,
        help_text=_(
            "An entry left out is not stored: it is read again, and left out again, at each "
            "fetch. Items already stored stay."
        ),
    )
    concepts = ParentalManyToManyField(
        "core.Concept", verbose_name=_("concepts to attach"), blank=True, related_name="+"
    )
    families = ParentalManyToManyField(
        "inventory.ActorFamily",
        verbose_name=_("actor families to attach"),
        blank=True,
        related_name="+",
    )
    regions = ParentalManyToManyField(
        "core.Region", verbose_name=_("regions to attach"), blank=True, related_name="+"
    )
    departments = ParentalManyToManyField(
        "core.Department", verbose_name=_("departments to attach"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("classification rule")
        verbose_name_plural = _("classification rules")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ConditionField(models.TextChoices):
    TITLE = "title", _("Title")
    SUMMARY = "summary", _("Summary")
    CONTENT = "content", _("Content")
    URL = "url", _("Link")
    AUTHOR = "author", _("Author")
    SOURCE = "source", _("Source (title or address)")


class ConditionOperator(models.TextChoices):
    CONTAINS = "contains", _("contains")
    REGEX = "regex", _("matches the regular expression")


class RuleCondition(models.Model):
    rule = ParentalKey(ClassificationRule, on_delete=models.CASCADE, related_name="conditions")
    field = models.CharField(_("field"), max_length=10, choices=ConditionField)
    operator = models.CharField(
        _("operator"), max_length=10, choices=ConditionOperator, default=ConditionOperator.CONTAINS
    )
    value = models.CharField(_("value"), max_length=500)
    negate = models.BooleanField(_("does not"), default=False)
    sort_order = models.IntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        ordering = ["sort_order"]

    def __str__(self):
        return f"{self.get_field_display()} {self.get_operator_display()} {self.value!r}"
