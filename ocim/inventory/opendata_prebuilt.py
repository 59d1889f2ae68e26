"""The open-data files of the whole inventory (CSV, XLSX, GeoJSON), written ahead.

Writing every actor takes tens of seconds at 100,000 actors (the XLSX alone about 24 s), too
long for a request behind a proxy or a worker timeout. A periodic job
(``opendata_prebuilt_refresh``, every few minutes) writes the three files in one pass over the
actors when the data has changed, and the API serves the unfiltered exports from them.

A file is served only while the data still has the **fingerprint** it was written from
(``data_fingerprint``: the number of actors, the latest actor and revision — every change of
an actor is a revision — and the names the exports show from the typology, the labels, the
thesaurus and the territories). Otherwise the export is written in the request, as a filtered
one is: never an out-of-date file. The files are rewritten once a day in any case (a commune
renamed by a new territory file changes no fingerprint).
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import tempfile
from datetime import timedelta

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from ocim.core.models import Concept, Department, Region

from . import opendata, opendata_files
from .filters import ActorFilters
from .models import Actor, ActorFamily, ActorRevision, ActorType, Label
from .models_opendata import OpenDataFile

logger = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx", "geojson")
FILE_NAME = "ocim-inventaire-acteurs"
DIRECTORY = "opendata"
# Rewritten at least this often, whatever the fingerprint says.
MAX_AGE = timedelta(days=1)


def data_fingerprint() -> str:
    """A digest of the state of every value the exports show (a few small queries)."""
    actors = Actor.objects.aggregate(count=Count("pk"), last=Max("pk"))
    state = [
        actors["count"],
        actors["last"],
        ActorRevision.objects.aggregate(last=Max("pk"))["last"],
        list(ActorFamily.objects.order_by("pk").values_list("pk", "slug", "name_fr")),
        list(ActorType.objects.order_by("pk").values_list("pk", "slug", "name_fr", "family_id")),
        list(Label.objects.order_by("pk").values_list("pk", "name")),
        list(Concept.objects.order_by("pk").values_list("pk", "label_fr")),
        list(Region.objects.order_by("pk").values_list("pk", "name")),
        list(Department.objects.order_by("pk").values_list("pk", "name")),
    ]
    return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()


def current_file(format: str) -> OpenDataFile | None:
    """The written file of ``format`` if it holds the data as it is now, else None."""
    found = OpenDataFile.objects.filter(format=format).first()
    if found is None or found.fingerprint != data_fingerprint():
        return None
    if not default_storage.exists(found.file.name):
        return None
    return found


def schema_url() -> str:
    """The schema's address written into the GeoJSON file (no request: the site's own)."""
    from django.conf import settings
    from django.urls import reverse

    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("api:inventory_schema")


def opendata_prebuilt_refresh(*, force: bool = False) -> list[str]:
    """Write the three files again if the data changed since they were written (or they are
    older than ``MAX_AGE``, or ``force``); returns the formats written. The data is read in
    one snapshot, the fingerprint with it (repeatable read on PostgreSQL, unless called inside
    a transaction already begun)."""
    existing = {item.format: item for item in OpenDataFile.objects.all()}
    now = timezone.now()
    outer = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        fingerprint = data_fingerprint()
        fresh = all(
            format in existing
            and existing[format].fingerprint == fingerprint
            and now - existing[format].built_at < MAX_AGE
            and default_storage.exists(existing[format].file.name)
            for format in FORMATS
        )
        if fresh and not force:
            return []
        handles = {format: tempfile.TemporaryFile() for format in FORMATS}  # noqa: SIM115
        try:
            actors = opendata.actors_for_export(ActorFilters())
            count = actors.count()
            extra = {"licence": opendata.LICENCE, "schema_url": schema_url()}
            opendata_files.all_files(actors, handles, extra=extra)
            token = secrets.token_hex(4)
            saved = {}
            for format, handle in handles.items():
                size = handle.tell()
                handle.seek(0)
                name = f"{DIRECTORY}/{FILE_NAME}-{now:%Y%m%d-%H%M%S}-{token}.{format}"
                saved[format] = (default_storage.save(name, File(handle, name=name)), size)
        finally:
            for handle in handles.values():
                handle.close()
    old = []
    with transaction.atomic():
        for format, (name, size) in saved.items():
            previous = OpenDataFile.objects.select_for_update().filter(format=format).first()
            if previous is not None:
                old.append(previous.file.name)
            OpenDataFile.objects.update_or_create(
                format=format,
                defaults={
                    "fingerprint": fingerprint,
                    "file": name,
                    "size": size,
                    "actors": count,
                    "built_at": now,
                },
            )
    _remove_unused(keep={name for name, _size in saved.values()}, old=old)
    logger.info("open-data files written: %s actors", count)
    return list(saved)


def _remove_unused(*, keep: set[str], old: list[str]) -> None:
    """Delete the files replaced, and those an interrupted run left over an hour ago (not
    younger ones: another run may be about to record them). Readers that opened a deleted
    file keep reading it (the system frees it once closed)."""
    names = set(old)
    recorded = set(OpenDataFile.objects.values_list("file", flat=True))
    try:
        _dirs, files = default_storage.listdir(DIRECTORY)
    except FileNotFoundError:
        files = []
    cutoff = timezone.now() - timedelta(hours=1)
    for file_name in files:
        name = f"{DIRECTORY}/{file_name}"
        if (
            file_name.startswith(FILE_NAME)
            and name not in recorded
            and default_storage.get_modified_time(name) < cutoff
        ):
            names.add(name)
    for name in names - keep - recorded:
        default_storage.delete(name)
