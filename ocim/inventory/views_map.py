"""The public map of the inventory: a Leaflet map fed by the map API (``api_map``), and the
same filtered data as tables (regions and departments with their counts, each linking to the
directory filtered by it), because a map alone is not accessible."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse

from ocim.core.selectors import region_list

from .filters import ActorFilters
from .models import ActorFamily, ActorStatus
from .selectors import actors_filtered
from .selectors_map import actor_counts_by_territory, directory_url


def _link(base: str | None, pairs: list[tuple[str, str]]) -> str | None:
    if not base:
        return None
    return f"{base}?{urlencode(pairs)}" if pairs else base


def _territory_rows(rows, pairs, base: str | None, parameter: str) -> list[dict]:
    # The other filters are kept; the territory's own filter is replaced by this territory.
    kept = [(name, value) for name, value in pairs if name != parameter]
    return [
        {
            "territory": row,
            "url": _link(base, [*kept, (parameter, row.code)]) if row.count else None,
        }
        for row in rows
    ]


def map_page(request):
    filters, problems = ActorFilters.from_query(request.GET)
    pairs = filters.as_query()
    totals = (
        actors_filtered(filters).order_by().aggregate(total=Count("*"), located=Count("map_cell"))
    )
    base = directory_url()
    regions = actor_counts_by_territory(filters, "region")
    departments = actor_counts_by_territory(filters, "department")
    # Filters the form below does not show are kept as hidden fields.
    shown = {"q", "family", "region", "status"}
    return TemplateResponse(
        request,
        "inventory/map/map.html",
        {
            "filters": filters,
            "problems": problems,
            "query": urlencode(pairs),
            "hidden_filters": [(name, value) for name, value in pairs if name not in shown],
            "total": totals["total"],
            "located": totals["located"],
            "directory_url": _link(base, pairs),
            "regions": _territory_rows(regions, pairs, base, "region"),
            "departments": _territory_rows(departments, pairs, base, "department"),
            "families": ActorFamily.objects.all(),
            "region_choices": region_list(),
            "status_choices": ActorStatus.choices,
            "features_url": reverse("api:inventory_map_features"),
            "choropleth_url": reverse("api:inventory_map_choropleth"),
        },
    )
