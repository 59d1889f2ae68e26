"""Writes of the shared kernel: reference data (territories, thesaurus) and housekeeping."""

from __future__ import annotations

import csv
import json
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from importlib import import_module
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import audit_log
from .errors import ApplicationError
from .models import Commune, CommunePostalCode, Concept, Department, Region
from .selectors import GEO_DATA_DIR, normalize_search_text

logger = logging.getLogger(__name__)

THESAURUS_PATH = Path(__file__).resolve().parent / "data" / "thesaurus.json"
# Finished task results are kept this long (days) unless settings say otherwise.
DEFAULT_TASK_RESULT_RETENTION_DAYS = 14
_MAX_REPORTED_ERRORS = 10


class ReferenceDataError(ApplicationError):
    default_message = gettext_lazy("The reference data file is not valid.")
    default_code = "invalid_reference_data"


@dataclass
class LoadCounts:
    """What one load did to one table. ``obsolete`` rows are in the database but not in the
    file: they are kept (other records may point to them) and only counted."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    obsolete: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


@dataclass
class TerritoryLoadReport:
    regions: LoadCounts = field(default_factory=LoadCounts)
    departments: LoadCounts = field(default_factory=LoadCounts)
    communes: LoadCounts = field(default_factory=LoadCounts)
    postal_codes: LoadCounts = field(default_factory=LoadCounts)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return any(
            counts.changed
            for counts in (self.regions, self.departments, self.communes, self.postal_codes)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            name: asdict(getattr(self, name))
            for name in ("regions", "departments", "communes", "postal_codes")
        }


# --- Territories ------------------------------------------------------------------------------


def territories_load(
    *, data_dir: Path | str | None = None, actor: Any = None
) -> TerritoryLoadReport:
    """Create or update regions, departments, communes and postal codes from the INSEE files.

    Idempotent: rows are compared with the database first and only new or changed ones are
    written (bulk upserts), so a second run on unchanged files writes nothing and takes well
    under a second. Postal codes that left a commune are removed; regions, departments and
    communes that left the files are kept and counted as ``obsolete`` (actors may point to
    them). Everything happens in one transaction; a change is audit-logged.

    Raises ``ReferenceDataError`` (with the file and line) when a file is missing or invalid;
    nothing is written then.
    """
    started = time.perf_counter()
    directory = Path(data_dir) if data_dir else GEO_DATA_DIR
    regions, departments, communes, postal_codes = _read_territory_files(directory)
    report = TerritoryLoadReport()
    with transaction.atomic():
        report.regions = _upsert(Region, "code", regions, ["name", "population"])
        report.departments = _upsert(
            Department, "code", departments, ["name", "region_id", "population"]
        )
        report.communes = _upsert(
            Commune,
            "insee_code",
            communes,
            ["name", "search_name", "department_id", "population", "latitude", "longitude"],
        )
        report.postal_codes = _sync_postal_codes(postal_codes)
        if report.changed:
            audit_log(action="core.territories.loaded", actor=actor, data=report.as_dict())
    report.seconds = time.perf_counter() - started
    return report


def _read_territory_files(directory: Path):
    errors: list[str] = []
    regions: dict[str, dict] = {}
    for line, row in _csv_rows(directory / "regions.csv", ["code", "name", "population"]):
        code = row["code"]
        if not re.fullmatch(r"\d{2}", code) or code in regions:
            errors.append(_line_error("regions.csv", line, _("invalid or repeated code")))
            continue
        regions[code] = {
            "name": _name(row, errors, "regions.csv", line),
            "population": _population(row, errors, "regions.csv", line),
        }

    departments: dict[str, dict] = {}
    columns = ["code", "name", "region_code", "population"]
    for line, row in _csv_rows(directory / "departements.csv", columns):
        code = row["code"]
        if not re.fullmatch(r"\d{2,3}|2[AB]", code) or code in departments:
            errors.append(_line_error("departements.csv", line, _("invalid or repeated code")))
            continue
        if row["region_code"] not in regions:
            errors.append(_line_error("departements.csv", line, _("unknown region")))
            continue
        departments[code] = {
            "name": _name(row, errors, "departements.csv", line),
            "region_id": row["region_code"],
            "population": _population(row, errors, "departements.csv", line),
        }

    communes: dict[str, dict] = {}
    postal_codes: set[tuple[str, str]] = set()
    columns = ["insee_code", "name", "departement_code", "region_code", "population",
               "latitude", "longitude", "postal_codes"]  # fmt: skip
    for line, row in _csv_rows(directory / "communes.csv", columns):
        code = row["insee_code"]
        if not re.fullmatch(r"\d{5}|2[AB]\d{3}", code) or code in communes:
            errors.append(_line_error("communes.csv", line, _("invalid or repeated INSEE code")))
            continue
        if row["departement_code"] not in departments:
            errors.append(_line_error("communes.csv", line, _("unknown department")))
            continue
        name = _name(row, errors, "communes.csv", line)
        latitude = _coordinate(row["latitude"], -90, 90)
        longitude = _coordinate(row["longitude"], -180, 180)
        if latitude is False or longitude is False:
            errors.append(_line_error("communes.csv", line, _("invalid coordinates")))
            continue
        codes = row["postal_codes"].split()
        if not all(re.fullmatch(r"\d{5}", postal_code) for postal_code in codes):
            errors.append(_line_error("communes.csv", line, _("invalid postal code")))
            continue
        communes[code] = {
            "name": name,
            "search_name": normalize_search_text(name)[:120],
            "department_id": row["departement_code"],
            "population": _population(row, errors, "communes.csv", line),
            "latitude": latitude,
            "longitude": longitude,
        }
        postal_codes.update((code, postal_code) for postal_code in codes)
        if len(errors) >= _MAX_REPORTED_ERRORS:
            break

    if errors:
        raise ReferenceDataError(
            _("The territory files contain errors: %(errors)s")
            % {"errors": "; ".join(errors[:_MAX_REPORTED_ERRORS])},
            extra={"errors": errors[:_MAX_REPORTED_ERRORS]},
        )
    return regions, departments, communes, postal_codes


def _csv_rows(path: Path, columns: list[str]) -> Iterable[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise ReferenceDataError(_("The file %(path)s is missing.") % {"path": path})
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in columns if column not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceDataError(
                _("The file %(path)s lacks the columns: %(columns)s.")
                % {"path": path.name, "columns": ", ".join(missing)}
            )
        for row in reader:
            yield reader.line_num, {key: (value or "").strip() for key, value in row.items() if key}


def _line_error(filename: str, line: int, problem: str) -> str:
    return _("%(file)s line %(line)d: %(problem)s") % {
        "file": filename,
        "line": line,
        "problem": problem,
    }


def _name(row: dict, errors: list[str], filename: str, line: int) -> str:
    name = row["name"]
    if not name or len(name) > 120:
        errors.append(_line_error(filename, line, _("missing or too long name")))
    return name[:120]


def _population(row: dict, errors: list[str], filename: str, line: int) -> int:
    value = row["population"] or "0"
    if not value.isdigit():
        errors.append(_line_error(filename, line, _("the population is not a whole number")))
        return 0
    return int(value)


def _coordinate(value: str, low: float, high: float) -> float | bool | None:
    """The coordinate, ``None`` when empty, ``False`` when invalid."""
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        return False
    return number if low <= number <= high else False


def _upsert(
    model: type[models.Model],
    key: str,
    wanted: dict[str, dict],
    fields: list[str],
    *,
    plain_values: bool = True,
) -> LoadCounts:
    """Write the rows of ``wanted`` that are new or differ from the database (bulk upsert)."""
    existing = {row.pop(key): row for row in model.objects.values(key, *fields).iterator(2000)}
    counts = LoadCounts(obsolete=len(existing.keys() - wanted.keys()))
    to_write = []
    for pk, values in wanted.items():
        current = existing.get(pk)
        if current is None:
            counts.created += 1
        elif current != values:
            counts.updated += 1
        else:
            counts.unchanged += 1
            continue
        to_write.append((pk, values))
    if to_write and plain_values:
        _bulk_upsert(model, key, fields, to_write)
    elif to_write:
        model.objects.bulk_create(
            [model(**{key: pk, **values}) for pk, values in to_write],
            batch_size=500,
            update_conflicts=True,
            unique_fields=[key],
            update_fields=fields,
        )
    return counts


def _bulk_upsert(
    model: type[models.Model], key: str, fields: list[str], rows: list[tuple[str, dict]]
) -> None:
    """INSERT … ON CONFLICT (key) DO UPDATE, the same statement as ``bulk_create(
    update_conflicts=True)`` (SQLite ≥ 3.24 and PostgreSQL), sent with ``executemany``: it
    skips building one model instance per row, which made the first territory load 3× slower.
    Values must be plain scalars (no JSON, no expressions)."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(key).column] + [
        model._meta.get_field(name.removesuffix("_id")).column for name in fields
    ]
    updates = ", ".join(f"{quote(column)} = excluded.{quote(column)}" for column in columns[1:])
    # Identifiers come from model metadata and are quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({quote(columns[0])}) DO UPDATE SET {updates}"
    )
    params = [[pk, *(values[name] for name in fields)] for pk, values in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(params), 2000):
            cursor.executemany(sql, params[start : start + 2000])


