"""What the fetcher keeps besides the sources' own health record: a short log of the requests it
made (for the health view and for diagnosis; pruned after ``OCIM_WATCH_FETCH_LOG_DAYS``) and
the items whose linked page is still to be read for its full text."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .items import Item
from .sources import Source


class FetchOutcome(models.TextChoices):
    CONTENT = "content", _("New content read")
    NOT_MODIFIED = "not_modified", _("Not modified (304)")
    ERROR = "error", _("Error")


class FetchLog(models.Model):
    """One attempt to read a source (a request made, or refused before it by robots.txt or the
    address rules). Deferrals (host busy, Retry-After) are not logged: nothing was asked."""

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="fetch_log"
    )
    started_at = models.DateTimeField(_("started"), db_index=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    outcome = models.CharField(_("outcome"), max_length=12, choices=FetchOutcome)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error_code = models.CharField(_("error"), max_length=64, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    bytes_received = models.PositiveIntegerField(_("bytes received"), default=0)
    new_entries = models.PositiveIntegerField(_("new entries"), default=0)
    # New entries a classification rule left out (not stored), in this read.
    excluded_entries = models.PositiveIntegerField(_("entries left out"), default=0)

    class Meta:
        verbose_name = _("fetch log entry")
        verbose_name_plural = _("fetch log")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["source", "-started_at"], name="watch_fetchlog_source"),
        ]

    def __str__(self):
        return f"{self.source_id} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class FullTextFetch(models.Model):
    """An item of a "fetch full text" source whose linked page is still to be read.

    Rows are created when the item is first stored and deleted once the page is read (or given
    up after a few attempts). ``host`` groups them per site so that one worker reads a site's
    pages one after the other; ``lease_until`` gives one worker at a time the right to read it.
    """

    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="full_text_fetch")
    url = models.URLField(max_length=2000)
    host = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    last_error_code = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("full text to fetch")
        verbose_name_plural = _("full texts to fetch")
        indexes = [
            models.Index(fields=["next_attempt_at"], name="watch_fulltext_due"),
        ]

    def __str__(self):
        return self.url
