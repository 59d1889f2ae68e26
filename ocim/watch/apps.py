from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchConfig(AppConfig):
    name = "ocim.watch"
    label = "watch"
    verbose_name = _("Strategic watch")

    def ready(self):
        # Periodic jobs declared by this app (fetch scheduling, full texts, fetch log).
        from . import jobs  # noqa: F401
