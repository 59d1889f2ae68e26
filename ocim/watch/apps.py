from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchConfig(AppConfig):
    name = "ocim.watch"
    label = "watch"
    verbose_name = _("Strategic watch")

    def ready(self):
        # Periodic jobs declared by this app (fetch scheduling, full texts, fetch log).
        # The latest items about an actor, on its public page (the inventory asks the modules).
        from ocim.inventory.related import related_provider_register

        from . import jobs  # noqa: F401
        from .related import RELATED_KEY, actor_watch_items

        related_provider_register(RELATED_KEY, actor_watch_items)
