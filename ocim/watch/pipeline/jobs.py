"""Periodic jobs of the pipeline (registered with the scheduler when the app is ready)."""

from datetime import timedelta

from ocim.core.scheduler import register_periodic

from .tasks import delete_classification_orphans, purge_expired_items

register_periodic("watch.items.purge_expired", task=purge_expired_items, every=timedelta(days=1))
register_periodic(
    "watch.classification.delete_orphans",
    task=delete_classification_orphans,
    every=timedelta(days=1),
)
