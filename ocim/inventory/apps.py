from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "ocim.inventory"
    label = "inventory"
    verbose_name = _("Inventory of actors")

    def ready(self):
        # The routers join the platform API (before the URLconf is loaded): open data under
        # /api/v1/inventory/, the map under /api/v1/inventory/map/.
        # Periodic jobs of this app are registered with the scheduler.
        from . import (  # noqa: F401
            api,
            api_map,
            jobs,
        )
