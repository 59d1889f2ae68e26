"""The map's part of the platform API (``/api/v1/inventory/map/``), added to ``ocim.core.api``
when this module is imported by ``InventoryConfig.ready()``:

- ``GET /inventory/map/?bbox=west,south,east,north&zoom=Z&<directory filters>``: the actors of a
  box as GeoJSON, clustered on the server (``selectors_map.actor_map_features``);
- ``GET /inventory/map/choropleth/?level=region|department&<directory filters>``: the number of
  actors of every region or department and per 100,000 inhabitants, keyed by INSEE code;
- ``GET /inventory/map/boundaries/regions/`` (or ``departments``): the boundaries the map draws
  as its base layer, from the repository's own data (no tile server needed), cached by browsers.

The directory's filters (``q``, ``family``, ``type``, ``region``, ``department``, ``label``,
``concept``, ``status``) are read by ``ActorFilters.from_query``, as on the directory: values it
does not understand are left out and listed in ``warnings``. A bad ``bbox``, ``zoom`` or
``level`` is a 400 with a translated message (``{"error": ..., "status": 400}``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from functools import lru_cache

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from ocim.core.api import Error, api
from ocim.core.selectors import territory_boundaries_path

from .filters import ActorFilters
from .map_grid import BBox
from .selectors_map import actor_counts_by_territory, actor_map_features

MIN_ZOOM = 0
MAX_ZOOM = 20
# The answers change when an actor is edited: a minute of caching is a fair trade.
MAP_CACHE_SECONDS = 60
BOUNDARIES_CACHE_SECONDS = 7 * 24 * 3600
# Our level names in the API → the data files' names.
BOUNDARY_FILES = {"regions": "regions", "departments": "departements"}

router = Router(tags=["inventory"])

# --- Parameters -----------------------------------------------------------------------------


def _parse_bbox(value: str | None) -> BBox:
    if not value:
        raise HttpError(400, _("“bbox” is required: west,south,east,north in degrees (WGS84)."))
    parts = value.split(",")
    try:
        numbers = [float(part) for part in parts] if len(parts) == 4 else []
    except ValueError:
        numbers = []
    if len(numbers) != 4 or not all(math.isfinite(number) for number in numbers):
        raise HttpError(
            400,
            _(
                "“bbox” must be four numbers separated by commas: west,south,east,north "
                "(WGS84 degrees)."
            ),
        )
    west, south, east, north = numbers
    longitudes_valid = -180 <= west <= 180 and -180 <= east <= 180
    if not (longitudes_valid and -90 <= south <= 90 and -90 <= north <= 90):
        raise HttpError(
            400,
            _(
                "“bbox” is out of range: longitudes go from -180 to 180 and latitudes from "
                "-90 to 90."
            ),
        )
    if west >= east or south >= north:
        raise HttpError(
            400,
            _(
                "“bbox” must have its west edge before its east edge and its south edge below "
                "its north edge; a box across the antimeridian is not supported (ask for each "
                "side separately)."
            ),
        )
    return BBox(west=west, south=south, east=east, north=north)


def _parse_zoom(value: str | None) -> int:
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 3 and MIN_ZOOM <= int(text) <= MAX_ZOOM:
        return int(text)
    raise HttpError(
        400,
        _("“%(name)s” must be a whole number from %(minimum)s to %(maximum)s.")
        % {"name": "zoom", "minimum": MIN_ZOOM, "maximum": MAX_ZOOM},
    )


def _parse_level(value: str | None) -> str:
    if value in ("region", "department"):
        return value
    raise HttpError(400, _("“level” must be “region” or “department”."))


def _json(request: HttpRequest, data, *, seconds: int, content_type: str = "application/json"):
    # Compact separators: the map's answer is mostly punctuation. Compressed here, as the site
    # has no compressing middleware: no secret is ever in these answers (no BREACH to fear).
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    gzipped = len(body) > 1024 and "gzip" in request.headers.get("Accept-Encoding", "").lower()
    response = HttpResponse(
        compress_string(body) if gzipped else body, content_type=f"{content_type}; charset=utf-8"
    )
    if gzipped:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    response["Cache-Control"] = f"public, max-age={seconds}"
    return response


# --- Schemas (what the OpenAPI schema documents; the answers are written directly) --------


class FeatureCollection(Schema):
    type: str
    mode: str
    zoom: int
    level: int
    total: int
    features: list[dict]
    warnings: list[str]


class TerritoryArea(Schema):
    name: str
    count: int
    population: int
    per_100k: float | None


class Choropleth(Schema):
    level: str
    total: int
    max_count: int
    max_per_100k: float | None
    areas: dict[str, TerritoryArea]
    warnings: list[str]


# --- Operations -----------------------------------------------------------------------------


@router.get(
    "/",
    response={200: FeatureCollection, 400: Error},
    url_name="inventory_map_features",
    summary="Actors of a box, clustered",
)
def map_features(
    request: HttpRequest,
    bbox: str | None = Query(None, description="west,south,east,north in WGS84 degrees"),
    zoom: str | None = Query(None, description=f"map zoom, {MIN_ZOOM} to {MAX_ZOOM}"),
):
    """The actors with coordinates in ``bbox`` passing the filters, as a GeoJSON
    FeatureCollection of at most 1,000 features: clusters (``properties.kind == "cluster"``,
    ``properties.count``, the feature's ``bbox`` around its actors) at low zoom, actors
    (``kind == "actor"``: id, name, slug, url, family, type) when zoomed in or when few.
    ``total`` is the number of actors in the box. The directory's filters apply: q, family,
    type, region, department, label, concept, status (repeat a parameter or separate values
    with commas)."""
    box = _parse_bbox(bbox)
    level = _parse_zoom(zoom)
    filters, problems = ActorFilters.from_query(request.GET)
    data = actor_map_features(filters, box, level)
    data["warnings"] = problems
    return _json(request, data, seconds=MAP_CACHE_SECONDS, content_type="application/geo+json")


@router.get(
    "/choropleth/",
    response={200: Choropleth, 400: Error},
    url_name="inventory_map_choropleth",
    summary="Actors per region or department",
)
def map_choropleth(
    request: HttpRequest,
    level: str | None = Query(None, description="region or department"),
):
    """For every region (or department), keyed by INSEE code: its name, the number of actors
    passing the filters (placed there by their commune), its population and the actors per
    100,000 inhabitants (null when the population is unknown). The directory's filters apply,
    as on the map."""
    territory_level = _parse_level(level)
    filters, problems = ActorFilters.from_query(request.GET)
    rows = actor_counts_by_territory(filters, territory_level)
    ratios = [row.per_100k for row in rows if row.per_100k is not None]
    data = {
        "level": territory_level,
        "total": sum(row.count for row in rows),
        "max_count": max((row.count for row in rows), default=0),
        "max_per_100k": max(ratios, default=None),
        "areas": {
            row.code: {
                "name": row.name,
                "count": row.count,
                "population": row.population,
                "per_100k": row.per_100k,
            }
            for row in rows
        },
        "warnings": problems,
    }
    return _json(request, data, seconds=MAP_CACHE_SECONDS)


@lru_cache(maxsize=4)
def _boundaries(level: str, modified: float) -> tuple[bytes, bytes, str]:
    """(the file, gzipped, a digest of it); ``modified`` renews the entry when the file
    changes."""
    body = territory_boundaries_path(BOUNDARY_FILES[level]).read_bytes()
    digest = hashlib.sha256(body).hexdigest()[:32]
    return body, gzip.compress(body, compresslevel=9, mtime=0), digest


@router.get(
    "/boundaries/{level}/",
    response={200: dict, 404: Error},
    url_name="inventory_map_boundaries",
    summary="Region or department boundaries (GeoJSON)",
)
def map_boundaries(request: HttpRequest, level: str):
    """The simplified boundaries of the regions or departments (``regions`` or
    ``departments``) as GeoJSON, with properties ``code`` (INSEE) and ``name``. Sources: INSEE,
    IGN — Licence Ouverte / Etalab 2.0. Served gzipped to clients that accept it, with an
    ETag and a week of caching."""
    if level not in BOUNDARY_FILES:
        raise Http404
    path = territory_boundaries_path(BOUNDARY_FILES[level])
    body, compressed, digest = _boundaries(level, path.stat().st_mtime)
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "").lower()
    # Each encoding is its own representation, with its own ETag.
    etag = f'"{digest}-gzip"' if accepts_gzip else f'"{digest}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(
            compressed if accepts_gzip else body,
            content_type="application/geo+json; charset=utf-8",
        )
        if accepts_gzip:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={BOUNDARIES_CACHE_SECONDS}"
    response["Vary"] = "Accept-Encoding"
    return response


api.add_router("/inventory/map/", router)
