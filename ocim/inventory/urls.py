# Wiring for the map helper's own tests; the lead merges the inventory's URLs here.
from . import urls_map

app_name = "inventory"

urlpatterns = [
    *urls_map.urlpatterns,
]
