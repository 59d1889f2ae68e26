"""The inventory as open data: the public columns of an actor, defined once, and what is made of
them — the rows of the JSON, CSV, XLSX and GeoJSON exports and the published Table Schema.

``COLUMNS`` is the one definition: a column's name, title (translatable), Table Schema type,
format and constraints, and how its value is read from an actor. Every format and the schema
are generated from it, so they cannot drift apart. Only public fields are listed: the staff's
contacts (``ActorContact``) and the import provenance never leave through here.

The data is published under the Licence Ouverte / Open Licence 2.0 (Etalab), stated in every
export (payload or headers) and in the schema. The files are written by ``opendata_files``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ocim.core.sanitiser import html_to_text

from .filters import ActorFilters
from .models import (
    Actor,
    ActorStatus,
    ActorVisitorCount,
    CoordinatesSource,
    LegalStatus,
    StaffBand,
)
from .selectors import actors_filtered

LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
LIST_DELIMITER = "|"  # between the values of a list column in CSV and XLSX
CSV_DELIMITER = ","
# Actors read per database round trip by the exports (bounded memory).
CHUNK_SIZE = 1000


@dataclass(frozen=True)
class OpenColumn:
    """One public column. ``type`` is a Table Schema type (``string``, ``integer``,
    ``number``, ``year``, ``date``, ``datetime``, ``list``); ``value`` reads it from an actor
    loaded by ``actors_for_export`` (None when missing; a list for ``list`` columns)."""

    name: str
    title: Promise
    type: str
    value: Callable[[Actor], Any]
    description: Promise | str = ""
    format: str = "default"
    constraints: dict = field(default_factory=dict)


def _text(name: str) -> Callable[[Actor], Any]:
    return lambda actor: getattr(actor, name) or None


def _value(name: str) -> Callable[[Actor], Any]:
    return lambda actor: getattr(actor, name)


def _related(path: str) -> Callable[[Actor], Any]:
    first, attribute = path.split(".")

    def read(actor):
        related = getattr(actor, first)
        return (getattr(related, attribute) or None) if related is not None else None

    return read


def _lines(name: str) -> Callable[[Actor], list[str]]:
    return lambda actor: [
        line.strip() for line in getattr(actor, name).splitlines() if line.strip()
    ]


def _social_links(actor: Actor) -> list[str]:
    links = actor.social_links if isinstance(actor.social_links, list) else []
    urls = []
    for link in links:
        url = link.get("url") if isinstance(link, dict) else link
        if isinstance(url, str) and url.strip():
            urls.append(url.strip())
    return urls


def _description(actor: Actor) -> str | None:
    return html_to_text(actor.description).strip() or None if actor.description else None


def _names(actor: Actor, relation: str) -> list[str]:
    # Loaded for a whole batch by _lists_attach; read one by one otherwise.
    if getattr(actor, f"_export_{relation}", None) is None:
        _lists_attach([actor])
    return getattr(actor, f"_export_{relation}")


def _enum(choices) -> dict:
    return {"enum": list(choices.values)}


_SLUG = r"^[a-z0-9][a-z0-9-]*$"

COLUMNS: tuple[OpenColumn, ...] = (
    OpenColumn(
        "id",
        _("Identifier"),
        "integer",
        lambda actor: actor.pk,
        _("Stable identifier of the actor in the Ocim inventory."),
        constraints={"required": True, "unique": True, "minimum": 1},
    ),
    OpenColumn("name", _("Name"), "string", _text("name"), constraints={"required": True}),
    OpenColumn(
        "other_names",
        _("Other names"),
        "list",
        _lines("other_names"),
        _("Former names and acronyms."),
    ),
    OpenColumn(
        "family",
        _("Family (identifier)"),
        "string",
        _related("family.slug"),
        constraints={"required": True, "pattern": _SLUG},
    ),
    OpenColumn(
        "family_name",
        _("Family"),
        "string",
        _related("family.name_fr"),
        _("Name in French."),
        constraints={"required": True},
    ),
    OpenColumn(
        "type",
        _("Type (identifier)"),
        "string",
        _related("type.slug"),
        constraints={"required": True, "pattern": _SLUG},
    ),
    OpenColumn(
        "type_name",
        _("Type"),
        "string",
        _related("type.name_fr"),
        _("Name in French."),
        constraints={"required": True},
    ),
    OpenColumn(
        "labels",
        _("Labels"),
        "list",
        lambda actor: _names(actor, "labels"),
        _("Labels and official designations (Musée de France…)."),
    ),
    OpenColumn(
        "legal_status",
        _("Legal status"),
        "string",
        _text("legal_status"),
        constraints=_enum(LegalStatus),
    ),
    OpenColumn(
        "parent_id",
        _("Parent organisation (identifier)"),
        "integer",
        _value("parent_id"),
        constraints={"minimum": 1},
    ),
    OpenColumn("parent_name", _("Parent organisation"), "string", _related("parent.name")),
    OpenColumn("street", _("Street address"), "string", _text("street")),
    OpenColumn(
        "postal_code",
        _("Postal code"),
        "string",
        _text("postal_code"),
        constraints={"pattern": r"^\d{5}$"},
    ),
    OpenColumn(
        "commune_code",
        _("Commune (INSEE code)"),
        "string",
        _text("commune_id"),
        constraints={"pattern": r"^(\d{2}|2[AB])\d{3}$"},
    ),
    OpenColumn("commune_name", _("Commune"), "string", _related("commune.name")),
    OpenColumn(
        "department_code",
        _("Department (INSEE code)"),
        "string",
        _text("department_id"),
        constraints={"pattern": r"^(\d{2,3}|2[AB])$"},
    ),
    OpenColumn("department_name", _("Department"), "string", _related("department.name")),
    OpenColumn(
        "region_code",
        _("Region (INSEE code)"),
        "string",
        _text("region_id"),
        constraints={"pattern": r"^\d{2}$"},
    ),
    OpenColumn("region_name", _("Region"), "string", _related("region.name")),
    OpenColumn(
        "latitude",
        _("Latitude"),
        "number",
        _value("latitude"),
        _("WGS 84, decimal degrees."),
        constraints={"minimum": -90, "maximum": 90},
    ),
    OpenColumn(
        "longitude",
        _("Longitude"),
        "number",
        _value("longitude"),
        _("WGS 84, decimal degrees."),
        constraints={"minimum": -180, "maximum": 180},
    ),
    OpenColumn(
        "coordinates_source",
        _("Coordinates from"),
        "string",
        _text("coordinates_source"),
        _("entered, geocoded from the address, or the commune's point (approximate)."),
        constraints=_enum(CoordinatesSource),
    ),
    OpenColumn(
        "email",
        _("Public e-mail address"),
        "string",
        _text("email"),
        _("The organisation's address, never a person's."),
        format="email",
    ),
    OpenColumn("phone", _("Public phone number"), "string", _text("phone")),
    OpenColumn("website", _("Website"), "string", _text("website"), format="uri"),
    OpenColumn("social_links", _("Social networks"), "list", _social_links),
    OpenColumn(
        "siret",
        _("SIRET"),
        "string",
        _text("siret"),
        constraints={"pattern": r"^\d{14}$"},
    ),
    OpenColumn(
        "museofile",
        _("Muséofile reference"),
        "string",
        _text("museofile"),
        constraints={"pattern": r"^M\d{4}$"},
    ),
    OpenColumn(
        "wikidata",
        _("Wikidata identifier"),
        "string",
        _text("wikidata"),
        constraints={"pattern": r"^Q[1-9]\d*$"},
    ),
    OpenColumn(
        "rna", _("RNA number"), "string", _text("rna"), constraints={"pattern": r"^W\d{9}$"}
    ),
    OpenColumn(
        "uai",
        _("UAI number"),
        "string",
        _text("uai"),
        constraints={"pattern": r"^\d{7}[A-Z]$"},
    ),
    OpenColumn(
        "rnsr",
        _("RNSR number"),
        "string",
        _text("rnsr"),
        constraints={"pattern": r"^\d{9}[A-Z]$"},
    ),
    OpenColumn(
        "ror",
        _("ROR identifier"),
        "string",
        _text("ror"),
        constraints={"pattern": r"^0[0-9a-z]{6}\d{2}$"},
    ),
    OpenColumn(
        "osm",
        _("OpenStreetMap object"),
        "string",
        _text("osm"),
        constraints={"pattern": r"^(node|way|relation)/\d+$"},
    ),
    OpenColumn(
        "concepts",
        _("Fields and disciplines"),
        "list",
        lambda actor: _names(actor, "concepts"),
        _("Thesaurus concepts, in French."),
    ),
    OpenColumn(
        "year_founded",
        _("Year founded"),
        "year",
        _value("year_founded"),
        constraints={"minimum": 1000, "maximum": 2100},
    ),
    OpenColumn(
        "status",
        _("Status"),
        "string",
        _text("status"),
        constraints={"required": True, **_enum(ActorStatus)},
    ),
    OpenColumn(
        "closed_year",
        _("Year closed"),
        "year",
        _value("closed_year"),
        constraints={"minimum": 1000, "maximum": 2100},
    ),
    OpenColumn(
        "staff_band",
        _("Staff"),
        "string",
        _text("staff_band"),
        _("Number of employees, as a band."),
        constraints=_enum(StaffBand),
    ),
    OpenColumn(
        "visitors",
        _("Visitors"),
        "integer",
        lambda actor: getattr(actor, "latest_visitors", None),
        _("Visitors in the latest year known (see visitors_year)."),
        constraints={"minimum": 0},
    ),
    OpenColumn(
        "visitors_year",
        _("Year of the visitor count"),
        "year",
        lambda actor: getattr(actor, "latest_visitors_year", None),
    ),
    OpenColumn("description", _("Description"), "string", _description, _("Plain text.")),
    OpenColumn(
        "last_confirmed_on",
        _("Last confirmed on"),
        "date",
        _value("last_confirmed_on"),
        _("Date the record was last checked with the actor."),
    ),
    OpenColumn(
        "updated_at",
        _("Last changed"),
        "datetime",
        _value("updated_at"),
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)


# --- Reading ----------------------------------------------------------------------------------


def actors_for_export(filters: ActorFilters) -> QuerySet[Actor]:
    """The actors passing ``filters`` (``selectors.actors_filtered``, the directory's rule),
    by identifier, with their type, family, parent and territory joined and their latest
    visitor count annotated. Read them with ``actors_page`` or ``actors_iterate``, which add
    the labels and concepts."""
    latest = ActorVisitorCount.objects.filter(actor=OuterRef("pk")).order_by("-year")
    return (
        actors_filtered(filters)
        .select_related("family", "type", "parent", "commune", "department", "region")
        .annotate(
            latest_visitors=Subquery(latest.values("visitors")[:1]),
            latest_visitors_year=Subquery(latest.values("year")[:1]),
        )
        .order_by("pk")
    )


def _lists_attach(actors: list[Actor]) -> list[Actor]:
    """Give a batch of actors their label names and concept labels: two queries for the
    batch, plain lists (cheaper than prefetching model instances, which counts at 100,000)."""
    ids = [actor.pk for actor in actors]
    found: dict[str, dict[int, list[str]]] = {"labels": {}, "concepts": {}}
    label_rows = (
        Actor.labels.through.objects.filter(actor_id__in=ids)
        .order_by("label__name")
        .values_list("actor_id", "label__name")
    )
    concept_rows = (
        Actor.concepts.through.objects.filter(actor_id__in=ids)
        .order_by("concept__label_fr")
        .values_list("actor_id", "concept__label_fr")
    )
    for relation, rows in (("labels", label_rows), ("concepts", concept_rows)):
        for actor_id, name in rows:
            found[relation].setdefault(actor_id, []).append(name)
    for actor in actors:
        actor._export_labels = found["labels"].get(actor.pk, [])
        actor._export_concepts = found["concepts"].get(actor.pk, [])
    return actors


def actors_page(actors: QuerySet[Actor], *, offset: int, limit: int) -> list[Actor]:
    """One page of ``actors`` (from ``actors_for_export``), ready for ``actor_row``."""
    return _lists_attach(list(actors[offset : offset + limit]))


def actors_iterate(actors: QuerySet[Actor]) -> Iterator[Actor]:
    """Every actor of ``actors`` (from ``actors_for_export``), ready for ``actor_row``, read
    from a database iterator a chunk at a time: bounded memory for any number."""
    batch: list[Actor] = []
    for actor in actors.iterator(chunk_size=CHUNK_SIZE):
        batch.append(actor)
        if len(batch) == CHUNK_SIZE:
            yield from _lists_attach(batch)
            batch = []
    if batch:
        yield from _lists_attach(batch)


def actor_row(actor: Actor) -> dict[str, Any]:
    """The public columns of one actor as typed values (lists for list columns)."""
    return {column.name: column.value(actor) for column in COLUMNS}


# --- Schema -----------------------------------------------------------------------------------


def _translated(text: Promise | str, language: str) -> str:
    with translation.override(language):
        return str(text)


def table_schema(*, schema_url: str = "") -> dict[str, Any]:
    """The Frictionless Table Schema of the exports: one field per column, with its title in
    French (``title``, the site's language) and in English (``titles``)."""
    fields = []
    for column in COLUMNS:
        item: dict[str, Any] = {
            "name": column.name,
            "title": _translated(column.title, "fr"),
            "titles": {
                "fr": _translated(column.title, "fr"),
                "en": _translated(column.title, "en"),
            },
            "type": column.type,
            "format": column.format,
        }
        if column.description:
            item["description"] = _translated(column.description, "fr")
            item["descriptions"] = {
                "fr": _translated(column.description, "fr"),
                "en": _translated(column.description, "en"),
            }
        if column.type == "list":
            item["delimiter"] = LIST_DELIMITER
            item["itemType"] = "string"
        if column.constraints:
            item["constraints"] = column.constraints
        fields.append(item)
    schema: dict[str, Any] = {
        "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
        "name": "ocim-inventaire-acteurs",
        "title": _translated(_("Inventory of science, heritage and society actors"), "fr"),
        "titles": {
            "fr": _translated(_("Inventory of science, heritage and society actors"), "fr"),
            "en": _translated(_("Inventory of science, heritage and society actors"), "en"),
        },
        "licenses": [LICENCE],
        "fields": fields,
        "primaryKey": ["id"],
        "missingValues": [""],
        "dialect": {"delimiter": CSV_DELIMITER, "header": True},
    }
    if schema_url:
        schema["path"] = schema_url
    return schema
