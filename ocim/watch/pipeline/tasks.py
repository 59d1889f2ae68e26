"""Background tasks of the pipeline (thin: each calls a service; safe to run twice)."""

from django_tasks import task

from .retention import classification_orphans_delete, items_purge_expired


@task()
def purge_expired_items() -> int:
    """Delete the items past the retention age that nobody kept; returns how many."""
    return items_purge_expired()


@task()
def delete_classification_orphans() -> int:
    """Delete the classification links left by a deletion (see ``retention``); returns how
    many."""
    return classification_orphans_delete()