def _sync_postal_codes(wanted: set[tuple[str, str]]) -> LoadCounts:
    existing = {
        (commune_id, code): pk
        for pk, commune_id, code in CommunePostalCode.objects.values_list(
            "pk", "commune_id", "code"
        ).iterator(2000)
    }
    loaded_communes = {commune_id for commune_id, _code in wanted}
    stale = [
        pk for pair, pk in existing.items() if pair not in wanted and pair[0] in loaded_communes
    ]
    missing = wanted - existing.keys()
    for start in range(0, len(stale), 500):
        CommunePostalCode.objects.filter(pk__in=stale[start : start + 500]).delete()
    if missing:
        connection = connections[router.db_for_write(CommunePostalCode)]
        quote = connection.ops.quote_name
        # Quoted identifiers from model metadata; values as parameters.
        sql = (
            f"INSERT INTO {quote(CommunePostalCode._meta.db_table)} "  # noqa: S608
            f"({quote('commune_id')}, {quote('code')}) VALUES (%s, %s) ON CONFLICT DO NOTHING"
        )
        params = sorted(missing)
        with connection.cursor() as cursor:
            for start in range(0, len(params), 5000):
                cursor.executemany(sql, params[start : start + 5000])
    return LoadCounts(
        created=len(missing),
        removed=len(stale),
        unchanged=len(wanted) - len(missing),
        obsolete=sum(1 for pair in existing if pair[0] not in loaded_communes),
    )


