"""Reads of the map: the actors of a bounding box as clusters or as points, and the counts per
region or department (the choropleth and the accessible list of the map page).

Every read goes through ``selectors.actors_filtered``: the map shows what the directory lists
for the same query string.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import Count, F, Min, QuerySet, Sum
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language

from ocim.core.models import Department, Region

from .filters import ActorFilters
from .map_grid import BBox, cell_bounds, cell_shift, cluster_level
from .models import Actor
from .selectors import actors_filtered

# At most this many features in one answer, whatever the data and the box.
MAX_FEATURES = 1000
# Clusters are cells a quarter of a tile wide (about 64 pixels on screen).
CELL_OFFSET = 2
# From this zoom on, actors are shown one by one (as long as they are at most MAX_FEATURES).
DETAIL_ZOOM = 13
# At any zoom, this many actors or fewer are shown one by one.
FEW_ACTORS = 200
# Coordinates are sent with 5 decimals (about a metre): smaller answers, nothing lost on screen.
PRECISION = 5
# The actor page and the directory belong to the directory's views (names in the namespace).
ACTOR_URL_NAME = "inventory:actor"
DIRECTORY_URL_NAME = "inventory:directory"


def _url_or_none(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def directory_url() -> str | None:
    """The directory's address (None while the directory is not installed)."""
    return _url_or_none(DIRECTORY_URL_NAME)


def _located(filters: ActorFilters, bbox: BBox) -> QuerySet[Actor]:
    return (
        actors_filtered(filters)
        .filter(
            map_cell__isnull=False,
            latitude__gte=bbox.south,
            latitude__lte=bbox.north,
            longitude__gte=bbox.west,
            longitude__lte=bbox.east,
        )
        .order_by()
    )


def _round(value: float) -> float:
    return round(value, PRECISION)


def _actor_features(queryset: QuerySet[Actor]) -> list[dict]:
    english = (get_language() or "fr").startswith("en")
    name = "name_en" if english else "name_fr"
    template = _url_or_none(ACTOR_URL_NAME, slug="slug-placeholder")
    rows = queryset.values(
        "id",
        "name",
        "slug",
        "latitude",
        "longitude",
        "family__slug",
        f"family__{name}",
        "type__slug",
        f"type__{name}",
    ).order_by("name", "id")[:MAX_FEATURES]
    return [
        {
            "type": "Feature",
            "id": row["id"],
            "geometry": {
                "type": "Point",
                "coordinates": [_round(row["longitude"]), _round(row["latitude"])],
            },
            "properties": {
                "kind": "actor",
                "id": row["id"],
                "name": row["name"],
                "slug": row["slug"],
                "url": template.replace("slug-placeholder", row["slug"]) if template else None,
                "family": row["family__slug"],
                "family_name": row[f"family__{name}"],
                "type": row["type__slug"],
                "type_name": row[f"type__{name}"],
            },
        }
        for row in rows
    ]


def _cluster_feature(cell: dict, level: int) -> dict:
    count = cell["count"]
    return {
        "type": "Feature",
        # The cell's box (west, south, east, north): a click on the cluster zooms on it.
        "bbox": [_round(value) for value in cell_bounds(cell["cell"], level)],
        "geometry": {
            "type": "Point",
            "coordinates": [
                _round(cell["sum_longitude"] / count),
                _round(cell["sum_latitude"] / count),
            ],
        },
        "properties": {"kind": "cluster", "count": count},
    }


def actor_map_features(filters: ActorFilters, bbox: BBox, zoom: int) -> dict:
    """The actors with coordinates inside ``bbox`` that pass ``filters``, as a GeoJSON
    FeatureCollection of at most ``MAX_FEATURES`` features.

    Clusters (``kind: "cluster"``: ``count``, the centroid of its actors as the point, and the
    cell's box as the feature's ``bbox``, for a click to zoom on) are the cells of a
    quadtree grid (``map_grid``) at a level chosen so that the box holds at most
    ``MAX_FEATURES`` cells; they are counted by one grouped statement reading one index. A cell
    holding a single actor is given as that actor. Actors are all given one by one
    (``kind: "actor"``) from zoom ``DETAIL_ZOOM`` on, or when ``FEW_ACTORS`` or fewer, as long as
    they are at most ``MAX_FEATURES``. ``total`` is the number of actors in the box; the cluster
    counts and the points always add up to it."""
    level = cluster_level(bbox, zoom, offset=CELL_OFFSET, max_cells=MAX_FEATURES)
    located = _located(filters, bbox)
    # Sums, not averages: PostgreSQL's AVG of a float also keeps what a variance needs. The
    # cell's box comes from the grid, not from MIN/MAX: fewer aggregates on every row.
    cells = list(
        located.annotate(cell=F("map_cell").bitrightshift(cell_shift(level)))
        .values("cell")
        .annotate(
            count=Count("*"),
            sum_latitude=Sum("latitude"),
            sum_longitude=Sum("longitude"),
            first=Min("id"),
        )
        .order_by()
    )
    total = sum(cell["count"] for cell in cells)
    if total <= MAX_FEATURES and (zoom >= DETAIL_ZOOM or total <= FEW_ACTORS):
        features = _actor_features(located)
        mode = "actors"
        # Actors added between the two statements are left for the next move of the map.
        total = len(features)
    else:
        singles = [cell["first"] for cell in cells if cell["count"] == 1]
        features = _actor_features(located.filter(pk__in=singles)) if singles else []
        features += [_cluster_feature(cell, level) for cell in cells if cell["count"] > 1]
        mode = "clusters"
    return {
        "type": "FeatureCollection",
        "mode": mode,
        "zoom": zoom,
        "level": level,
        "total": total,
        "features": features,
    }


# --- Counts per territory -----------------------------------------------------------------


@dataclass(frozen=True)
class TerritoryCount:
    code: str
    name: str
    count: int
    population: int
    region_code: str = ""
    region_name: str = ""

    @property
    def per_100k(self) -> float | None:
        """Actors per 100,000 inhabitants (None when the population is unknown)."""
        if not self.population:
            return None
        return round(self.count * 100_000 / self.population, 2)


def actor_counts_by_territory(
    filters: ActorFilters, level: Literal["region", "department"]
) -> list[TerritoryCount]:
    """Every region (or department), by INSEE code, with the number of actors passing
    ``filters`` that it holds (through their commune, whether or not they have coordinates)
    and its population (for actors per 100,000 inhabitants). Two statements."""
    if level not in ("region", "department"):
        raise ValueError(f"Unknown territory level {level!r}.")
    column = f"{level}_id"
    counts = dict(
        actors_filtered(filters)
        .filter(**{f"{column}__isnull": False})
        .order_by()
        .values_list(column)
        # COUNT(*): the territory's index answers alone (COUNT(id) would read every row).
        .annotate(count=Count("*"))
    )
    if level == "region":
        return [
            TerritoryCount(region.code, region.name, counts.get(region.code, 0), region.population)
            for region in Region.objects.order_by("code")
        ]
    return [
        TerritoryCount(
            department.code,
            department.name,
            counts.get(department.code, 0),
            department.population,
            department.region_id,
            department.region.name,
        )
        for department in Department.objects.select_related("region").order_by("code")
    ]
