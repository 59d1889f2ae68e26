from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchConfig(AppConfig):
    name = "ocim.watch"
    label = "watch"
    verbose_name = _("Strategic watch")

    def ready(self):
        # Periodic jobs declared by this app (fetch scheduling, full texts, fetch log) and by
        # its pipeline (retention); the pipeline's classifier is rebuilt when rules or the
        # thesaurus change.
        from . import jobs  # noqa: F401
        from .pipeline import jobs as pipeline_jobs  # noqa: F401
        from .pipeline.classify import connect_signals

        connect_signals()