# --- Thesaurus --------------------------------------------------------------------------------

_CONCEPT_FIELDS = ["label_fr", "label_en", "synonyms_fr", "synonyms_en", "definition_fr",
                   "definition_en"]  # fmt: skip


@dataclass
class ThesaurusLoadReport:
    concepts: LoadCounts = field(default_factory=LoadCounts)
    broader_changed: int = 0

    @property
    def changed(self) -> bool:
        return self.concepts.changed or bool(self.broader_changed)


def thesaurus_load(*, path: Path | str | None = None, actor: Any = None) -> ThesaurusLoadReport:
    """Create or update the seeded concepts of the thesaurus from its JSON file, by slug.

    Seeded concepts get the labels, synonyms, definitions and broader concept of the file
    (staff edits to those fields are overwritten); concepts added by staff are never deleted
    nor changed, and are counted as ``obsolete``. Idempotent; a change is audit-logged.

    Raises ``ReferenceDataError`` when the file is missing, not JSON, or inconsistent
    (repeated slug, missing label, unknown broader concept, a cycle); nothing is written then.
    """
    source = Path(path) if path else THESAURUS_PATH
    entries = _read_thesaurus(source)
    report = ThesaurusLoadReport()
    with transaction.atomic():
        wanted = {
            entry["slug"]: {name: entry[name] for name in _CONCEPT_FIELDS} for entry in entries
        }
        report.concepts = _upsert(Concept, "slug", wanted, _CONCEPT_FIELDS, plain_values=False)
        ids = dict(Concept.objects.filter(slug__in=wanted.keys()).values_list("slug", "pk"))
        current = dict(
            Concept.objects.filter(slug__in=wanted.keys()).values_list("slug", "broader_id")
        )
        to_update = []
        for entry in entries:
            broader_id = ids[entry["broader"]] if entry["broader"] else None
            if current[entry["slug"]] != broader_id:
                to_update.append(Concept(pk=ids[entry["slug"]], broader_id=broader_id))
        if to_update:
            Concept.objects.bulk_update(to_update, ["broader"], batch_size=500)
        report.broader_changed = len(to_update)
        if report.changed:
            audit_log(
                action="core.thesaurus.loaded",
                actor=actor,
                data={"concepts": asdict(report.concepts), "broader_changed": len(to_update)},
            )
    return report


