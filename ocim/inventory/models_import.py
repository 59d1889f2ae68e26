"""Imports of actors from CSV or XLSX files by Ocim's staff (``ocim.inventory.imports``).

An ``ImportJob`` follows one file through upload → column mapping → check of every row in a
background task → preview (row errors, duplicates and the staff's decision for each) → commit in
a background task (all or nothing) → report. The uploaded file is kept, so the commit reads
exactly what was previewed; a periodic job deletes the files of finished imports after
``OCIM_IMPORT_FILES_RETENTION_DAYS``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocim.core.models import BaseModel


def import_file_path(instance, filename: str) -> str:
    # Files may hold contacts: an unguessable folder keeps them out of reach of URL guessing
    # wherever media are served.
    return f"inventory/imports/{uuid.uuid4().hex}/{filename}"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Columns to map")
    CHECKING = "checking", _("Checking the rows")
    PREVIEWED = "previewed", _("Ready to import")
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed: nothing imported")


class DuplicateDecision(models.TextChoices):
    MERGE = "merge", _("Merge into the existing actor")
    SKIP = "skip", _("Skip this row")
    CREATE = "create", _("Create a new actor")


class ImportJob(BaseModel):
    file = models.FileField(_("file"), upload_to=import_file_path, max_length=300)
    file_name = models.CharField(_("file name"), max_length=255)
    # Records remember it with their id in the source, so a new import of it updates them.
    source = models.CharField(
        _("source"),
        max_length=100,
        help_text=_(
            "Name of the data source (e.g. “museofile”). Importing again from the same source "
            "updates the actors it created instead of duplicating them."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    # The preview's cleaned rows (JSON), which the commit checks again and writes.
    checked_rows = models.FileField(
        _("checked rows"), upload_to=import_file_path, max_length=300, blank=True
    )
    # What the file turned out to be: {"format", "encoding", "delimiter", "headers", "rows"}.
    file_info = models.JSONField(_("file"), default=dict, blank=True)
    # {column index (as text): field key}; columns not listed are ignored.
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    # {row number (as text): DuplicateDecision}; rows not listed take ``default_decision``.
    decisions = models.JSONField(_("decisions"), default=dict, blank=True)
    default_decision = models.CharField(
        _("for the other duplicates"),
        max_length=6,
        choices=DuplicateDecision.choices,
        default=DuplicateDecision.MERGE,
    )
    skip_invalid_rows = models.BooleanField(_("skip the rows with errors"), default=False)
    # Preview, then outcome: counts, row errors, duplicates, failure message.
    report = models.JSONField(_("report"), default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("actor import")
        verbose_name_plural = _("actor imports")
        ordering = ["-created_at", "-pk"]
        permissions = [("import_actors", _("Can import actors from files"))]

    def __str__(self):
        return self.file_name
