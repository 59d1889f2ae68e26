from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ocim.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Periodic jobs and personal-data handlers declared by this app.
        from . import jobs  # noqa: F401
        from .page_cache import connect_signals as page_cache_connect_signals
        from .shell import connect_signals

        connect_signals()
        # Here too, not only when the middleware starts: management commands change pages.
        page_cache_connect_signals()
