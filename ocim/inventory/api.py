"""The inventory's open data: the ``/inventory/`` router of the platform API (``ocim.core.api``,
served at ``/api/v1/``), added when this module is imported by ``InventoryConfig.ready()``.

- ``actors/``: the actors as JSON, paginated (``limit``, ``offset``; ``count``, ``next``,
  ``previous``);
- ``actors.csv``, ``actors.xlsx``, ``actors.geojson``: every actor passing the filters, in one
  file (streamed, or written row by row: 100,000 actors in bounded memory); without filters,
  the file written ahead by a periodic job while it holds the data as it is now
  (``opendata_prebuilt``; ``Last-Modified`` says when);
- ``schema.json``: the Table Schema of the columns (``opendata.table_schema``).

Every format takes the directory's filters (``q``, ``family``, ``type``, ``region``,
``department``, ``label``, ``concept``, ``status``), parsed by ``ActorFilters.from_query`` and
applied by ``selectors.actors_filtered``: a value the filters do not accept gives a 400 saying
which. The columns are ``opendata.COLUMNS`` in every format: public fields only, never the
staff's contact persons. The licence (Licence Ouverte 2.0) is in every payload or header
(``Link: <…>; rel="license"``) and in the schema.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import create_model

from ocim.core.api import Error, api, whole_number_query

from . import opendata, opendata_files, opendata_prebuilt
from .filters import ActorFilters

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 10_000_000
FILE_NAME = "ocim-inventaire-acteurs"

router = Router(tags=["inventory"])


# --- Query parameters -----------------------------------------------------------------------


LimitQuery = whole_number_query(
    "limit",
    default=DEFAULT_LIMIT,
    minimum=1,
    maximum=MAX_LIMIT,
    description=f"Actors per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
)
OffsetQuery = whole_number_query(
    "offset",
    default=0,
    minimum=0,
    maximum=MAX_OFFSET,
    description="Actors to skip (default 0).",
)


class ActorFilterQuery(Schema):
    """The directory's filters. Each may be repeated or hold values separated by commas; values
    of one filter are alternatives, filters add up. Read by ``ActorFilters.from_query``."""

    q: str | None = Field(None, description="Words to find (name, other names, commune).")
    family: list[str] | None = Field(None, description="Family identifiers.")
    type: list[str] | None = Field(None, description="Type identifiers.")
    region: list[str] | None = Field(None, description="Region INSEE codes.")
    department: list[str] | None = Field(None, description="Department INSEE codes.")
    label: list[str] | None = Field(None, description="Label identifiers.")
    concept: list[str] | None = Field(None, description="Thesaurus concept identifiers.")
    status: list[str] | None = Field(None, description="open or closed.")


def _filters(request: HttpRequest) -> ActorFilters:
    """The filters of the query string; a value they do not accept is a 400 naming it."""
    filters, problems = ActorFilters.from_query(request.GET)
    if problems:
        raise HttpError(400, " ".join(problems))
    return filters


# --- Schemas (what the OpenAPI schema documents) --------------------------------------------

_PYTHON_TYPES: dict[str, Any] = {
    "string": str,
    "integer": int,
    "number": float,
    "year": int,
    "date": dt.date,
    "datetime": dt.datetime,
    "list": list[str],
}


def _actor_schema() -> type[Schema]:
    # Built from opendata.COLUMNS, so the JSON answer and its documentation follow the columns.
    definitions: dict[str, Any] = {}
    with translation.override("en"):
        for column in opendata.COLUMNS:
            python_type = _PYTHON_TYPES[column.type]
            extra = {"title": str(column.title), "description": str(column.description or "")}
            if column.type == "list":
                definitions[column.name] = (python_type, Field(default_factory=list, **extra))
            else:
                definitions[column.name] = (python_type | None, Field(None, **extra))
    return create_model("InventoryActor", __base__=Schema, **definitions)


InventoryActor = _actor_schema()


class Licence(Schema):
    name: str
    title: str
    path: str


class ActorList(Schema):
    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None
    licence: Licence
    schema_url: str
    results: list[InventoryActor]  # type: ignore[valid-type]


# --- Helpers --------------------------------------------------------------------------------


def _schema_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("api:inventory_schema"))


def _open_data_headers(request: HttpRequest, response: HttpResponse) -> None:
    response["Link"] = (
        f'<{opendata.LICENCE["path"]}>; rel="license", <{_schema_url(request)}>; rel="describedby"'
    )
    # Same answer for everyone: shared caches may keep it for a while.
    response["Cache-Control"] = "public, max-age=300"


def _written_ahead(request: HttpRequest, filters: ActorFilters, format: str, content_type: str):
    """The export of every actor from the file written ahead (``opendata_prebuilt``) when no
    filter is given and the file holds the data as it is now; else None (written here)."""
    if not filters.is_empty():
        return None
    found = opendata_prebuilt.current_file(format)
    if found is None:
        return None
    response = FileResponse(default_storage.open(found.file.name, "rb"), content_type=content_type)
    response["Last-Modified"] = http_date(found.built_at.timestamp())
    _open_data_headers(request, response)
    return _download(response, format)


def _download(response, extension: str):
    response["Content-Disposition"] = f'attachment; filename="{FILE_NAME}.{extension}"'
    return response


def _page_links(request: HttpRequest, *, total: int, limit: int, offset: int) -> dict:
    def link(new_offset: int) -> str:
        query = request.GET.copy()
        query["limit"] = str(limit)
        query["offset"] = str(new_offset)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": total,
        "limit": limit,
        "offset": offset,
        "next": link(offset + limit) if offset + limit < total else None,
        "previous": link(max(offset - limit, 0)) if offset > 0 else None,
    }


def _file_documentation(media_type: str, description: str) -> dict:
    return {
        "responses": {
            200: {
                "description": description,
                "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


# --- Operations -----------------------------------------------------------------------------


@router.get(
    "/actors/",
    response={200: ActorList, 400: Error},
    url_name="inventory_actor_list",
)
def actor_list(
    request: HttpRequest,
    response: HttpResponse,
    limit: LimitQuery,
    offset: OffsetQuery,
    filters: Query[ActorFilterQuery],
):
    """The actors passing the directory's filters, by identifier, a page at a time; public
    fields only (the columns of ``schema.json``), under the Licence Ouverte 2.0."""
    actors = opendata.actors_for_export(_filters(request))
    total = actors.count()
    page = opendata.actors_page(actors, offset=offset, limit=limit) if offset < total else []
    _open_data_headers(request, response)
    return {
        **_page_links(request, total=total, limit=limit, offset=offset),
        "licence": opendata.LICENCE,
        "schema_url": _schema_url(request),
        "results": [opendata.actor_row(actor) for actor in page],
    }


@router.get(
    "/actors.csv",
    response={400: Error},
    url_name="inventory_actor_csv",
    openapi_extra=_file_documentation(
        "text/csv", "Every actor passing the filters: UTF-8, comma-separated, one header row."
    ),
)
def actor_csv(request: HttpRequest, filters: Query[ActorFilterQuery]):
    """Every actor passing the filters as CSV (streamed), the columns of ``schema.json``; list
    values are separated by ``|``."""
    filters = _filters(request)
    content_type = "text/csv; charset=utf-8"
    written = _written_ahead(request, filters, "csv", content_type)
    if written is not None:
        return written
    actors = opendata.actors_for_export(filters)
    response = StreamingHttpResponse(opendata_files.csv_lines(actors), content_type=content_type)
    _open_data_headers(request, response)
    return _download(response, "csv")


@router.get(
    "/actors.xlsx",
    response={400: Error},
    url_name="inventory_actor_xlsx",
    openapi_extra=_file_documentation(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Every actor passing the filters: one sheet, one header row.",
    ),
)
def actor_xlsx(request: HttpRequest, filters: Query[ActorFilterQuery]):
    """Every actor passing the filters as an Excel workbook, the columns of ``schema.json``."""
    filters = _filters(request)
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    written = _written_ahead(request, filters, "xlsx", content_type)
    if written is not None:
        return written
    actors = opendata.actors_for_export(filters)
    response = FileResponse(opendata_files.xlsx_file(actors), content_type=content_type)
    _open_data_headers(request, response)
    return _download(response, "xlsx")


@router.get(
    "/actors.geojson",
    response={400: Error},
    url_name="inventory_actor_geojson",
    openapi_extra=_file_documentation(
        "application/geo+json",
        "Every actor passing the filters: a FeatureCollection, the columns as properties.",
    ),
)
def actor_geojson(request: HttpRequest, filters: Query[ActorFilterQuery]):
    """Every actor passing the filters as GeoJSON (streamed): a Point per actor (no geometry
    when it has no coordinates), the columns of ``schema.json`` as properties."""
    filters = _filters(request)
    content_type = "application/geo+json; charset=utf-8"
    written = _written_ahead(request, filters, "geojson", content_type)
    if written is not None:
        return written
    actors = opendata.actors_for_export(filters)
    extra = {"licence": opendata.LICENCE, "schema_url": _schema_url(request)}
    response = StreamingHttpResponse(
        opendata_files.geojson_chunks(actors, extra=extra), content_type=content_type
    )
    _open_data_headers(request, response)
    return _download(response, "geojson")


@router.get("/schema.json", response={200: dict[str, Any]}, url_name="inventory_schema")
def schema(request: HttpRequest, response: HttpResponse):
    """The Table Schema (Frictionless) of the exported columns, with the licence."""
    _open_data_headers(request, response)
    return opendata.table_schema(schema_url=_schema_url(request))


api.add_router("/inventory/", router)
