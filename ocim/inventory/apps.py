from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "ocim.inventory"
    label = "inventory"
    verbose_name = _("Inventory of actors")

    def ready(self):
        # The routers join the platform API (before the URLconf is loaded): open data under
        # /api/v1/inventory/, the map under /api/v1/inventory/map/.
        from . import api, api_map  # noqa: F401