def _read_thesaurus(source: Path) -> list[dict[str, Any]]:
    if not source.is_file():
        raise ReferenceDataError(_("The file %(path)s is missing.") % {"path": source})
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReferenceDataError(
            _("The file %(path)s is not valid JSON: %(error)s")
            % {"path": source.name, "error": exc}
        ) from exc
    raw_concepts = document.get("concepts") if isinstance(document, dict) else None
    if not isinstance(raw_concepts, list):
        raise ReferenceDataError(_("The thesaurus file must hold a list named “concepts”."))

    errors: list[str] = []
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for position, raw in enumerate(raw_concepts, start=1):
        entry = _thesaurus_entry(raw, position, errors)
        if entry is None:
            continue
        if entry["slug"] in seen:
            errors.append(_("concept %(slug)s is repeated") % {"slug": entry["slug"]})
            continue
        seen.add(entry["slug"])
        entries.append(entry)
    for entry in entries:
        if entry["broader"] and entry["broader"] not in seen:
            errors.append(
                _("concept %(slug)s: unknown broader concept %(broader)s")
                % {"slug": entry["slug"], "broader": entry["broader"]}
            )
    if not errors:
        errors.extend(_thesaurus_cycles(entries))
    if errors:
        raise ReferenceDataError(
            _("The thesaurus file contains errors: %(errors)s")
            % {"errors": "; ".join(errors[:_MAX_REPORTED_ERRORS])},
            extra={"errors": errors[:_MAX_REPORTED_ERRORS]},
        )
    return entries


def _thesaurus_entry(raw: Any, position: int, errors: list[str]) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        errors.append(_("concept no. %(position)d is not an object") % {"position": position})
        return None
    slug = raw.get("slug")
    if not isinstance(slug, str) or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        errors.append(_("concept no. %(position)d has an invalid slug") % {"position": position})
        return None
    entry: dict[str, Any] = {"slug": slug, "broader": raw.get("broader") or None}
    for name in ("label_fr", "label_en"):
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip() or len(value) > 200:
            errors.append(_("concept %(slug)s: missing or too long %(field)s")
                          % {"slug": slug, "field": name})  # fmt: skip
            return None
        entry[name] = value.strip()
    for name in ("synonyms_fr", "synonyms_en"):
        value = raw.get(name, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            errors.append(_("concept %(slug)s: %(field)s must be a list of texts")
                          % {"slug": slug, "field": name})  # fmt: skip
            return None
        entry[name] = [item.strip() for item in value if item.strip()]
    for name in ("definition_fr", "definition_en"):
        value = raw.get(name, "")
        if not isinstance(value, str):
            errors.append(_("concept %(slug)s: %(field)s must be a text")
                          % {"slug": slug, "field": name})  # fmt: skip
            return None
        entry[name] = value.strip()
    if entry["broader"] is not None and not isinstance(entry["broader"], str):
        errors.append(_("concept %(slug)s: broader must be a slug") % {"slug": slug})
        return None
    if entry["broader"] == slug:
        errors.append(_("concept %(slug)s cannot be its own broader concept") % {"slug": slug})
        return None
    return entry


def _thesaurus_cycles(entries: list[dict[str, Any]]) -> list[str]:
    broader = {entry["slug"]: entry["broader"] for entry in entries}
    errors = []
    for slug in broader:
        seen = {slug}
        current = broader[slug]
        while current:
            if current in seen:
                errors.append(_("concept %(slug)s is in a broader-concept cycle") % {"slug": slug})
                break
            seen.add(current)
            current = broader.get(current)
    return errors


# --- Housekeeping -----------------------------------------------------------------------------


def sessions_clear_expired() -> int | None:
    """Delete expired sessions from the session store.

    Returns how many were deleted when the store is the database (``None`` for stores that
    cannot count, such as the cache, where entries expire by themselves).
    """
    engine = import_module(settings.SESSION_ENGINE)
    count = None
    if settings.SESSION_ENGINE in ("django.contrib.sessions.backends.db",
                                   "django.contrib.sessions.backends.cached_db"):  # fmt: skip
        from django.contrib.sessions.models import Session

        count = Session.objects.filter(expire_date__lt=timezone.now()).count()
    engine.SessionStore.clear_expired()
    return count


def task_results_prune(*, older_than_days: int | None = None) -> int:
    """Delete finished results (successful or failed) of database-backed tasks older than
    ``older_than_days`` (default: setting ``OCIM_TASK_RESULT_RETENTION_DAYS``, else 14).

    Returns how many were deleted; 0 when no task backend stores its results in the database
    (RQ expires its own results).
    """
    days = older_than_days
    if days is None:
        days = getattr(
            settings, "OCIM_TASK_RESULT_RETENTION_DAYS", DEFAULT_TASK_RESULT_RETENTION_DAYS
        )
    if days < 0:
        raise ApplicationError(_("The retention period cannot be negative."))
    if not apps.is_installed("django_tasks_db"):
        return 0
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    aliases = [
        backend.alias for backend in task_backends.all() if isinstance(backend, DatabaseBackend)
    ]
    if not aliases:
        return 0
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _details = (
        DBTaskResult.objects.finished()
        .filter(backend_name__in=aliases, finished_at__lte=cutoff)
        .delete()
    )
    return deleted
