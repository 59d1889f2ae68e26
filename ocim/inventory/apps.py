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
        from django.db.models.signals import post_delete, post_save

        from ocim.core.models import Department, Region

        from . import (  # noqa: F401
            api,
            api_map,
            jobs,
        )
        from .directory import lookups_changed
        from .models import ActorFamily, ActorType, Label

        # The directory keeps these in each process (``directory._lookup_rows``).
        for model in (ActorFamily, ActorType, Label, Department, Region):
            post_save.connect(lookups_changed, sender=model, dispatch_uid=f"lookups-{model}")
            post_delete.connect(lookups_changed, sender=model, dispatch_uid=f"lookups-d-{model}")
