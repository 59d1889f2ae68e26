"""What the watch reads: sources (feeds and web pages), their categories, and the hosts they live
on (politeness: robots.txt, one request at a time, Retry-After)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocim.core.models import BaseModel

# The adaptive fetch interval stays between these bounds (seconds): a source that publishes
# every few minutes is read every quarter of an hour, a dormant one once a day.
MIN_INTERVAL_SECONDS = 15 * 60
MAX_INTERVAL_SECONDS = 24 * 60 * 60
DEFAULT_INTERVAL_SECONDS = 60 * 60


class SourceCategory(models.Model):
    """A curator's grouping of sources (ministries, museums, press…); data, not code."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("identifier"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("source category")
        verbose_name_plural = _("source categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SourceKind(models.TextChoices):
    FEED = "feed", _("Feed (RSS, Atom or JSON Feed)")
    PAGE = "page", _("Web page read with extraction rules")


class SourceState(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused by staff")
    # Set by the fetcher after repeated failures; the reason is in ``state_reason``.
    SUSPENDED = "suspended", _("Paused automatically")


class Source(BaseModel):
    """A feed or a web page the watch reads, with its fetch state and health record.

    Fetch-state columns are written by the fetcher only (``services_fetch``); curators edit the
    descriptive fields. ``lease_until``/``lease_token`` give one worker at a time the right to
    fetch the source, whatever the number of workers and machines.
    """

    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address"), max_length=2000, help_text=_("The feed, or the page."))
    site_url = models.URLField(_("website"), max_length=2000, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=SourceKind, default=SourceKind.FEED)
    description = models.TextField(_("description"), blank=True)
    categories = models.ManyToManyField(
        SourceCategory, verbose_name=_("categories"), blank=True, related_name="sources"
    )
    concepts = models.ManyToManyField(
        "core.Concept", verbose_name=_("concepts"), blank=True, related_name="watch_sources"
    )
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The actor publishing the source, when it is one of the inventory's (a museum's news feed).
    actor = models.ForeignKey(
        "inventory.Actor",
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        help_text=_("Expected language (fr, en…); detected per item when empty."),
    )
    fetch_full_text = models.BooleanField(
        _("fetch full text"),
        default=False,
        help_text=_("Read each item's linked page and keep its main text."),
    )
    full_text_selector = models.CharField(
        _("main text selector"),
        max_length=500,
        blank=True,
        help_text=_(
            "Optional: a CSS selector of the main text on the linked pages (e.g. article "
            ".content), when the automatic extraction keeps too much or too little."
        ),
    )
    # For pages without a feed: {"engine": "css"|"xpath", "item": …, "title": …, "link": …,
    # "date": …, "summary": …}; validated by the services before it is saved.
    extraction_rules = models.JSONField(_("extraction rules"), default=dict, blank=True)

    state = models.CharField(
        _("state"), max_length=10, choices=SourceState, default=SourceState.ACTIVE, db_index=True
    )
    state_reason = models.TextField(_("reason"), blank=True)
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)

    # Conditional GET: both validators are kept and sent independently.
    etag = models.CharField(max_length=1024, blank=True, editable=False)
    last_modified = models.CharField(max_length=128, blank=True, editable=False)

    # Scheduling.
    interval_seconds = models.PositiveIntegerField(
        _("fetch interval (seconds)"), default=DEFAULT_INTERVAL_SECONDS, editable=False
    )
    next_fetch_at = models.DateTimeField(_("next fetch"), null=True, blank=True, editable=False)
    # Set when the scheduler puts the source in a fetch task, cleared when a worker is done with
    # it: a source waiting in the queue is not queued again at the next tick.
    enqueued_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Smoothed count of new entries per day (None until two successful fetches have been
    # compared); the interval follows it (see ocim.watch.fetching.schedule).
    publication_rate = models.FloatField(
        _("new entries per day"), null=True, blank=True, editable=False
    )
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    lease_token = models.CharField(max_length=32, blank=True, editable=False)

    # Health record (since the last reset for the counters).
    last_fetch_at = models.DateTimeField(_("last fetch"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True, editable=False)
    last_status = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True, editable=False
    )
    last_error_code = models.CharField(_("last error"), max_length=64, blank=True, editable=False)
    last_error = models.TextField(_("last error detail"), blank=True, editable=False)
    consecutive_errors = models.PositiveIntegerField(
        _("consecutive errors"), default=0, editable=False
    )
    fetch_count = models.PositiveIntegerField(_("fetches"), default=0, editable=False)
    not_modified_count = models.PositiveIntegerField(_("answers 304"), default=0, editable=False)
    last_new_item_at = models.DateTimeField(
        _("last new item"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["url"], name="watch_source_unique_url"),
            models.CheckConstraint(
                condition=Q(interval_seconds__gte=MIN_INTERVAL_SECONDS)
                & Q(interval_seconds__lte=MAX_INTERVAL_SECONDS),
                name="watch_source_interval_bounds",
            ),
            models.CheckConstraint(
                condition=Q(not_modified_count__lte=models.F("fetch_count")),
                name="watch_source_304_within_fetches",
            ),
        ]
        indexes = [
            # The scheduler's question: which active sources are due?
            models.Index(fields=["state", "next_fetch_at"], name="watch_source_due"),
        ]

    def __str__(self):
        return self.title


class Host(models.Model):
    """A host (``name`` is ``host:port``) as the fetcher sees it: its robots.txt (cached), the
    lease that lets one request at a time reach it, and how long it asked us to wait."""

    name = models.CharField(max_length=300, unique=True)
    robots_txt = models.TextField(blank=True)
    robots_status = models.PositiveSmallIntegerField(null=True, blank=True)
    robots_fetched_at = models.DateTimeField(null=True, blank=True)
    # When robots.txt is read again: a day after a definite answer, an hour after a failure.
    robots_expires_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    # A 429 or 503 with Retry-After holds every source of the host until then.
    blocked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("host")
        verbose_name_plural = _("hosts")

    def __str__(self):
        return self.name
