from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "ocim.publishing"
    label = "publishing"
    verbose_name = _("Publishing")

    def ready(self):
        # Periodic jobs of this app (the moving wall lifting) are registered with the scheduler.
        from . import jobs  # noqa: F401
