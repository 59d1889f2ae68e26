"""The open-data files of the whole inventory, written ahead by a periodic job
(``opendata_prebuilt``) so that the unfiltered exports are served at once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OpenDataFile(models.Model):
    """The latest file of every actor in one format, and the state of the data it holds
    (``fingerprint``): served only while the data still has that fingerprint."""

    format = models.CharField(_("format"), max_length=10, unique=True)
    fingerprint = models.CharField(_("fingerprint of the data"), max_length=64)
    file = models.FileField(_("file"), upload_to="opendata/", max_length=300)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    actors = models.PositiveIntegerField(_("actors"))
    built_at = models.DateTimeField(_("built at"))

    class Meta:
        verbose_name = _("open-data file")
        verbose_name_plural = _("open-data files")

    def __str__(self):
        return f"{self.format} ({self.built_at:%Y-%m-%d %H:%M})"
