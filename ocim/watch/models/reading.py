"""What curators keep of their reading: saved filters of the stream (a topic they follow:
"musées en Bourgogne, en français"), their own or shared with the other curators, as the
"user queries" of FreshRSS."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_SAVED_FILTERS = 50


class SavedFilter(models.Model):
    """The stream's filters under a name: ``query`` is the query string of the stream, made
    only of the filters' fields, checked by the stream's form when it was saved (and again
    whenever it is shown: a filter whose source or concept was deleted since is shown in
    error, never failing)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("filters"), max_length=2000)
    shared = models.BooleanField(
        _("shared"), default=False, help_text=_("Shown to the other curators too.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="watch_savedfilter_unique_name"),
        ]
        indexes = [
            models.Index(
                fields=["name"], condition=models.Q(shared=True), name="watch_savedfilter_shared"
            )
        ]

    def __str__(self):
        return self.name
