from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "ocim.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self):
        # Periodic jobs of this app (offer expiry) are registered with the scheduler.
        from . import jobs  # noqa: F401
