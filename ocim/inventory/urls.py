"""Public pages of the inventory (namespace ``inventory``): the directory, the actor pages and
the map. The API endpoints live under /api/v1/inventory/ (api.py, api_map.py)."""

from django.urls import include, path

app_name = "inventory"

urlpatterns = [
    path("", include("ocim.inventory.urls_map")),
    path("", include("ocim.inventory.urls_directory")),
]
