from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchConfig(AppConfig):
    name = "ocim.watch"
    label = "watch"
    verbose_name = _("Strategic watch")

    def ready(self):
        # The pipeline's periodic jobs (retention), and its classifier rebuilt when rules or
        # the thesaurus change.
        from .pipeline import jobs  # noqa: F401
        from .pipeline.classify import connect_signals

        connect_signals()
