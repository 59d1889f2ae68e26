from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "ocim.publishing"
    label = "publishing"
    verbose_name = _("Publishing")

    def ready(self):
        # Periodic jobs of this app (the moving wall lifting, scheduled publishing) are
        # registered with the scheduler; the search index follows publication, unpublication,
        # moves and view restrictions; the editorial workflow's receivers publish an issue's
        # approved articles with it; the magazine's section joins the account page; institutional
        # subscribers' address ranges are kept current for the anonymous page cache; the API's
        # router joins the platform API (before the URLconf is loaded); the system checks are
        # registered.
        from . import account, api, checks, jobs, page_cache, search_hooks  # noqa: F401
        from .workflow import receivers  # noqa: F401
