from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "ocim.inventory"
    label = "inventory"
    verbose_name = _("Inventory of actors")

    def ready(self):
        # The open-data router joins the platform API (before the URLconf is loaded).
        from . import api  # noqa: F401
