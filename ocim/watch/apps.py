from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchConfig(AppConfig):
    name = "ocim.watch"
    label = "watch"
    verbose_name = _("Strategic watch")

    def ready(self):
        # Periodic jobs declared by this app (fetch scheduling, full texts, fetch log) and by
        # its pipeline (retention); the pipeline's classifier is rebuilt when rules or the
        # thesaurus change; the latest items about an actor, on its public page (the inventory
        # asks the modules).
        # Items, their sightings, links, readers' marks and search rows, stories and fetch
        # records are staff data, deleted by the thousand by retention: the page cache does not
        # listen to their deletions, so that Django deletes their rows in bulk.
        from ocim.core.page_cache import page_cache_neutral
        from ocim.inventory.related import related_provider_register

        from . import (
            jobs,  # noqa: F401
            models,
        )
        from .pipeline import jobs as pipeline_jobs  # noqa: F401
        from .pipeline.classify import connect_signals
        from .related import RELATED_KEY, actor_watch_items

        connect_signals()
        related_provider_register(RELATED_KEY, actor_watch_items)
        page_cache_neutral(
            models.Item,
            models.ItemSighting,
            models.ItemConcept,
            models.ItemRead,
            models.ItemSearchIndex,
            models.Story,
            models.FetchLog,
            models.FullTextFetch,
        )
